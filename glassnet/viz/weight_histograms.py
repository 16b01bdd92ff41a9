"""How the weights of each layer spread out (or collapse) as training goes on."""
from __future__ import annotations

import numpy as np

from glassnet.training.callbacks import Callback
from glassnet.validation import check_positive_int
from glassnet.viz._figure import finish, pyplot


class WeightHistogramRecorder(Callback):
    """A callback that copies every parameter's values before training and every ``every`` epochs.

    Attributes
    ----------
    epochs : list of int
        When each recording was taken (0 = before training).
    weights : dict of parameter name -> list of 1-D arrays, one per recording.
    """

    def __init__(self, every: int = 1, include_bias: bool = False):
        self.every = check_positive_int(every, "every")
        self.include_bias = bool(include_bias)
        self.epochs: list = []
        self.weights: dict = {}

    def record(self, model, epoch: int) -> None:
        """Copy the values of the model's parameters now, labelled ``epoch``."""
        self.epochs.append(int(epoch))
        for name, parameter in model.named_parameters():
            if self.include_bias or not name.endswith("bias"):
                self.weights.setdefault(name, []).append(np.array(parameter.data, dtype=np.float32).ravel())

    def on_train_begin(self, logs):
        if not self.epochs:
            self.record(self.run.model, self.run.epoch)

    def on_epoch_end(self, epoch, logs):
        if (epoch + 1) % self.every == 0:
            self.record(self.run.model, epoch + 1)
        self._last_epoch = epoch + 1

    def on_train_end(self, logs):
        last = getattr(self, "_last_epoch", None)
        if last is not None and self.epochs[-1] != last:
            self.record(self.run.model, last)


def plot_weight_histograms(recorder: WeightHistogramRecorder, path=None, max_curves: int = 5, bins: int = 40,
                           title: str = "Weight distributions during training", dpi: int = 100):
    """One panel per parameter: histograms of its values at up to ``max_curves`` recorded epochs.

    Early epochs are light, late ones dark, so a spreading or shrinking distribution is
    easy to follow.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(recorder, WeightHistogramRecorder):
        raise TypeError(f"recorder: expected a WeightHistogramRecorder, got {type(recorder).__name__}")
    if not recorder.epochs:
        raise ValueError("recorder: nothing recorded yet; pass it to glassnet.fit(..., callbacks=[recorder]) first")
    max_curves = check_positive_int(max_curves, "max_curves")
    chosen = np.unique(np.round(np.linspace(0, len(recorder.epochs) - 1, max_curves)).astype(int))
    names = list(recorder.weights)
    columns = min(len(names), 3)
    rows = -(-len(names) // columns)
    plt = pyplot()
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.3 * rows + 0.4), squeeze=False,
                             layout="constrained")
    colors = plt.get_cmap("Blues")(np.linspace(0.35, 1.0, len(chosen)))
    for ax, name in zip(axes.ravel(), names):
        snapshots = recorder.weights[name]
        low = min(snapshots[i].min() for i in chosen)
        high = max(snapshots[i].max() for i in chosen)
        edges = np.linspace(low, high if high > low else low + 1e-6, bins + 1)
        for i, color in zip(chosen, colors):
            ax.hist(snapshots[i], bins=edges, histtype="step", linewidth=1.6, color=color,
                    label=f"epoch {recorder.epochs[i]}")
        ax.set(xlabel="weight value", ylabel="number of weights", title=name)
        ax.legend(fontsize=7)
    for ax in axes.ravel()[len(names):]:
        ax.set_axis_off()
    fig.suptitle(title)
    return finish(fig, path, dpi)


__all__ = ["WeightHistogramRecorder", "plot_weight_histograms"]
