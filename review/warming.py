"""Case pages checked before a clerk opens them.

A case page shows each open order re-checked by the one reconciliation path (its matches,
prices and anomalies as of today's catalog). For an order of hundreds of lines that check is
most of the page's time, and the desk's memo (pipeline.approval.RecheckMemo) only spares it
from the second opening on. So the served desk checks the newest open orders itself, in the
background, as they come (the daemon's bus rings when documents arrive and are decided; the
database is looked at every `event_poll_seconds` anyway), and again when the catalog, what
clerks taught or the business date changes: the first opening then finds the result in the memo.
Checks take the desk's catalog lock one order at a time, so a clerk's own request waits for at
most one of them.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from review.editing import check_ahead
from store import decisions
from store.db import session_scope

log = logging.getLogger(__name__)

WARM_ORDERS = 16      # the newest open orders kept checked (the memo holds twice as many)


class CheckWarmer:
    """Keeps the newest open orders' re-checks in the desk's memo."""

    def __init__(self, desk: Any, *, limit: int = WARM_ORDERS) -> None:
        self.desk = desk
        self.limit = limit
        self._done: set[tuple[int, object]] = set()   # (order id, catalog version and day checked with)

    def run_once(self) -> int:
        """Check the newest open orders not yet checked with the current catalog and day; how many were."""
        with session_scope(self.desk.engine) as session:
            wanted = decisions.newest_open_orders(session, self.limit)
        version = self._version()
        checked = 0
        for document_id, order_id in wanted:
            if (order_id, version) in self._done:
                continue
            try:
                if not check_ahead(self.desk, document_id, order_id):
                    return checked   # no catalog yet: nothing can be checked
            except Exception:   # its case page will say what is wrong; the others are checked on
                log.exception("the review desk could not check order=%s doc=%s ahead", order_id, document_id)
            self._done.add((order_id, version))
            checked += 1
        self._done = {(o, v) for o, v in self._done if o in {order for _, order in wanted}}
        return checked

    def run_forever(self, stop: threading.Event) -> None:
        """Check what comes until `stop` is set; a failed round is logged and the next one tried."""
        seconds = self.desk.settings.review.event_poll_seconds
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("the review desk could not check the newest cases ahead")
            self.desk.wait_for_news(seconds)

    def _version(self) -> object:
        """What a memo entry's validity depends on besides the order: catalog, lessons, date."""
        def version(service: Any) -> object:
            service.refresh_catalog()   # the one a check would use now
            return service.fingerprint, service.learned_version, service.today()
        return self.desk.reprocess.using(version)
