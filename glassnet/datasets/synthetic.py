"""Small two-dimensional data sets that need a non-linear decision boundary.

Every generator returns ``(X, y)``: X of shape (n_samples, 2), y int64
class labels 0..n_classes-1, with classes as equal in size as ``n_samples``
allows, rows in random order, and the same numbers for the same ``seed``.

X is in ``dtype``: None (the default) means glassnet's default dtype (float32
unless :func:`glassnet.set_default_dtype` changed it), else float32 or float64.
The points are computed in float64 and rounded once to ``dtype``, so the
float32 set is the float64 set of the same seed cast to float32.
"""
from __future__ import annotations

import numbers

import numpy as np

from glassnet.dtypes import float_dtype_or_default
from glassnet.random import as_generator
from glassnet.validation import check_positive_int, check_positive_number


def _check_noise(noise, function: str) -> float:
    return check_positive_number(noise, f"{function}: noise", allow_zero=True)


def _class_sizes(n_samples: int, n_classes: int, function: str) -> list:
    n_samples = check_positive_int(n_samples, f"{function}: n_samples")
    n_classes = check_positive_int(n_classes, f"{function}: n_classes", minimum=2)
    if n_samples < n_classes:
        raise ValueError(f"{function}: n_samples must be at least n_classes={n_classes}, got {n_samples}")
    base, extra = divmod(n_samples, n_classes)
    return [base + (k < extra) for k in range(n_classes)]


def _dtype(dtype, function: str) -> np.dtype:
    return float_dtype_or_default(dtype, f"{function}: dtype")


def _finish(parts: list, rng, noise: float, dtype: np.dtype):
    """Stack per-class point arrays, add Gaussian noise of std ``noise``, shuffle the rows, round X to ``dtype``."""
    X = np.concatenate(parts)
    y = np.concatenate([np.full(len(part), k, dtype=np.int64) for k, part in enumerate(parts)])
    if noise > 0:
        X = X + rng.normal(0.0, noise, size=X.shape)
    order = rng.permutation(len(X))
    return X[order].astype(dtype), y[order]


def xor(dtype=None):
    """The XOR truth table: X = [[0,0],[0,1],[1,0],[1,1]], y = x1 XOR x2 = [0,1,1,0].

    No straight line separates its classes, so a network needs a hidden layer to learn it.
    X is in ``dtype`` (None: glassnet's default dtype, float32 unless set; or float32/float64).
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=_dtype(dtype, "xor"))
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


def moons(n_samples: int = 200, noise: float = 0.1, seed=None, dtype=None):
    """Two interleaving half circles: (cos t, sin t) and (1 - cos t, 1/2 - sin t), t in [0, π].

    Parameters
    ----------
    n_samples : int
    noise : float
        Standard deviation of the Gaussian noise added to every coordinate.
    seed : None, int or numpy.random.Generator
    dtype : None, float32 or float64 (dtype or name)
        X's dtype; None means glassnet's default dtype (float32 unless
        :func:`glassnet.set_default_dtype` changed it). y stays int64.
    """
    dtype = _dtype(dtype, "moons")
    rng = as_generator(seed, "seed")
    noise = _check_noise(noise, "moons")
    sizes = _class_sizes(n_samples, 2, "moons")
    upper_t = np.linspace(0, np.pi, sizes[0])
    lower_t = np.linspace(0, np.pi, sizes[1])
    upper = np.column_stack([np.cos(upper_t), np.sin(upper_t)])
    lower = np.column_stack([1 - np.cos(lower_t), 0.5 - np.sin(lower_t)])
    return _finish([upper, lower], rng, noise, dtype)


def circles(n_samples: int = 200, noise: float = 0.05, factor: float = 0.5, seed=None, dtype=None):
    """A small circle of radius ``factor`` (class 1) inside a circle of radius 1 (class 0).

    Parameters
    ----------
    n_samples : int
    noise : float
        Standard deviation of the Gaussian noise added to every coordinate.
    factor : float in (0, 1)
        Inner radius over outer radius.
    seed : None, int or numpy.random.Generator
    dtype : None, float32 or float64 (dtype or name)
        X's dtype; None means glassnet's default dtype (float32 unless
        :func:`glassnet.set_default_dtype` changed it). y stays int64.
    """
    dtype = _dtype(dtype, "circles")
    rng = as_generator(seed, "seed")
    noise = _check_noise(noise, "circles")
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 < factor < 1:
        raise ValueError(f"circles: factor must be a number strictly between 0 and 1, got {factor!r}")
    sizes = _class_sizes(n_samples, 2, "circles")
    parts = []
    for radius, size in zip((1.0, float(factor)), sizes):
        t = np.linspace(0, 2 * np.pi, size, endpoint=False)
        parts.append(radius * np.column_stack([np.cos(t), np.sin(t)]))
    return _finish(parts, rng, noise, dtype)


def spirals(n_samples: int = 300, noise: float = 0.05, n_classes: int = 2, turns: float = 1.0, seed=None, dtype=None):
    """``n_classes`` spiral arms winding out of the origin.

    Arm k holds points r (cos θ, sin θ) with r from 0 to 1 and
    θ = 2π k / n_classes + 2π · turns · r.

    Parameters
    ----------
    n_samples : int
    noise : float
        Standard deviation of the Gaussian noise added to every coordinate.
    n_classes : int >= 2
    turns : float > 0
        How many times each arm winds around the origin.
    seed : None, int or numpy.random.Generator
    dtype : None, float32 or float64 (dtype or name)
        X's dtype; None means glassnet's default dtype (float32 unless
        :func:`glassnet.set_default_dtype` changed it). y stays int64.
    """
    dtype = _dtype(dtype, "spirals")
    rng = as_generator(seed, "seed")
    noise = _check_noise(noise, "spirals")
    turns = check_positive_number(turns, "spirals: turns")
    sizes = _class_sizes(n_samples, n_classes, "spirals")
    parts = []
    for k, size in enumerate(sizes):
        r = np.linspace(0.0, 1.0, size + 1)[1:]
        theta = 2 * np.pi * k / len(sizes) + 2 * np.pi * turns * r
        parts.append(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
    return _finish(parts, rng, noise, dtype)


def gaussians(n_samples: int = 300, noise: float = 1.0, n_classes: int = 3, spread: float = 3.0, seed=None, dtype=None):
    """``n_classes`` round Gaussian blobs with centres evenly spaced on a circle of radius ``spread``.

    Class k is drawn from N(c_k, noise² I) with c_k = spread · (cos 2πk/K, sin 2πk/K).

    Parameters
    ----------
    n_samples : int
    noise : float
        Standard deviation of each blob.
    n_classes : int >= 2
    spread : float > 0
        Distance of every centre from the origin.
    seed : None, int or numpy.random.Generator
    dtype : None, float32 or float64 (dtype or name)
        X's dtype; None means glassnet's default dtype (float32 unless
        :func:`glassnet.set_default_dtype` changed it). y stays int64.
    """
    dtype = _dtype(dtype, "gaussians")
    rng = as_generator(seed, "seed")
    noise = _check_noise(noise, "gaussians")
    spread = check_positive_number(spread, "gaussians: spread")
    sizes = _class_sizes(n_samples, n_classes, "gaussians")
    angles = 2 * np.pi * np.arange(len(sizes)) / len(sizes)
    centres = float(spread) * np.column_stack([np.cos(angles), np.sin(angles)])
    parts = [np.repeat(centre[None, :], size, axis=0) for centre, size in zip(centres, sizes)]
    return _finish(parts, rng, noise, dtype)
