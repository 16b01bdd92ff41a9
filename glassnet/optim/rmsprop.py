"""RMSprop: divide the step by a running root-mean-square of recent gradients."""
from __future__ import annotations

import numpy as np

from glassnet.optim.optimizer import Optimizer, check_hyperparameter


def rmsprop_update(param, grad, state, *, lr, alpha, eps, weight_decay, momentum, centered, maximize):
    """s = α s + (1−α) g²;  d = √(s − ḡ²) (centered) or √s;  W ← W − lr · g / (d + ε)  (with optional momentum)."""
    if maximize:
        grad = -grad
    if weight_decay:
        grad = grad + weight_decay * param
    if not state:
        state["step"] = 0
        state["square_avg"] = np.zeros_like(param)
        if momentum > 0:
            state["momentum_buffer"] = np.zeros_like(param)
        if centered:
            state["grad_avg"] = np.zeros_like(param)
    state["step"] += 1
    square_avg = state["square_avg"]
    square_avg *= alpha
    square_avg += (1 - alpha) * (grad * grad)
    if centered:
        grad_avg = state["grad_avg"]
        grad_avg *= alpha
        grad_avg += (1 - alpha) * grad
        average = np.sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        average = np.sqrt(square_avg) + eps
    if momentum > 0:
        buffer = state["momentum_buffer"]
        buffer *= momentum
        buffer += grad / average
        param -= lr * buffer
    else:
        param -= lr * grad / average


class RMSprop(Optimizer):
    """RMSprop (Hinton), PyTorch's defaults: lr=1e-2, alpha=0.99, eps=1e-8."""

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0,
                 momentum: float = 0.0, centered: bool = False, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

    def _validate(self, group):
        super()._validate(group)
        check_hyperparameter("RMSprop", "alpha", group["alpha"], high=1.0, high_inclusive=True)  # 1 − α weighs the new g²
        check_hyperparameter("RMSprop", "eps", group["eps"])
        check_hyperparameter("RMSprop", "weight_decay", group["weight_decay"])
        check_hyperparameter("RMSprop", "momentum", group["momentum"])

    def _update(self, param, grad, state, group):
        rmsprop_update(param, grad, state, lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
                       weight_decay=group["weight_decay"], momentum=group["momentum"],
                       centered=group["centered"], maximize=group["maximize"])
