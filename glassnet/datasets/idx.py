"""The IDX file format of MNIST: a tiny header, then one big-endian array.

Layout: two zero bytes, a type byte, a byte giving the number of dimensions d,
then d big-endian uint32 sizes, then the values in row-major order. Files may be
gzip-compressed (``.gz``), as they are published.
"""
from __future__ import annotations

import gzip
import os
import zlib

import numpy as np

from glassnet.files import atomic_write

IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
"""The type byte → the element type it announces."""


class IDXFormatError(ValueError):
    """A file that is not a well-formed IDX file (wrong magic bytes, truncated, trailing data)."""


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as file:
        raw = file.read()
    if raw[:2] == b"\x1f\x8b":  # the gzip signature
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise IDXFormatError(f"{path}: the gzip data is truncated or corrupted ({error}); delete it and fetch it again") from None
    return raw


def parse_idx(data: bytes, source: str = "<bytes>") -> np.ndarray:
    """The array stored in the IDX bytes ``data`` (native byte order); ``source`` names it in errors."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise IDXFormatError(
            f"{source}: not an IDX file: it must start with two zero bytes, a type byte and a dimension "
            f"count, but starts with {data[:4].hex(' ') or 'nothing'}"
        )
    type_code, ndim = data[2], data[3]
    if type_code not in IDX_TYPES:
        raise IDXFormatError(
            f"{source}: unknown IDX type byte 0x{type_code:02X}; known: "
            f"{', '.join(f'0x{code:02X}' for code in IDX_TYPES)}"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXFormatError(f"{source}: truncated: the header announces {ndim} dimensions but the file ends at byte {len(data)}")
    shape = tuple(int(size) for size in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_TYPES[type_code]
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        problem = "truncated" if len(data) < expected else "has trailing bytes"
        raise IDXFormatError(
            f"{source}: {problem}: a {dtype.name} array of shape {shape} needs {expected} bytes, "
            f"the file holds {len(data)}; delete it and fetch it again"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def read_idx(path) -> np.ndarray:
    """Read an IDX file (plain or ``.gz``) into an array.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    IDXFormatError
        When the file is not well-formed IDX (bad magic bytes, truncated, trailing data).
    """
    path = os.fspath(path)
    return parse_idx(_read_bytes(path), path)


def write_idx(path, array) -> None:
    """Write ``array`` as an IDX file (gzip-compressed when ``path`` ends in ``.gz``), atomically."""
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}
    native = array.dtype.newbyteorder("=")
    if native not in codes:
        raise TypeError(f"write_idx: dtype {array.dtype} has no IDX type; use one of {sorted(str(d) for d in codes)}")
    if array.ndim > 255:
        raise ValueError(f"write_idx: at most 255 dimensions, got {array.ndim}")
    header = bytes([0, 0, codes[native], array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    data = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    path = os.fspath(path)
    if path.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    with atomic_write(path) as file:
        file.write(data)
