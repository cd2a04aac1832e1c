"""The queue page: everything that needs a person, newest first, with filters and counts.

The items come from `store.queue.queue_items`, the same query as `orderdesk queue`; this
module only filters them (a pure function over the items) and renders them.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

from fastapi import Request
from fastapi.responses import Response

from review.events import signature
from review.web import PageRoute, desk_of, render
from store.db import session_scope, utcnow
from store.queue import STATES, QueueItem, queue_items

AGES = {"1h": timedelta(hours=1), "1d": timedelta(days=1), "7d": timedelta(days=7)}
MAX_ROWS = 300       # a page of the newest; the filters narrow it down, the counts stay whole


def routes() -> list[PageRoute]:
    return [PageRoute("/", queue_page)]


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the clerk asked to see; empty means any."""

    state: str = ""
    source: str = ""
    customer: str = ""
    code: str = ""
    age: str = ""              # a key of AGES: only items waiting longer than that

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilter:
        """Read the filter from the page's query string, ignoring values it does not know."""
        state = query.get("state", "")
        age = query.get("age", "")
        return cls(state=state if state in STATES else "", source=query.get("source", "").strip(),
                   customer=query.get("customer", "").strip(), code=query.get("code", "").strip().upper(),
                   age=age if age in AGES else "")

    def keeps(self, item: QueueItem, now: datetime) -> bool:
        """Whether `item` passes every filter but the state (the counts are taken before it)."""
        if self.source and item.source != self.source:
            return False
        if self.customer and self.customer.casefold() not in (item.customer or "").casefold():
            return False
        if self.code and self.code not in item.codes:
            return False
        return not self.age or now - item.since >= AGES[self.age]


@dataclass(frozen=True, slots=True)
class QueueView:
    """The rows shown (newest first), the counts per state, and the choices of the filters."""

    rows: list[QueueItem]
    matching: int                # rows that passed the filters (at most MAX_ROWS are shown)
    counts: dict[str, int]
    total: int
    sources: list[str]
    codes: list[str]


def queue_view(items: list[QueueItem], wanted: QueueFilter, now: datetime) -> QueueView:
    """Filter and order the queue for the page; counts follow every filter but the state."""
    kept = [i for i in items if wanted.keeps(i, now)]
    counts = Counter(i.state for i in kept)
    rows = sorted((i for i in kept if not wanted.state or i.state == wanted.state),
                  key=lambda i: i.since, reverse=True)
    return QueueView(rows=rows[:MAX_ROWS], matching=len(rows), counts={s: counts.get(s, 0) for s in STATES}, total=len(kept),
                     sources=sorted({i.source for i in items if i.source}),
                     codes=sorted({c for i in items for c in i.codes}))


def queue_page(request: Request) -> Response:
    wanted = QueueFilter.from_query(request.query_params)
    with session_scope(desk_of(request).engine) as session:
        items = queue_items(session)
    view = queue_view(items, wanted, utcnow())
    return render(request, "queue.html", {"view": view, "wanted": wanted, "states": STATES,
                                          "ages": list(AGES), "signature": signature(items)})
