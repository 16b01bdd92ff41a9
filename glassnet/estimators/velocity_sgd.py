"""scikit-learn's momentum rule for the estimators' 'sgd' solver: the velocity keeps its learning rates."""
from __future__ import annotations

import numpy as np

from glassnet import optim
from glassnet.blas import axpy_


def refuse_options(optimizer: str, group: dict, options: tuple) -> None:
    """A ValueError when ``group`` sets any of PyTorch's ``options`` that scikit-learn's rule lacks."""
    if any(group[option] for option in options):
        raise ValueError(f"{optimizer}: scikit-learn's rule has no {', '.join(options[:-1])} or {options[-1]} "
                         f"(the estimators' L2 penalty is in their loss)")


class VelocitySGD(optim.SGD):
    """v ← μv − lr·∇;  W ← W + v  (Nesterov: W ← W + μv − lr·∇), as scikit-learn's ``SGDOptimizer``.

    While lr is constant this is PyTorch's rule of ``optim.SGD`` (b ← μb + ∇, W ← W − lr·b,
    with v = −lr·b). When a schedule ('invscaling', 'adaptive') changes lr they part: PyTorch's
    rescales the whole buffer by the new lr, scikit-learn's velocity keeps each past step at the
    lr it was taken with, and only the new gradient is scaled by the new one. The estimators use
    this rule so that they train as scikit-learn's MLPs do, step for step.
    """

    def _validate(self, group):
        super()._validate(group)
        refuse_options("VelocitySGD", group, ("weight_decay", "dampening", "maximize"))

    def _update(self, param, grad, state, group):
        lr, momentum = group["lr"], group["momentum"]
        if "momentum_buffer" in state:  # a file written when the estimators kept PyTorch's buffer b = −v/lr
            state["velocity"] = -lr * state.pop("momentum_buffer")
        velocity = state.get("velocity")
        if velocity is None:
            velocity = state["velocity"] = np.zeros_like(param)
        velocity *= momentum
        axpy_(velocity, -lr, grad)  # v ← μv − lr·∇
        if group["nesterov"]:
            axpy_(param, momentum, velocity)  # W ← W + μv − lr·∇
            axpy_(param, -lr, grad)
        else:
            param += velocity  # W ← W + v
