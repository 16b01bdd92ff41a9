"""Accuracy for the kinds of targets ``fit`` meets, chosen from the loss and the targets.

A counter returns the number of right predictions in a batch, or None when the outputs turn out
not to be scores of these targets; ``fit`` and ``evaluate`` then report no accuracy.
"""
from __future__ import annotations

import numpy as np

from glassnet.training.loss_kind import ignored_label, is_loss


def count_correct_labels(output: np.ndarray, labels: np.ndarray) -> int | None:
    """Rows whose largest output is at the true class label; None when the output has fewer than
    two columns (a regression output: its argmax is always 0, so no accuracy is counted)."""
    if output.ndim != 2 or output.shape[1] < 2:
        return None
    return int(np.count_nonzero(output.argmax(axis=1) == labels))


def label_counter(ignored: int):
    """count_correct_labels over the rows whose label is not ``ignored`` (a loss's ignore_index)."""
    def count(output: np.ndarray, labels: np.ndarray) -> int | None:
        kept = labels != ignored
        return count_correct_labels(output[kept], labels[kept])
    return count


def scored_rows(loss_fn, y: np.ndarray) -> int:
    """The rows accuracy is the share of: all, less those with the label the loss ignores."""
    ignored = ignored_label(loss_fn)
    if ignored is None or y.ndim != 1 or y.dtype.kind not in "iu":
        return len(y)
    return len(y) - int(np.count_nonzero(y == ignored))


def count_correct_onehot(output: np.ndarray, targets: np.ndarray) -> int:
    """Rows whose largest output is where the one-hot target is 1."""
    return int(np.count_nonzero(output.argmax(axis=1) == targets.argmax(axis=1)))


def binary_counter(threshold: float):
    """Counts outputs on the right side of ``threshold`` (0 for logits, 0.5 for probabilities).

    With several 0/1 targets a row (multi-label), each row counts the fraction of its targets
    that are right, so the accuracy is the mean over every target as Keras's ``binary_accuracy``.
    """
    def count(output: np.ndarray, targets: np.ndarray) -> float:
        right = np.count_nonzero((output.reshape(targets.shape) > threshold) == (targets > 0.5))
        per_row = targets.size // len(targets) if len(targets) else 1
        return float(right / per_row) if per_row > 1 else int(right)
    return count


def accuracy_counter(loss_fn, y: np.ndarray):
    """Choose how to count correct predictions, or None for regression targets."""
    from glassnet import functional as F
    from glassnet.nn import BCELoss, BCEWithLogitsLoss

    if y.ndim == 1 and y.dtype.kind in "iub":
        ignored = ignored_label(loss_fn)
        return label_counter(ignored) if ignored is not None and np.any(y == ignored) else count_correct_labels
    is_binary_targets = y.size > 0 and np.isin(y, (0, 1)).all()
    if is_loss(loss_fn, BCEWithLogitsLoss, F.binary_cross_entropy_with_logits):
        return binary_counter(0.0) if is_binary_targets else None
    if is_loss(loss_fn, BCELoss, F.binary_cross_entropy):
        return binary_counter(0.5) if is_binary_targets else None
    if y.ndim == 2 and y.shape[1] > 1 and is_binary_targets and np.allclose(y.sum(axis=1), 1):
        return count_correct_onehot
    return None
