"""Shared by the descent animations: which steps become frames, and the words in the titles."""
from __future__ import annotations

import numpy as np

from glassnet.validation import check_positive_int


def check_result(result, n_variables: int, function_name: str):
    from glassnet.descent import DescentResult

    if not isinstance(result, DescentResult):
        raise TypeError(f"{function_name}: expected a DescentResult from glassnet.descent.gradient_descent, "
                        f"got {type(result).__name__}")
    if result.path.shape[1] != n_variables:
        other = "animate_descent_2d" if n_variables == 1 else "animate_descent_1d"
        raise ValueError(f"{function_name}: expected a function of {n_variables} variable(s), "
                         f"got one of {result.path.shape[1]}; use {other}")
    return result.function


def frame_steps(result, max_frames: int) -> list:
    """Up to ``max_frames`` step numbers, evenly spread, always the first and the last."""
    max_frames = check_positive_int(max_frames, "max_frames", minimum=2)
    last = len(result.path) - 1
    return sorted(set(np.round(np.linspace(0, last, min(max_frames, last + 1))).astype(int).tolist()))


def method_name(result) -> str:
    return "Gradient ascent" if result.maximize else "Gradient descent"


def padded_range(low: float, high: float, points=(), fraction: float = 0.05) -> tuple:
    """[low, high] widened to contain ``points``, with a small margin."""
    values = np.concatenate([[low, high], np.asarray(points, dtype=float).ravel()])
    low, high = float(values.min()), float(values.max())
    margin = fraction * (high - low) if high > low else 0.5
    return low - margin, high + margin
