"""Adam and AdamW: steps scaled by running estimates of the gradient's mean and variance."""
from __future__ import annotations

import math

import numpy as np

from glassnet.optim.optimizer import Optimizer, check_hyperparameter


def adam_update(param, grad, state, *, lr, beta1, beta2, eps, weight_decay, decoupled, amsgrad, maximize):
    """m = β1 m + (1−β1) g;  v = β2 v + (1−β2) g²;  W ← W − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + ε).

    With ``decoupled`` (AdamW) weight decay is W ← W(1 − lr·λ) instead of adding λW to g.
    """
    if maximize:
        grad = -grad
    if weight_decay:
        if decoupled:
            param *= 1 - lr * weight_decay
        else:
            grad = grad + weight_decay * param
    if not state:
        state["step"] = 0
        state["exp_avg"] = np.zeros_like(param)
        state["exp_avg_sq"] = np.zeros_like(param)
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(param)
    state["step"] += 1
    t = state["step"]
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * (grad * grad)
    if amsgrad:
        np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        v = state["max_exp_avg_sq"]
    step_size = lr / (1 - beta1**t)
    denominator = np.sqrt(v) / math.sqrt(1 - beta2**t) + eps
    param -= step_size * m / denominator


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with PyTorch's defaults lr=1e-3, betas=(0.9, 0.999), eps=1e-8."""

    decoupled = False

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize))

    def _validate(self, group):
        super()._validate(group)
        name = type(self).__name__
        if not isinstance(group["betas"], (tuple, list)) or len(group["betas"]) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {group['betas']!r}")
        group["betas"] = tuple(group["betas"])
        check_hyperparameter(name, "betas[0]", group["betas"][0], 0.0, 1.0)
        check_hyperparameter(name, "betas[1]", group["betas"][1], 0.0, 1.0)
        check_hyperparameter(name, "eps", group["eps"])
        check_hyperparameter(name, "weight_decay", group["weight_decay"])

    def _update(self, param, grad, state, group):
        adam_update(param, grad, state, lr=group["lr"], beta1=group["betas"][0], beta2=group["betas"][1],
                    eps=group["eps"], weight_decay=group["weight_decay"], decoupled=self.decoupled,
                    amsgrad=group["amsgrad"], maximize=group["maximize"])


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): W ← W(1 − lr·λ) before the Adam step.

    PyTorch's defaults: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2.
    """

    decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize)
