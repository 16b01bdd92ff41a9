"""scikit-learn's Adam rule for the estimators' 'adam' solver: epsilon is added to √v, not to √v̂."""
from __future__ import annotations

import math

import numpy as np

from glassnet import optim
from glassnet.estimators.velocity_sgd import refuse_options


class ScikitLearnAdam(optim.Adam):
    """m ← β1·m + (1−β1)·∇;  v ← β2·v + (1−β2)·∇²;  W ← W − lr·√(1−β2^t)/(1−β1^t) · m / (√v + ε).

    This is scikit-learn's ``AdamOptimizer``. PyTorch's rule in ``optim.Adam`` divides by
    √(v/(1−β2^t)) + ε instead, which is the same step with an effective ε/√(1−β2^t): equal
    for a tiny ε, but a tuned ``epsilon`` (1e-3, 1) damps scikit-learn's early steps much
    more. The state (``step``, ``exp_avg`` = m, ``exp_avg_sq`` = v) is ``optim.Adam``'s, so
    files written with that optimizer load and continue with this rule.
    """

    def _validate(self, group):
        super()._validate(group)
        refuse_options("ScikitLearnAdam", group, ("weight_decay", "amsgrad", "maximize"))

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
        state["step"] += 1
        t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1 - beta1) * grad  # m ← β1·m + (1−β1)·∇
        v *= beta2
        v += (1 - beta2) * (grad * grad)  # v ← β2·v + (1−β2)·∇²
        step_size = group["lr"] * math.sqrt(1 - beta2**t) / (1 - beta1**t)
        param -= step_size * m / (np.sqrt(v) + group["eps"])  # W ← W − lr_t · m / (√v + ε)
