"""What ``Tensor.max``/``min``/``argmax``/``var`` need beyond the reduction ops: PyTorch's
``(values, indices)`` along a dimension, integer minima, and the variance's divisor."""
from __future__ import annotations

import collections

import numpy as np

from glassnet.ops import reductions
from glassnet.tensor import Tensor, _dim


ValuesAndIndices = collections.namedtuple("ValuesAndIndices", "values indices")
ValuesAndIndices.__doc__ = "``(values, indices)`` from ``max(dim)``/``min(dim)``, readable by name as in PyTorch."


def is_one_dim(dim) -> bool:
    return isinstance(dim, (int, np.integer)) and not isinstance(dim, bool)


def smallest(x: Tensor, axis, keepdims: bool) -> Tensor:
    """min(x) = -max(-x) for floats (one primitive for both); integers and bools, which have no gradient
    and whose negation wraps (uint8) or overflows (the most negative int64), directly."""
    if x._data.dtype.kind in "biu":
        return Tensor._from_op(np.asarray(np.min(x._data, axis=axis, keepdims=keepdims)))
    return -reductions.max(-x, axis=axis, keepdims=keepdims)


def extreme_along(x: Tensor, dim, keepdim: bool, largest: bool) -> ValuesAndIndices:
    """The largest (or smallest) entry along ``dim`` and where it is; the values are ``x`` indexed
    at those positions, so the gradient reaches exactly them (the first, on a tie, as PyTorch)."""
    if x.ndim == 0:
        _dim(dim, 1, "max" if largest else "min")
        return ValuesAndIndices(x, Tensor._from_op(np.zeros((), dtype=np.int64)))
    axis = _dim(dim, x.ndim, "max" if largest else "min")
    if x.shape[axis] == 0:
        raise IndexError(f"{'max' if largest else 'min'}: dimension {dim} of shape {x.shape} is empty")
    positions = (np.argmax if largest else np.argmin)(x._data, axis=axis, keepdims=True)
    index = list(np.indices(positions.shape, sparse=True))
    index[axis] = positions
    values = x[tuple(index)]
    if not keepdim:
        values, positions = values.squeeze(axis), positions.squeeze(axis)
    return ValuesAndIndices(values, Tensor._from_op(positions))


def arg_extreme(x: Tensor, find, dim, keepdim, axis, keepdims) -> Tensor:
    axis = dim if axis is None else axis
    keep = bool(keepdim if keepdims is None else keepdims)
    if axis is not None:
        axis = _dim(axis, max(x.ndim, 1), find.__name__)
        if x.ndim == 0:
            axis = None
    return Tensor._from_op(np.asarray(find(x._data, axis=axis, keepdims=keep)))


def variance_correction(correction, unbiased, ddof, numpy_style: bool) -> int:
    """The n - correction divisor of ``var``: PyTorch's default 1, or 0 when only NumPy's keywords are used."""
    given = [name for name, value in (("correction", correction), ("unbiased", unbiased), ("ddof", ddof))
             if value is not None]
    if len(given) > 1:
        raise TypeError(f"var: give one of correction, unbiased and ddof, got {' and '.join(given)}")
    if unbiased is not None:
        return 1 if unbiased else 0
    value = correction if correction is not None else ddof
    if value is None:
        return 0 if numpy_style else 1
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"var: {given[0]} must be a number, got {value!r}")
    return value
