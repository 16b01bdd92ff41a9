"""RegularizedLoss: a loss plus L1 and L2 penalties on chosen weights, usable wherever a loss is."""
from __future__ import annotations

import numbers

from glassnet.functional.regularization import l1_penalty, l2_penalty


def _strength(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0 or value == float("inf"):
        raise ValueError(f"RegularizedLoss: {name} must be a finite number >= 0, got {value!r}")
    return float(value)


class RegularizedLoss:
    """loss(output, target) + λ1 · Σ|W| / N + λ2 · Σ W² / (2N).

    The penalties' gradients are λ1 · sign(W) / N and λ2 · W / N. With
    ``n_samples`` given, N is the number of training samples, so that each
    minibatch's objective is an unbiased estimate of one fixed total objective and
    λ means the same for any batch size. With ``n_samples=None``, N is the size of
    each batch, which is scikit-learn's convention for its MLPs' ``alpha``.

    Parameters
    ----------
    base_loss : callable ``(output, target) -> scalar Tensor``, e.g. ``nn.CrossEntropyLoss()``
        ``fit`` reads this attribute to prepare targets and count accuracy as for the base loss.
    weights : iterable of Tensors
        What is penalized; usually the weight matrices only, not the biases:
        ``[p for name, p in model.named_parameters() if name.endswith("weight")]``.
    l1, l2 : float
        λ1 and λ2.
    n_samples : int or None
        N, the size of the training set; None divides by each batch's size instead.
    """

    def __init__(self, base_loss, weights, l1: float = 0.0, l2: float = 0.0, n_samples=1):
        if not callable(base_loss):
            raise TypeError(f"RegularizedLoss: base_loss must be callable, got {type(base_loss).__name__}")
        self.base_loss = base_loss
        self.weights = list(weights)
        if not self.weights:
            raise ValueError("RegularizedLoss: weights is empty; pass the weight matrices to penalize")
        self.l1, self.l2 = _strength(l1, "l1"), _strength(l2, "l2")
        if n_samples is not None and (isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral)
                                      or n_samples < 1):
            raise ValueError(f"RegularizedLoss: n_samples must be a positive integer or None, got {n_samples!r}")
        self.n_samples = None if n_samples is None else int(n_samples)

    def penalty(self, n_samples=None):
        """The penalty alone (a scalar Tensor), e.g. to log it; ``n_samples`` overrides N."""
        n = n_samples or self.n_samples or 1
        total = 0.0
        if self.l1:
            total = total + l1_penalty(self.weights, self.l1, n)
        if self.l2:
            total = total + l2_penalty(self.weights, self.l2, n)
        return total

    def __call__(self, output, target):
        loss = self.base_loss(output, target)
        if self.l1 or self.l2:
            loss = loss + self.penalty(self.n_samples or len(target))
        return loss

    def __repr__(self) -> str:
        return f"RegularizedLoss({self.base_loss!r}, l1={self.l1:g}, l2={self.l2:g}, n_samples={self.n_samples})"
