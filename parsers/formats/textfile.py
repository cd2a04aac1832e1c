"""A .txt order (a WeChat message pasted by a sales rep, an exported note): decode, then textlines."""
from __future__ import annotations

from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import ParseResult, Provenance, SourceKind
from parsers.layout.textlines import orders_from_text

# Strict UTF-8 first (it rarely decodes anything else by accident), then the Chinese code pages.
_ENCODINGS = ("utf-8", "gb18030", "big5")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _candidates(data: bytes) -> tuple[str, ...]:
    """UTF-8 first; Big5 before GB18030 only when charset-normalizer says the bytes are Big5,
    because GB18030 decodes most Big5 bytes too, into the wrong characters."""
    try:
        data.decode("utf-8")
        return ("utf-8",)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536], cp_isolation=["gb18030", "big5"]).best()
    return ("big5", "gb18030") if best is not None and best.encoding == "big5" else _ENCODINGS[1:]


def decode(data: bytes) -> str:
    """Text of the bytes by BOM, else UTF-8, GB18030 or Big5; ParseError when none fits."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError:
                break
    else:
        if b"\x00" not in data[:4096]:
            for encoding in _candidates(data):
                try:
                    return data.decode(encoding)
                except UnicodeDecodeError:
                    continue
    raise ParseError("The text file could not be decoded (not UTF-8, GB18030, Big5 or UTF-16).",
                     Provenance(line=1))


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    """Read the order in a text file; a text with no order lines gives no order, not an error."""
    if len(data) > ctx.max_bytes:
        raise ParseError("The text file is larger than the configured limit.")
    return orders_from_text(decode(data), ctx, SourceKind.TEXT)
