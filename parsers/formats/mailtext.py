"""Text out of mail bytes: body charsets, encoded-word headers and attachment names.

Real mail lies about its charset (GB2312 labels on GBK text, GB2312 labels on UTF-8 text,
no label at all, raw 8-bit headers), so the declared charset is a first guess, checked
against the bytes, never trusted blindly.
"""
from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from email.message import Message

from charset_normalizer import from_bytes

# Declared charset -> the codec that reads what senders labelled so (supersets of the label).
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
    "gb_2312-80": "gb18030", "csgb2312": "gb18030", "chinese": "gb18030", "x-euc-cn": "gb18030",
    "big5": "big5hkscs", "cn-big5": "big5hkscs", "x-x-big5": "big5hkscs", "csbig5": "big5hkscs",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "windows-31j": "cp932", "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "ks_c_5601": "cp949",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "ascii",
    "iso-8859-8-i": "iso-8859-8", "utf8": "utf-8", "unicode-1-1-utf-7": "utf-7",
}
_UNICODE = ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-7")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_GUESSES = ("gb18030", "big5", "cp1252")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)[ \t\r\n]+(=\?)")


def codec_for(declared: str | None) -> str | None:
    """The Python codec for a declared charset (its superset), None when unknown or missing."""
    if not declared:
        return None
    name = declared.strip().strip("\"'").lower().split("*", 1)[0]
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_text(raw: bytes, declared: str | None = None) -> str:
    """Decode a body or a header's bytes: the declared charset when the bytes agree, else a better guess."""
    codec = codec_for(declared)
    if (codec or "").startswith("iso2022_jp") or (codec is None and b"\x1b$B" in raw[:4096]):
        return _iso2022jp(raw)
    if raw.isascii() and codec not in _UNICODE[1:]:
        return raw.decode("ascii")
    if codec not in _UNICODE and _utf8_lie(raw, codec is None):
        return raw.decode("utf-8")
    for candidate in (codec, "utf-8"):
        if candidate:
            try:
                return raw.decode(candidate)
            except UnicodeDecodeError:
                continue
    return raw.decode(_guess(raw) if codec is None or codec in _UNICODE else codec, errors="replace")


def _guess(raw: bytes) -> str:
    """The charset of unlabelled 8-bit text: a BOM, else charset-normalizer among the code pages
    real mail uses (GB18030 decodes most Big5 bytes too, into the wrong characters)."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return codec
    if sum(1 for b in raw[:256] if b > 0x7F) < 24:
        return _short_guess(raw)
    guess = from_bytes(raw[:65536], cp_isolation=list(_GUESSES)).best()
    return guess.encoding if guess is not None and guess.encoding else "gb18030"


def _short_guess(raw: bytes) -> str:
    """Too few bytes for statistics: lone high bytes between ASCII are Latin (ü, é); pairs are
    Chinese, GB18030 unless it yields private-use characters, which Big5 text does."""
    if not re.search(rb"[\x80-\xff]{2}", raw):
        return "cp1252"
    try:
        if not re.search("[\ue000-\uf8ff]", raw.decode("gb18030")):
            return "gb18030"
        raw.decode("big5hkscs")
        return "big5hkscs"
    except UnicodeDecodeError:
        return "gb18030"


def _utf8_lie(raw: bytes, undeclared: bool) -> bool:
    """True when bytes labelled as a legacy charset are really UTF-8 (a few multi-byte characters settle it)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return undeclared or sum(1 for ch in text if ord(ch) > 0x7FF) >= 3


