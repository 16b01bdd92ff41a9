"""Gradient descent on a surface: a ball rolling downhill, seen from above (contours) and in 3-D.

The path p_0, p_1, ... follows p_{k+1} = p_k - lr * grad f(p_k); on the contour map
each step crosses the level lines at right angles, because the gradient is
perpendicular to them.
"""
from __future__ import annotations

import numpy as np

from glassnet.validation import check_positive_int
from glassnet.viz._descent_frames import check_result, frame_steps, method_name, padded_range
from glassnet.viz._figure import pyplot, save_animation


def surface_grid(objective, path: np.ndarray, resolution: int):
    """(A, B, Z): the function on a grid over its bounds, widened to hold the whole path."""
    if hasattr(objective, "grid"):  # a loss-surface slice computes (and caches) its own grid
        (a0, a1), (b0, b1) = objective.bounds
        if a0 <= path[:, 0].min() and path[:, 0].max() <= a1 and b0 <= path[:, 1].min() and path[:, 1].max() <= b1:
            return objective.grid()
        resolution = objective.resolution  # the path leaves the slice's grid: a wider one, computed afresh
    bounds = getattr(objective, "bounds", ()) or ((path[:, 0].min(), path[:, 0].max()),
                                                  (path[:, 1].min(), path[:, 1].max()))
    (a0, a1), (b0, b1) = padded_range(*bounds[0], path[:, 0], 0.02), padded_range(*bounds[1], path[:, 1], 0.02)
    A, B = np.meshgrid(np.linspace(a0, a1, resolution), np.linspace(b0, b1, resolution))
    return A, B, objective.values(A, B)


def animate_descent_2d(result, path, fps: float = 8, max_frames: int = 50, resolution: int = 60,
                       elevation: float = 35, azimuth: float = -60, dpi: int = 90) -> str:
    """A GIF of ``result`` on a 2-variable function: contour map (left) and 3-D surface (right).

    The path so far is drawn on both, with the current point as a ball; the title gives
    the step, the point and the value. Functions with steep walls (Rosenbrock) are
    drawn as log10(1 + f), lifted by min f first where f goes below 0, so the valley stays visible.

    Parameters
    ----------
    result : glassnet.descent.DescentResult
        From ``gradient_descent`` on ``"bowl"``, ``"rosenbrock"``, a loss-surface slice or any
        2-variable function.
    path : str or path-like ending in .gif
    fps : float
    max_frames : int
        Long runs are shown at evenly spread steps.
    resolution : int
        Grid points per side for the contours and the surface.
    elevation, azimuth : float
        The 3-D viewing angle in degrees.

    Returns
    -------
    str
        ``path``.
    """
    objective = check_result(result, 2, "animate_descent_2d")
    resolution = check_positive_int(resolution, "resolution", minimum=2)
    steps = frame_steps(result, max_frames)
    A, B, Z = surface_grid(objective, result.path, resolution)
    value_name = getattr(objective, "value_name", "f(x, y)")
    floor = float(min(np.nanmin(Z), result.values.min()))
    if getattr(objective, "log_scale", False):
        shift = min(floor, 0.0)  # only a function that goes below 0 needs lifting before the log

        def shown(values):
            return np.log10(1.0 + np.asarray(values) - shift)
        shown_name = f"log₁₀(1 + {value_name})" if shift == 0 else f"log₁₀(1 + {value_name} - min)"
    else:
        def shown(values):
            return np.asarray(values)
        shown_name = value_name
    surface = shown(Z)
    heights = shown(result.values)
    names = getattr(objective, "variable_names", ()) or ("x", "y")
    formula = getattr(objective, "formula", value_name)

    plt = pyplot()
    fig = plt.figure(figsize=(11, 5), layout="constrained")
    flat = fig.add_subplot(1, 2, 1)
    filled = flat.contourf(A, B, surface, levels=15, cmap="viridis")
    flat.contour(A, B, surface, levels=12, colors="white", linewidths=0.5)
    fig.colorbar(filled, ax=flat, label=shown_name, shrink=0.85)
    optimum = getattr(objective, "optimum", None)
    if optimum is not None:
        flat.plot(*optimum, "*", color="white", markersize=14, markeredgecolor="black", label="optimum")
    trail, = flat.plot([], [], "-o", color="#d62728", markersize=3, linewidth=1.2, label="path so far")
    ball, = flat.plot([], [], "o", color="#d62728", markersize=10, markeredgecolor="white")
    flat.plot(*result.path[0], "s", color="white", markeredgecolor="black", markersize=7, label="start")
    flat.set(xlabel=names[0], ylabel=names[1], title="Contour map (seen from above)")
    flat.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=8, frameon=False)

    solid = fig.add_subplot(1, 2, 2, projection="3d")
    solid.computed_zorder = False
    solid.plot_surface(A, B, surface, cmap="viridis", rcount=resolution, ccount=resolution, linewidth=0, antialiased=False, zorder=1)
    trail3d, = solid.plot([], [], [], "-", color="#d62728", linewidth=2, zorder=5)
    ball3d, = solid.plot([], [], [], "o", color="#d62728", markersize=9, markeredgecolor="white", zorder=6)
    solid.view_init(elev=elevation, azim=azimuth)
    solid.set_xlabel(names[0], labelpad=-2)
    solid.set_ylabel(names[1], labelpad=-2)
    solid.set_zlabel(shown_name, labelpad=4)
    solid.tick_params(labelsize=7, pad=0)
    solid.set_title("The same surface in 3-D")

    def draw(step):
        points = result.path[:step + 1]
        trail.set_data(points[:, 0], points[:, 1])
        ball.set_data([points[-1, 0]], [points[-1, 1]])
        trail3d.set_data(points[:, 0], points[:, 1])
        trail3d.set_3d_properties(heights[:step + 1])
        ball3d.set_data([points[-1, 0]], [points[-1, 1]])
        ball3d.set_3d_properties([heights[step]])
        point = ", ".join(f"{c:.3g}" for c in points[-1])
        fig.suptitle(f"{method_name(result)} on {formula}\nstep {step} of {len(result.path) - 1}: "
                     f"({names[0]}, {names[1]}) = ({point}), value = {result.values[step]:.4g}")

    return save_animation(fig, draw, steps, path, fps=fps, dpi=dpi)


__all__ = ["animate_descent_2d", "surface_grid"]
