"""Making tensors, with PyTorch's names: ``zeros``, ``ones``, ``full``, ``arange``, ``randn`` and the rest.

Shapes are given as PyTorch takes them, ``zeros(2, 3)`` or ``zeros((2, 3))``. Floating results
take the default dtype (float32 unless ``set_default_dtype`` says otherwise) or ``dtype``;
random ones draw from ``generator`` (None: the default generator that ``manual_seed`` seeds, an
int seed, or a ``numpy.random.Generator``).
"""
from __future__ import annotations

import numbers

import numpy as np

from glassnet.dtypes import float_dtype_or_default, get_default_dtype, resolve_dtype
from glassnet.random import as_generator
from glassnet.tensor import Tensor


def _shape(size: tuple, function: str) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"{function}: size must be non-negative integers, got {size!r}")
    return tuple(int(n) for n in size)


def _any_dtype(dtype) -> np.dtype:
    """``dtype`` (any numeric one, e.g. int64 for labels), or the default float dtype."""
    resolved = resolve_dtype(dtype)
    if resolved is not None and resolved.kind not in "biuf":
        raise TypeError(f"dtype: expected a numeric dtype, got {resolved.name}")
    return resolved or get_default_dtype()


def _made(data: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor(data, requires_grad=requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing ``array``'s memory and dtype: changes to one show in the other (``torch.from_numpy``)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return Tensor(array)


def zeros(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of 0s of the given shape."""
    return _made(np.zeros(_shape(size, "zeros"), dtype=_any_dtype(dtype)), requires_grad)


def ones(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of 1s of the given shape."""
    return _made(np.ones(_shape(size, "ones"), dtype=_any_dtype(dtype)), requires_grad)


def full(size, fill_value, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ``fill_value`` everywhere; a float or no dtype gives the default float dtype,
    an int or bool value keeps its kind (int64, bool), as in PyTorch."""
    size = _shape(size if isinstance(size, (tuple, list)) else (size,), "full")
    if dtype is None:
        dtype = (np.bool_ if isinstance(fill_value, (bool, np.bool_)) else np.int64
                 if isinstance(fill_value, numbers.Integral) else get_default_dtype())
    return _made(np.full(size, fill_value, dtype=resolve_dtype(dtype)), requires_grad)


def _like(other, make, dtype, requires_grad: bool) -> Tensor:
    """``make(shape, dtype)`` in ``other``'s shape, and its dtype unless ``dtype`` is given."""
    data = np.asarray(getattr(other, "_data", other))
    return _made(make(data.shape, resolve_dtype(dtype) or data.dtype), requires_grad)


def zeros_like(other, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """0s of ``other``'s shape and dtype."""
    return _like(other, np.zeros, dtype, requires_grad)


def ones_like(other, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """1s of ``other``'s shape and dtype."""
    return _like(other, np.ones, dtype, requires_grad)


def full_like(other, fill_value, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` in ``other``'s shape and dtype."""
    return _like(other, lambda shape, dtype: np.full(shape, fill_value, dtype=dtype), dtype, requires_grad)


def eye(n: int, m: int | None = None, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """The n × m identity matrix (m = n by default)."""
    rows, = _shape((n,), "eye")
    columns, = _shape((rows if m is None else m,), "eye")
    return _made(np.eye(rows, columns, dtype=_any_dtype(dtype)), requires_grad)


def arange(start, end=None, step=1, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """start, start + step, … below end; all-integer arguments give int64, any float the default
    float dtype, as in PyTorch (``arange(5)`` is 0 … 4)."""
    if end is None:
        start, end = 0, start
    for name, value in (("start", start), ("end", end), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"arange: {name} must be a number, got {value!r}")
    if step == 0:
        raise ValueError("arange: step must not be 0")
    if dtype is None:
        dtype = np.int64 if all(isinstance(v, numbers.Integral) for v in (start, end, step)) else get_default_dtype()
    return _made(np.arange(start, end, step).astype(resolve_dtype(dtype)), requires_grad)


def linspace(start, end, steps: int, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from start to end, both included."""
    count, = _shape((steps,), "linspace")
    return _made(np.linspace(start, end, count).astype(_any_dtype(dtype)), requires_grad)  # an int dtype truncates


def rand(*size, generator=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Uniform draws in [0, 1)."""
    shape, dtype = _shape(size, "rand"), float_dtype_or_default(dtype)
    return _made(as_generator(generator).random(shape, dtype=dtype), requires_grad)


def randn(*size, generator=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Standard normal draws, N(0, 1)."""
    shape, dtype = _shape(size, "randn"), float_dtype_or_default(dtype)
    return _made(as_generator(generator).standard_normal(shape, dtype=dtype), requires_grad)


def randint(low=0, high=None, size=(), *, generator=None, dtype=None) -> Tensor:
    """Integers drawn uniformly from [low, high), int64; as PyTorch, ``randint(high, size)`` and
    ``randint(high=..., size=...)`` start at 0."""
    if high is None or isinstance(high, (tuple, list)) and size == ():  # randint(high) or randint(high, size)
        low, high, size = 0, low, (size if high is None else high)
    if isinstance(low, bool) or isinstance(high, bool) or not (
            isinstance(low, numbers.Integral) and isinstance(high, numbers.Integral)):
        raise TypeError(f"randint: low and high must be integers, got {low!r} and {high!r}")
    if not low < high:
        raise ValueError(f"randint: expected low < high, got low={low!r}, high={high!r}")
    shape = _shape(size if isinstance(size, (tuple, list)) else (size,), "randint")
    dtype = _integer_dtype(dtype, "randint")
    return Tensor(as_generator(generator).integers(low, high, size=shape, dtype=dtype))


def _integer_dtype(dtype, function: str) -> np.dtype:
    resolved = resolve_dtype(dtype) or np.dtype(np.int64)
    if resolved.kind not in "iu":
        raise TypeError(f"{function}: dtype must be an integer dtype (e.g. glassnet.long), got {resolved.name}")
    return resolved


def randperm(n: int, *, generator=None, dtype=None) -> Tensor:
    """The numbers 0 … n−1 in a random order, int64 (or ``dtype``)."""
    count, = _shape((n,), "randperm")
    return Tensor(as_generator(generator).permutation(count).astype(_integer_dtype(dtype, "randperm")))
