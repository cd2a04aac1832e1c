"""Who sent the order: the envelope (e-mail sender, EDI id) first, then everything the document
says about its buyer, weighed together.

The sender's address or EDI id decides when it points at exactly one customer; an address a
clerk taught (a learned alias, `CatalogSnapshot.sender_aliases`) is asked before the master's
FEmail. Otherwise every
hint the reader gathered (letterhead, stamp, labelled buyer field, printed e-mail and domain,
address, phone, `Party.candidates`) is matched against FName, FShortName, FEmail and FAddress;
one clear best is the customer, a tie is "unknown" with the customers it could be, never a guess.
A company name a clerk taught as a customer's alias counts above the master's own names.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from parsers.model import CandidateKind, CustomerCandidate, Party
from reconcile.catalog import Customer
from reconcile.snapshot import CatalogSnapshot, code_key, sender_key
from reconcile.textnorm import name_key

NAME_FUZZ_THRESHOLD = 92.0
_MIN_CONTAINED = 4      # a name fragment shorter than this proves nothing ("食品")
_MIN_MISREAD = 6        # a name this long with one character misread is the name
_MIN_ADDRESS = 8        # an address fragment shorter than this proves nothing ("南山区")
_ENOUGH = 50            # below this a hint alone identifies no one
_CLEAR = 10             # how far the best must lead the next to be "one clear best"
_NAME_KINDS = (CandidateKind.LETTERHEAD, CandidateKind.BUYER_FIELD, CandidateKind.STAMP)
_KIND_WORDS = {CandidateKind.LETTERHEAD: "letterhead", CandidateKind.BUYER_FIELD: "buyer field",
               CandidateKind.STAMP: "stamp", CandidateKind.EMAIL: "e-mail", CandidateKind.DOMAIN: "web site",
               CandidateKind.ADDRESS: "address", CandidateKind.PHONE: "phone", CandidateKind.SENDER: "sender",
               CandidateKind.REPLY_TO: "reply-to", CandidateKind.EDI_ID: "EDI id"}


@dataclass(frozen=True, slots=True)
class CustomerMatch:
    """The customer found, or None with a sentence saying why no one could be chosen."""

    customer: Customer | None
    doubt: str | None = None
    doubt_detail: tuple[tuple[str, str], ...] = ()   # the values the sentence names (`say` which sentence)


def match_customer(buyer: Party, catalog: CatalogSnapshot) -> Customer | None:
    """The customer master record for the order's buyer, or None when nothing identifies one."""
    return identify_customer(buyer, catalog).customer


def identify_customer(buyer: Party, catalog: CatalogSnapshot) -> CustomerMatch:
    """The customer by envelope, else by the document's hints; unknown with a reason otherwise."""
    envelope = _by_envelope(buyer, catalog)
    if envelope:
        return CustomerMatch(catalog.customer(envelope))
    scores = _document_scores(buyer, catalog)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1][0])
    if ranked and ranked[0][1][0] >= _ENOUGH and (len(ranked) == 1 or ranked[0][1][0] - ranked[1][1][0] >= _CLEAR):
        return CustomerMatch(catalog.customer(ranked[0][0]))
    return CustomerMatch(None, *_unknown_sentence(buyer, ranked, catalog))


def _unique(numbers: tuple[str, ...] | list[str] | set[str]) -> str | None:
    distinct = set(numbers)
    return next(iter(distinct)) if len(distinct) == 1 else None


def _by_envelope(buyer: Party, catalog: CatalogSnapshot) -> str | None:
    senders = [buyer.email] + [c.text for c in buyer.candidates if c.kind is CandidateKind.SENDER]
    edi_ids = [buyer.edi_id] + [c.text for c in buyer.candidates if c.kind is CandidateKind.EDI_ID]
    for address in senders:
        if (found := _by_alias(address, catalog)) or (found := _by_email(address, catalog)):
            return found
    for edi_id in edi_ids:
        if (found := _by_edi(edi_id, catalog)):
            return found
    return None


