"""Loss modules: objects holding a loss's options that call ``glassnet.functional``."""
from __future__ import annotations

import numpy as np

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
    """Cross-entropy of logits against class labels or class probabilities.

    ``weight``, ``ignore_index`` and ``label_smoothing`` as in PyTorch (see
    :func:`glassnet.functional.cross_entropy`).
    """

    function = staticmethod(F.cross_entropy)

    def __init__(self, weight=None, reduction: str = "mean", *, ignore_index: int = -100,
                 label_smoothing: float = 0.0):
        super().__init__(reduction)
        if isinstance(weight, str):
            raise TypeError(f"CrossEntropyLoss: the first argument is weight, as in PyTorch, got {weight!r}; give "
                            f"the reduction by name: CrossEntropyLoss(reduction={weight!r})")
        self.weight = None if weight is None else np.array(getattr(weight, "_data", weight))
        if self.weight is not None and (self.weight.ndim != 1 or self.weight.dtype.kind not in "biuf"
                                        or not np.all(np.isfinite(self.weight))):
            raise ValueError(f"CrossEntropyLoss: weight must be one finite number per class, got {self.weight!r}")
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, reduction=self.reduction, weight=self.weight,
                               ignore_index=self.ignore_index, label_smoothing=self.label_smoothing)

    def get_config(self) -> dict:
        return {**super().get_config(), "weight": None if self.weight is None else self.weight.tolist(),
                "ignore_index": self.ignore_index, "label_smoothing": self.label_smoothing}

    def extra_repr(self) -> str:
        extra = "" if self.weight is None else f", weight={self.weight.tolist()}"
        if self.ignore_index != -100:
            extra += f", ignore_index={self.ignore_index}"
        if self.label_smoothing:
            extra += f", label_smoothing={self.label_smoothing}"
        return super().extra_repr() + extra


def _weights(loss: str, name: str, value):
    """An optional per-element weight given to a loss module, as an array (a reduction given in its place is named)."""
    if isinstance(value, str) and name == "weight" and value in F.losses.REDUCTIONS:
        raise TypeError(f"{loss}: the first argument is weight, as in PyTorch, got {value!r}; give the reduction "
                        f"by name: {loss}(reduction={value!r})")
    if value is None:
        return None
    try:
        array = np.array(getattr(value, "_data", value))
    except ValueError:  # a ragged list
        raise ValueError(f"{loss}: {name} must be an array of numbers, got {value!r:.200}") from None
    if array.dtype.kind not in "biuf" or not np.all(np.isfinite(array)):
        raise ValueError(f"{loss}: {name} must hold finite numbers, got {array!r:.200}")
    return array


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities, each element's loss times ``weight`` when given (as in PyTorch)."""

    function = staticmethod(F.binary_cross_entropy)

    def __init__(self, weight=None, reduction: str = "mean"):
        super().__init__(reduction)
        self.weight = _weights("BCELoss", "weight", weight)

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, reduction=self.reduction, weight=self.weight)

    def get_config(self) -> dict:
        return {**super().get_config(), "weight": None if self.weight is None else self.weight.tolist()}


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits (sigmoid fused in, numerically stable), with PyTorch's ``weight``
    and ``pos_weight`` (the positive term of class c counts pos_weight[c] times)."""

    function = staticmethod(F.binary_cross_entropy_with_logits)

    def __init__(self, weight=None, reduction: str = "mean", pos_weight=None):
        super().__init__(reduction)
        self.weight = _weights("BCEWithLogitsLoss", "weight", weight)
        self.pos_weight = _weights("BCEWithLogitsLoss", "pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, reduction=self.reduction, weight=self.weight,
                                                  pos_weight=self.pos_weight)

    def get_config(self) -> dict:
        return {**super().get_config(), "weight": None if self.weight is None else self.weight.tolist(),
                "pos_weight": None if self.pos_weight is None else self.pos_weight.tolist()}
