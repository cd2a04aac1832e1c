"""EDIFACT syntax layer: charset, service characters (UNA) and segment splitting.

Segments are split with `str.split` on the terminator; when the release character occurs,
released characters are first swapped for private-use placeholders so the fast split still
works, and swapped back only in the segments that hold one. Elements are split on demand,
so segments the caller skips cost almost nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

BOM = "\ufeff"
DEFAULT_UNA = ":+.? '"

# Syntax identifiers (UNB S001/0001) whose charset is not UTF-8; UTF-8 is always tried first.
_CHARSETS = {
    "UNOA": "latin-1", "UNOB": "latin-1", "UNOC": "latin-1", "UNOD": "iso-8859-2",
    "UNOE": "iso-8859-5", "UNOF": "iso-8859-7", "UNOG": "iso-8859-3", "UNOH": "iso-8859-4",
    "UNOI": "iso-8859-6", "UNOJ": "iso-8859-8", "UNOK": "iso-8859-9",
}
_UTF8_IDS = ("UNOW", "UNOY")
_SYNTAX_ID = re.compile(rb"UNB.(UNO[A-Z])")
_START = re.compile(r"UNA|UNB|UNH")
# Private-use code points tried as stand-ins for released service characters.
_PLACEHOLDER_BASES = (0xF8F0, 0xF0F0, 0xE0F0, 0xF5F0, 0xE5F0)


@dataclass(frozen=True, slots=True)
class Syntax:
    """The service characters in force (UNA, or the defaults of ISO 9735)."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    terminator: str = "'"

    @classmethod
    def from_una(cls, una: str) -> Syntax:
        """Read the six characters after "UNA"; a space as release character means none."""
        comp, elem, dec, rel, _reserved, term = una[:6]
        return cls(comp, elem, dec, "" if rel == " " else rel, term)


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 when the bytes are valid UTF-8, else the UNB syntax id's charset."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        match = _SYNTAX_ID.search(data, 0, 4096)
        syntax_id = match.group(1).decode("ascii") if match else ""
        if syntax_id in _UTF8_IDS:
            text = data.decode("utf-8", errors="replace")
        else:
            text = data.decode(_CHARSETS.get(syntax_id, "latin-1"))
    return text[1:] if text.startswith(BOM) else text


def find_start(text: str) -> int:
    """Offset of the first UNA, UNB or UNH segment (skipping junk before it), or -1."""
    for match in _START.finditer(text):
        pos = match.start()
        nxt = text[pos + 3:pos + 4]
        if nxt and not nxt.isalnum() and not nxt.isspace():
            if match.group() != "UNA" or len(text) >= pos + 9:
                return pos
    return -1


@dataclass(slots=True)
class Segments:
    """The raw segments of one interchange text, with elements split on demand."""

    syntax: Syntax
    raw: list[str]
    restore: dict[int, str] | None = None
    marks: re.Pattern[str] | None = None

    def __len__(self) -> int:
        return len(self.raw)

    def tag(self, index: int) -> str:
        """The segment tag (first component of the first element), cheap for the usual case."""
        raw = self.raw[index]
        sep = raw[3:4]
        if sep == self.syntax.element or sep == "":
            return raw[:3]
        return self.elements(index)[0][0]

    def elements(self, index: int) -> list[list[str]]:
        """Elements of one segment, each a list of components, release characters resolved."""
        raw = self.raw[index]
        comp = self.syntax.component
        parts = [element.split(comp) for element in raw.split(self.syntax.element)]
        if self.marks is not None and self.marks.search(raw):
            table = self.restore
            parts = [[value.translate(table) for value in element] for element in parts]
        return parts


def tokenise(text: str) -> Segments:
    """Split an interchange text (UNA optional, junk before the first UN? skipped) into segments."""
    start = find_start(text)
    if start < 0:
        return Segments(Syntax(), [])
    syntax = Syntax()
    if text.startswith("UNA", start):
        syntax = Syntax.from_una(text[start + 3:start + 9])
        start += 9
    return split_segments(text[start:] if start else text, syntax)


def split_segments(text: str, syntax: Syntax) -> Segments:
    """Split text on the segment terminator, ignoring line breaks that are not service characters."""
    service = (syntax.component, syntax.element, syntax.release, syntax.terminator)
    for brk in ("\r", "\n"):
        if brk not in service and brk in text:
            text = text.replace(brk, "")
    restore = marks = None
    distinct = len(set(service)) == len(service)  # a release char doubling as a separator is void
    if syntax.release and distinct and syntax.release in text:
        text, restore, marks = _hide_released(text, syntax)
    raw = [seg for seg in (part.lstrip() for part in text.split(syntax.terminator)) if seg]
    return Segments(syntax, raw, restore, marks)


def _hide_released(text: str, syntax: Syntax) -> tuple[str, dict[int, str], re.Pattern[str]]:
    """Replace each released service character by a placeholder absent from the text.

    Released releases go first, so every release character left starts exactly one pair, as
    in a left-to-right scan; a release before any other character is simply dropped.
    """
    rel = syntax.release
    specials = (rel, syntax.component, syntax.element, syntax.terminator)
    stand_ins = _free_placeholders(text, len(specials))
    for char, stand_in in zip(specials, stand_ins):
        text = text.replace(rel + char, stand_in)
    text = text.replace(rel, "")
    restore = {ord(stand_in): char for char, stand_in in zip(specials, stand_ins)}
    return text, restore, re.compile("[" + "".join(stand_ins) + "]")


def _free_placeholders(text: str, count: int) -> list[str]:
    """Pick `count` private-use characters that do not occur in the text."""
    for base in _PLACEHOLDER_BASES:
        chars = [chr(base + i) for i in range(count)]
        if not any(ch in text for ch in chars):
            return chars
    # Text holding every candidate is adversarial; a clash only garbles values, never crashes.
    return [chr(_PLACEHOLDER_BASES[0] + i) for i in range(count)]


def escape(value: str, syntax: Syntax) -> str:
    """Release every service character in a value (used to write EDIFACT and to test reading)."""
    rel = syntax.release
    out = []
    for ch in value:
        if ch in (syntax.component, syntax.element, rel, syntax.terminator):
            out.append(rel)
        out.append(ch)
    return "".join(out)
