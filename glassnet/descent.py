"""Gradient descent on a function of one or two variables, with the derivative from autodiff.

Each step moves the point against the gradient (or along it, to climb to a maximum):

    descent:  p_{k+1} = p_k - lr * grad f(p_k)
    ascent:   p_{k+1} = p_k + lr * grad f(p_k)

The gradient is not written by hand: ``f`` is evaluated on float64
:class:`glassnet.Tensor` values and ``backward()`` gives df/dp, exactly as it
gives dL/dW in a network. ``FUNCTIONS`` holds named examples with sensible
starts, learning rates and known optima; any Python function written with
ordinary operators works too::

    from glassnet.descent import gradient_descent
    result = gradient_descent("profit")          # climbs P(x) = -2x^2 + 12x - 10 to x = 3
    result = gradient_descent(lambda x, y: x**2 + 3 * y**2, start=(2.0, 1.0), lr=0.1, steps=50)
"""
from __future__ import annotations

import inspect
import numbers
from dataclasses import dataclass, field

import numpy as np

from glassnet.loss_surface import LossSurfaceSlice, loss_surface_slice
from glassnet.tensor import Tensor
from glassnet.validation import check_positive_int, check_positive_number


@dataclass(frozen=True)
class Objective:
    """A function of 1 or 2 variables to minimise (or maximise), with what is known about it.

    Attributes
    ----------
    name : str
    formula : str
        How it is written, for titles (e.g. ``"P(x) = -2x² + 12x - 10"``).
    function : callable
        ``function(x)`` or ``function(x, y)``; must work on floats, ndarrays and Tensors
        (so use operators and Tensor-friendly calls only).
    start, lr, steps, maximize :
        Defaults for :func:`gradient_descent`.
    optimum : tuple or None
        Where the minimum (maximum) is, if known.
    bounds : tuple of (low, high) pairs
        The region worth drawing, one pair per variable.
    variable_names : tuple of str
        Axis labels for the variables.
    value_name : str
        Axis label for the function's value.
    log_scale : bool
        Draw values on a logarithmic scale (for functions with steep walls such as Rosenbrock's).
    """

    name: str
    formula: str
    function: object
    start: tuple
    lr: float
    steps: int
    optimum: tuple | None = None
    maximize: bool = False
    bounds: tuple = ()
    variable_names: tuple = ()
    value_name: str = "f"
    log_scale: bool = False

    @property
    def n_variables(self) -> int:
        return len(self.start)

    def __call__(self, *coordinates):
        """The function's value at a point, or elementwise on arrays of coordinates."""
        return self.function(*coordinates)

    def value_and_gradient(self, point: np.ndarray) -> tuple:
        """(f(p), grad f(p)) at ``point``, the gradient by reverse-mode autodiff in float64."""
        variables = [Tensor(np.float64(c), requires_grad=True) for c in point]
        value = self.function(*variables)
        if not isinstance(value, Tensor) or not value.requires_grad:
            raise TypeError(
                f"gradient_descent: {self.name} returned {type(value).__name__} for Tensor inputs, so "
                f"glassnet cannot differentiate it; write it with operators (+ - * / **) and Tensor "
                f"methods (x.exp(), x.log(), ...) rather than NumPy functions"
            )
        if value.numel() != 1:
            raise ValueError(f"gradient_descent: {self.name} must return one number, got shape {value.shape}")
        value.backward()
        gradient = [0.0 if v.grad is None else float(v.grad.item()) for v in variables]
        return float(value.item()), np.array(gradient, dtype=np.float64)

    def values(self, *grids) -> np.ndarray:
        """The function evaluated elementwise on NumPy coordinate grids (for drawing)."""
        return np.asarray(self.function(*[np.asarray(g, dtype=np.float64) for g in grids]), dtype=np.float64)


def _profit(x):
    return -2 * x**2 + 12 * x - 10


def _quadratic(x):
    return (x - 2) ** 2 + 1


def _bowl(x, y):
    return x**2 + 10 * y**2


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


FUNCTIONS = {
    "profit": Objective(
        name="profit", formula="P(x) = -2x² + 12x - 10", function=_profit, start=(0.0,), lr=0.1, steps=30,
        optimum=(3.0,), maximize=True, bounds=((-0.5, 6.5),), variable_names=("x (units produced)",),
        value_name="profit P(x)"),
    "quadratic": Objective(
        name="quadratic", formula="f(x) = (x - 2)² + 1", function=_quadratic, start=(-3.0,), lr=0.1, steps=40,
        optimum=(2.0,), bounds=((-4.0, 7.0),), variable_names=("x",), value_name="f(x)"),
    "bowl": Objective(
        name="bowl", formula="f(x, y) = x² + 10y²", function=_bowl, start=(-4.0, 1.5), lr=0.08, steps=40,
        optimum=(0.0, 0.0), bounds=((-4.5, 4.5), (-2.0, 2.0)), variable_names=("x", "y"), value_name="f(x, y)"),
    "rosenbrock": Objective(
        name="rosenbrock", formula="f(x, y) = (1 - x)² + 100(y - x²)²", function=_rosenbrock, start=(-1.2, 1.0),
        lr=0.001, steps=3000, optimum=(1.0, 1.0), bounds=((-2.0, 2.0), (-1.0, 3.0)), variable_names=("x", "y"),
        value_name="f(x, y)", log_scale=True),
}
"""Named examples for :func:`gradient_descent`: profit (maximised), quadratic, bowl, rosenbrock."""


