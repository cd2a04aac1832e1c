"""The parse sandbox: hostile documents and misbehaving readers end as failed parts; the daemon lives on.

Documents are generated here (bombs, deep nesting, a 100,000-page PDF, truncated and mislabelled
files). The injected readers at the bottom prove each limit on its own, whatever today's
parsers happen to do with the documents.
"""
from __future__ import annotations

import ctypes
import io
import os
import signal
import struct
import time
import zlib
from pathlib import Path

import docx
import pytest

from pipeline.sandbox import CallSandbox, ParseSandbox, SandboxError, parse_in_sandbox
from parsers.context import ParseContext
from parsers.model import ParseResult, SourceKind

ROOT = Path(__file__).resolve().parents[2]
GIB = 1 << 30


@pytest.fixture(autouse=True)
def importable_tests(monkeypatch):
    """The worker imports the injected readers below by name, so this module must be importable."""
    monkeypatch.syspath_prepend(str(ROOT))


# --- generators of hostile documents ---------------------------------------------------------

def zip_bomb(unpacked: int = 2 * GIB, name: str = "order.csv") -> bytes:
    """A zip of about 2 MB whose one member inflates to `unpacked` bytes of zeros."""
    block = 1 << 24
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = comp.compress(b"\0" * block) + comp.flush(zlib.Z_FULL_FLUSH)
    body = piece * (unpacked // block) + b"\x03\x00"  # then an empty final block
    crc = 0
    zeros = b"\0" * block
    for _ in range(unpacked // block):
        crc = zlib.crc32(zeros, crc)
    fname = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(body), unpacked, len(fname), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(body), unpacked,
                          len(fname), 0, 0, 0, 0, 0, 0)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(fname),
                      len(local) + len(fname) + len(body), 0)
    return local + fname + body + central + fname + end


