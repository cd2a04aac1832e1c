"""Hints of who the customer is, gathered from a document's text: letterhead and title company
names, stamps (…采购专用章), labelled buyer / bill-to / 客户 company fields, printed addresses,
phone numbers, e-mail addresses and web domains.

The reader does not decide; it hands every hint to reconciliation (`Party.candidates`), which
matches them all against the customer master, so a letterhead, a stamp and an e-mail domain
that agree outweigh a person's name in a "Buyer:" field.
"""
from __future__ import annotations

import re

from parsers.model import CandidateKind, CustomerCandidate, Provenance
from parsers.vocab import labels as F
from parsers.vocab.numbers import nfkc

_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# A dot OCR read as a colon before a country's two letters ("www.acme.example:co.uk") is a dot.
_WEB = re.compile(r"(?i)\b(?:https?://)?(?:www\.)([\w\-]+(?:\.[\w\-]+|:[a-z]{2,3}(?=\.[a-z]{2}\b|\b))+)")
_PHONE = re.compile(r"(?i)(?:电话|電話|手机|传真|傳真|tel|phone|fax|telefon|telefono|tél|tel\.|mobile|handy)\s*[.:：]?\s*"
                    r"(\+?[\d][\d\s\-()/]{6,22}\d)")
_STAMP = re.compile(r"(.{2,40}?)(?:采购|業務|业务|合同|财务|財務|订单|訂單)?(?:专用章|專用章|公章|印章)")
_ADDRESS_LABEL = re.compile(r"(?i)^(地址|公司地址|address|adresse|anschrift|direccion|dirección)$")
_TOP_LINES = 12


def _cells(line: str | list[str | None]) -> list[str]:
    if isinstance(line, str):
        return [c.strip() for c in re.split(r"\t|\s{2,}", nfkc(line)) if c.strip()]
    return [nfkc(c) for c in line if c and nfkc(c)]


def gather(lines: list[str | list[str | None]], where: list[Provenance | None], *,
           head: int | None = None) -> list[CustomerCandidate]:
    """Every customer hint in these lines (rows of cells or text lines); `head` is where the
    order table starts: company names above it are letterhead, below it only stamps count."""
    top = _TOP_LINES if head is None else max(head, 1)
    out: list[CustomerCandidate] = []
    for n, line in enumerate(lines):
        place = where[n] if n < len(where) else None
        cells = _cells(line)
        for i, cell in enumerate(cells):
            previous = cells[i - 1] if i else ""
            out += _from_cell(cell, previous, place, letterhead=n < top)
    return _distinct(out)


_LETTER = re.compile(r"[^\W\d_]")


def _from_cell(cell: str, previous: str, place: Provenance | None, *, letterhead: bool) -> list[CustomerCandidate]:
    if not _LETTER.search(cell):
        return []  # a quantity, price or date: every hint below needs a letter (a label, a name, a domain)
    found: list[CustomerCandidate] = []
    add = lambda kind, text: found.append(CustomerCandidate(kind, text.strip(), place))  # noqa: E731
    for m in _EMAIL.finditer(cell):
        add(CandidateKind.EMAIL, m.group(0).lower())
    for m in _WEB.finditer(cell):
        add(CandidateKind.DOMAIN, m.group(1).lower().replace(":", "."))
    for m in _PHONE.finditer(cell):
        add(CandidateKind.PHONE, re.sub(r"[^\d+]", "", m.group(1)))
    stamp = _STAMP.search(cell)
    if stamp:
        for name in F.company_names(stamp.group(1)) or [stamp.group(1)]:
            add(CandidateKind.STAMP, name)
    label, sep, value = cell.replace("：", ":").partition(":")
    if F.names_other_party(label if sep else previous):
        return found
    labelled = F.split_label(cell)
    if labelled and labelled[0] == F.CUSTOMER and labelled[2]:
        for name in F.company_names(labelled[2]) or ([labelled[2]] if F.looks_like_company(labelled[2]) else []):
            add(CandidateKind.BUYER_FIELD, name)
        return found
    if labelled and labelled[0] == F.SHIP_TO and labelled[2]:
        add(CandidateKind.ADDRESS, labelled[2])
        return found
    if sep and _ADDRESS_LABEL.match(F.label_key(label)) and value.strip():
        add(CandidateKind.ADDRESS, value)
        return found
    if letterhead and not stamp and not (sep and F.split_label(cell)):
        for name in F.company_names(cell):
            add(CandidateKind.LETTERHEAD, name)
    return found


def _distinct(found: list[CustomerCandidate]) -> list[CustomerCandidate]:
    seen: set[tuple[CandidateKind, str]] = set()
    out = []
    for candidate in found:
        key = (candidate.kind, candidate.text)
        if candidate.text and key not in seen:
            seen.add(key)
            out.append(candidate)
    return out
