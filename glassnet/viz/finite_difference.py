"""How good is the limit definition of the derivative with a finite step h?

    forward difference:  (f(x + h) - f(x)) / h          error ≈ h |f''(x)| / 2  +  ε |f(x)| / h
    central difference:  (f(x + h) - f(x - h)) / (2h)   error ≈ h² |f'''(x)| / 6 +  ε |f(x)| / h

The first term (truncation) shrinks with h; the second (round-off, ε ≈ 2.2e-16 in
float64) grows as h shrinks, because f(x + h) and f(x) agree in more and more
digits and their difference is mostly rounding noise. The best h sits where they
meet: about sqrt(ε) ≈ 1e-8 for the forward difference and ε^(1/3) ≈ 1e-5 for the
central one. This is why gradient checks use central differences with h ≈ 1e-6.
"""
from __future__ import annotations

import numbers

import numpy as np

from glassnet.tensor import Tensor
from glassnet.viz._figure import finish, pyplot


def _exp(x):
    return x.exp()


def _resolve(function):
    """(callable on float64 Tensors, formula for the title)."""
    if function is None:
        return _exp, "f(x) = eˣ"
    if isinstance(function, str):
        from glassnet.descent import get_function

        objective = get_function(function)
        if objective.n_variables != 1:
            raise ValueError(f"function: {function!r} has {objective.n_variables} variables; choose a 1-variable one")
        return objective.function, objective.formula
    if callable(function):
        return function, f"f = {getattr(function, '__name__', 'f')}"
    raise TypeError(f"function: expected None, a name from glassnet.descent.FUNCTIONS or a callable, "
                    f"got {type(function).__name__}")


def true_derivative(function, x: float) -> float:
    """f'(x) from glassnet's reverse-mode autodiff, in float64."""
    variable = Tensor(np.float64(x), requires_grad=True)
    value = function(variable)
    if not isinstance(value, Tensor) or not value.requires_grad:
        raise TypeError("function: glassnet cannot differentiate it (it did not return a Tensor for a Tensor "
                        "input); write it with operators and Tensor methods, or pass derivative=")
    value.backward()
    return float(variable.grad.item())


def finite_difference_errors(function, x: float, steps: np.ndarray, derivative: float) -> dict:
    """|estimate - f'(x)| for the forward and the central difference at each step h, in float64."""
    def f(point):
        out = function(Tensor(np.float64(point)))
        return float(np.asarray(getattr(out, "data", out)))

    forward = np.array([(f(x + h) - f(x)) / h for h in steps])
    central = np.array([(f(x + h) - f(x - h)) / (2 * h) for h in steps])
    return {"forward": np.abs(forward - derivative), "central": np.abs(central - derivative)}


def plot_finite_difference_error(function=None, x: float = 1.0, path=None, derivative=None, dpi: int = 100):
    """Log-log plot of the error of finite-difference derivatives against the step h (1e-1 down to 1e-15).

    Parameters
    ----------
    function : None, str or callable
        None for f(x) = eˣ; a 1-variable name from ``glassnet.descent.FUNCTIONS``; or a
        function of one float64 Tensor written with operators and Tensor methods.
    x : float
        Where to differentiate.
    path : str or path-like, optional
        Save the figure there, atomically.
    derivative : float or callable, optional
        The true f'(x) (or a function giving it); by default from glassnet's autodiff.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(x, numbers.Real) or not np.isfinite(x):
        raise ValueError(f"x: expected a finite number, got {x!r}")
    x = float(x)
    function, formula = _resolve(function)
    if derivative is None:
        exact = true_derivative(function, x)
    else:
        exact = float(derivative(x) if callable(derivative) else derivative)
    steps = 10.0 ** -np.arange(1.0, 15.01, 0.25)
    errors = finite_difference_errors(function, x, steps, exact)

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
    styles = {"forward": ("#1f77b4", "forward  (f(x+h) - f(x)) / h"),
              "central": ("#d62728", "central  (f(x+h) - f(x-h)) / 2h")}
    for kind, (color, label) in styles.items():
        error = errors[kind]
        shown = np.where(error > 0, error, np.nan)  # an exact hit has no place on a log axis
        best = int(np.nanargmin(shown))
        ax.loglog(steps, shown, "o-", color=color, markersize=3,
                  label=f"{label}: best h ≈ {steps[best]:.0e}, error {shown[best]:.1e}")
        ax.plot(steps[best], shown[best], "*", color=color, markersize=16, markeredgecolor="black")
    ax.invert_xaxis()  # read left to right as h -> 0, the limit in the definition
    # the two regimes, written in the empty lower corners with arrows to the forward-difference curve
    arrow = dict(arrowstyle="->", color="#444444")
    box = dict(boxstyle="round", facecolor="white", alpha=0.9)
    big_h, small_h = 4, len(steps) - 9   # h = 1e-2 and h = 1e-12
    ax.annotate("truncation error\nfalls as h shrinks\n(∝ h forward, ∝ h² central)",
                xy=(steps[big_h], errors["forward"][big_h]), xytext=(0.03, 0.05), textcoords="axes fraction",
                fontsize=9, va="bottom", bbox=box, arrowprops=arrow)
    ax.annotate("round-off error\nrises as h shrinks\n(∝ ε / h, ε ≈ 2.2e-16)",
                xy=(steps[small_h], errors["forward"][small_h]), xytext=(0.97, 0.05), textcoords="axes fraction",
                fontsize=9, va="bottom", ha="right", bbox=box, arrowprops=arrow)
    ax.set(xlabel="step h (log scale, shrinking to the right)",
           ylabel="|estimate - true derivative| (log scale)",
           title=f"Finite-difference derivative of {formula} at x = {x:g} (true f'(x) = {exact:.6g})")
    ax.grid(alpha=0.3, which="major")
    ax.legend(loc="upper center", fontsize=9, title="★ = the best step h", title_fontsize=9)
    return finish(fig, path, dpi)


__all__ = ["plot_finite_difference_error", "finite_difference_errors"]
