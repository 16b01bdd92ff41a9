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
        self.weight = _class_weights("CrossEntropyLoss", weight)
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


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities: L_i = −w[y_i] · input[i, y_i].

    Put after ``LogSoftmax(dim=1)`` (the pair is ``CrossEntropyLoss``). ``weight`` and
    ``ignore_index`` as in PyTorch: the mean divides by the sum of w[y_i] over the rows not
    ignored (see :func:`glassnet.functional.nll_loss`).
    """

    function = staticmethod(F.nll_loss)

    def __init__(self, weight=None, reduction: str = "mean", *, ignore_index: int = -100):
        super().__init__(reduction)
        self.weight = _class_weights("NLLLoss", weight)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction)

    def get_config(self) -> dict:
        return {**super().get_config(), "weight": None if self.weight is None else self.weight.tolist(),
                "ignore_index": self.ignore_index}

    def extra_repr(self) -> str:
        extra = "" if self.weight is None else f", weight={self.weight.tolist()}"
        if self.ignore_index != -100:
            extra += f", ignore_index={self.ignore_index}"
        return super().extra_repr() + extra


class L1Loss(_Loss):
    """mean(|input - target|)."""

    function = staticmethod(F.l1_loss)


def _class_weights(loss: str, weight):
    """A class-weight vector given to a loss module, as a 1-D array of finite numbers (or None)."""
    if isinstance(weight, str):
        raise TypeError(f"{loss}: the first argument is weight, as in PyTorch, got {weight!r}; give "
                        f"the reduction by name: {loss}(reduction={weight!r})")
    weight = None if weight is None else np.array(getattr(weight, "_data", weight))
    if weight is not None and (weight.ndim != 1 or weight.dtype.kind not in "biuf" or not np.all(np.isfinite(weight))):
        raise ValueError(f"{loss}: weight must be one finite number per class, got {weight!r}")
    return weight


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