def _by_alias(address: str | None, catalog: CatalogSnapshot) -> str | None:
    """The customer a clerk taught this sender address, or its domain, to be."""
    return _unique(_alias_hits(address, catalog))


def _alias_hits(address: str | None, catalog: CatalogSnapshot) -> tuple[str, ...]:
    addr = sender_key(address)
    if "@" not in addr:
        return ()
    domain = addr.rsplit("@", 1)[1].removeprefix("www.")
    return catalog.sender_aliases.get(addr, ()) or catalog.sender_aliases.get("@" + domain, ())


def _by_email(address: str | None, catalog: CatalogSnapshot) -> str | None:
    exact, domain = _email_hits(address, catalog)
    return _unique(exact) if exact else _unique(domain)


def _email_hits(address: str | None, catalog: CatalogSnapshot) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Customers whose FEmail lists this address, and those whose @domain pattern covers it."""
    if not address or "@" not in address:
        return (), ()
    addr = address.strip().strip("<>").lower()
    return catalog.email_exact.get(addr, ()), _domain_hits(addr.rsplit("@", 1)[1], catalog)


def _domain_hits(domain: str, catalog: CatalogSnapshot) -> tuple[str, ...]:
    """Customers whose @domain pattern is this domain or a parent of it (mail.example.com)."""
    domain = domain.lower().removeprefix("www.")
    hits = catalog.email_domain.get(domain, ())
    return hits or tuple(n for d, nums in catalog.email_domain.items() if domain.endswith("." + d) for n in nums)


def _by_edi(edi_id: str | None, catalog: CatalogSnapshot) -> str | None:
    key = code_key(edi_id)
    return _unique(catalog.edi_ids.get(key, ())) if key else None


# --- the document's hints, weighed -------------------------------------------------------------

Scores = dict[str, tuple[int, list[str]]]


def _document_scores(buyer: Party, catalog: CatalogSnapshot) -> Scores:
    """Customer number -> (score, what pointed at it): the best single hint, plus a little for
    every other kind of hint that agrees."""
    hits: dict[str, dict[CandidateKind, tuple[int, str]]] = {}
    for candidate in _hints(buyer):
        for number, points in _hint_hits(candidate, catalog).items():
            kinds = hits.setdefault(number, {})
            if points > kinds.get(candidate.kind, (0, ""))[0]:
                kinds[candidate.kind] = (points, f"{_KIND_WORDS[candidate.kind]} \"{candidate.text}\"")
    scores: Scores = {}
    for number, kinds in hits.items():
        ranked = sorted(kinds.values(), reverse=True)
        scores[number] = (ranked[0][0] + 5 * (len(ranked) - 1), [why for _, why in ranked])
    return scores


def _hints(buyer: Party) -> list[CustomerCandidate]:
    named = [CustomerCandidate(CandidateKind.BUYER_FIELD, buyer.name)] if buyer.name else []
    return named + [c for c in buyer.candidates if c.kind not in (CandidateKind.SENDER, CandidateKind.EDI_ID)]


def _hint_hits(candidate: CustomerCandidate, catalog: CatalogSnapshot) -> dict[str, int]:
    if candidate.kind in _NAME_KINDS:
        return _name_hits(candidate.text, catalog)
    if candidate.kind in (CandidateKind.EMAIL, CandidateKind.REPLY_TO):
        exact, domain = _email_hits(candidate.text, catalog)
        taught = _alias_hits(candidate.text, catalog)
        return {**{n: 75 for n in domain}, **{n: 90 for n in exact + taught}}
    if candidate.kind is CandidateKind.DOMAIN:
        return {n: 75 for n in _domain_hits(candidate.text, catalog)}
    if candidate.kind is CandidateKind.ADDRESS:
        return _address_hits(candidate.text, catalog)
    if candidate.kind is CandidateKind.PHONE:
        return _phone_hits(candidate.text, catalog)
    return {}


def _name_hits(text: str, catalog: CatalogSnapshot) -> dict[str, int]:
    """90 for a name equal to FName or FShortName, 80 for one inside the other, 70 for a near
    spelling; a learned alias 95 when equal, 85 when one holds the other."""
    printed = name_key(text)
    if not printed:
        return {}
    found: dict[str, int] = {}
    for key, number in catalog.name_aliases:
        if key == printed:
            found[number] = 95
        elif min(len(key), len(printed)) >= _MIN_CONTAINED and (key in printed or printed in key):
            found[number] = max(found.get(number, 0), 85)
    for key, number in catalog.name_keys:
        if key == printed:
            points = 90
        elif min(len(key), len(printed)) >= _MIN_CONTAINED and (key in printed or printed in key):
            points = 80
        elif fuzz.ratio(printed, key) >= NAME_FUZZ_THRESHOLD or _one_misread(printed, key):
            points = 70
        else:
            continue
        found[number] = max(found.get(number, 0), points)
    return found


def _one_misread(printed: str, key: str) -> bool:
    """A name of `_MIN_MISREAD` characters or more printed with one character misread, lost or added
    (a faxed 寶華實業有限公司 read 寶華寶業有限公司: eight characters, 87.5% alike, one misread)."""
    return min(len(printed), len(key)) >= _MIN_MISREAD and Levenshtein.distance(printed, key, score_cutoff=1) <= 1


def _address_hits(text: str, catalog: CatalogSnapshot) -> dict[str, int]:
    """60 for a printed address equal to or inside FAddress (or the other way), 40 for a near one."""
    printed = name_key(text)
    if len(printed) < _MIN_ADDRESS:
        return {}
    found: dict[str, int] = {}
    for customer in catalog.customers:
        master = name_key(customer.address or "")
        if len(master) < _MIN_ADDRESS:
            continue
        if printed == master or printed in master or master in printed:
            found[customer.number] = 60
        elif fuzz.ratio(printed, master) >= 90:
            found[customer.number] = 40
    return found


def _phone_hits(text: str, catalog: CatalogSnapshot) -> dict[str, int]:
    """A phone number printed in a customer's master address (the only place the bundle has one)."""
    digits = re.sub(r"\D", "", text)[-8:]
    if len(digits) < 7:
        return {}
    return {c.number: 50 for c in catalog.customers if digits in re.sub(r"\D", "", c.address or "")}


