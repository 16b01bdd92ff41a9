"""Minibatches: the data cut into slices that each make one gradient step."""
from __future__ import annotations

from glassnet.random import as_generator
from glassnet.validation import as_array, check_positive_int


def minibatches(X, y=None, batch_size: int = 32, shuffle: bool = True, seed=None, drop_last: bool = False):
    """Yield ``(X_batch, y_batch)`` (or ``X_batch`` when y is None) covering the data once.

    Parameters
    ----------
    X : array (n_samples, ...); y : array (n_samples, ...), optional
    batch_size : int
        Rows per batch; the last one is smaller when it does not divide n_samples.
    shuffle : bool
        Visit the rows in a random order drawn from ``seed``.
    seed : None, int or numpy.random.Generator
    drop_last : bool
        Skip the final smaller batch.
    """
    X = as_array(X, "minibatches: X")
    batch_size = check_positive_int(batch_size, "minibatches: batch_size")
    if X.ndim == 0:
        raise ValueError("minibatches: X must have one row per sample, got a scalar")
    if y is not None:
        y = as_array(y, "minibatches: y")
        if y.ndim == 0 or len(y) != len(X):
            raise ValueError(f"minibatches: X has {len(X)} rows but y has shape {y.shape}")
    n = len(X)
    order = as_generator(seed, "seed").permutation(n) if shuffle else None
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        if drop_last and stop - start < batch_size:
            return
        rows = order[start:stop] if order is not None else slice(start, stop)
        yield X[rows] if y is None else (X[rows], y[rows])
