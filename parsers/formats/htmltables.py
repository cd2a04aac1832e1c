"""HTML mail bodies as text the free-text reader understands: a table row is one line, cells apart by tabs.

A row of two or more cells is a data row: the paragraphs and breaks inside its cells (Outlook
wraps every cell in a <p>) become spaces, and a cell spanning n columns is followed by n-1
empty cells, so the values of a totals row stay under their columns. A row of one cell is
layout (mail programs wrap the whole message in tables): its line breaks are kept.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

_BREAKS = {"br", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "ul", "ol"}
_HIDDEN = {"style", "script", "head", "title", "xml", "template"}
_MAX_SPAN = 50
_SPACES = re.compile(r"[\t\r\n\f\v ]+")


class _Cell:
    def __init__(self, span: int) -> None:
        self.span = span
        self.parts: list[str] = []


class _Table:
    def __init__(self) -> None:
        self.row: list[_Cell] | None = None


class _BodyText(HTMLParser):
    """Collects output lines; text goes to the innermost open cell, or straight out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.tables: list[_Table] = []
        self.hidden = 0

    def _cell(self) -> _Cell | None:
        row = self.tables[-1].row if self.tables else None
        return row[-1] if row else None

    def _write(self, text: str) -> None:
        cell = self._cell()
        if cell is not None:
            cell.parts.append(text)
        elif text == "\n":
            self.lines.append("")
        else:
            self.lines[-1] += text

    def _end_row(self) -> None:
        table = self.tables[-1] if self.tables else None
        if table is None or table.row is None:
            return
        row, table.row = table.row, None
        texts = ["".join(c.parts) for c in row]
        if len(row) == 1:
            for piece in texts[0].split("\n"):
                self._write(piece)
                self._write("\n")
            return
        cells: list[str] = []
        for cell, text in zip(row, texts):
            cells.append(" ".join(text.split()))
            cells.extend([""] * (cell.span - 1))
        if self.lines[-1].strip():
            self._write("\n")
        self._write("\t".join(cells).rstrip("\t"))
        self._write("\n")

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "table":
            self._end_row()  # a table inside a cell: what came before it is its own line
            self.tables.append(_Table())
        elif tag == "tr" and self.tables:
            self._end_row()
            self.tables[-1].row = []
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            if table.row is None:
                table.row = []
            table.row.append(_Cell(_span(attrs)))
        elif tag in _BREAKS:
            self._write("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "table" and self.tables:
            self._end_row()
            self.tables.pop()
            self._write("\n")
        elif tag == "tr":
            self._end_row()
        elif tag in _BREAKS:
            self._write("\n")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        text = _SPACES.sub(" ", data)
        if self.tables and self._cell() is None and not text.strip():
            return  # the indentation between rows and cells
        self._write(text)


def _span(attrs) -> int:
    value = dict(attrs).get("colspan") or "1"
    return min(_MAX_SPAN, max(1, int(value))) if value.strip().isdigit() else 1


def html_to_text(html: str) -> str:
    """Plain text of an HTML body: table rows one per line with tab-separated cells, other blocks as lines."""
    p = _BodyText()
    p.feed(html)
    p.close()
    while p.tables:
        p._end_row()
        p.tables.pop()
    lines = (ln.replace("\xa0", " ").rstrip() for ln in p.lines)
    return "\n".join(ln.strip(" ") for ln in lines if ln.strip())
