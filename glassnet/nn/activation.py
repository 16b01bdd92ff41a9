"""Activation layers: modules with no parameters that call ``glassnet.functional``."""
from __future__ import annotations

import math
import numbers

from glassnet import functional as F
from glassnet.nn.module import Module
from glassnet.ops import elementwise


def _check_inplace(inplace, layer: str) -> bool:
    if not isinstance(inplace, bool):
        raise TypeError(f"{layer}: inplace must be True or False, got {inplace!r}")
    return inplace


class ReLU(Module):
    """relu(x) = max(x, 0).

    ``inplace`` is taken for PyTorch code and changes nothing: the output is always a new array
    (backward needs the input), so the result and its gradient are the same either way.
    """

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = _check_inplace(inplace, "ReLU")

    def forward(self, x):
        return elementwise.relu(x)


class LeakyReLU(Module):
    """leaky_relu(x) = x if x > 0 else negative_slope · x."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.inplace = _check_inplace(inplace, "LeakyReLU")  # changes nothing, as for ReLU
        if isinstance(negative_slope, bool) or not isinstance(negative_slope, numbers.Real) \
                or not math.isfinite(negative_slope):
            raise TypeError(f"LeakyReLU: negative_slope must be a finite number, got {negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def get_config(self) -> dict:
        return {"negative_slope": self.negative_slope}

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """sigmoid(x) = 1 / (1 + e^-x)."""

    def forward(self, x):
        return elementwise.sigmoid(x)


class Tanh(Module):
    """tanh(x)."""

    def forward(self, x):
        return elementwise.tanh(x)


class Softmax(Module):
    """softmax(x)_i = e^(x_i) / sum_j e^(x_j) along ``dim``."""

    def __init__(self, dim: int = -1):
        super().__init__()
        if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
            raise TypeError(f"{type(self).__name__}: dim must be an integer, got {dim!r}")
        self.dim = int(dim)

    def forward(self, x):
        return F.softmax(x, dim=self.dim)

    def get_config(self) -> dict:
        return {"dim": self.dim}

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """log softmax(x) along ``dim``."""

    def forward(self, x):
        return F.log_softmax(x, dim=self.dim)


class GELU(Module):
    """gelu(x) = x Φ(x) (``approximate='tanh'`` for the tanh form)."""

    def __init__(self, approximate: str = "none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, self.approximate)

    def get_config(self) -> dict:
        return {"approximate": self.approximate}

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"
