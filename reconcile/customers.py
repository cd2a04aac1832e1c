"""Who sent the order: e-mail sender, then EDI sender id, then the printed company name.

A name is only trusted when it points at exactly one customer; two equally good candidates
mean "unknown", never a guess.
"""
from __future__ import annotations

from rapidfuzz import fuzz

from parsers.model import Party
from reconcile.catalog import Customer
from reconcile.snapshot import CatalogSnapshot, code_key
from reconcile.textnorm import name_key

NAME_FUZZ_THRESHOLD = 92.0
_MIN_CONTAINED = 4      # a name fragment shorter than this proves nothing ("食品")


def match_customer(buyer: Party, catalog: CatalogSnapshot) -> Customer | None:
    """The customer master record for the order's buyer, or None when nothing identifies one."""
    number = (_by_email(buyer.email, catalog) or _by_edi(buyer.edi_id, catalog)
              or _by_name(buyer.name, catalog))
    return catalog.customer(number)


def _unique(numbers: tuple[str, ...] | list[str] | set[str]) -> str | None:
    distinct = set(numbers)
    return next(iter(distinct)) if len(distinct) == 1 else None


def _by_email(address: str | None, catalog: CatalogSnapshot) -> str | None:
    if not address or "@" not in address:
        return None
    addr = address.strip().strip("<>").lower()
    exact = catalog.email_exact.get(addr, ())
    if exact:
        return _unique(exact)
    domain = addr.rsplit("@", 1)[1]
    hits = list(catalog.email_domain.get(domain, ()))
    if not hits:   # a sub-domain of a customer's domain (mail.example.com under @example.com)
        hits = [n for d, nums in catalog.email_domain.items() if domain.endswith("." + d) for n in nums]
    return _unique(hits)


def _by_edi(edi_id: str | None, catalog: CatalogSnapshot) -> str | None:
    key = code_key(edi_id)
    return _unique(catalog.edi_ids.get(key, ())) if key else None


def _by_name(name: str | None, catalog: CatalogSnapshot) -> str | None:
    printed = name_key(name or "")
    if not printed:
        return None
    exact = {number for key, number in catalog.name_keys if key == printed}
    if exact:
        return _unique(exact)
    contained = {number for key, number in catalog.name_keys
                 if min(len(key), len(printed)) >= _MIN_CONTAINED and (key in printed or printed in key)}
    if contained:
        return _unique(contained)
    return _by_fuzzy_name(printed, catalog)


def _by_fuzzy_name(printed: str, catalog: CatalogSnapshot) -> str | None:
    best: dict[str, float] = {}
    for key, number in catalog.name_keys:
        score = fuzz.ratio(printed, key)
        best[number] = max(best.get(number, 0.0), score)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < NAME_FUZZ_THRESHOLD:
        return None
    if len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - 1.0:
        return None
    return ranked[0][0]
