"""Checking an MLP estimator's hyper-parameters in ``fit`` (never in ``__init__``, as scikit-learn asks).

Each check names the parameter, what it accepts and what it got, and for a
name from a fixed set lists the valid names.
"""
from __future__ import annotations

import numbers

import numpy as np

from glassnet.dtypes import resolve_dtype

ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
SOLVERS = ("adam", "rmsprop", "sgd")
LEARNING_RATES = ("constant", "invscaling", "adaptive")


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and bool(np.isfinite(value))


def number(estimator, name: str, low: float, *, low_open: bool = False, high: float | None = None,
           high_open: bool = False, allow_none: bool = False):
    """The float in ``getattr(estimator, name)`` if it lies in the interval, else a ValueError."""
    value = getattr(estimator, name)
    if value is None and allow_none:
        return None
    inside = _is_real(value) and (value > low if low_open else value >= low)
    if inside and high is not None:
        inside = value < high if high_open else value <= high
    if not inside:
        left, right = "(" if low_open else "[", ")" if high is None or high_open else "]"
        interval = f"{left}{low}, {'inf' if high is None else high}{right}"
        raise ValueError(f"{type(estimator).__name__}: {name} must be a finite number in {interval}, got {value!r}")
    return float(value)


def integer(estimator, name: str, minimum: int = 1) -> int:
    value = getattr(estimator, name)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{type(estimator).__name__}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def integer_or_inf(estimator, name: str, minimum: int = 1):
    """An integer >= minimum, or np.inf (scikit-learn's way to switch a count-based rule off)."""
    value = getattr(estimator, name)
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and value == np.inf:
        return np.inf
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{type(estimator).__name__}: {name} must be an integer >= {minimum} or np.inf, got {value!r}")
    return int(value)


def validation_fraction(estimator) -> float:
    """In [0, 1), as scikit-learn; 0 only without early stopping, which needs a validation sample."""
    value = number(estimator, "validation_fraction", 0.0, high=1.0, high_open=True)
    if value == 0.0 and flag(estimator, "early_stopping"):
        raise ValueError(f"{type(estimator).__name__}: validation_fraction must be in (0.0, 1.0) when "
                         f"early_stopping=True (the validation set needs samples), got {estimator.validation_fraction!r}")
    return value


def choice(estimator, name: str, valid: tuple, hint: str = "") -> str:
    value = getattr(estimator, name)
    if not isinstance(value, str) or value not in valid:
        raise ValueError(f"{type(estimator).__name__}: {name} must be one of {sorted(valid)}, got {value!r}{hint}")
    return value


def flag(estimator, name: str) -> bool:
    value = getattr(estimator, name)
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{type(estimator).__name__}: {name} must be True or False, got {value!r}")
    return bool(value)


def hidden_layer_sizes(estimator) -> list:
    value = estimator.hidden_layer_sizes
    sizes = list(value) if hasattr(value, "__iter__") and not isinstance(value, str) else [value]
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size <= 0:
            raise ValueError(
                f"{type(estimator).__name__}: hidden_layer_sizes must be a positive integer or a sequence of "
                f"them, e.g. (100,) or (64, 32), got {value!r}"
            )
    return [int(size) for size in sizes]


def batch_size(estimator):
    value = estimator.batch_size
    if isinstance(value, str) and value == "auto":
        return "auto"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{type(estimator).__name__}: batch_size must be 'auto' or an integer >= 1, got {value!r}")
    return int(value)


def float_dtype(estimator) -> np.dtype:
    try:
        dtype = resolve_dtype(estimator.dtype)
    except TypeError:
        dtype = None
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"{type(estimator).__name__}: dtype must be 'float32' or 'float64', got {estimator.dtype!r}")
    return dtype


def random_state(estimator):
    value = estimator.random_state
    valid = value is None or isinstance(value, (np.random.RandomState, np.random.Generator)) or (
        isinstance(value, numbers.Integral) and not isinstance(value, bool) and 0 <= value < 2**32)
    if not valid:
        raise ValueError(
            f"{type(estimator).__name__}: random_state must be None, an int in [0, 2**32), a "
            f"numpy.random.RandomState or a numpy.random.Generator, got {value!r}"
        )
    return value


def validated(estimator, losses: tuple) -> dict:
    """Every hyper-parameter of ``estimator`` checked, by name."""
    solver_hint = ""
    if estimator.solver == "lbfgs":
        solver_hint = " ('lbfgs' is not supported: glassnet trains by minibatch gradient steps)"
    return dict(
        hidden_layer_sizes=hidden_layer_sizes(estimator),
        activation=choice(estimator, "activation", ACTIVATIONS),
        solver=choice(estimator, "solver", SOLVERS, solver_hint),
        alpha=number(estimator, "alpha", 0.0),
        batch_size=batch_size(estimator),
        learning_rate=choice(estimator, "learning_rate", LEARNING_RATES),
        learning_rate_init=number(estimator, "learning_rate_init", 0.0, low_open=True),
        power_t=number(estimator, "power_t", 0.0),
        max_iter=integer(estimator, "max_iter"),
        shuffle=flag(estimator, "shuffle"),
        tol=number(estimator, "tol", 0.0),
        verbose=integer(estimator, "verbose", minimum=0) if not isinstance(estimator.verbose, bool) else estimator.verbose,
        warm_start=flag(estimator, "warm_start"),
        momentum=number(estimator, "momentum", 0.0, high=1.0),
        nesterovs_momentum=flag(estimator, "nesterovs_momentum"),
        early_stopping=flag(estimator, "early_stopping"),
        validation_fraction=validation_fraction(estimator),
        beta_1=number(estimator, "beta_1", 0.0, high=1.0, high_open=True),
        beta_2=number(estimator, "beta_2", 0.0, high=1.0, high_open=True),
        epsilon=number(estimator, "epsilon", 0.0, low_open=True),
        n_iter_no_change=integer_or_inf(estimator, "n_iter_no_change"),
        loss=choice(estimator, "loss", losses),
        clip_grad_norm=number(estimator, "clip_grad_norm", 0.0, low_open=True, allow_none=True),
        dtype=float_dtype(estimator),
        random_state=random_state(estimator),
    )
