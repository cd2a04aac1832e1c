"""The two ways a parser says "could not": everything else it finds is data, not an exception."""
from __future__ import annotations

from parsers.model import Provenance


class ParseError(Exception):
    """The document should hold an order but none could be read.

    `reason` is one sentence a clerk understands; it becomes the order's `failure`.
    """

    def __init__(self, reason: str, where: Provenance | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = where


class UnsupportedFormat(ParseError):
    """No parser recognises the bytes at all."""
