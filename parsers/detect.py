"""Format detection from the bytes themselves; the file name is only a tie-breaker."""
from __future__ import annotations

import re
from dataclasses import dataclass

_MAIL_HEADER = re.compile(
    rb"^(received|from|to|subject|date|message-id|mime-version|return-path|delivered-to|"
    rb"x-[a-z0-9-]+|content-type|reply-to|cc|dkim-signature|authentication-results):",
    re.IGNORECASE,
)
_EBCDIC_ISA = b"\xc9\xe2\xc1"  # "ISA" in EBCDIC code pages 037/500


@dataclass(frozen=True, slots=True)
class Sniff:
    """What the first bytes say a document is. `ext` is the lower-cased file extension."""

    magic: str          # pdf, zip, ole, tiff, png, jpeg, gif, x12, edifact, mail, text, binary, empty
    ext: str
    zip_kind: str | None = None   # xlsx, docx, or None for a plain zip

    @property
    def is_texty(self) -> bool:
        return self.magic in ("text", "x12", "edifact", "mail")


def sniff(data: bytes, filename: str | None = None) -> Sniff:
    """Classify `data` by its magic bytes and a look at its first lines."""
    ext = filename.rsplit(".", 1)[-1].lower() if filename and "." in filename else ""
    head = data[:4096]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    if not data:
        return Sniff("empty", ext)
    magic = _binary_magic(head)
    if magic == "zip":
        return Sniff("zip", ext, _zip_kind(data))
    if magic:
        return Sniff(magic, ext)
    if stripped.startswith(b"ISA") or stripped.startswith(_EBCDIC_ISA):
        return Sniff("x12", ext)
    if stripped[:3] in (b"UNA", b"UNB") or stripped.startswith(b"UNH+"):
        return Sniff("edifact", ext)
    if _looks_like_mail(stripped):
        return Sniff("mail", ext)
    if _looks_like_text(head):
        return Sniff("text", ext)
    return Sniff("binary", ext)


def _binary_magic(head: bytes) -> str | None:
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def _zip_kind(data: bytes) -> str | None:
    # The member names sit in the local headers near the start; no need to open the archive.
    head = data[:65536]
    if b"[Content_Types].xml" not in head and b"xl/" not in head and b"word/" not in head:
        return None
    if b"xl/" in head:
        return "xlsx"
    if b"word/" in head:
        return "docx"
    return None


def _looks_like_mail(head: bytes) -> bool:
    lines = head.split(b"\n", 30)[:30]
    hits = sum(1 for ln in lines if _MAIL_HEADER.match(ln))
    return hits >= 2 and bool(_MAIL_HEADER.match(lines[0]) or lines[0].startswith(b"From "))


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls <= len(head) // 100
