"""Linear: the fully connected layer z = x W^T + b."""
from __future__ import annotations

import math

import numpy as np

from glassnet import init
from glassnet.dtypes import float_dtype_or_default
from glassnet.errors import ShapeError
from glassnet.random import as_generator
from glassnet.ops import nn_ops
from glassnet.ops.workspace import Workspace
from glassnet.tensor import Tensor
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter


COLUMN_MAJOR_MIN_SIZE = 4096
"""Weights with fewer elements stay row-major: their products take microseconds either way,
and a column-major gradient of a tiny weight costs one allocation more than it saves."""


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"Linear: {name} must be a positive integer, got {value!r}")
    return int(value)


class Linear(Module):
    """y = x W^T + b.

    Shape:
        input (*, in_features) → output (*, out_features).

    Parameters start as in PyTorch: W and b ~ U(-1/√in_features, 1/√in_features).

    ``weight`` has PyTorch's shape (out_features, in_features). With at least
    ``COLUMN_MAJOR_MIN_SIZE`` elements it is stored column-major (``order="F"``): in memory
    it is W^T, row by row, so the forward product x W^T reads a row-major matrix and the
    weight gradient is written as (x^T d)^T. OpenBLAS runs those products faster than with
    a transposed operand (on the 784-256-128-10 benchmark, 13% less time per step at
    batch 32; docs/performance.md). Any layout works: an array assigned to ``weight.data``
    keeps its own.

    Parameters
    ----------
    in_features, out_features : int
    bias : bool
        Learn the additive b.
    dtype : float32 (default) or float64
    generator : None, int or numpy.random.Generator
        Randomness for the initial weights.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype=None, generator=None):
        super().__init__()
        self.in_features = _positive_int(in_features, "in_features")
        self.out_features = _positive_int(out_features, "out_features")
        dtype = float_dtype_or_default(dtype)
        order = "F" if self.out_features * self.in_features >= COLUMN_MAJOR_MIN_SIZE else "C"
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype, order=order))
        self.bias = Parameter(np.empty(self.out_features, dtype=dtype)) if bias else None
        self._workspace = Workspace()  # the arrays of the last forward and backward, written again when free
        self.reset_parameters(generator)

    def reset_parameters(self, generator=None) -> None:
        """Draw fresh initial weights: U(-1/√in, 1/√in)."""
        bound = 1.0 / math.sqrt(self.in_features)
        generator = as_generator(generator)  # once: an int seed gives one stream for weight and bias
        init.uniform_(self.weight, -bound, bound, generator)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, generator)

    def forward(self, x):
        x = self._as_input(x)
        try:
            if self.bias is None:
                return nn_ops.linear(x, self.weight, workspace=self._workspace)
            return nn_ops.linear(x, self.weight, self.bias, workspace=self._workspace)
        except ShapeError:
            self._check_features(x)
            raise

    def forward_with_activation(self, x, activation: str):
        """activation(x W^T + b) as one fused op (``Sequential`` calls this for Linear + ReLU/Sigmoid/Tanh)."""
        x = self._as_input(x)
        try:
            return nn_ops.linear_activation(x, self.weight, self.bias, activation, self._workspace)
        except ShapeError:
            self._check_features(x)
            raise

    def _as_input(self, x):
        """Numbers, nested lists and arrays are cast to this layer's float dtype, as Keras casts a
        layer's inputs (a float64 array into a float32 layer computes in float32); a float Tensor
        is taken as it is, an integer one cast."""
        if isinstance(x, Tensor):
            data = x._data
            if data.dtype.kind == "f":  # the training step's case, checked first
                return x
        else:
            data = x
        if isinstance(data, np.ndarray):
            if data.dtype is self.weight._data.dtype:
                return x
            if data.dtype.kind not in "biuf":
                raise TypeError(f"{self!r} expected real numbers, got an array of dtype {data.dtype}")
            return data.astype(self.weight.dtype)
        return Tensor(x, dtype=self.weight.dtype)

    def _check_features(self, x):
        """Raise this layer's own message when the op refused x for its number of features (the
        op checks them on every call, so the layer looks only once something failed)."""
        shape = x.shape
        if not shape or shape[-1] != self.in_features:
            raise ShapeError(
                f"{self!r} expected input with {self.in_features} features in its last dimension, "
                f"got input of shape {tuple(shape)}"
            ) from None

    def get_config(self) -> dict:
        return {"in_features": self.in_features, "out_features": self.out_features,
                "bias": self.bias is not None, "dtype": self.weight.dtype.name}

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
