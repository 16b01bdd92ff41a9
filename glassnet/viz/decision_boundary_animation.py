"""Watching a decision boundary form: record the model's classes on a grid during training, then animate.

The recorder stores predictions (a small array of class labels per recording),
never copies of the model, so it is cheap enough to record every epoch.
"""
from __future__ import annotations

import numpy as np

from glassnet.training.callbacks import Callback
from glassnet.validation import check_positive_int
from glassnet.viz._figure import pyplot, save_animation
from glassnet.viz.decision_boundary import (check_points, draw_points, draw_regions, model_scores, plane_grid,
                                            scores_to_classes)


class DecisionBoundaryRecorder(Callback):
    """A callback that stores the classes the model predicts on a fixed grid every ``every`` epochs.

    Use it with ``glassnet.fit(..., callbacks=[recorder])`` and then
    :func:`animate_decision_boundary`. The grid covers X plus a 10 % margin. The model
    is recorded once before training (epoch 0) and after the last epoch as well.

    Attributes
    ----------
    frames : list of dict
        ``{"epoch": int, "classes": int8 array (resolution * resolution,), "loss": float or None,
        "accuracy": float or None}``.
    """

    def __init__(self, X, y, every: int = 1, resolution: int = 100, threshold=None):
        self.X, self.y = check_points(X, y)
        self.every = check_positive_int(every, "every")
        self.xs, self.ys, self.points = plane_grid(self.X, resolution)
        self.threshold = threshold
        self.frames: list = []

    def record(self, model, epoch: int, logs: dict | None = None) -> None:
        """Store the classes ``model`` predicts on the grid now, labelled with ``epoch``."""
        classes = scores_to_classes(model_scores(model, self.points), self.threshold)
        logs = logs or {}
        self.frames.append({"epoch": int(epoch), "classes": classes.astype(np.int8),
                            "loss": logs.get("loss"), "accuracy": logs.get("accuracy")})

    def on_train_begin(self, logs):
        if not self.frames:
            self.record(self.run.model, self.run.epoch, None)

    def on_epoch_end(self, epoch, logs):
        if (epoch + 1) % self.every == 0:
            self.record(self.run.model, epoch + 1, logs)
        self._last = (epoch + 1, dict(logs))

    def on_train_end(self, logs):
        last = getattr(self, "_last", None)
        if last is not None and self.frames[-1]["epoch"] != last[0]:
            self.record(self.run.model, *last)


def _frame_title(frame: dict) -> str:
    parts = [f"epoch {frame['epoch']}"]
    if frame["loss"] is not None:
        parts.append(f"loss {frame['loss']:.4f}")
    if frame["accuracy"] is not None:
        parts.append(f"accuracy {frame['accuracy']:.0%}")
    if frame["epoch"] == 0 and frame["loss"] is None:
        parts.append("before training")
    return "Decision boundary: " + ", ".join(parts)


def animate_decision_boundary(recorder: DecisionBoundaryRecorder, path, fps: float = 10,
                              feature_names=("x₁", "x₂"), class_names=None, dpi: int = 80) -> str:
    """A GIF with one frame per recording of ``recorder``, the epoch and loss in each title.

    Returns
    -------
    str
        ``path``.
    """
    if not isinstance(recorder, DecisionBoundaryRecorder):
        raise TypeError(f"recorder: expected a DecisionBoundaryRecorder, got {type(recorder).__name__}")
    if not recorder.frames:
        raise ValueError("recorder: nothing recorded yet; pass it to glassnet.fit(..., callbacks=[recorder]) first")
    n_classes = int(max(recorder.y.max(), max(f["classes"].max() for f in recorder.frames), 1)) + 1
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")

    def draw(frame):
        ax.clear()
        draw_regions(ax, recorder.xs, recorder.ys, frame["classes"], n_classes)
        draw_points(ax, recorder.X, recorder.y, n_classes, class_names)
        ax.set(xlabel=feature_names[0], ylabel=feature_names[1], title=_frame_title(frame))
        ax.legend(loc="upper right", framealpha=0.9)

    return save_animation(fig, draw, recorder.frames, path, fps=fps, dpi=dpi)


__all__ = ["DecisionBoundaryRecorder", "animate_decision_boundary"]
