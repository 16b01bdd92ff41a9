"""Several training runs side by side (e.g. squared error vs cross-entropy, L1 vs L2 penalty)."""
from __future__ import annotations

from glassnet.viz._figure import finish, history_dict, pyplot, require_keys
from glassnet.viz.history import draw_metric


def plot_comparison(histories: dict, path=None, loss_label: str = "loss", log_loss: bool = False,
                    title: str = "Comparison of runs", dpi: int = 100, held_out: str = "validation"):
    """Each named run's loss (left) and accuracy (right) against the epoch, one colour per run.

    Validation curves, where recorded (``val_loss``, ``val_accuracy``: the held-out part ``fit``
    scored after each epoch), are dashed in the run's colour. Runs trained with
    different losses (squared error vs cross-entropy) have losses on different scales;
    compare their accuracy, or their loss shapes rather than their heights.

    Parameters
    ----------
    histories : dict of name -> glassnet.History or dict of per-epoch lists
    path : str or path-like, optional
        Save the figure there, atomically.
    loss_label : str
        The loss axis label.
    log_loss : bool
        Logarithmic loss axis.
    held_out : str
        What the dashed curves were scored on, for their labels: ``"validation"``, or ``"test"``
        when the test part was passed to ``fit`` as ``validation_data``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(histories, dict) or not histories:
        raise TypeError(f"histories: expected a non-empty dict of name -> History, got {type(histories).__name__}")
    runs = {}
    for name, history in histories.items():
        curves, epochs = history_dict(history, f"histories[{name!r}]")
        require_keys(curves, ["loss"], f"histories[{name!r}]")
        runs[str(name)] = (curves, epochs)
    has_accuracy = any("accuracy" in curves for curves, _ in runs.values())
    plt = pyplot()
    fig, axes = plt.subplots(1, 2 if has_accuracy else 1, figsize=(11, 4) if has_accuracy else (6, 4),
                             layout="constrained", squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for number, (name, (curves, epochs)) in enumerate(runs.items()):
        color = colors[number % len(colors)]
        draw_metric(axes[0, 0], curves, epochs, "loss", name, (color, color), held_out=held_out)
        if has_accuracy:
            draw_metric(axes[0, 1], curves, epochs, "accuracy", name, (color, color), scale=100.0,
                        held_out=held_out)
    axes[0, 0].set(xlabel="epoch", ylabel=loss_label + (" (log scale)" if log_loss else ""), title="Loss")
    if log_loss:
        axes[0, 0].set_yscale("log")
    if has_accuracy:
        axes[0, 1].set(xlabel="epoch", ylabel="accuracy (%)", title="Accuracy")
    for ax in axes.ravel():
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    return finish(fig, path, dpi)


__all__ = ["plot_comparison"]
