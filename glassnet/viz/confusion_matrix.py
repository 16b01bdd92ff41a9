"""Confusion matrix: how often each true class was predicted as each class."""
from __future__ import annotations

import numpy as np

from glassnet.validation import as_array
from glassnet.viz._figure import finish, pyplot


def confusion_counts(y_true, y_pred, labels=None):
    """(counts, labels): counts[i, j] = how many samples of class labels[i] were predicted labels[j]."""
    y_true = np.asarray(as_array(y_true, "y_true")).reshape(-1)
    y_pred = np.asarray(as_array(y_pred, "y_pred")).reshape(-1)
    if len(y_true) != len(y_pred) or len(y_true) == 0:
        raise ValueError(f"y_pred: expected as many predictions as y_true has labels ({len(y_true)}), got {len(y_pred)}")
    labels = np.union1d(y_true, y_pred) if labels is None else np.asarray(labels)
    index = {value: i for i, value in enumerate(labels.tolist())}
    unknown = sorted({v for v in np.concatenate([y_true, y_pred]).tolist() if v not in index})
    if unknown:
        raise ValueError(f"labels: {unknown[:5]} occur in y_true or y_pred but not in labels={labels.tolist()}")
    counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(counts, ([index[v] for v in y_true.tolist()], [index[v] for v in y_pred.tolist()]), 1)
    return counts, labels


def plot_confusion_matrix(y_true, y_pred, path=None, labels=None, title=None, dpi: int = 100):
    """A heat map of counts[true class, predicted class] with each count written in its cell.

    The diagonal holds the correct predictions; everything off it is a mistake.

    Parameters
    ----------
    y_true, y_pred : arrays (n,) of class labels
    path : str or path-like, optional
        Save the figure there, atomically.
    labels : sequence, optional
        The classes and their order (default: every value seen, sorted).

    Returns
    -------
    matplotlib.figure.Figure
    """
    counts, labels = confusion_counts(y_true, y_pred, labels)
    size = len(labels)
    plt = pyplot()
    side = min(max(4.5, 0.45 * size + 2.5), 14)
    fig, ax = plt.subplots(figsize=(side + 1, side), layout="constrained")
    image = ax.imshow(counts, cmap="Blues")
    fig.colorbar(image, ax=ax, label="number of samples", shrink=0.8)
    threshold = counts.max() / 2 if counts.max() else 1
    fontsize = 10 if size <= 12 else 7
    for i in range(size):
        for j in range(size):
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=fontsize,
                    color="white" if counts[i, j] > threshold else "black")
    names = [str(v) for v in labels.tolist()]
    ax.set_xticks(range(size), names)
    ax.set_yticks(range(size), names)
    accuracy = np.trace(counts) / counts.sum()
    ax.set(xlabel="predicted class", ylabel="true class",
           title=title or f"Confusion matrix ({counts.sum()} samples, accuracy {accuracy:.1%})")
    return finish(fig, path, dpi)


__all__ = ["plot_confusion_matrix"]
