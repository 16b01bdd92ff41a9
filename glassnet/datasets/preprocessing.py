"""Preparing features and targets: standardization and one-hot encoding."""
from __future__ import annotations

import numpy as np

from glassnet.dtypes import float_dtype_or_default, get_default_dtype
from glassnet.validation import as_array, check_features


def pandas_numbers(value):
    """A float64 array for a pandas frame or series of nullable numbers (Int64, Float64, boolean), else ``value``.

    NumPy sees such columns as objects; ``to_numpy(dtype=float64, na_value=nan)`` gives their
    numbers, and a missing value becomes NaN, which the finiteness checks then report.
    """
    if hasattr(value, "to_numpy") and hasattr(value, "dtypes"):
        dtypes = value.dtypes if hasattr(value.dtypes, "__iter__") else [value.dtypes]  # DataFrame or Series
        if any(not isinstance(d, np.dtype) for d in dtypes) and all(getattr(d, "kind", "O") in "biuf" for d in dtypes):
            return value.to_numpy(dtype=np.float64, na_value=np.nan)
    return value


class Standardizer:
    """z = (x - mean_) / scale_, per feature, with mean_ and scale_ learned by :meth:`fit`.

    ``scale_`` is the (population) standard deviation of each feature, or 1 for a
    constant feature (one whose variance is within rounding error of 0), so that nothing is
    divided by zero or by rounding noise. Like scikit-learn's
    ``StandardScaler``: fit on the training part only, then transform every part.

    Attributes
    ----------
    mean_, scale_ : ndarray (n_features,)
    """

    def __init__(self):
        self.mean_ = None
        self.scale_ = None

    def fit(self, X) -> "Standardizer":
        X = check_features(pandas_numbers(X), "Standardizer.fit: X")
        work = X.astype(np.float64)
        self.mean_ = work.mean(axis=0)
        var = work.var(axis=0)
        # a column of one repeated value can come out with a variance of rounding noise (0.1 ten
        # times gives 2e-34): below the rounding error of computing it, n·ε·var + (n·ε·mean)²
        # (the bound scikit-learn's StandardScaler uses), the column counts as constant
        n, eps = len(work), np.finfo(np.float64).eps
        constant = var <= n * eps * var + (n * eps * self.mean_) ** 2
        self.scale_ = np.where(constant, 1.0, np.sqrt(var))
        return self

    def _check(self, X, method: str) -> np.ndarray:
        if self.mean_ is None:
            raise RuntimeError(f"Standardizer.{method}: call fit(X_train) first")
        X = check_features(pandas_numbers(X), f"Standardizer.{method}: X")
        if X.shape[1:] != self.mean_.shape:
            raise ValueError(
                f"Standardizer.{method}: X has rows of shape {X.shape[1:]}, the fitted data had {self.mean_.shape}"
            )
        return X

    def transform(self, X) -> np.ndarray:
        """(X - mean_) / scale_, computed in float64 and returned in X's float dtype (glassnet's
        default dtype, float32 unless :func:`glassnet.set_default_dtype` changed it, for integer input)."""
        X = self._check(X, "transform")
        return ((X - self.mean_) / self.scale_).astype(_float_dtype_of(X))

    def inverse_transform(self, Z) -> np.ndarray:
        """Z · scale_ + mean_: back to the original units, in Z's float dtype (as :meth:`transform`)."""
        Z = self._check(Z, "inverse_transform")
        return (Z * self.scale_ + self.mean_).astype(_float_dtype_of(Z))

    def fit_transform(self, X) -> np.ndarray:
        return self.fit(X).transform(X)

    def state_dict(self) -> dict:
        """The learned ``mean`` and ``scale`` as lists of floats (for a JSON manifest)."""
        if self.mean_ is None:
            raise RuntimeError("Standardizer.state_dict: nothing learned yet; call fit(X_train) first")
        return {"mean": self.mean_.tolist(), "scale": self.scale_.tolist()}

    def __repr__(self) -> str:
        fitted = "unfitted" if self.mean_ is None else f"n_features={len(self.mean_)}"
        return f"Standardizer({fitted})"


def _float_dtype_of(X: np.ndarray) -> np.dtype:
    """X's dtype when it is floating, else glassnet's default dtype (for integer input)."""
    return X.dtype if X.dtype.kind == "f" else get_default_dtype()


def standardize(X, dtype=None) -> np.ndarray:
    """(X - mean) / std per feature, with the statistics of X itself (see :class:`Standardizer`).

    The result is in ``dtype`` when given (float32 or float64, by dtype or name), else in X's float
    dtype, or glassnet's default dtype (float32 unless set) for integer X. The statistics and the
    division are computed in float64 either way, and rounded once to the result's dtype.
    """
    if dtype is None:
        return Standardizer().fit_transform(X)
    dtype = float_dtype_or_default(dtype, "standardize: dtype")
    standardizer = Standardizer().fit(X)
    X = standardizer._check(X, "transform")
    return ((X - standardizer.mean_) / standardizer.scale_).astype(dtype)


def one_hot(y, n_classes: int | None = None, dtype=None) -> np.ndarray:
    """Row i is all zeros except a 1 in column y[i].

    Parameters
    ----------
    y : array of int (n_samples,), labels 0..n_classes-1
    n_classes : int, optional
        Number of columns; default ``max(y) + 1``.
    dtype : None, float32 or float64 (dtype or name)
        The rows' dtype; None means glassnet's default dtype (float32 unless
        :func:`glassnet.set_default_dtype` changed it).
    """
    dtype = float_dtype_or_default(dtype, "one_hot: dtype")
    y = as_array(y, "one_hot: y")
    if y.ndim != 1:
        raise ValueError(f"one_hot: y must be a 1-D array of class labels, got shape {y.shape}")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise ValueError("one_hot: y must hold whole-number class labels")
        if y.size and y.min() < 0:
            raise ValueError(f"one_hot: class labels must be >= 0, got {y.min().item():g}")
        if y.size and y.max() >= 2**63:  # no int64 index, and far more columns than memory could hold
            raise ValueError(f"one_hot: class labels must be below 2**63 (column indices), got {y.max().item():g}")
        y = y.astype(np.int64)
    if y.size and y.min() < 0:
        raise ValueError(f"one_hot: class labels must be >= 0, got {int(y.min())}")
    needed = int(y.max()) + 1 if y.size else 0
    if n_classes is None:
        n_classes = needed
    elif isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < needed:
        raise ValueError(f"one_hot: n_classes must be an integer >= max(y) + 1 = {needed}, got {n_classes!r}")
    encoded = np.zeros((len(y), int(n_classes)), dtype=dtype)
    encoded[np.arange(len(y)), y.astype(np.int64)] = 1
    return encoded
