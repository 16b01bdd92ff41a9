"""Reductions: sum and max are primitives; mean and variance are built from them."""
from __future__ import annotations

import math

import numpy as np

from glassnet.ops.registry import primitive


def _restore_axes(g, shape, axis, keepdims):
    """Put back the reduced axes as size 1 so ``g`` broadcasts against the input."""
    if keepdims or axis is None and g.ndim == 0:
        return g
    axes = tuple(range(len(shape))) if axis is None else np.atleast_1d(axis)
    axes = sorted(a % len(shape) for a in axes)
    for a in axes:
        g = np.expand_dims(g, a)
    return g


@primitive(n_tensors=1)
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes when None)."""
    # d/dx_i sum(x) = 1: each input gets the output's gradient
    return x.sum(axis=axis, keepdims=keepdims), (
        lambda g: np.broadcast_to(_restore_axes(g, x.shape, axis, keepdims), x.shape),
    )


@primitive(n_tensors=1)
def max(x, axis=None, keepdims=False):
    """Largest value over ``axis``; ties share the gradient equally."""
    y = x.max(axis=axis, keepdims=True)

    def grad(g):
        # d/dx_i max(x) = 1/k at each of the k positions holding the maximum, 0 elsewhere
        winners = x == y
        if x.dtype.kind == "f" and np.isnan(y).any():  # a NaN maximum was taken from the NaNs, as PyTorch's
            winners |= np.isnan(x) & np.isnan(y)
        share = winners / winners.sum(axis=axis, keepdims=True, dtype=x.dtype)  # in x's dtype, not float64
        return _restore_axes(g, x.shape, axis, keepdims) * share

    return (y if keepdims else y.squeeze(axis=axis) if axis is not None else y.reshape(())), (grad,)


def _count(shape, axis) -> int:
    if axis is None:
        return int(np.prod(shape))
    return int(np.prod([shape[a] for a in np.atleast_1d(axis)]))


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``: sum(x) / n."""
    if x._data.dtype.kind in "biu":  # no gradient; float64 as NumPy (a float32 1/n was 3e-8 off)
        return type(x)._from_op(np.mean(x._data, axis=axis, keepdims=keepdims))
    count = _count(x.shape, axis)
    return sum(x, axis=axis, keepdims=keepdims) * (1.0 / count if count else math.nan)  # of nothing: NaN, as NumPy


def var(x, axis=None, keepdims=False, ddof=0):
    """Variance: sum((x - mean x)^2) / (n - ddof)."""
    centred = x - mean(x, axis=axis, keepdims=True)
    dof = _count(x.shape, axis) - ddof
    return sum(centred * centred, axis=axis, keepdims=keepdims) * (1.0 / dof if dof > 0 else math.nan)
