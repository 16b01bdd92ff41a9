"""The two BLAS routines NumPy does not expose: y ← y + a·x (axpy) and C ← C + α·A·B (gemm with β = 1).

The step of gradient descent, ``W -= lr * dW``, costs NumPy two passes and a temporary: it
writes lr·dW to a new array, then reads that array and W again to subtract. For a
784×256 weight that is about 4 MB of memory traffic where 2.4 MB would do, and on a
small-batch training step it takes longer than the matrix product that made dW.
BLAS ``axpy`` reads x and y once and writes y once. BLAS ``gemm`` with β = 1 adds a product
to an existing matrix, so W ← W − lr·gᵀx needs neither dW nor a second pass (NumPy's
``matmul`` always overwrites its ``out``).

glassnet calls the routines of the BLAS that NumPy itself has loaded, found with
threadpoolctl (the library that already finds it to set its thread count). Only
OpenBLAS is used this way, the BLAS of NumPy's own wheels, whose symbol names and
integer width threadpoolctl reports. With any other BLAS, without threadpoolctl, or
for arrays it cannot take (another dtype, not contiguous or not laid out alike, overlapping, tiny),
:func:`axpy_` and :func:`gemm_` fall back to NumPy and give the same numbers up to rounding.
"""
from __future__ import annotations

import ctypes
import functools

import numpy as np

MIN_SIZE = 4096
"""Below this many elements NumPy's two ufunc calls are as fast as a foreign call."""

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
"""The CBLAS enumerations CblasRowMajor, CblasNoTrans and CblasTrans."""


@functools.cache
def _openblas() -> dict:
    """{(routine, dtype): cblas function} of NumPy's OpenBLAS for axpy and gemm, or {} when it cannot
    be found (looked up once)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return {}
    candidates = [lib for lib in ThreadpoolController().lib_controllers if lib.internal_api == "openblas"]
    # the OpenBLAS NumPy ships in its wheel sits in numpy.libs (or .dylibs) beside the package
    ours = [lib for lib in candidates if "numpy" in lib.filepath.replace("\\", "/").lower()]
    if len(ours) != 1 and len(candidates) != 1:
        return {}
    lib = (ours or candidates)[0]
    prefix, suffix = getattr(lib, "_symbol_prefix", None), getattr(lib, "_symbol_suffix", None)
    if prefix is None or suffix is None:
        return {}
    integer = ctypes.c_int64 if _uses_64bit_integers(lib.dynlib, prefix, suffix) else ctypes.c_int
    pointer, enum = ctypes.c_void_p, ctypes.c_int
    found = {}
    for dtype, letter, scalar in ((np.float32, "s", ctypes.c_float), (np.float64, "d", ctypes.c_double)):
        signatures = {
            # void cblas_?axpy(n, alpha, x, incx, y, incy)
            "axpy": [integer, scalar, pointer, integer, pointer, integer],
            # void cblas_?gemm(order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            "gemm": [enum, enum, enum, integer, integer, integer, scalar, pointer, integer, pointer, integer,
                     scalar, pointer, integer],
        }
        for routine, argtypes in signatures.items():
            function = getattr(lib.dynlib, f"{prefix}cblas_{letter}{routine}{suffix}", None)
            if function is None:
                return {}
            function.argtypes = argtypes
            function.restype = None
            found[routine, np.dtype(dtype)] = function
    return found


def _uses_64bit_integers(dynlib, prefix: str, suffix: str) -> bool:
    """Whether the library's BLAS integers are 64-bit (ILP64), from its build configuration string."""
    config = getattr(dynlib, f"{prefix}openblas_get_config{suffix}", None)
    if config is None:
        return "64" in suffix  # ILP64 builds conventionally carry a 64 in their symbol suffix
    config.restype = ctypes.c_char_p
    config.argtypes = []
    return b"USE64BITINT" in (config() or b"")


def _address(array: np.ndarray) -> int:
    """The address of the first element of a row- or column-major array.

    ctypes reads it through the buffer protocol in 0.25 µs (0.37 µs through the transpose, which
    makes a column-major array row-major at the same address), where ``array.ctypes.data`` builds
    a Python object in 1.75 µs. ctypes will not wrap a read-only buffer (TypeError), nor one it
    cannot export; those go the slow way.
    """
    try:
        return ctypes.addressof(ctypes.c_char.from_buffer(array if array.flags.c_contiguous else array.T))
    except (TypeError, ValueError, BufferError):
        return array.ctypes.data


