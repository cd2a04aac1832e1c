"""The review desk's process: uvicorn serving `review.app.factory`, started and restarted by
the supervisor of `orderdesk run` like a worker.

SIGTERM stops it gracefully (open event streams get a short grace); Ctrl-C is left to the
supervisor, which then sends SIGTERM; and it stops by itself when the supervisor is gone
(killed), so a dead daemon never leaves the port taken.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from sqlalchemy.engine import Engine

from review.web import DeskSettings

log = logging.getLogger(__name__)

GRACE_SECONDS = 2


class DeskServer(uvicorn.Server):
    """uvicorn, with the supervisor's signal rules and an eye on its parent."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._parent = os.getppid()

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, lambda *_: setattr(self, "should_exit", True))
        yield

    def run(self, sockets: Any = None) -> None:
        try:
            super().run(sockets)
        finally:
            desk = self.config.app.state.desk
            desk.pages.close()  # the page render workers
            reprocess = getattr(desk, "reprocess", None)
            if reprocess is not None:
                reprocess.close()  # the parse sandbox's process, when a document was read again

    async def on_tick(self, counter: int) -> bool:
        if os.getppid() != self._parent:
            log.warning("the supervisor is gone; the review desk stops")
            return True
        return await super().on_tick(counter)


def server_for(settings: DeskSettings, engine: Engine, *, port: int | None = None,
               wait_for_news: Callable[[float], bool] | None = None) -> DeskServer:
    """A server of the desk on the configured address (or on `port`)."""
    from review.app import factory

    review = settings.review
    app = factory(settings, engine, wait_for_news=wait_for_news, warm_pages=True)
    config = uvicorn.Config(app, host=review.host,
                            port=review.port if port is None else port, log_config=None,
                            access_log=False, proxy_headers=False, server_header=False,
                            lifespan="off", timeout_graceful_shutdown=GRACE_SECONDS)
    return DeskServer(config)