def mail_with(attachment: bytes, filename: str, ctype: str = "application/octet-stream") -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "buyer@customer.example"
    msg["To"] = "orders@us.example"
    msg["Subject"] = "PO attached"
    msg.set_content("Please see the attached order.")
    maintype, subtype = ctype.split("/")
    msg.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def png_bomb(side: int = 100_000) -> bytes:
    """A PNG header claiming side x side pixels, with a few compressed rows of data."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * (side + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def tiff_bomb(side: int = 100_000) -> bytes:
    """A little-endian TIFF whose one page claims side x side bilevel pixels in one strip."""
    entries = [(256, 4, 1, side), (257, 4, 1, side), (258, 3, 1, 1), (259, 3, 1, 1), (262, 3, 1, 0),
               (273, 4, 1, 8 + 2 + 12 * 8 + 4), (278, 4, 1, side), (279, 4, 1, 16)]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + b"\0\0\0\0"
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\xff" * 16


def nested_mail(levels: int = 100) -> bytes:
    """A message whose order sits inside `levels` forwarded message/rfc822 parts."""
    inner = (b"From: buyer@customer.example\r\nSubject: PO 77\r\nContent-Type: text/plain\r\n\r\n"
             b"PO No.: 77\r\nItem  Qty\r\nBox   10\r\n")
    for depth in range(levels):
        boundary = f"b{depth}".encode()
        inner = (b"From: fwd" + str(depth).encode() + b"@us.example\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\n"
                 b"Content-Type: multipart/mixed; boundary=\"" + boundary + b"\"\r\n\r\n--" + boundary +
                 b"\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--" + boundary + b"--\r\n")
    return inner


def pdf_of_many_pages(pages: int = 100_000) -> bytes:
    """A small PDF whose page tree lists one blank page `pages` times."""
    kids = b" ".join([b"3 0 R"] * pages)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count " + str(pages).encode() + b" /Kids [" + kids + b"] >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length 0 >>\nstream\n\nendstream"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def small_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("订单号：SB-1")
    table = d.add_table(rows=2, cols=2)
    for c, (head, value) in enumerate([("品名", "纸箱"), ("数量", "10")]):
        table.cell(0, c).text, table.cell(1, c).text = head, value
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


GOOD_CSV = "订单号,品名,数量\nSB-1,纸箱,10\n".encode()


def hostile_cases() -> dict[str, tuple[str, bytes]]:
    whole_pdf = pdf_of_many_pages(3)
    whole_docx = small_docx()
    return {
        "zip bomb in an e-mail": ("bomb.eml", mail_with(zip_bomb(), "orders.zip", "application/zip")),
        "zip bomb alone": ("orders.zip", zip_bomb()),
        "decompression-bomb PNG": ("fax.png", png_bomb()),
        "decompression-bomb TIFF": ("fax.tif", tiff_bomb()),
        "PNG bomb attached to an e-mail": ("fax.eml", mail_with(png_bomb(), "scan.png", "image/png")),
        "100 levels of message/rfc822": ("deep.eml", nested_mail(100)),
        "PDF claiming 100,000 pages": ("po.pdf", pdf_of_many_pages(100_000)),
        "truncated PDF": ("po.pdf", whole_pdf[: len(whole_pdf) // 2]),
        "truncated docx": ("po.docx", whole_docx[: len(whole_docx) // 2]),
        "truncated e-mail attachment": ("cut.eml", mail_with(whole_docx, "po.docx")[:-400]),
        "PDF named .xlsx": ("po.xlsx", whole_pdf[: len(whole_pdf) // 2]),
        "garbage named .docx": ("po.docx", os.urandom(5000)),
        "zip named .pdf": ("po.pdf", zip_bomb(1 << 24, "x.bin")),
        "0-byte PDF": ("po.pdf", b""),
        "0-byte e-mail": ("mail.eml", b""),
        "0-byte docx": ("po.docx", b""),
    }


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _one_sentence(reason: str) -> bool:
    return bool(reason) and reason.endswith(".") and "\n" not in reason and len(reason) < 300


# --- hostile documents through the real parsers ------------------------------------------------

@pytest.fixture(scope="module")
def cases() -> dict[str, tuple[str, bytes]]:
    return hostile_cases()


def test_every_hostile_document_ends_failed_or_not_an_order_and_the_parent_is_unharmed(cases):
    """Given bombs, deep nesting, a huge PDF, truncated, mislabelled and empty files, read in one
    sandbox: each ends as a failure with a sentence (or a non-order), none as an order, and the
    parent process stays small and can still read a good document afterwards."""
    before = _rss_mb()
    outcomes = {}
    with ParseSandbox(timeout_s=20, memory_mb=1024) as sandbox:
        for name, (filename, data) in cases.items():
            result = sandbox.parse(data, ParseContext(path=filename))
            assert isinstance(result, ParseResult), name
            assert not result.orders, name
            assert result.failures or result.not_orders, name
            assert all(_one_sentence(f.reason) for f in result.failures), (name, result.failures)
            outcomes[name] = result
        good = sandbox.parse(GOOD_CSV, ParseContext(path="good.csv"))
    assert [o.po_number for o in good.orders] == ["SB-1"]
    for name in ("zip bomb alone", "decompression-bomb PNG", "decompression-bomb TIFF",
                 "PDF claiming 100,000 pages", "truncated PDF", "truncated docx", "0-byte PDF"):
        assert outcomes[name].failures, name
    assert _rss_mb() - before < 150


def test_a_failure_is_labelled_with_the_format_the_document_most_likely_is(cases):
    """The failure queue shows "pdf" for a broken PDF and "docx" for a broken Word file."""
    with ParseSandbox(timeout_s=20) as sandbox:
        pdf = sandbox.parse(cases["truncated PDF"][1], ParseContext(path="po.pdf"))
        word = sandbox.parse(cases["truncated docx"][1], ParseContext(path="po.docx"))
    assert pdf.failures[0].source.kind == SourceKind.PDF
    assert word.failures[0].source.kind == SourceKind.DOCX


# --- injected misbehaving readers: each limit on its own ----------------------------------------

def sleep_forever(data: bytes, ctx: ParseContext) -> ParseResult:
    while True:
        time.sleep(60)


def allocate_ten_gigabytes(data: bytes, ctx: ParseContext) -> ParseResult:
    hoard = bytearray(10 * GIB)
    return ParseResult(not_orders=(str(len(hoard)),))


def allocate_step_by_step(data: bytes, ctx: ParseContext) -> ParseResult:
    hoard = []
    while True:
        hoard.append(bytearray(16 << 20))


def exit_at_once(data: bytes, ctx: ParseContext) -> ParseResult:
    os._exit(3)


def segfault(data: bytes, ctx: ParseContext) -> ParseResult:
    ctypes.string_at(0)
    return ParseResult()


def killed_by_the_kernel(data: bytes, ctx: ParseContext) -> ParseResult:
    os.kill(os.getpid(), signal.SIGKILL)
    return ParseResult()


def raise_value_error(data: bytes, ctx: ParseContext) -> ParseResult:
    raise ValueError("the reader has a bug")


def recurse_forever(data: bytes, ctx: ParseContext) -> ParseResult:
    return recurse_forever(data, ctx)


def echo_size(data: bytes, ctx: ParseContext) -> ParseResult:
    return ParseResult(not_orders=(f"{len(data)} bytes from {ctx.path}",))


PDF_CTX = ParseContext(path="inbox/po.pdf")
MEMORY = "The document needs more memory than allowed (256 MB) to be read."


@pytest.mark.parametrize("parse_fn, reason", [
    (sleep_forever, "Reading the document took longer than 1.5 s; it was stopped."),
    (allocate_ten_gigabytes, MEMORY),
    (allocate_step_by_step, MEMORY),
    (killed_by_the_kernel, MEMORY),
    (exit_at_once, "The document's reader crashed (exit status 3); it needs a person to read it."),
    (segfault, "The document's reader crashed (signal SIGSEGV); it needs a person to read it."),
    (raise_value_error, "The document's reader failed (ValueError); it needs a person to read it."),
    (recurse_forever, "The document is nested too deeply to be read."),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_misbehaving_reader_becomes_one_failed_part_with_a_reason(parse_fn, reason):
    """Given a reader that hangs, hoards memory, dies or raises, the caller gets one failed part
    saying why, labelled with the document's likely format, within the time limit."""
    started = time.monotonic()
    result = parse_in_sandbox(b"%PDF-1.4 ...", PDF_CTX, timeout_s=1.5, memory_mb=256, parse_fn=parse_fn)
    assert time.monotonic() - started < 10
    assert not result.orders
    (failure,) = result.failures
    assert failure.reason == reason
    assert (failure.source.path, failure.source.part, failure.source.kind) == ("inbox/po.pdf", None, SourceKind.PDF)