def axpy_(y: np.ndarray, alpha: float, x: np.ndarray) -> np.ndarray:
    """y ← y + α·x in place, in one pass (BLAS axpy) when it can; returns y.

    ``x`` and ``y`` must have the same shape; ``y`` must be writeable.
    """
    if x.shape != y.shape:
        raise ValueError(f"axpy_: x has shape {x.shape} but y has {y.shape}; they must be equal")
    # one flat pass needs both arrays contiguous with the same layout (row- or column-major)
    if y.size >= MIN_SIZE and x.dtype == y.dtype and x.strides == y.strides \
            and (y.flags.c_contiguous or y.flags.f_contiguous) \
            and y.flags.writeable and y.flags.aligned and x.flags.aligned:
        function = _openblas().get(("axpy", y.dtype))
        if function is not None:
            function(y.size, float(alpha), _address(x), 1, _address(y), 1)
            return y
    y += alpha * x
    return y


def _operand(m: np.ndarray, rows: int, cols: int):
    """(transpose flag, leading dimension) that describe ``m`` to row-major BLAS, or None.

    BLAS reads a matrix whose rows, or whose columns, sit one element apart; the leading
    dimension is the step, in elements, between the starts of consecutive rows (columns).
    """
    item = m.itemsize
    s0, s1 = m.strides
    if s1 == item or cols == 1:  # each row is a run of elements; a single row may sit anywhere
        ld = s0 // item if rows > 1 else max(1, cols)
        if rows == 1 or (s0 % item == 0 and ld >= max(1, cols)):
            return _NO_TRANS, ld
    if s0 == item or rows == 1:  # each column is a run: m is the transpose of a row-major matrix
        ld = s1 // item if cols > 1 else max(1, rows)
        if cols == 1 or (s1 % item == 0 and ld >= max(1, rows)):
            return _TRANS, ld
    return None


def gemm_(c: np.ndarray, alpha: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """C ← C + α·A·B in place, as one BLAS gemm with β = 1 when it can; returns c.

    ``a`` is (M, K), ``b`` (K, N) and ``c`` (M, N), all 2-D. Each may be row- or column-major,
    or a slice or transposed view of such; ``c`` must be writeable and must not overlap ``a``
    or ``b``. Otherwise, and for other dtypes or BLAS libraries, it computes c += α·(a @ b)
    with NumPy. Stochastic gradient descent fused into the backward pass is
    ``gemm_(W, -lr, g.T, x)``: W ← W − lr·gᵀx without ever storing dL/dW.
    """
    if a.ndim != 2 or b.ndim != 2 or c.ndim != 2:
        raise ValueError(f"gemm_: a, b and c must be 2-D, got shapes {a.shape}, {b.shape} and {c.shape}")
    (m, k), n = a.shape, b.shape[1]
    if b.shape[0] != k or c.shape != (m, n):
        raise ValueError(f"gemm_: a of shape {a.shape} times b of shape {b.shape} does not fit c of shape {c.shape}")
    if not c.flags.writeable:
        raise ValueError("gemm_: c is read-only; it must be a writeable array to add the product into")
    if c.size == 0 or k == 0:
        return c
    function = _openblas().get(("gemm", c.dtype)) if a.dtype == b.dtype == c.dtype else None
    if function is not None and c.flags.aligned and a.flags.aligned and b.flags.aligned \
            and not np.may_share_memory(c, a) and not np.may_share_memory(c, b):
        layout_c = _operand(c, m, n)
        if layout_c is not None:
            c_rows, c_cols = m, n
            if layout_c[0] == _TRANS:  # a column-major C is Cᵀ row-major: Cᵀ ← Cᵀ + α·Bᵀ·Aᵀ
                c_rows, c_cols, a, b = n, m, b.T, a.T
            layout_a, layout_b = _operand(a, c_rows, k), _operand(b, k, c_cols)
            if layout_a is not None and layout_b is not None:
                function(_ROW_MAJOR, layout_a[0], layout_b[0], c_rows, c_cols, k, float(alpha), a.ctypes.data,
                         layout_a[1], b.ctypes.data, layout_b[1], 1.0, c.ctypes.data, layout_c[1])
                return c
    c += alpha * (a @ b)
    return c


def sum_of_squares(x: np.ndarray):
    """x·x = Σ x_i² over every element, as one BLAS dot in memory order.

    A contiguous array of either layout is read through a flat view (``np.vdot`` would copy a
    column-major one first); any other array is copied once. Overflow gives inf, NaN stays NaN.
    """
    flat = x.ravel(order="K")  # a view for any contiguous layout
    return flat.dot(flat)  # the method: the same BLAS dot without the Python-level dispatch of np.dot
