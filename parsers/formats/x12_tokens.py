"""X12 tokens: the separators an ISA header declares, interchanges, and their segments.

Tokenising uses `str.split` and `str.find` only, so a 50 MB interchange is read in linear
time; EBCDIC interchanges are decoded first, hard-wrapped (fixed-width) files unwrapped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.errors import ParseError

_BOM = b"\xef\xbb\xbf"
_EBCDIC_ISA = b"\xc9\xe2\xc1"  # "ISA" in EBCDIC code pages 037/500
_EBCDIC_BLANKS = b"\x40\x05\x15\x25\x0d"
_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}$")
_MAX_BAD_HEADERS = 1000


@dataclass(frozen=True, slots=True)
class Separators:
    """The delimiters an ISA header declares."""

    element: str
    component: str
    segment: str


def looks_like(data: bytes) -> bool:
    """True when the bytes start (after a BOM or blanks) with an ASCII or EBCDIC ISA header."""
    head = data[:256]
    if head.startswith(_BOM):
        head = head[3:]
    ascii_head = head.lstrip(b" \t\r\n")
    if ascii_head[:3] == b"ISA" and len(ascii_head) > 4:
        sep = chr(ascii_head[3])
        return not sep.isalnum() and sep not in " \r\n"
    ebcdic_head = head.lstrip(_EBCDIC_BLANKS)
    return ebcdic_head[:3] == _EBCDIC_ISA and len(ebcdic_head) > 4 \
        and not ebcdic_head[3:4].decode("cp037").isalnum()


def decode(data: bytes) -> str:
    """Text of the interchange: EBCDIC (cp037) when the ISA is EBCDIC, else UTF-8 or Latin-1."""
    body = data[3:] if data.startswith(_BOM) else data
    if body.lstrip(_EBCDIC_BLANKS).startswith(_EBCDIC_ISA):
        return body.decode("cp037")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("latin-1")


def split_interchanges(text: str) -> list[tuple[Separators, str]]:
    """Cut the text into interchanges (ISA..IEA), each with its own separators (mailbags mix them)."""
    start = _find_isa(text, 0)
    if start is None:
        lead = text.lstrip(" \t\r\n\ufeff")
        if lead.startswith("ISA"):
            raise ParseError("The X12 ISA header is damaged: its separators cannot be read.")
        raise ParseError("The data is not an X12 interchange (no ISA header).")
    found: list[tuple[Separators, str]] = []
    iea_cache: dict[str, tuple[int, int]] = {}
    while start is not None:
        pos, seps, body = start
        following = _find_isa(text, body)
        end = _find_iea_end(text, body, seps, iea_cache)
        limit = following[0] if following else len(text)
        found.append((seps, text[pos:min(end, limit) if end >= 0 else limit]))
        start = following
    return found


def _find_isa(text: str, start: int) -> tuple[int, Separators, int] | None:
    """The next ISA whose header reads: (its position, separators, where its body starts).

    Gives up after `_MAX_BAD_HEADERS` unreadable look-alikes, so data made of "ISA*" over and
    over costs a bounded amount of work.
    """
    bad = 0
    i = text.find("ISA", start)
    while i >= 0 and bad < _MAX_BAD_HEADERS:
        if i == 0 or not text[i - 1].isalnum():
            header = read_isa(text, i)
            if header is not None:
                return i, header[0], header[1]
            bad += 1
        i = text.find("ISA", i + 3)
    return None


def read_isa(text: str, pos: int) -> tuple[Separators, int] | None:
    """Separators of the ISA at `pos` and the index after its terminator, or None if unreadable.

    Counts 16 element separators instead of trusting byte 106, because real files pad ISA06
    with multi-byte spaces or hard-wrap the header at 80 columns.
    """
    element = text[pos + 3:pos + 4]
    if not element or element.isalnum() or element in " \r\n" or \
            not text[pos + 4:pos + 6].isdigit() or text[pos + 6:pos + 7] != element:
        return None
    i = pos + 3  # the first of the 16 separators
    for _ in range(15):
        i = text.find(element, i + 1, pos + 400)
        if i < 0:
            return None
    component, segment = text[i + 1:i + 2], text[i + 2:i + 3]
    if component in ("\r", "\n"):
        component, segment = ">", "\n"
    elif segment in ("\r", "\n"):
        segment = "\n"
        if _next_line(text, i + 2).endswith(component):  # ISA16 left out: it is the terminator
            segment, component = component, ">" if ">" not in (element, component) else ":"
    if not segment or segment.isalnum() or segment in (" ", element):
        return None
    return Separators(element, component, segment), i + 3


def _next_line(text: str, pos: int) -> str:
    end = text.find("\n", pos + 1, pos + 4096)
    return text[pos:end if end >= 0 else pos + 4096].strip()


def _find_iea_end(text: str, start: int, seps: Separators, cache: dict[str, tuple[int, int]]) -> int:
    """Index after the next IEA segment, or -1; cached so many headers never rescan the text."""
    needle = "IEA" + seps.element
    searched_from, hit = cache.get(needle, (-1, -1))
    if not (0 <= searched_from <= start and (hit == -1 or hit >= start)):
        hit = text.find(needle, start)
        cache[needle] = (start, hit)
    while hit >= 0:
        before = text[max(start, hit - 8):hit].rstrip(" \t\r\n")
        if before.endswith(seps.segment) or seps.segment == "\n" or not before:
            end = text.find(seps.segment, hit)
            return len(text) if end < 0 else end + 1
        hit = text.find(needle, hit + 3)
        cache[needle] = (start, hit)
    return -1


def segments(chunk: str, seps: Separators) -> list[str]:
    """The interchange's segments as text; blank padding and line breaks dropped.

    Segments stay strings until a reader splits them: millions of live element lists would
    make the garbage collector's passes dominate the run time on a large file.
    """
    term = seps.segment
    if "\r" in chunk:
        chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
    if term == "\n" or "\n" not in chunk:
        return [s for s in map(str.strip, chunk.split(term)) if s]
    if _is_hard_wrapped(chunk, term):
        return [s for s in map(str.strip, chunk.replace("\n", "").split(term)) if s]
    segments: list[str] = []
    for piece in map(str.strip, chunk.split(term)):
        if "\n" in piece:
            segments.extend(_unwrap(piece, seps.element))
        elif piece:
            segments.append(piece)
    return segments


def _unwrap(piece: str, element: str) -> list[str]:
    """Line breaks inside one terminated piece: a break before a segment tag is a missing
    terminator, any other break is a wrapped line and is joined back."""
    found: list[list[str]] = [[]]
    for part in piece.split("\n"):
        head = part.lstrip()
        end = head.find(element, 0, 4)
        if found[-1] and end > 1 and _TAG.match(head, 0, end):
            found.append([head])
        else:
            found[-1].append(part)
    return [s for s in ("".join(parts).strip() for parts in found) if s]


def _is_hard_wrapped(chunk: str, term: str) -> bool:
    """True for fixed-length records (80-column wraps): line breaks then fall anywhere.

    Lines of varying length are read segment by segment instead (`_unwrap`), which also
    copes with a terminator that is missing before a line break.
    """
    lines = chunk.split("\n", 64)[:-1]
    if len(lines) < 2:
        return False
    widths = {len(line) for line in lines}
    return len(widths) == 1 and widths.pop() >= 40 and not all(
        line.rstrip().endswith(term) for line in lines)
