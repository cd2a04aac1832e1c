"""Errors at the connector edge, grouped by what the caller does about them.

`TransientError` is retried with backoff (tenacity `retry_if_exception_type`),
`PermanentError` makes an outbox row dead and alerts a clerk, `CatalogError` and
`ConfigError` stop the CLI with one line on standard error. Library exceptions are mapped to
these at the edge.
"""
from __future__ import annotations


class TransientError(Exception):
    """A failure worth retrying later: a timeout, a refused connection, a 4xx SMTP reply."""


class PermanentError(Exception):
    """A failure a retry will not fix: a rejected recipient, an authentication error."""


class ConfigError(Exception):
    """The configuration cannot be used; one line says which key and why."""


class CatalogError(ValueError):
    """A catalog bundle that cannot be read; the message names the file, row and column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.row = row
        self.column = column
