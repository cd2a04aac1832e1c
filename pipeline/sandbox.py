"""Parsers never trust input: each document is read in a worker process with a time and a memory limit.

(`CallSandbox` gives the same limits to any other pure function of untrusted bytes: the review
desk draws PDF and fax pages with it.)

A document that hangs its parser, exhausts memory (decompression and zip bombs), crashes the
interpreter or raises becomes a `ParseResult` holding one `FailedPart` with a sentence a clerk
understands, and the daemon goes on. The worker process is reused between documents (a
document costs a pipe round trip, not a process start) and replaced whenever it dies, is
killed for overrunning its time, or ran out of memory.
"""
from __future__ import annotations

import logging
import multiprocessing
import resource
import signal
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Callable

from parsers.context import ParseContext
from parsers.detect import sniff
from parsers.model import FailedPart, ParseResult, SourceRef
from parsers.registry import likely_kind

log = logging.getLogger(__name__)

ParseFn = Callable[[bytes, ParseContext], ParseResult]

# forkserver: workers are forked from a small clean server process, never from the daemon with
# its threads and sockets; the server imports the parsers once, so a new worker starts warm.
_MP = multiprocessing.get_context("forkserver")
_PRELOAD = ["parsers.registry"]


class SandboxWorker:
    """A child process with a memory limit, fed one request at a time over a pipe.

    It is reused between requests (a request costs a pipe round trip, not a process start) and
    replaced whenever it dies, is killed for overrunning its time, or has served `max_requests`.
    `target(conn, *child_args())` is the child's loop; one sandbox serves one thread.
    """

    def __init__(self, *, target: Callable[..., None], timeout_s: float, max_requests: int, name: str) -> None:
        self.timeout_s = timeout_s
        self._target, self._name, self._max_requests = target, name, max_requests
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._served = 0

    def __enter__(self) -> SandboxWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def child_args(self) -> tuple:
        """What the next worker's loop is started with (read when it starts)."""
        return ()

    def exchange(self, request: object) -> tuple[str, object]:
        """Send one request and wait for the child's (status, payload); ("timeout", None) when it
        overran (it is killed), ("died", exit code) when it died meanwhile."""
        conn = self._worker()
        try:
            conn.send(request)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            return self._died()
        if not conn.poll(self.timeout_s):
            self._stop()
            return "timeout", None
        try:
            status, payload = conn.recv()
        except (EOFError, ConnectionResetError, OSError):
            return self._died()
        self._served += 1
        return status, payload

    def close(self) -> None:
        """Stop the worker process, if one is running."""
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            self._process.join(timeout=1)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._process = self._conn = None

    def _worker(self) -> Connection:
        if self._process is not None and (not self._process.is_alive() or self._served >= self._max_requests):
            self.close()
        if self._conn is None:
            # The fork server imports the parsers once (this only counts before it first starts).
            _MP.set_forkserver_preload(_PRELOAD)
            parent_end, child_end = _MP.Pipe()
            process = _MP.Process(target=self._target, args=(child_end, *self.child_args()), name=self._name,
                                  daemon=True)
            try:
                process.start()
            except BaseException:
                parent_end.close()
                raise
            finally:
                child_end.close()
            # Only a started worker is kept: one that could not start leaves nothing to join later.
            self._process, self._conn, self._served = process, parent_end, 0
        return self._conn

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
        self.close()

    def _died(self) -> tuple[str, object]:
        """The worker died while working: killed for memory by the kernel, or crashed."""
        process = self._process
        if process is not None:
            process.join(timeout=5)
        code = process.exitcode if process is not None else None
        self.close()
        return "died", code


class ParseSandbox(SandboxWorker):
    """A reusable worker process that reads one document at a time within the limits.

    Use as a context manager, or call `close()`; one sandbox serves one thread.
    `parse_fn` defaults to `parsers.registry.parse_document`; it must be importable by name.
    """

    def __init__(self, *, timeout_s: float = 60, memory_mb: int = 1024,
                 parse_fn: ParseFn | None = None, max_documents: int = 500) -> None:
        super().__init__(target=serve, timeout_s=timeout_s, max_requests=max_documents, name="orderdesk-parse")
        self.memory_mb = memory_mb
        self.parse_fn = parse_fn
        self.max_documents = max_documents

    def child_args(self) -> tuple:
        return self.memory_mb, self.parse_fn

    def __enter__(self) -> ParseSandbox:
        return self

    def parse(self, data: bytes, ctx: ParseContext) -> ParseResult:
        """Read `data` in the worker; never raises for anything the document does."""
        status, payload = self.exchange((data, ctx))
        if status == "timeout":
            log.warning("parser timed out after %ss on doc=%s part=%s", self.timeout_s, ctx.path, ctx.part)
            return failed_result(data, ctx, f"Reading the document took longer than {self.timeout_s:g} s; "
                                            "it was stopped.")
        if status == "died":
            log.warning("parser worker died (exit %s) on doc=%s part=%s", payload, ctx.path, ctx.part)
            if payload == -signal.SIGKILL:
                return failed_result(data, ctx, self._memory_reason())
            return failed_result(data, ctx, f"The document's reader crashed ({_exit_words(payload)}); "
                                            "it needs a person to read it.")
        return self._reply(status, payload, data, ctx)

    def _reply(self, status: str, payload: object, data: bytes, ctx: ParseContext) -> ParseResult:
        if status == "ok" and isinstance(payload, ParseResult):
            return payload
        if status == "memory":
            self.close()  # a process that ran out of memory is not trusted with the next document
            return failed_result(data, ctx, self._memory_reason())
        if status == "deep":
            return failed_result(data, ctx, "The document is nested too deeply to be read.")
        log.error("parser raised on doc=%s part=%s: %s", ctx.path, ctx.part, payload)
        return failed_result(data, ctx, f"The document's reader failed ({payload}); "
                                        "it needs a person to read it.")

    def _memory_reason(self) -> str:
        return f"The document needs more memory than allowed ({self.memory_mb} MB) to be read."


