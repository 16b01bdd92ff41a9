"""Gradient clipping: limit how far one step can go when gradients explode."""
from __future__ import annotations

import numbers

import numpy as np

from glassnet.tensor import Tensor


def _check_limit(value, name: str, function: str, allow_inf: bool = False) -> float:
    """``value`` as a float when it is a real number >= 0 (finite unless ``allow_inf``), else a ValueError naming it."""
    bad = isinstance(value, bool) or not isinstance(value, numbers.Real) or np.isnan(value) or value < 0
    if bad or (not allow_inf and not np.isfinite(value)):
        raise ValueError(f"{function}: {name} must be a {'' if allow_inf else 'finite '}number >= 0, got {value!r}")
    return float(value)


def _grads(parameters) -> list:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad.data for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False):
    """Scale all gradients together so their joint norm is at most ``max_norm``.

    total = ||(g_1, ..., g_k)||_p; if total > max_norm every g ← g · max_norm / (total + 1e-6).
    Returns the total norm before clipping (a NumPy float, so ``.item()`` works); with
    ``max_norm=math.inf`` nothing is clipped and only the norm is measured.
    """
    max_norm = _check_limit(max_norm, "max_norm", "clip_grad_norm_", allow_inf=True)
    if isinstance(norm_type, bool) or not isinstance(norm_type, numbers.Real) or not norm_type > 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be a number > 0 (or math.inf), got {norm_type!r}")
    grads = _grads(parameters)
    if not grads:
        return np.float64(0.0)
    norm_type = float(norm_type)
    if norm_type == np.inf:
        total = max(float(np.max(np.abs(g))) for g in grads)
    else:
        total = sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total gradient norm is {total}; the gradients are not finite "
            f"(lower the learning rate, or set error_if_nonfinite=False)"
        )
    coefficient = max_norm / (total + 1e-6)
    if coefficient < 1:
        for g in grads:
            g *= coefficient
    return np.float64(total)


def clip_grad_value_(parameters, clip_value: float) -> None:
    """Clip every gradient element into [-clip_value, clip_value]."""
    clip_value = _check_limit(clip_value, "clip_value", "clip_grad_value_")
    for g in _grads(parameters):
        np.clip(g, -clip_value, clip_value, out=g)
