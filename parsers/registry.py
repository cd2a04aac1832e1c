"""Which parser reads a document: an explicit list, each scoring the sniffed bytes; highest wins.

`parse_document` is the one entry point. It never raises: a document that cannot be read
becomes a `FailedPart` with a sentence a clerk understands, whatever went wrong inside.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from parsers.formats import csvfile
from parsers.formats import edifact
from parsers.formats import excel
from parsers.formats import fax
from parsers.formats import mail
from parsers.formats import pdf
from parsers.formats import textfile
from parsers.formats import word
from parsers.formats import x12
from parsers.context import ParseContext
from parsers.detect import Sniff, sniff
from parsers.errors import ParseError
from parsers.model import FailedPart, ParsedOrder, ParseResult, SourceKind, SourceRef

log = logging.getLogger(__name__)

ParseFn = Callable[[bytes, ParseContext], ParseResult]


@dataclass(frozen=True, slots=True)
class Parser:
    """A format: its name, how sure it is about a sniffed document (None = not mine), its reader."""

    name: str
    kind: SourceKind
    score: Callable[[Sniff, bytes], int | None]
    parse: ParseFn


def _edi_score(magic: str, looks_like: Callable[[bytes], bool]) -> Callable[[Sniff, bytes], int | None]:
    # The sniffer knows clean interchanges; the format's own check finds damaged ones
    # (junk before the UNB, a mangled first tag).
    def score(s: Sniff, data: bytes) -> int | None:
        if s.magic == magic:
            return 100
        return 90 if s.magic in ("text", "binary") and looks_like(data) else None
    return score


def _mail_score(s: Sniff, _data: bytes) -> int | None:
    if s.magic == "mail":
        return 100
    return 50 if s.ext == "eml" and s.is_texty else None


def _excel_score(s: Sniff, _data: bytes) -> int | None:
    if s.zip_kind == "xlsx":
        return 100
    if s.magic != "ole":
        return None
    # An OLE file may also be an old .doc or an Outlook .msg; only the spreadsheet reader tries it.
    return 80 if s.ext == "xls" else 50


def _pdf_score(s: Sniff, data: bytes) -> int | None:
    return 90 if s.magic == "pdf" and pdf.has_text_layer(data) else None


def _fax_score(s: Sniff, _data: bytes) -> int | None:
    # A PDF without a text layer is a scanned page; text PDFs score higher with the PDF reader.
    if s.magic == "pdf":
        return 70
    return 90 if s.magic in ("tiff", "png", "jpeg") else None


def _fax_parse(data: bytes, ctx: ParseContext) -> ParseResult:
    return fax.parse(data, ctx, ocr=ctx.ocr)  # the engine comes with the context (tests inject one)


def _word_score(s: Sniff, _data: bytes) -> int | None:
    return 100 if s.zip_kind == "docx" else None


def _zip_score(s: Sniff, _data: bytes) -> int | None:
    return 100 if s.magic == "zip" and s.zip_kind is None else None


def _zip_parse(data: bytes, ctx: ParseContext) -> ParseResult:
    return mail.zip_orders(data, ctx, parse_part=parse_document)


def _csv_score(s: Sniff, data: bytes) -> int | None:
    if s.magic != "text":
        return None
    if csvfile.looks_like(data):
        return 80 if s.ext in ("csv", "tsv") else 60
    return None


def _text_score(s: Sniff, _data: bytes) -> int | None:
    return 10 if s.magic == "text" else None


def _mail_parse(data: bytes, ctx: ParseContext) -> ParseResult:
    return mail.parse(data, ctx, parse_part=parse_document)


PARSERS: tuple[Parser, ...] = (
    Parser("mail", SourceKind.EMAIL, _mail_score, _mail_parse),
    Parser("x12", SourceKind.X12, _edi_score("x12", x12.looks_like), x12.parse),
    Parser("edifact", SourceKind.EDIFACT, _edi_score("edifact", edifact.looks_like), edifact.parse),
    Parser("excel", SourceKind.XLSX, _excel_score, excel.parse),
    Parser("pdf", SourceKind.PDF, _pdf_score, pdf.parse),
    Parser("fax", SourceKind.FAX, _fax_score, _fax_parse),
    Parser("word", SourceKind.DOCX, _word_score, word.parse),
    Parser("zip", SourceKind.EMAIL, _zip_score, _zip_parse),
    Parser("csv", SourceKind.CSV, _csv_score, csvfile.parse),
    Parser("text", SourceKind.TEXT, _text_score, textfile.parse),
)

# What a document that no parser reads most likely was, for the failure queue.
_KIND_BY_MAGIC = {"pdf": SourceKind.PDF, "tiff": SourceKind.FAX, "png": SourceKind.FAX,
                  "jpeg": SourceKind.FAX, "x12": SourceKind.X12, "edifact": SourceKind.EDIFACT,
                  "mail": SourceKind.EMAIL, "ole": SourceKind.XLSX}
_KIND_BY_EXT = {"pdf": SourceKind.PDF, "tif": SourceKind.FAX, "tiff": SourceKind.FAX,
                "png": SourceKind.FAX, "jpg": SourceKind.FAX, "jpeg": SourceKind.FAX,
                "xlsx": SourceKind.XLSX, "xls": SourceKind.XLSX, "csv": SourceKind.CSV,
                "docx": SourceKind.DOCX, "eml": SourceKind.EMAIL, "x12": SourceKind.X12,
                "edi": SourceKind.EDIFACT, "txt": SourceKind.TEXT}
_MAGIC_WORDS = {"pdf": "a PDF", "tiff": "a TIFF image", "png": "a PNG image", "jpeg": "a JPEG image",
                "gif": "a GIF image", "zip": "a zip archive", "ole": "an old Office file",
                "binary": "binary data", "empty": "empty"}


def choose(s: Sniff, data: bytes) -> Parser | None:
    """The parser that scores the sniffed document highest, or None if none claims it."""
    best: tuple[int, Parser] | None = None
    for parser in PARSERS:
        points = parser.score(s, data)
        if points is not None and (best is None or points > best[0]):
            best = (points, parser)
    return best[1] if best else None


def likely_kind(s: Sniff) -> SourceKind:
    """The format a document probably is, used to label a failure."""
    if s.zip_kind == "docx":
        return SourceKind.DOCX
    if s.zip_kind == "xlsx":
        return SourceKind.XLSX
    return _KIND_BY_MAGIC.get(s.magic) or _KIND_BY_EXT.get(s.ext) or SourceKind.TEXT


def parse_document(data: bytes, ctx: ParseContext) -> ParseResult:
    """Read every order in `data`; never raises."""
    name = ctx.part or ctx.path
    s = sniff(data, name)
    parser = choose(s, data)
    if parser is None:
        return _failed(ctx, likely_kind(s), _unsupported_reason(s))
    try:
        return parser.parse(data, ctx)
    except ParseError as e:
        return _failed(ctx, parser.kind if s.magic != "mail" else likely_kind(s), e.reason, e.header)
    except RecursionError:
        return _failed(ctx, parser.kind, "The document is nested too deeply to be read.")
    except MemoryError:
        return _failed(ctx, parser.kind, "The document is too large to be read.")
    except Exception:  # a bug in a parser must not lose the document
        log.exception("parser %s crashed on doc=%s part=%s", parser.name, ctx.path, ctx.part)
        return _failed(ctx, parser.kind,
                       f"The {parser.name} reader failed on this document; it needs a person to read it.")


def _unsupported_reason(s: Sniff) -> str:
    if s.magic == "empty":
        return "The file is empty."
    what = _MAGIC_WORDS.get(s.magic, "text")
    return f"The file is {what}, which orderdesk cannot read as an order yet."


def _failed(ctx: ParseContext, kind: SourceKind, reason: str, header: ParsedOrder | None = None) -> ParseResult:
    return ParseResult(failures=(FailedPart(SourceRef(ctx.path, ctx.part, kind), reason, header),))