def test_the_worker_is_replaced_after_it_dies_and_reused_while_it_lives():
    """One sandbox goes on reading after a hang and a crash, and keeps its worker between good documents."""
    with ParseSandbox(timeout_s=1, memory_mb=256, parse_fn=echo_size) as sandbox:
        first = sandbox.parse(b"abc", PDF_CTX)
        pid = sandbox._process.pid
        assert sandbox.parse(b"abcd", PDF_CTX).not_orders == ("4 bytes from inbox/po.pdf",)
        assert sandbox._process.pid == pid
        for bad in (sleep_forever, exit_at_once, allocate_ten_gigabytes):
            sandbox.parse_fn = bad
            sandbox.close()  # a new parse_fn takes effect with the next worker
            assert sandbox.parse(b"x", PDF_CTX).failures
            sandbox.parse_fn = echo_size
            assert sandbox.parse(b"xy", PDF_CTX).not_orders == ("2 bytes from inbox/po.pdf",)
    assert first.not_orders == ("3 bytes from inbox/po.pdf",)


def test_the_memory_limit_is_the_workers_not_the_callers():
    """After a worker hit its limit, this process can still allocate beyond that limit."""
    result = parse_in_sandbox(b"", PDF_CTX, memory_mb=256, parse_fn=allocate_step_by_step)
    assert result.failures
    spare = bytearray(300 << 20)
    assert len(spare) == 300 << 20


def test_the_real_reader_is_the_default():
    """Without parse_fn, the sandbox reads with parsers.registry.parse_document."""
    result = parse_in_sandbox(GOOD_CSV, ParseContext(path="po.csv"), timeout_s=30)
    assert [(o.source.kind, o.po_number) for o in result.orders] == [(SourceKind.CSV, "SB-1")]


@pytest.mark.parametrize("fn, reason", [
    (sleep_forever, "It took longer than 1.5 s and was stopped."),
    (allocate_ten_gigabytes, "It needs more memory than allowed (256 MB)."),
    (killed_by_the_kernel, "It needs more memory than allowed (256 MB)."),
    (exit_at_once, "Its worker crashed (exit status 3)."),
    (segfault, "Its worker crashed (signal SIGSEGV)."),
    (raise_value_error, "It failed (ValueError)."),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_sandboxed_call_that_misbehaves_raises_with_a_sentence_and_the_next_call_works(fn, reason):
    """The call sandbox (the desk's page drawing) has the parse sandbox's limits: whatever the
    function does to its worker, the caller gets one sentence and the next call a fresh worker."""
    with CallSandbox(fn, timeout_s=1.5, memory_mb=256) as sandbox:
        with pytest.raises(SandboxError) as raised:
            sandbox.call(b"x", PDF_CTX)
        assert str(raised.value) == reason
        sandbox.fn = echo_size
        sandbox.close()
        assert sandbox.call(b"abc", PDF_CTX).not_orders == ("3 bytes from inbox/po.pdf",)
