"""Penalties on weight size, added to the loss to prefer simpler networks."""
from __future__ import annotations

from glassnet.tensor import Tensor


def _weights(weights) -> list:
    if isinstance(weights, Tensor):
        return [weights]
    weights = list(weights)
    if not weights or not all(isinstance(w, Tensor) for w in weights):
        raise TypeError("weights: expected a Tensor or a non-empty iterable of Tensors")
    return weights


def _check(strength, n_samples, function):
    if strength < 0:
        raise ValueError(f"{function}: strength must be >= 0, got {strength}")
    if n_samples <= 0:
        raise ValueError(f"{function}: n_samples must be > 0, got {n_samples}")


def l2_penalty(weights, strength: float, n_samples: int = 1):
    """λ · Σ W² / (2N): its gradient is λ W / N, which shrinks every weight towards 0."""
    _check(strength, n_samples, "l2_penalty")
    total = sum((w * w).sum() for w in _weights(weights))
    return total * (strength / (2.0 * n_samples))


def l1_penalty(weights, strength: float, n_samples: int = 1):
    """λ · Σ |W| / N: its gradient is λ sign(W) / N, which drives small weights to exactly 0."""
    _check(strength, n_samples, "l1_penalty")
    total = sum(abs(w).sum() for w in _weights(weights))
    return total * (strength / n_samples)
