"""Arithmetic primitives: + - * / negation, powers and matrix products."""
from __future__ import annotations

import numpy as np

from glassnet.errors import ShapeError
from glassnet.ops.registry import primitive


@primitive
def add(a, b):
    """a + b (broadcasting)."""
    # d(a+b)/da = 1, d(a+b)/db = 1
    return a + b, (lambda g: g, lambda g: g)


@primitive
def sub(a, b):
    """a - b (broadcasting)."""
    # d(a-b)/da = 1, d(a-b)/db = -1
    return a - b, (lambda g: g, lambda g: -g)


@primitive
def mul(a, b):
    """a * b elementwise (broadcasting)."""
    # d(ab)/da = b, d(ab)/db = a
    return a * b, (lambda g: g * b, lambda g: g * a)


@primitive
def div(a, b):
    """a / b elementwise (broadcasting)."""
    out = a / b
    # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2, taken as -(a/b)/b so that b^2 cannot overflow or underflow
    return out, (lambda g: g / b, lambda g: -g * out / b)


@primitive
def neg(a):
    """-a."""
    # d(-a)/da = -1
    return -a, (lambda g: -g,)


@primitive(n_tensors=1)
def power_scalar(a, exponent):
    """a ** p for a constant number p."""
    # d(a^p)/da = p a^(p-1)
    exponent = np.asarray(exponent, dtype=a.dtype) if np.issubdtype(a.dtype, np.floating) else exponent
    if np.ndim(exponent) == 0 and exponent == 0:  # a^0 = 1 everywhere, so its slope is 0, also at a = 0 where p a^(p-1) would be 0 · inf
        return a**exponent, (lambda g: np.zeros_like(a),)
    if np.ndim(exponent) == 0:
        return a**exponent, (lambda g: g * exponent * a ** (exponent - 1),)
    return a**exponent, (lambda g: g * _power_slope(a, exponent),)


def _power_slope(a, p):
    """d(a^p)/da = p a^(p-1), and 0 where p = 0 (a^0 = 1 is flat, also at a = 0 where p a^(p-1) is 0 · inf)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = p * a ** (p - 1)
    return np.where(p == 0, 0, slope).astype(slope.dtype, copy=False)


@primitive
def power(a, b):
    """a ** b with both sides tensors (broadcasting)."""
    out = a**b
    # d(a^b)/da = b a^(b-1) (0 where b = 0);  d(a^b)/db = a^b ln a  (taken as 0 where a <= 0)
    return out, (lambda g: g * _power_slope(a, b), lambda g: g * out * np.log(np.where(a > 0, a, 1)))


@primitive
def matmul(a, b):
    """Matrix product a @ b (batched over leading dimensions as in NumPy)."""
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"matmul: both operands need at least one dimension, got shapes {a.shape} and {b.shape}")
    inner_a = a.shape[-1]
    inner_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if inner_a != inner_b:
        raise ShapeError(
            f"matmul: shapes {a.shape} and {b.shape} do not fit: the last dimension of the left "
            f"({inner_a}) must equal the {'second-to-last' if b.ndim > 1 else 'only'} dimension of the right ({inner_b})"
        )
    # Vectors are promoted to matrices for the gradient formulas, then squeezed back.
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b

    def grad_a(g):
        # dL/da = g @ b^T
        g2 = np.expand_dims(g, -1) if b.ndim == 1 else g
        g2 = np.expand_dims(g2, -2) if a.ndim == 1 else g2
        ga = g2 @ np.swapaxes(b2, -1, -2)
        if a.ndim == 1:  # the vector met every matrix of a batched b: its gradient adds up over the batch
            ga = ga.sum(axis=tuple(range(ga.ndim - 2))) if ga.ndim > 2 else ga
            return ga.reshape(a.shape)
        return ga

    def grad_b(g):
        # dL/db = a^T @ g
        g2 = np.expand_dims(g, -1) if b.ndim == 1 else g
        g2 = np.expand_dims(g2, -2) if a.ndim == 1 else g2
        gb = np.swapaxes(a2, -1, -2) @ g2
        if b.ndim == 1:
            gb = gb.sum(axis=tuple(range(gb.ndim - 2))) if gb.ndim > 2 else gb
            return gb.reshape(b.shape)
        return gb

    return a @ b, (grad_a, grad_b)