@dataclass
class DescentResult:
    """What :func:`gradient_descent` did, one row per point visited (the start included).

    Attributes
    ----------
    function : Objective (or any object with the same interface, e.g. a loss-surface slice)
    path : ndarray, shape (steps + 1, n_variables)
        The points p_0 (start), p_1, ..., p_steps.
    values : ndarray, shape (steps + 1,)
        f(p_k).
    gradients : ndarray, shape (steps + 1, n_variables)
        grad f(p_k), the slope that decided the next step.
    lr : float
    maximize : bool
    diverged : bool
        True when the values became NaN or infinite (learning rate too large); the path stops there.
    """

    function: object
    path: np.ndarray
    values: np.ndarray
    gradients: np.ndarray
    lr: float
    maximize: bool
    diverged: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def final(self) -> np.ndarray:
        """The last point reached."""
        return self.path[-1]

    @property
    def steps(self) -> int:
        return len(self.path) - 1

    def __repr__(self) -> str:
        point = ", ".join(f"{c:.6g}" for c in self.final)
        return (f"DescentResult(function={getattr(self.function, 'name', '?')!r}, steps={self.steps}, "
                f"final=({point}), value={self.values[-1]:.6g}, diverged={self.diverged})")


def get_function(function) -> object:
    """An :class:`Objective` from a name in ``FUNCTIONS``, an Objective-like object, or a callable."""
    if isinstance(function, str):
        try:
            return FUNCTIONS[function]
        except KeyError:
            raise ValueError(f"function: unknown name {function!r}; valid names: {sorted(FUNCTIONS)}") from None
    if hasattr(function, "value_and_gradient") and hasattr(function, "start"):
        return function
    if callable(function):
        return None  # the caller builds an Objective once it knows the start
    raise TypeError(f"function: expected a name from {sorted(FUNCTIONS)}, an Objective or a callable, "
                    f"got {type(function).__name__}")


def _callable_objective(function, start) -> Objective:
    if start is None:
        raise ValueError("gradient_descent: a plain Python function needs start=, e.g. start=(1.0, 2.0)")
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # no signature to read (a builtin): trust start
        parameters = None
    if parameters is not None and not any(p.kind is p.VAR_POSITIONAL for p in parameters):  # f(*p) takes any number
        n_arguments = len(parameters)
        if n_arguments != len(start):
            variables = "variable" if n_arguments == 1 else "variables"
            raise ValueError(f"gradient_descent: the function takes {n_arguments} {variables} but start has {len(start)}")
    name = getattr(function, "__name__", "f")
    variables = ("x", "y")[: len(start)] if len(start) <= 2 else tuple(f"x{i}" for i in range(len(start)))
    span = [(c - 3.0, c + 3.0) for c in start]
    return Objective(name=name, formula=f"{name}({', '.join(variables)})", function=function, start=tuple(start),
                     lr=0.1, steps=100, bounds=tuple(span), variable_names=variables,
                     value_name=f"{name}({', '.join(variables)})")


def _as_start(start, n_variables) -> tuple:
    if isinstance(start, numbers.Real):
        start = (start,)
    try:
        point = tuple(float(c) for c in start)
    except (TypeError, ValueError):
        raise TypeError(f"start: expected a number or a sequence of numbers, got {start!r}") from None
    if n_variables is not None and len(point) != n_variables:
        raise ValueError(f"start: expected {n_variables} coordinate(s), got {len(point)}")
    if not np.isfinite(point).all():
        raise ValueError(f"start: expected finite numbers, got {start!r}")
    return point


def gradient_descent(function, start=None, lr=None, steps=None, maximize=None) -> DescentResult:
    """Follow the gradient of ``function`` for ``steps`` steps of size ``lr`` times the gradient.

    ``p_{k+1} = p_k - lr * grad f(p_k)`` (``+`` when ``maximize``), with grad f from
    glassnet's reverse-mode autodiff in float64.

    Parameters
    ----------
    function : str, Objective or callable
        A name from ``FUNCTIONS`` (``"profit"``, ``"quadratic"``, ``"bowl"``, ``"rosenbrock"``),
        an :class:`Objective`, a loss-surface slice from
        :func:`glassnet.loss_surface.loss_surface_slice`, or a Python function of 1 or 2
        variables written with operators (then ``start`` is required).
    start : number or sequence, optional
        Starting point (default: the function's own).
    lr : float, optional
        Learning rate (step size).
    steps : int, optional
        Number of updates.
    maximize : bool, optional
        Climb instead of descend (default: the function's own; True for ``"profit"``).

    Returns
    -------
    DescentResult
        ``path``, ``values``, ``gradients``, ``final``. Stops early with ``diverged=True``
        if the value becomes NaN or infinite.
    """
    objective = get_function(function)
    if objective is None:
        objective = _callable_objective(function, None if start is None else _as_start(start, None))
    point = np.array(_as_start(objective.start if start is None else start, objective.n_variables))
    lr = check_positive_number(objective.lr if lr is None else lr, "lr")
    steps = check_positive_int(objective.steps if steps is None else steps, "steps", minimum=0)
    maximize = bool(objective.maximize if maximize is None else maximize)
    direction = 1.0 if maximize else -1.0

    path, values, gradients = [], [], []
    diverged = False
    for step in range(steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            value, gradient = objective.value_and_gradient(point)
        if not (np.isfinite(value) and np.isfinite(gradient).all()):
            diverged = True
            break
        path.append(point.copy())
        values.append(value)
        gradients.append(gradient)
        if step < steps:
            point = point + direction * lr * gradient
    if not path:
        raise ValueError(f"gradient_descent: {objective.name} is not finite at the start "
                         f"({', '.join(f'{float(c):g}' for c in point)})")
    return DescentResult(function=objective, path=np.array(path), values=np.array(values),
                         gradients=np.array(gradients), lr=lr, maximize=maximize, diverged=diverged)


__all__ = ["Objective", "FUNCTIONS", "DescentResult", "gradient_descent", "get_function",
           "LossSurfaceSlice", "loss_surface_slice"]
