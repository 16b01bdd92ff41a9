"""Accuracy for the kinds of targets ``fit`` meets, chosen from the loss and the targets."""
from __future__ import annotations

import numpy as np


def count_correct_labels(output: np.ndarray, labels: np.ndarray) -> int:
    """Rows whose largest output is at the true class label."""
    return int(np.count_nonzero(output.argmax(axis=1) == labels))


def count_correct_onehot(output: np.ndarray, targets: np.ndarray) -> int:
    """Rows whose largest output is where the one-hot (or probability) target is largest."""
    return int(np.count_nonzero(output.argmax(axis=1) == targets.argmax(axis=1)))


def binary_counter(threshold: float):
    """Counts outputs on the right side of ``threshold`` (0 for logits, 0.5 for probabilities)."""
    def count(output: np.ndarray, targets: np.ndarray) -> int:
        return int(np.count_nonzero((output.reshape(targets.shape) > threshold) == (targets > 0.5)))
    return count


def accuracy_counter(loss_fn, y: np.ndarray):
    """Choose how to count correct predictions, or None for regression targets."""
    from glassnet import functional as F
    from glassnet.nn import BCELoss, BCEWithLogitsLoss

    loss_fn = getattr(loss_fn, "base_loss", loss_fn)  # a wrapper such as RegularizedLoss names what it wraps

    if y.ndim == 1 and y.dtype.kind in "iub":
        return count_correct_labels
    is_binary_targets = y.size > 0 and np.isin(y, (0, 1)).all()
    if isinstance(loss_fn, BCEWithLogitsLoss) or loss_fn is F.binary_cross_entropy_with_logits:
        return binary_counter(0.0) if is_binary_targets else None
    if isinstance(loss_fn, BCELoss) or loss_fn is F.binary_cross_entropy:
        return binary_counter(0.5) if is_binary_targets else None
    if y.ndim == 2 and y.shape[1] > 1 and is_binary_targets and np.allclose(y.sum(axis=1), 1):
        return count_correct_onehot
    return None
