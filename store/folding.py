"""Text folded for searching: what the queue's customer filter compares.

SQLite's lower() folds ASCII only and PostgreSQL's follows the database's locale, so the
desk folds in Python (NFKC, then Unicode case folding) into a stored column and folds the
query the same way: 'MÜLLER' finds 'Müller', 'ＡＢＣ' finds 'abc', and 杭州 finds 杭州.
"""
from __future__ import annotations

import unicodedata


def folded(*parts: str | None) -> str | None:
    """The parts that have text, joined by a space, NFKC-normalised and case-folded; None when none has."""
    text = " ".join(p.strip() for p in parts if p and p.strip())
    return unicodedata.normalize("NFKC", text).casefold() or None