def _iso2022jp(raw: bytes) -> str:
    """ISO-2022-JP, with the NEC and IBM extensions Windows writes (№, ①, Roman numerals) that
    Python's codecs reject: the JIS pairs are turned into Shift_JIS and read as cp932."""
    for codec in ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    out, mode, i = bytearray(), "ascii", 0
    while i < len(raw):
        if raw[i] == 0x1B and i + 2 < len(raw):
            seq = raw[i + 1:i + 3]
            mode = {b"$B": "jis", b"$@": "jis", b"(I": "kana"}.get(bytes(seq), "ascii")
            i += 3
            continue
        b = raw[i]
        if mode == "jis" and 0x21 <= b <= 0x7E and i + 1 < len(raw):
            out += _jis_to_sjis(b, raw[i + 1])
            i += 2
            continue
        out.append(b + 0x80 if mode == "kana" and 0x21 <= b <= 0x5F else b)
        i += 1
    return bytes(out).decode("cp932", errors="replace")


def _jis_to_sjis(j1: int, j2: int) -> bytes:
    s1 = ((j1 - 0x21) >> 1) + 0x81
    s1 += 0x40 if s1 > 0x9F else 0
    if j1 & 1:
        s2 = j2 + 0x1F + (1 if j2 + 0x1F >= 0x7F else 0)
    else:
        s2 = j2 + 0x7D
    return bytes((s1, s2 & 0xFF))


def eight_bit(value: str) -> str:
    """A header as the parser keeps it (raw 8-bit bytes as surrogates) turned into real text."""
    if value.isascii() or not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_text(value.encode("utf-8", "surrogateescape"))


def decode_header(value: str | None) -> str:
    """A header's text: RFC 2047 encoded words decoded (adjacent words of one charset joined before
    decoding, since mailers split a character across words), raw 8-bit text read as UTF-8 or GBK."""
    if not value:
        return ""
    text = re.sub(r"\r?\n(?=[ \t])", "", eight_bit(str(value)))
    if "=?" not in text:
        return text.strip()
    text = _BETWEEN_WORDS.sub(r"\1\2", text)
    out: list[str] = []
    pending: tuple[str | None, bytearray] = (None, bytearray())
    last = 0
    for m in _ENCODED_WORD.finditer(text):
        if m.start() > last:
            out.append(_flush(pending))
            pending = (None, bytearray())
            out.append(text[last:m.start()])
        charset, data = m.group(1).split("*", 1)[0], _word_bytes(m.group(2), m.group(3))
        if data is None:
            out.append(_flush(pending) + m.group(0))
            pending = (None, bytearray())
        elif pending[0] in (None, charset.lower()):
            pending = (charset.lower(), pending[1] + data)
        else:
            out.append(_flush(pending))
            pending = (charset.lower(), bytearray(data))
        last = m.end()
    out.append(_flush(pending))
    out.append(text[last:])
    return "".join(out).strip()


def _flush(pending: tuple[str | None, bytearray]) -> str:
    charset, data = pending
    return decode_text(bytes(data), charset) if data else ""


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    try:
        if encoding in "Bb":
            return base64.b64decode(payload + "=" * (-len(payload) % 4))
        return quopri.decodestring(payload.replace("_", " ").encode("ascii"), header=False)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def header_params(content_type: str | None, disposition: str | None) -> Message:
    """The two parameter-bearing headers of a part, as written, in a message read the lenient
    (compat32) way, so RFC 2231 values keep their raw bytes and declared charset."""
    m = Message()
    if content_type:
        m["Content-Type"] = content_type
    if disposition:
        m["Content-Disposition"] = disposition
    return m


def param_text(m: Message, name: str, header: str) -> str | None:
    """A parameter's text: RFC 2231 (charset'lang'%XX), RFC 2047 words in quotes, raw 8-bit."""
    value = m.get_param(name, header=header)
    if value is None or value == "":
        return None
    if isinstance(value, tuple):
        charset, _lang, text = value
        return decode_text(text.encode("latin-1", "surrogateescape"), charset or None).strip() or None
    return decode_header(str(value)) or None


def filename(content_type: str | None, disposition: str | None) -> str | None:
    """The attachment's file name without any folder a sending program left in it."""
    m = header_params(content_type, disposition)
    name = param_text(m, "filename", "content-disposition") or param_text(m, "name", "content-type")
    if not name:
        return None
    name = re.split(r"[\\/]", name)[-1].strip().strip("\"'")
    return name or None