def _unknown_sentence(buyer: Party, ranked: list[tuple[str, tuple[int, list[str]]]],
                      catalog: CatalogSnapshot) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Why no customer was chosen: the tied customers and what pointed at each, or the hints
    read; with the values it names (`tied` and `hints` as JSON lists) for the desk's sentence."""
    top = ranked[0][1][0] if ranked else 0
    tied = [(n, why) for n, (score, why) in ranked if top >= _ENOUGH and score > top - _CLEAR]
    if len(tied) > 1:
        named = "; ".join(f"{n} {catalog.customer(n).name} ({', '.join(why)})" for n, why in tied[:4])
        listed = [[n, catalog.customer(n).name] for n, _ in tied[:4]]
        return (f"The document points to more than one customer equally: {named}.",
                (("say", "tied"), ("tied", json.dumps(listed, ensure_ascii=False))))
    pairs = [(_KIND_WORDS[c.kind], c.text) for c in _hints(buyer)][:5]
    who = buyer.email or buyer.edi_id
    if who:
        pairs.insert(0, ("sender", who))
    if not pairs:
        return "Nothing on the document or its envelope names the buyer.", (("say", "nothing"),)
    hints = ", ".join(f"{kind} \"{text}\"" for kind, text in pairs)
    return (f"No customer in the master matches the buyer: {hints}.",
            (("say", "hints"), ("hints", json.dumps(pairs, ensure_ascii=False))))
