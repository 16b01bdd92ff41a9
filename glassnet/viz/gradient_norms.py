"""Gradient norms per layer over training, on a log scale, to see vanishing and exploding gradients.

``glassnet.fit`` records ``grad_norm/<parameter>`` each epoch: the mean over the
epoch's steps of ||dL/dW||, the Euclidean norm of that parameter's gradient. Lines
that fall by orders of magnitude towards the first layers mean vanishing gradients;
lines that shoot up mean exploding ones.
"""
from __future__ import annotations

import numpy as np

from glassnet.viz._figure import epochs_for, finish, history_dict, pyplot

PREFIX = "grad_norm/"


def plot_gradient_norms(history, path=None, include_bias: bool = True, title: str = "Gradient norm per parameter",
                        dpi: int = 100):
    """||dL/dW|| for each parameter against the epoch, on a logarithmic axis.

    Parameters
    ----------
    history : glassnet.History or dict of per-epoch lists with ``grad_norm/<name>`` keys
    path : str or path-like, optional
        Save the figure there, atomically.
    include_bias : bool
        Also draw parameters whose name ends in ``bias`` (dashed).

    Returns
    -------
    matplotlib.figure.Figure
    """
    curves, epochs = history_dict(history)
    names = [key[len(PREFIX):] for key in curves if key.startswith(PREFIX)]
    if not include_bias:
        names = [name for name in names if not name.endswith("bias")]
    if not names:
        raise KeyError(f"history: has no 'grad_norm/<parameter>' entries (glassnet.fit records them); "
                       f"recorded: {sorted(curves)}")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8.5, 4.5), layout="constrained")
    colors = plt.get_cmap("viridis")(np.linspace(0.0, 0.9, len(names)))
    for name, color in zip(names, colors):
        values = curves[PREFIX + name]
        shown = np.where(values > 0, values, np.nan)  # a zero norm has no place on a log axis
        ax.plot(epochs_for(values, epochs), shown, "--" if name.endswith("bias") else "-", color=color, label=name)
    if "grad_norm" in curves:
        values = curves["grad_norm"]
        ax.plot(epochs_for(values, epochs), np.where(values > 0, values, np.nan), ":", color="black",
                linewidth=1.5, label="all parameters")
    ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="gradient norm ‖∂L/∂W‖ (log scale)", title=title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), ncol=2 if len(names) > 12 else 1)
    return finish(fig, path, dpi)


__all__ = ["plot_gradient_norms"]
