"""Flatten: a layer that merges a run of dimensions into one, e.g. images into feature vectors."""
from __future__ import annotations

import numbers

from glassnet.nn.module import Module
from glassnet.tensor import as_tensor


def _dimension(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"Flatten: {name} must be an integer, got {value!r}")
    return int(value)


class Flatten(Module):
    """y = x.flatten(start_dim, end_dim): dimensions start_dim to end_dim (both included) become one.

    The defaults keep the batch dimension: (N, 8, 8) → (N, 64), as ``torch.nn.Flatten``.

    Shape:
        input (*, S_start, ..., S_end, *) → output (*, ∏ S_i, *).
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim = _dimension(start_dim, "start_dim")
        self.end_dim = _dimension(end_dim, "end_dim")

    def forward(self, x):
        return as_tensor(x).flatten(self.start_dim, self.end_dim)

    def get_config(self) -> dict:
        return {"start_dim": self.start_dim, "end_dim": self.end_dim}

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
