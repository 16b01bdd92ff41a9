"""Stochastic gradient descent, optionally with momentum (heavy-ball or Nesterov)."""
from __future__ import annotations

import numpy as np

from glassnet.blas import MIN_SIZE as AXPY_MIN_SIZE
from glassnet.blas import axpy_
from glassnet.dtypes import cached_constant, constant
from glassnet.optim.optimizer import Optimizer, check_hyperparameter


def sgd_update(param, grad, state, *, lr, momentum, dampening, nesterov, weight_decay, maximize):
    """g = ∇ + λW;  b = μb + (1 − τ)g;  W ← W − lr·(g + μb if nesterov else b)   (PyTorch's rule)."""
    if maximize:
        grad = -grad
    if weight_decay:
        grad = grad + weight_decay * param
    if momentum:
        buffer = state.get("momentum_buffer")
        if buffer is None:
            buffer = state["momentum_buffer"] = np.array(grad, dtype=param.dtype)
        else:
            buffer *= momentum
            axpy_(buffer, 1 - dampening, grad)
        grad = grad + momentum * buffer if nesterov else buffer
    axpy_(param, -lr, grad)  # W ← W − lr·g in one pass


class SGD(Optimizer):
    """W ← W − lr · ∂L/∂W, with optional momentum, Nesterov momentum and L2 weight decay.

    Parameters
    ----------
    params : iterable of Parameters or of dicts (parameter groups)
    lr : float
        Learning rate α (default 1e-3, as in PyTorch).
    momentum : float
        μ ≥ 0; the buffer b accumulates past gradients.
    dampening : float
        τ, scales the new gradient's share of the buffer.
    nesterov : bool
        Look ahead along the momentum (needs momentum > 0 and dampening = 0).
    weight_decay : float
        λ, adds λW to the gradient (L2 regularization).
    maximize : bool
        Climb instead of descend (for maximising, e.g. a profit function).
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov, maximize=maximize))

    def _validate(self, group):
        super()._validate(group)
        check_hyperparameter("SGD", "momentum", group["momentum"])
        check_hyperparameter("SGD", "dampening", group["dampening"])
        check_hyperparameter("SGD", "weight_decay", group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: nesterov=True requires momentum > 0 and dampening = 0")

    def _update_group(self, params, group):
        if not (group["momentum"] or group["weight_decay"] or group["maximize"]):
            # plain gradient descent, the common case, without per-parameter state. Small arrays
            # are updated here by two ufuncs; axpy_ is for those worth a BLAS call
            dtype = alpha = None
            for p in params:
                data, grad = p._data, p.grad._data
                if data.dtype is not dtype:
                    dtype = data.dtype
                    try:
                        alpha = cached_constant(-group["lr"], dtype)
                    except TypeError:  # an unhashable learning rate (say a 0-d array): made afresh
                        alpha = constant(-group["lr"], dtype)
                if data.size < AXPY_MIN_SIZE and grad.shape == data.shape:
                    data += alpha * grad
                else:
                    axpy_(data, alpha, grad)
            return
        super()._update_group(params, group)

    def _update(self, param, grad, state, group):
        sgd_update(param, grad, state, lr=group["lr"], momentum=group["momentum"], dampening=group["dampening"],
                   nesterov=group["nesterov"], weight_decay=group["weight_decay"], maximize=group["maximize"])
