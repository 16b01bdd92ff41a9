"""Decision boundary: which class a 2-D classifier picks at every point of the plane.

The plane around the data is covered by a ``resolution`` x ``resolution`` grid; the
model's scores at each grid point give a class (argmax of the scores, or score >
threshold for a single output), and the classes are filled in as coloured regions
with the data points on top.
"""
from __future__ import annotations

import numpy as np

from glassnet.grad_mode import no_grad
from glassnet.tensor import Tensor
from glassnet.validation import as_array, check_positive_int
from glassnet.viz._figure import finish, pyplot


def check_points(X, y):
    """X as a float (n, 2) array and y as integer class labels (from labels, 0/1 floats or one-hot rows)."""
    X = np.asarray(as_array(X, "X"), dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X: a decision boundary needs points with exactly 2 features, shape (n, 2); got {X.shape}")
    y = np.asarray(as_array(y, "y"))
    if y.ndim == 2 and y.shape[1] > 1:
        y = y.argmax(axis=1)
    y = y.reshape(-1) if y.ndim == 2 and y.shape[1] == 1 else y
    if y.shape != (len(X),):
        raise ValueError(f"y: expected {len(X)} labels (one per row of X), got shape {y.shape}")
    if y.dtype.kind == "f":
        if not np.all(y == np.round(y)):
            raise ValueError("y: expected class labels (integers), got fractional values")
        y = y.astype(np.int64)
    if y.min() < 0:
        raise ValueError(f"y: class labels must be 0, 1, 2, ...; got {y.min()}")
    return X, y.astype(np.int64)


def plane_grid(X: np.ndarray, resolution: int):
    """(xs, ys, points): ``resolution`` values per axis over the data's range plus a 10 % margin."""
    resolution = check_positive_int(resolution, "resolution", minimum=2)
    low, high = X.min(axis=0), X.max(axis=0)
    margin = np.where(high > low, 0.1 * (high - low), 0.5)
    xs = np.linspace(low[0] - margin[0], high[0] + margin[0], resolution)
    ys = np.linspace(low[1] - margin[1], high[1] + margin[1], resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([grid_x.ravel(), grid_y.ravel()])


def model_scores(model, points: np.ndarray) -> np.ndarray:
    """The output of ``model`` (a glassnet Module or any callable on an (n, 2) array) at ``points``."""
    from glassnet.nn import Module

    if isinstance(model, Module):
        from glassnet.training.fit import restore_training_modes, training_modes

        dtype = next((p.dtype for p in model.parameters()), np.float32)
        modes = training_modes(model)
        model.eval()
        try:
            with no_grad():
                out = model(Tensor._from_op(points.astype(dtype)))
        finally:
            restore_training_modes(modes)  # each module's own (a submodule kept in eval stays so)
    elif callable(model):
        out = model(points)
    else:
        raise TypeError(f"model: expected a glassnet.nn.Module or a callable mapping an (n, 2) array to scores, "
                        f"got {type(model).__name__}")
    scores = np.asarray(out.data if isinstance(out, Tensor) else out, dtype=np.float64)
    if scores.shape[:1] != (len(points),):
        raise ValueError(f"model: expected one row of scores per point ({len(points)}), got shape {scores.shape}")
    return scores


def scores_to_classes(scores: np.ndarray, threshold=None) -> np.ndarray:
    """argmax for several scores per point; for one score, 1 where score > threshold.

    The default threshold is 0.5 when every score lies in [0, 1] (probabilities), else 0 (logits).
    """
    if scores.ndim == 2 and scores.shape[1] > 1:
        return scores.argmax(axis=1)
    scores = scores.reshape(len(scores))
    if threshold is None:
        threshold = 0.5 if (scores.min() >= 0 and scores.max() <= 1) else 0.0
    return (scores > threshold).astype(np.int64)


def class_colors(n_classes: int) -> list:
    plt = pyplot()
    palette = plt.get_cmap("tab10").colors
    return [palette[i % len(palette)] for i in range(n_classes)]


def draw_regions(ax, xs, ys, classes: np.ndarray, n_classes: int):
    """Fill each class's region in its colour and outline the boundaries between them."""
    from matplotlib.colors import ListedColormap

    grid = classes.reshape(len(ys), len(xs))
    levels = np.arange(n_classes + 1) - 0.5
    colors = class_colors(n_classes)
    filled = ax.contourf(xs, ys, grid, levels=levels, cmap=ListedColormap(colors), alpha=0.3)
    if len(np.unique(grid)) > 1:
        ax.contour(xs, ys, grid, levels=levels[1:-1], colors="black", linewidths=1.0)
    return filled


def draw_points(ax, X: np.ndarray, y: np.ndarray, n_classes: int, class_names=None):
    colors = class_colors(n_classes)
    for label in np.unique(y):
        rows = y == label
        name = class_names[label] if class_names is not None else f"class {label}"
        ax.scatter(X[rows, 0], X[rows, 1], s=36, color=colors[label], edgecolors="black", linewidths=0.6,
                   label=name, zorder=3)


def plot_decision_boundary(model, X, y, path=None, resolution: int = 200, threshold=None,
                           feature_names=("x₁", "x₂"), class_names=None, title=None, dpi: int = 100):
    """The classes ``model`` predicts over the plane around X, with the labelled points on top.

    Parameters
    ----------
    model : glassnet.nn.Module or callable
        Maps an (n, 2) array to scores of shape (n, n_classes) (logits or probabilities,
        class = argmax) or (n,) / (n, 1) (class 1 where score > ``threshold``).
    X : array (n, 2); y : array (n,) of class labels (0/1 floats and one-hot rows are accepted)
    path : str or path-like, optional
        Save the figure there, atomically.
    resolution : int
        Grid points per axis.
    threshold : float, optional
        For a single score: 0.5 if all scores are in [0, 1], else 0.
    feature_names, class_names : optional axis and legend labels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    X, y = check_points(X, y)
    xs, ys, points = plane_grid(X, resolution)
    classes = scores_to_classes(model_scores(model, points), threshold)
    own = scores_to_classes(model_scores(model, X), threshold)
    n_classes = int(max(y.max(), classes.max(), 1)) + 1
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
    draw_regions(ax, xs, ys, classes, n_classes)
    draw_points(ax, X, y, n_classes, class_names)
    ax.set(xlabel=feature_names[0], ylabel=feature_names[1],
           title=title or f"Decision boundary (accuracy on these points: {np.mean(own == y):.0%})")
    ax.legend(loc="best", framealpha=0.9)
    return finish(fig, path, dpi)


__all__ = ["plot_decision_boundary"]