class SandboxError(Exception):
    """A sandboxed call did not give an answer; the message says why in one sentence."""


class CallSandbox(SandboxWorker):
    """Runs a pure function of untrusted bytes (`fn`, importable by name) in a worker process
    with a time and a memory limit, one call at a time; the review desk draws page images with
    it, so a hostile PDF costs the desk nothing but its own worker."""

    def __init__(self, fn: Callable[..., object], *, timeout_s: float = 20, memory_mb: int = 512,
                 max_calls: int = 200) -> None:
        super().__init__(target=serve_calls, timeout_s=timeout_s, max_requests=max_calls, name="orderdesk-call")
        self.memory_mb = memory_mb
        self.fn = fn

    def child_args(self) -> tuple:
        return self.memory_mb, self.fn

    def call(self, *args: object) -> object:
        """`fn(*args)` as the worker answered; SandboxError when it overran, ran out of memory,
        crashed or raised."""
        status, payload = self.exchange(args)
        if status == "ok":
            return payload
        if status == "memory":
            self.close()
        if status == "timeout":
            raise SandboxError(f"It took longer than {self.timeout_s:g} s and was stopped.")
        if status == "memory" or (status == "died" and payload == -signal.SIGKILL):
            raise SandboxError(f"It needs more memory than allowed ({self.memory_mb} MB).")
        if status == "died":
            raise SandboxError(f"Its worker crashed ({_exit_words(payload)}).")  # type: ignore[arg-type]
        raise SandboxError(f"It failed ({payload}).")


def parse_in_sandbox(data: bytes, ctx: ParseContext, *, timeout_s: float = 60, memory_mb: int = 1024,
                     parse_fn: ParseFn | None = None) -> ParseResult:
    """Read one document in a fresh worker process within the limits; never raises.

    For a stream of documents keep one `ParseSandbox` open instead: it reuses its worker.
    """
    with ParseSandbox(timeout_s=timeout_s, memory_mb=memory_mb, parse_fn=parse_fn) as sandbox:
        return sandbox.parse(data, ctx)


def failed_result(data: bytes, ctx: ParseContext, reason: str) -> ParseResult:
    """One failed part for the whole document, labelled with the format it most likely is."""
    kind = likely_kind(sniff(data, ctx.part or ctx.path))
    return ParseResult(failures=(FailedPart(SourceRef(ctx.path, ctx.part, kind), reason),))


def _exit_words(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


def serve(conn: Connection, memory_mb: int, parse_fn: ParseFn | None) -> None:
    """The worker's loop: limit memory, then read documents until the pipe closes."""
    limit_memory(memory_mb)
    if parse_fn is None:
        from parsers.registry import parse_document
        parse_fn = parse_document
    from parsers.ocr import LazyEngine
    ocr = LazyEngine()  # this worker's OCR engine, loaded on the first scanned page
    while True:
        try:
            data, ctx = conn.recv()
        except (EOFError, OSError):
            return
        if ctx.ocr is None:
            ctx = replace(ctx, ocr=ocr)
        status, payload = _run(parse_fn, data, ctx)
        del data
        try:
            conn.send((status, payload))
        except MemoryError:
            conn.send(("memory", None))
        except Exception as e:  # a result that cannot be pickled is a reader bug
            conn.send(("error", type(e).__name__))
        if status == "memory":
            return


def serve_calls(conn: Connection, memory_mb: int, fn: Callable[..., object]) -> None:
    """A call worker's loop: limit memory, then answer calls until the pipe closes."""
    limit_memory(memory_mb)
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, object] = ("ok", fn(*args))
        except MemoryError:
            reply = ("memory", None)
        except BaseException as e:  # noqa: BLE001 - anything the input makes `fn` raise is its failure
            reply = ("error", type(e).__name__)
        del args
        try:
            conn.send(reply)
        except (BrokenPipeError, ConnectionResetError, EOFError, OSError):
            return  # the caller is gone (its process stopped while this worked): nothing to answer
        if reply[0] == "memory":
            return


def _run(parse_fn: ParseFn, data: bytes, ctx: ParseContext) -> tuple[str, object]:
    try:
        return "ok", parse_fn(data, ctx)
    except MemoryError:
        return "memory", None
    except RecursionError:
        return "deep", None
    except BaseException as e:  # noqa: BLE001 - anything a reader raises is the document's failure
        return "error", type(e).__name__


def limit_memory(memory_mb: int) -> None:
    """Cap this process's memory, so an allocation past the limit raises MemoryError.

    RLIMIT_DATA (heap and private anonymous mappings, Linux >= 4.7) is the budget: it is the
    memory a document makes a reader use. The address space (RLIMIT_AS) is capped too, at four
    times that, as a backstop: it also counts shared libraries and untouched reservations, so at
    1x it would starve the OCR engine, whose ~770 MB working set maps ~1.3 GB.
    """
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    resource.setrlimit(resource.RLIMIT_AS, (4 * limit, 4 * limit))
