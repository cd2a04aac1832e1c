"""The flat form of a catalog snapshot: numpy arrays and one pool of strings in one buffer.

A distributor's catalog (100,000 items, 300,000 prices) as Python objects costs ~450 MB in
every process that holds it and seconds to index. Packed, each string is stored once in a
pool (a name, a unit, a price written as text), each row is a few integers pointing into
it, and every lookup table is a sorted hash array searched by bisection: ~40 MB that a
process can map read-only from a file, so all the workers of a machine share one copy
through the page cache and a worker is ready as soon as the file is mapped. Rows become
records again (`Material`, `PriceEntry`) only when a lookup asks for one.

This module is pure: it turns arrays into bytes and any buffer (bytes, an mmap) back into
array views; where the buffer comes from is the caller's business.
"""
from __future__ import annotations

import bisect
import itertools
import json
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

MAGIC = b"ODCATPK\n"
FORMAT = 3          # bump when the layout or the meaning of an array changes
_ALIGN = 8
_EMPTY = np.zeros(0, dtype=np.int32)


class PackError(ValueError):
    """The buffer is not a packed catalog of this format (an old file, a torn write)."""


def pack_arrays(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> bytes:
    """One buffer: magic, header length, a JSON header (array name -> dtype, offset, length,
    plus `meta`), then each array's bytes at an aligned offset."""
    index: dict[str, list[Any]] = {}
    offset = 0
    for name, array in arrays.items():
        array = np.ascontiguousarray(array)
        index[name] = [array.dtype.str, offset, int(array.size)]
        offset += _aligned(array.nbytes)
    header = json.dumps({"format": FORMAT, "arrays": index, "meta": meta}).encode()
    start = _aligned(len(MAGIC) + 8 + len(header))
    out = bytearray(start + offset)
    out[:len(MAGIC)] = MAGIC
    out[len(MAGIC):len(MAGIC) + 8] = len(header).to_bytes(8, "little")
    out[len(MAGIC) + 8:len(MAGIC) + 8 + len(header)] = header
    for name, array in arrays.items():
        at = start + index[name][1]
        out[at:at + array.nbytes] = np.ascontiguousarray(array).tobytes()
    return bytes(out)


def unpack_arrays(buffer: Any) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read-only array views into `buffer` (nothing is copied), and the header's meta."""
    view = memoryview(buffer)
    if bytes(view[:len(MAGIC)]) != MAGIC:
        raise PackError("not a packed catalog")
    size = int.from_bytes(view[len(MAGIC):len(MAGIC) + 8], "little")
    try:
        header = json.loads(bytes(view[len(MAGIC) + 8:len(MAGIC) + 8 + size]))
    except ValueError as exc:
        raise PackError(f"the packed catalog's header is unreadable ({exc})") from exc
    if header.get("format") != FORMAT:
        raise PackError(f"packed catalog format {header.get('format')}, this version reads {FORMAT}")
    start = _aligned(len(MAGIC) + 8 + size)
    arrays = {}
    for name, (dtype, offset, count) in header["arrays"].items():
        if start + offset + count * np.dtype(dtype).itemsize > len(view):
            raise PackError("the packed catalog is shorter than its header says")
        array = np.frombuffer(buffer, dtype=dtype, count=count, offset=start + offset)
        array.flags.writeable = False
        arrays[name] = array
    return arrays, header["meta"]


def _aligned(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


def key_hash(key: str) -> int:
    """A hash that is the same in every process (Python's own `hash` of str is not)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass"))


# --- strings -------------------------------------------------------------------------------


class PoolBuilder:
    """Collects distinct strings; each gets an id (None is -1)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def add(self, text: str | None) -> int:
        if text is None:
            return -1
        ids = self._ids
        return ids.setdefault(text, len(ids))

    def column(self, texts: Iterable[str | None]) -> np.ndarray:
        """The ids of `texts`, as an int32 array."""
        ids = self._ids
        return np.fromiter((-1 if t is None else ids.setdefault(t, len(ids)) for t in texts), dtype=np.int32)

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        encoded = [s.encode("utf-8", "surrogatepass") for s in self._ids]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        return {f"{name}.blob": np.frombuffer(b"".join(encoded), dtype=np.uint8),
                f"{name}.offsets": offsets}


class Pool:
    """The strings of a packed catalog, by id; decoded on each access."""

    def __init__(self, arrays: dict[str, np.ndarray], name: str) -> None:
        self._blob = memoryview(arrays[f"{name}.blob"])
        self._offsets = memoryview(arrays[f"{name}.offsets"])

    def __getitem__(self, i: int) -> str | None:
        if i < 0:
            return None
        return str(self._blob[self._offsets[i]:self._offsets[i + 1]], "utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self._offsets) - 1


# --- lookup tables -------------------------------------------------------------------------


def index_arrays(name: str, groups: dict[str, Sequence[int]], pool: PoolBuilder) -> dict[str, np.ndarray]:
    """A key -> integers table as sorted arrays: hashes, key ids, value starts, values.

    The values of a key keep their order; keys are sorted by hash so a lookup is one bisection.
    """
    count = len(groups)
    hashes = np.fromiter((key_hash(k) for k in groups), dtype=np.uint32, count=count)
    keys = pool.column(groups)
    lengths = np.fromiter((len(v) for v in groups.values()), dtype=np.int64, count=count)
    values = np.fromiter(itertools.chain.from_iterable(groups.values()), dtype=np.int32, count=int(lengths.sum()))
    order = np.lexsort((keys, hashes))
    was_at = np.concatenate(([0], np.cumsum(lengths)))[:-1][order]
    lengths = lengths[order]
    starts = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    moved = np.repeat(was_at - starts[:-1], lengths) + np.arange(starts[-1], dtype=np.int64)
    return {f"{name}.hash": hashes[order], f"{name}.key": keys[order], f"{name}.start": starts,
            f"{name}.values": values[moved]}


class KeyIndex:
    """Reads a table written by `index_arrays`: `get(key)` is an int32 array view, empty when
    the key is absent."""

    def __init__(self, arrays: dict[str, np.ndarray], name: str, pool: Pool) -> None:
        self._hashes = memoryview(arrays[f"{name}.hash"])
        self._keys = memoryview(arrays[f"{name}.key"])
        self._starts = memoryview(arrays[f"{name}.start"])
        self._values = arrays[f"{name}.values"]
        self._pool = pool

    def get(self, key: str) -> np.ndarray:
        h = key_hash(key)
        at = bisect.bisect_left(self._hashes, h)
        while at < len(self._hashes) and self._hashes[at] == h:
            if self._pool[self._keys[at]] == key:
                return self._values[self._starts[at]:self._starts[at + 1]]
            at += 1
        return _EMPTY

    def __len__(self) -> int:
        return len(self._hashes)
