"""Activation functions, each as a formula on tensors.

relu, sigmoid and tanh are primitives (hot paths; sigmoid also needs a stable
form); the others are composed from primitives and need no backward code.
"""
from __future__ import annotations

import math

import numpy as np

from glassnet.errors import ShapeError
from glassnet.ops import elementwise, nn_ops
from glassnet.tensor import _dim, as_tensor


def relu(x):
    """relu(x) = max(x, 0)."""
    return elementwise.relu(x)


def leaky_relu(x, negative_slope: float = 0.01):
    """leaky_relu(x) = x if x > 0 else negative_slope * x."""
    x = as_tensor(x)
    return elementwise.where(x.data > 0, x, x * negative_slope)


def sigmoid(x):
    """sigmoid(x) = 1 / (1 + e^-x)."""
    return elementwise.sigmoid(x)


def tanh(x):
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x)."""
    return elementwise.tanh(x)


def softmax(x, dim: int = -1):
    """softmax(x)_i = e^(x_i) / sum_j e^(x_j) along ``dim``."""
    x = as_tensor(x)
    if x.ndim == 0:  # one number: softmax over it, with dim 0 or -1 as in PyTorch
        _dim(dim, 1, "softmax")
        return nn_ops.softmax(x.reshape(1), dim=0).reshape(())
    return nn_ops.softmax(x, dim=_dim(dim, x.ndim, "softmax"))


def log_softmax(x, dim: int = -1):
    """log_softmax(x)_i = x_i - log sum_j e^(x_j) along ``dim``."""
    x = as_tensor(x)
    if x.ndim == 0:
        _dim(dim, 1, "log_softmax")
        return nn_ops.log_softmax(x.reshape(1), dim=0).reshape(())
    return nn_ops.log_softmax(x, dim=_dim(dim, x.ndim, "log_softmax"))


def gelu(x, approximate: str = "none"):
    """gelu(x) = x · Φ(x), Φ the standard normal CDF = (1 + erf(x/√2)) / 2.

    ``approximate='tanh'`` uses 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))).
    """
    x = as_tensor(x)
    if approximate == "none":
        return x * 0.5 * (1.0 + elementwise.erf(x * (1.0 / math.sqrt(2.0))))
    if approximate == "tanh":
        inner = (x + x * x * x * 0.044715) * math.sqrt(2.0 / math.pi)
        return x * 0.5 * (1.0 + elementwise.tanh(inner))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def linear(x, weight, bias=None):
    """linear(x) = x W^T + b, W of shape (out_features, in_features), b of shape (out_features,)."""
    w_shape, b_shape = np.shape(getattr(weight, "_data", weight)), np.shape(getattr(bias, "_data", bias))
    if len(w_shape) != 2 or (bias is not None and b_shape not in (w_shape[:1], ())):
        raise ShapeError(f"linear: weight must have shape (out_features, in_features) and bias (out_features,) or (), "
                         f"got weight {w_shape} and bias {None if bias is None else b_shape}")
    if bias is None:
        return nn_ops.linear(x, weight)
    return nn_ops.linear(x, weight, bias)
