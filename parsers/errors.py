"""The two ways a parser says "could not": everything else it finds is data, not an exception."""
from __future__ import annotations

from parsers.model import ParsedOrder, Provenance


class ParseError(Exception):
    """The document should hold an order but none could be read.

    `reason` is one sentence a clerk understands; it becomes the order's `failure`. `header` is
    the order's header as far as it was read (no lines), handed on with the failure.
    """

    def __init__(self, reason: str, where: Provenance | None = None, *, header: ParsedOrder | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = where
        self.header = header


class UnsupportedFormat(ParseError):
    """No parser recognises the bytes at all."""
