"""A grid of small digit images with their true (and predicted) labels; mistakes framed in red."""
from __future__ import annotations

import math

import numpy as np

from glassnet.validation import as_array, check_positive_int
from glassnet.viz._figure import finish, pyplot

WRONG_COLOR = "#d62728"
RIGHT_COLOR = "black"


def as_images(images) -> np.ndarray:
    """(n, side, side) images from (n, side*side) rows or (n, side, side) / (n, 1, side, side) arrays."""
    images = np.asarray(as_array(images, "images"), dtype=np.float64)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(f"images: rows of {images.shape[1]} pixels are not square images (64 for 8x8, 784 for 28x28)")
        images = images.reshape(len(images), side, side)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images: expected shape (n, 64), (n, 784) or (n, height, width), got {images.shape}")
    return images


def plot_digits(images, y_true, y_pred=None, path=None, n: int = 25, columns=None, title=None, dpi: int = 100):
    """The first ``n`` images in a grid, each titled with its true label (and prediction).

    Misclassified images (``y_pred != y_true``) get a red frame and a red title.

    Parameters
    ----------
    images : array (N, 64), (N, 784) or (N, height, width)
        Pixels; drawn in grey with dark ink on a light background.
    y_true : array (N,) of labels
    y_pred : array (N,) of predicted labels, optional
    path : str or path-like, optional
        Save the figure there, atomically.
    n : int
        How many images to show (at most N).
    columns : int, optional
        Images per row (default: about the square root of n).

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = as_images(images)
    y_true = np.asarray(as_array(y_true, "y_true")).reshape(-1)
    if len(y_true) != len(images):
        raise ValueError(f"y_true: expected {len(images)} labels (one per image), got {len(y_true)}")
    if y_pred is not None:
        y_pred = np.asarray(as_array(y_pred, "y_pred")).reshape(-1)
        if len(y_pred) != len(images):
            raise ValueError(f"y_pred: expected {len(images)} predictions (one per image), got {len(y_pred)}")
    n = min(check_positive_int(n, "n"), len(images))
    columns = check_positive_int(columns, "columns") if columns is not None else math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    plt = pyplot()
    fig, axes = plt.subplots(rows, columns, figsize=(1.3 * columns, 1.45 * rows + 0.5), squeeze=False,
                             layout="constrained")
    wrong = 0
    for i, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.set_axis_off()
            continue
        ax.imshow(images[i], cmap="gray_r", interpolation="nearest")
        label = f"{y_true[i]:g}" if y_true.dtype.kind == "f" else str(y_true[i])
        color = RIGHT_COLOR
        if y_pred is None:
            text = f"label {label}"
        else:
            predicted = f"{y_pred[i]:g}" if y_pred.dtype.kind == "f" else str(y_pred[i])
            text = f"true {label}, pred {predicted}"
            if y_pred[i] != y_true[i]:
                wrong += 1
                color = WRONG_COLOR
        ax.set_title(text, fontsize=8, color=color)
        for spine in ax.spines.values():
            spine.set_color(color)
            spine.set_linewidth(3 if color == WRONG_COLOR else 0.5)
    if title is None:
        title = (f"{n} digits" if y_pred is None else
                 f"{n - wrong} of {n} predicted correctly ({wrong} wrong, framed in red)")
    fig.suptitle(title)
    return finish(fig, path, dpi)


__all__ = ["plot_digits"]
