"""Live updates of the queue page by server-sent events.

The database stays the truth: the stream looks at the queue's counts whenever the daemon's
bus rings (a document arrived, mail was planned) and at least every `event_poll_seconds`,
and sends an event only when they changed. The page's script (static/desk.js) then fetches
the queue again and swaps the table in place.
"""
from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from review.web import PageRoute, desk_of
from store.db import session_scope
from store.queue import Counts, queue_counts

KEEPALIVE_EVERY = 3       # polls without news, then a comment line keeps proxies from closing us
RETRY_MS = 3000


def routes() -> list[PageRoute]:
    return [PageRoute("/events/queue", queue_events)]


def signature(counts: Counts) -> str:
    """The queue's count and newest arrival per state (`store.queue.queue_counts`), as the
    event's data (and the page's)."""
    found = {state: [n, newest.isoformat() if newest else None] for state, (n, _, newest) in counts.items()}
    return json.dumps(found, sort_keys=True)


def queue_signature(engine) -> str:
    with session_scope(engine) as session:
        return signature(queue_counts(session))


async def queue_events(request: Request) -> StreamingResponse:
    desk = desk_of(request)
    return StreamingResponse(_stream(request, desk.engine, desk.wait_for_news,
                                     desk.settings.review.event_poll_seconds),
                             media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


async def _stream(request: Request, engine, wait: Callable[[float], bool], seconds: float) -> AsyncIterator[str]:
    last = await run_in_threadpool(queue_signature, engine)
    yield f"retry: {RETRY_MS}\nevent: queue\ndata: {last}\n\n"
    quiet = 0
    while not await request.is_disconnected():
        await run_in_threadpool(wait, seconds)
        now = await run_in_threadpool(queue_signature, engine)
        if now != last:
            last, quiet = now, 0
            yield f"event: queue\ndata: {now}\n\n"
        else:
            quiet += 1
            if quiet % KEEPALIVE_EVERY == 0:
                yield ": still here\n\n"
