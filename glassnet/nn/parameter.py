"""Parameter: a tensor that a module owns and an optimizer updates."""
from __future__ import annotations

from glassnet.tensor import Tensor


class Parameter(Tensor):
    """A Tensor with ``requires_grad=True`` that modules register automatically."""

    __slots__ = ()

    def __init__(self, data, requires_grad: bool = True, dtype=None):
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
