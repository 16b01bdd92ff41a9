"""Holding data back: a random (optionally stratified) split into a training and a test part."""
from __future__ import annotations

import math
import numbers

import numpy as np

from glassnet.datasets.preprocessing import pandas_numbers
from glassnet.random import as_generator
from glassnet.tensor import Tensor
from glassnet.validation import as_array


def _test_count(test_size, n: int) -> int:
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"train_test_split: test_size must be a fraction in (0, 1) or a count, got {test_size!r}")
    if isinstance(test_size, numbers.Integral):
        count = int(test_size)
    elif 0 < test_size < 1:
        count = math.ceil(test_size * n)
    else:
        raise ValueError(f"train_test_split: a fractional test_size must lie strictly between 0 and 1, got {test_size}")
    if not 0 < count < n:
        raise ValueError(
            f"train_test_split: test_size={test_size!r} leaves {count} of {n} samples for testing; "
            f"both parts need at least one sample"
        )
    return count


def _stratified_test_rows(labels: np.ndarray, n_test: int, rng) -> np.ndarray:
    """Per class, a share of the test rows proportional to the class size (largest remainders first)."""
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if counts.min() < 2:
        lonely = classes[counts.argmin()].item()
        raise ValueError(
            f"train_test_split: class {lonely!r} has only {counts.min()} sample; stratify needs at least 2 "
            f"per class (one for each part)"
        )
    if n_test < len(classes) or len(labels) - n_test < len(classes):
        raise ValueError(
            f"train_test_split: with stratify, each part needs at least one sample of each of the "
            f"{len(classes)} classes, but the test part would hold {n_test} of {len(labels)} samples"
        )
    exact = counts * n_test / len(labels)
    share = np.floor(exact).astype(int)
    share = np.clip(share, 1, counts - 1)
    order = np.argsort(-(exact - np.floor(exact)), kind="stable")
    i = 0
    while share.sum() != n_test:  # hand out (or take back) the rows that rounding left over
        k = order[i % len(order)]
        if share.sum() < n_test and share[k] < counts[k] - 1:
            share[k] += 1
        elif share.sum() > n_test and share[k] > 1:
            share[k] -= 1
        i += 1
    rows = [rng.permutation(np.flatnonzero(inverse == k))[:share[k]] for k in range(len(classes))]
    return np.concatenate(rows)


def train_test_split(X, y, test_size=0.2, stratify=None, seed=None):
    """Split (X, y) at random into training and test parts.

    Parameters
    ----------
    X : array (n_samples, ...) of numbers
    y : array (n_samples, ...) of numbers or labels (strings, say)
    test_size : float in (0, 1) or int
        Fraction of the samples (rounded up) or number of samples to hold out.
    stratify : array (n_samples,), optional
        Class labels (usually ``y``) whose proportions both parts keep.
    seed : None, int or numpy.random.Generator

    Returns
    -------
    X_train, X_test, y_train, y_test
        In scikit-learn's order, rows shuffled.
    """
    X = as_array(pandas_numbers(X), "train_test_split: X")
    y = pandas_numbers(y)
    y = y.data if isinstance(y, Tensor) else np.asarray(y)  # any labels: only its rows are taken
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(f"train_test_split: X and y must have the same number of rows, got shapes {X.shape} and {y.shape}")
    n = len(X)
    rng = as_generator(seed, "seed")
    n_test = _test_count(test_size, n)
    if stratify is None:
        order = rng.permutation(n)
        test_rows, train_rows = order[:n_test], order[n_test:]
    else:
        labels = np.asarray(stratify)
        if labels.shape != (n,):
            raise ValueError(f"train_test_split: stratify must hold one label per row, shape ({n},), got {labels.shape}")
        test_rows = rng.permutation(_stratified_test_rows(labels, n_test, rng))
        is_test = np.zeros(n, dtype=bool)
        is_test[test_rows] = True
        train_rows = rng.permutation(np.flatnonzero(~is_test))
    return X[train_rows], X[test_rows], y[train_rows], y[test_rows]
