"""The queue page: everything that needs a person, newest first, with filters and counts."""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from review.web import PageRoute, render


def routes() -> list[PageRoute]:
    return [PageRoute("/", queue_page)]


def queue_page(request: Request) -> Response:
    return render(request, "queue.html", {"items": [], "counts": {}})
