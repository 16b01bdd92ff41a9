"""Learning curves: the loss and the accuracy after every epoch, on the training and validation data."""
from __future__ import annotations

import numpy as np

from glassnet.viz._figure import epochs_for, finish, history_dict, pyplot, require_keys

TRAIN_VALIDATION = ("#1f77b4", "#ff7f0e")


def draw_metric(ax, curves: dict, epochs: np.ndarray, key: str, label: str, colors=(None, None),
                scale: float = 1.0, mark_best: str | None = None, held_out: str = "validation") -> None:
    """Draw ``curves[key]`` (solid) and ``curves['val_' + key]`` (dashed) on ``ax`` in ``colors``.

    ``held_out`` names the dashed curve's data ("validation", or "test" when the test part was
    passed as ``validation_data``); ``mark_best`` ("min" or "max") marks its best value and epoch.
    """
    for prefix, style, suffix, color in (("", "-", "training", colors[0]), ("val_", "--", held_out, colors[1])):
        values = curves.get(prefix + key)
        if values is None:
            continue
        x = epochs_for(values, epochs)
        name = f"{label} {suffix}".strip() if label else suffix
        line, = ax.plot(x, values * scale, style, color=color, label=name)
        if prefix == "val_" and mark_best in ("min", "max") and len(values) > 1:
            best = int(np.nanargmin(values) if mark_best == "min" else np.nanargmax(values))
            ax.plot(x[best], values[best] * scale, "o", color=line.get_color(), markersize=6)
            ax.annotate(f"best {held_out}: epoch {x[best]:g}", (x[best], values[best] * scale),
                        textcoords="offset points", xytext=(0, 9 if mark_best == "min" else -14), ha="center",
                        fontsize=8, color=line.get_color())


def plot_history(history, path=None, loss_label: str = "loss", log_loss: bool = False,
                 title: str = "Learning curves", dpi: int = 100, held_out: str = "validation"):
    """Loss (left) and accuracy (right) against the epoch, training solid and validation dashed.

    Parameters
    ----------
    history : glassnet.History or dict of per-epoch lists
        Keys ``loss``, optionally ``val_loss``, ``accuracy`` and ``val_accuracy`` (fractions 0..1).
    path : str or path-like, optional
        Save the figure there (.png, .svg, .pdf), atomically.
    loss_label : str
        The loss axis label, e.g. ``"loss (cross-entropy)"``.
    log_loss : bool
        Draw the loss on a logarithmic axis (useful when it falls by orders of magnitude).
    held_out : str
        What the dashed curves were scored on, for their labels: ``"validation"``, or ``"test"``
        when the test part was passed to ``fit`` as ``validation_data``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    curves, epochs = history_dict(history)
    require_keys(curves, ["loss"], "history")
    has_accuracy = "accuracy" in curves or "val_accuracy" in curves
    plt = pyplot()
    fig, axes = plt.subplots(1, 2 if has_accuracy else 1, figsize=(11, 4) if has_accuracy else (6, 4),
                             layout="constrained", squeeze=False)
    loss_axis = axes[0, 0]
    draw_metric(loss_axis, curves, epochs, "loss", "", TRAIN_VALIDATION, mark_best="min",
                held_out=held_out)
    loss_axis.set(xlabel="epoch", ylabel=loss_label + (" (log scale)" if log_loss else ""), title="Loss")
    if log_loss:
        loss_axis.set_yscale("log")
    if has_accuracy:
        accuracy_axis = axes[0, 1]
        draw_metric(accuracy_axis, curves, epochs, "accuracy", "", TRAIN_VALIDATION, scale=100.0, mark_best="max",
                    held_out=held_out)
        accuracy_axis.set(xlabel="epoch", ylabel="accuracy (%)", title="Accuracy")
        accuracy_axis.set_ylim(top=102)
    for ax in axes.ravel():
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    return finish(fig, path, dpi)


__all__ = ["plot_history"]
