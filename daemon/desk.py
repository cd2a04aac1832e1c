"""The review desk's process entry point, as the supervisor starts it (see review.server)."""
from __future__ import annotations

import logging
import threading

from daemon.bus import Doorbell
from daemon.config import Settings
from daemon.logs import setup_logging
from review.app import keep_checking_ahead, warm_up
from review.server import server_for
from store.db import make_engine

log = logging.getLogger(__name__)


def _warm(app, stop: threading.Event) -> None:
    warm_up(app)
    keep_checking_ahead(app, stop)


def review_main(settings: Settings, log_level: str = "INFO") -> None:
    """Serve the desk until SIGTERM (or until the supervisor is gone)."""
    setup_logging(log_level)
    engine = make_engine(settings.database_url)
    doorbell = Doorbell(settings)
    try:
        # Arrivals ring "document"; a decided document rings "outbox" (staff mail, confirmations).
        server = server_for(settings, engine, wait_for_news=lambda s: doorbell.wait(["document", "outbox"], s))
        log.info("review desk on http://%s:%s/", settings.review.host, settings.review.port)
        stop = threading.Event()
        threading.Thread(target=_warm, args=(server.config.app, stop), name="desk-warm-up", daemon=True).start()
        try:
            server.run()
        finally:
            stop.set()
        if not server.started:
            raise SystemExit(1)  # could not listen: the supervisor tries again after a pause
    finally:
        doorbell.close()
        engine.dispose()
