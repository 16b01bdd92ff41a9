"""Adagrad: each weight's step shrinks with the sum of its past squared gradients."""
from __future__ import annotations

import numpy as np

from glassnet.optim.optimizer import Optimizer, check_hyperparameter


def adagrad_update(param, grad, state, *, lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize):
    """S = S + g²;  W ← W − lr / (1 + (t−1)·decay) · g / (√S + ε)."""
    if maximize:
        grad = -grad
    if not state:
        state["step"] = 0
        state["sum"] = np.full_like(param, initial_accumulator_value)
    state["step"] += 1
    if weight_decay:
        grad = grad + weight_decay * param
    current_lr = lr / (1 + (state["step"] - 1) * lr_decay)
    state["sum"] += grad * grad
    param -= current_lr * grad / (np.sqrt(state["sum"]) + eps)


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), PyTorch's defaults: lr=1e-2, eps=1e-10."""

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps, maximize=maximize))

    def _validate(self, group):
        super()._validate(group)
        for name in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            check_hyperparameter("Adagrad", name, group[name])

    def _update(self, param, grad, state, group):
        adagrad_update(param, grad, state, lr=group["lr"], lr_decay=group["lr_decay"],
                       weight_decay=group["weight_decay"],
                       initial_accumulator_value=group["initial_accumulator_value"],
                       eps=group["eps"], maximize=group["maximize"])
