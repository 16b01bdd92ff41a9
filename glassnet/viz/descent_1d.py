"""Gradient descent on a function of one variable, step by step, with the tangent that sets each step.

The tangent at x_k has slope f'(x_k); the step is x_{k+1} = x_k - lr * f'(x_k)
(``+`` for ascent). A steep tangent means a big step; a flat one means the
optimum is near.
"""
from __future__ import annotations

import numpy as np

from glassnet.viz._descent_frames import check_result, frame_steps, method_name, padded_range
from glassnet.viz._figure import pyplot, save_animation


def animate_descent_1d(result, path, fps: float = 4, max_frames: int = 60, dpi: int = 90) -> str:
    """A GIF of ``result`` (from ``gradient_descent`` on a 1-variable function).

    Each frame shows the curve, the points visited so far, the current point and the
    tangent line there (slope = derivative); the title gives the step, x and f(x).
    Example: ``animate_descent_1d(gradient_descent("profit"), "profit.gif")``.

    Parameters
    ----------
    result : glassnet.descent.DescentResult
    path : str or path-like ending in .gif
    fps : float
        Frames per second.
    max_frames : int
        Long runs are shown at evenly spread steps (first and last always included).

    Returns
    -------
    str
        ``path``.
    """
    objective = check_result(result, 1, "animate_descent_1d")
    steps = frame_steps(result, max_frames)
    xs_path, values, slopes = result.path[:, 0], result.values, result.gradients[:, 0]
    bounds = getattr(objective, "bounds", ()) or ((xs_path.min(), xs_path.max()),)
    low, high = padded_range(*bounds[0], xs_path)
    xs = np.linspace(low, high, 400)
    curve = objective.values(xs)
    bottom, top = padded_range(curve.min(), curve.max(), values, fraction=0.08)
    tangent_half_width = 0.18 * (high - low)
    variable = (getattr(objective, "variable_names", ()) or ("x",))[0]
    value_name = getattr(objective, "value_name", "f(x)")
    formula = getattr(objective, "formula", value_name)

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 5.4), layout="constrained")
    ax.plot(xs, curve, color="#1f77b4", linewidth=2, label=formula)
    optimum = getattr(objective, "optimum", None)
    if optimum is not None:
        kind = "maximum" if result.maximize else "minimum"
        ax.axvline(optimum[0], color="grey", linestyle=":", label=f"{kind} at x = {optimum[0]:g}")
    visited, = ax.plot([], [], "o", color="#ff7f0e", alpha=0.45, markersize=5, label="points visited")
    tangent, = ax.plot([], [], "-", color="#d62728", linewidth=1.8, label="tangent (slope = derivative)")
    current, = ax.plot([], [], "o", color="#d62728", markersize=9, markeredgecolor="black", label="current point")
    ax.set(xlim=(low, high), ylim=(bottom, top), xlabel=variable, ylabel=value_name)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower center", fontsize=8)
    sign = "+" if result.maximize else "-"
    title = ax.set_title("", fontsize=11)

    def draw(step):
        x, value, slope = xs_path[step], values[step], slopes[step]
        visited.set_data(xs_path[:step + 1], values[:step + 1])
        current.set_data([x], [value])
        around = np.array([x - tangent_half_width, x + tangent_half_width])
        tangent.set_data(around, value + slope * (around - x))
        if step < len(xs_path) - 1:
            rule = (f"next x = x {sign} lr · slope = {x:.4g} {sign} {result.lr:g} · {slope:.4g} = "
                    f"{xs_path[step + 1]:.4g}")
        else:
            rule = "the last step" + (f": the slope is nearly flat, the {'top' if result.maximize else 'bottom'} "
                                      f"is reached" if abs(slope) < 1e-2 else "")
        title.set_text(f"{method_name(result)} on {formula}\nstep {step} of {len(xs_path) - 1}: x = {x:.4g}, "
                       f"{value_name} = {value:.4g}, slope = {slope:.4g}\n{rule}")

    return save_animation(fig, draw, steps, path, fps=fps, dpi=dpi)


__all__ = ["animate_descent_1d"]
