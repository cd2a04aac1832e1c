"""The queue page: everything that needs a person, newest first, with filters and counts.

The items come from `store.queue.queue_page`, the same queue as `orderdesk queue`, filtered,
counted and cut to a page in the database (10,000 cases stay quick); this module reads the
filter from the query string and renders the page. What shadow mode held back (`store.queue.HELD`)
is listed under a filter of its own, counted apart from the queue's total.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

from fastapi import Request
from fastapi.responses import Response

from review.events import signature
from review.web import PageRoute, desk_of, render
from store.db import session_scope, utcnow
from store.queue import HELD, STATES, QueueItem, QueueQuery, queue_choices, queue_counts, queue_page

AGES = {"1h": timedelta(hours=1), "1d": timedelta(days=1), "7d": timedelta(days=7)}
PAGE_ROWS = 100      # rows a page shows, newest first; the counts are always the whole queue's


def routes() -> list[PageRoute]:
    return [PageRoute("/", queue_page_view)]


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the clerk asked to see; empty means any."""

    state: str = ""
    source: str = ""
    customer: str = ""
    code: str = ""
    age: str = ""              # a key of AGES: only items waiting longer than that
    page: int = 1              # which page of PAGE_ROWS rows, newest first

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilter:
        """Read the filter from the page's query string, ignoring values it does not know."""
        state = query.get("state", "")
        age = query.get("age", "")
        page = query.get("page", "")
        return cls(state=state if state in (*STATES, HELD) else "", source=query.get("source", "").strip(),
                   customer=query.get("customer", "").strip(), code=query.get("code", "").strip().upper(),
                   age=age if age in AGES else "", page=int(page) if page.isdigit() and int(page) > 0 else 1)

    def link(self, **changed: object) -> dict[str, object]:
        """The query string of this filter with some values changed (the pager's and the counts' links)."""
        values = {"state": self.state, "source": self.source, "customer": self.customer, "code": self.code,
                  "age": self.age, "page": self.page, **changed}
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)}

    def narrows(self) -> bool:
        """Whether anything but the state is filtered (the counts then differ from the whole queue's)."""
        return bool(self.source or self.customer or self.code or self.age)

    def query(self, now: datetime) -> QueueQuery:
        """The filter as the store takes it (an age becomes the latest arrival time it keeps)."""
        return QueueQuery(state=self.state, source=self.source, customer=self.customer, code=self.code,
                          waiting_since=now - AGES[self.age] if self.age else None)


@dataclass(frozen=True, slots=True)
class QueueView:
    """The rows shown (newest first), the counts per state, and the choices of the filters."""

    rows: list[QueueItem]
    matching: int                # rows that passed the filters (PAGE_ROWS of them are shown)
    counts: dict[str, int]
    total: int
    sources: list[str]
    codes: list[str]
    signature: str = ""          # the whole queue's counts, for the live updates (review.events)
    page: int = 1
    pages: int = 1
    held: int = 0                # rows held in shadow mode passing the filters: a filter of their own, in no count


def queue_view(session, wanted: QueueFilter, now: datetime) -> QueueView:
    """The page's rows (newest first), counts following every filter but the state, and choices."""
    page = queue_page(session, wanted.query(now), limit=PAGE_ROWS, offset=(wanted.page - 1) * PAGE_ROWS)
    sources, codes = queue_choices(session)
    counts = {state: n for state, (n, _, _) in page.counts.items()}
    # The live updates compare the whole queue's counts: the filtered ones serve when nothing is filtered.
    whole = queue_counts(session) if wanted.narrows() else page.counts
    return QueueView(rows=page.rows, matching=page.matching, counts=counts, total=sum(counts.values()),
                     sources=sources, codes=codes, signature=signature(whole), page=wanted.page,
                     pages=max(1, -(-page.matching // PAGE_ROWS)), held=page.held)


def queue_page_view(request: Request) -> Response:
    wanted = QueueFilter.from_query(request.query_params)
    with session_scope(desk_of(request).engine) as session:
        view = queue_view(session, wanted, utcnow())
    return render(request, "queue.html", {"view": view, "wanted": wanted, "states": STATES, "held": HELD,
                                          "ages": list(AGES), "signature": view.signature})
