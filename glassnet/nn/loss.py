"""Loss modules: objects holding a loss's options that call ``glassnet.functional``."""
from __future__ import annotations

from glassnet import functional as F
from glassnet.nn.module import Module


class _Loss(Module):
    function = None

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        if reduction not in F.losses.REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {F.losses.REDUCTIONS}, got {reduction!r}")
        self.reduction = reduction

    def forward(self, input, target):
        return type(self).function(input, target, reduction=self.reduction)

    def get_config(self) -> dict:
        return {"reduction": self.reduction}

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """mean((input - target)^2)."""

    function = staticmethod(F.mse_loss)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits against class labels or class probabilities."""

    function = staticmethod(F.cross_entropy)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities."""

    function = staticmethod(F.binary_cross_entropy)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits (sigmoid fused in, numerically stable)."""

    function = staticmethod(F.binary_cross_entropy_with_logits)
