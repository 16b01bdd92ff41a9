"""y ← y + a·x in one pass over memory: the BLAS ``axpy`` that NumPy does not expose.

The step of gradient descent, ``W -= lr * dW``, costs NumPy two passes and a temporary: it
writes lr·dW to a new array, then reads that array and W again to subtract. For a
784×256 weight that is about 4 MB of memory traffic where 2.4 MB would do, and on a
small-batch training step it takes longer than the matrix product that made dW.
BLAS ``axpy`` reads x and y once and writes y once.

glassnet calls the ``axpy`` of the BLAS that NumPy itself has loaded, found with
threadpoolctl (the library that already finds it to set its thread count). Only
OpenBLAS is used this way, the BLAS of NumPy's own wheels, whose symbol names and
integer width threadpoolctl reports. With any other BLAS, without threadpoolctl, or
for arrays it cannot take (another dtype, not contiguous or not laid out alike, tiny), :func:`axpy_` falls
back to NumPy and gives the same numbers up to rounding.
"""
from __future__ import annotations

import ctypes
import functools

import numpy as np

MIN_SIZE = 4096
"""Below this many elements NumPy's two ufunc calls are as fast as a foreign call."""


@functools.cache
def _openblas_axpy() -> dict:
    """{dtype: cblas_?axpy} of NumPy's OpenBLAS, or {} when it cannot be found (looked up once)."""
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
    found = {}
    for dtype, letter, scalar in ((np.float32, "s", ctypes.c_float), (np.float64, "d", ctypes.c_double)):
        function = getattr(lib.dynlib, f"{prefix}cblas_{letter}axpy{suffix}", None)
        if function is None:
            return {}
        # void cblas_?axpy(n, alpha, x, incx, y, incy)
        function.argtypes = [integer, scalar, ctypes.c_void_p, integer, ctypes.c_void_p, integer]
        function.restype = None
        found[np.dtype(dtype)] = function
    return found


def _uses_64bit_integers(dynlib, prefix: str, suffix: str) -> bool:
    """Whether the library's BLAS integers are 64-bit (ILP64), from its build configuration string."""
    config = getattr(dynlib, f"{prefix}openblas_get_config{suffix}", None)
    if config is None:
        return "64" in suffix  # ILP64 builds conventionally carry a 64 in their symbol suffix
    config.restype = ctypes.c_char_p
    config.argtypes = []
    return b"USE64BITINT" in (config() or b"")


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
        function = _openblas_axpy().get(y.dtype)
        if function is not None:
            function(y.size, float(alpha), x.ctypes.data, 1, y.ctypes.data, 1)
            return y
    y += alpha * x
    return y


def sum_of_squares(x: np.ndarray):
    """x·x = Σ x_i² over every element, as one BLAS dot in memory order.

    A contiguous array of either layout is read through a flat view (``np.vdot`` would copy a
    column-major one first); any other array is copied once. Overflow gives inf, NaN stays NaN.
    """
    flat = x.ravel(order="K")  # a view for any contiguous layout
    return flat.dot(flat)  # the method: the same BLAS dot without the Python-level dispatch of np.dot
