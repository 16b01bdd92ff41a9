"""Checks at the public boundary: each names the argument, what was expected and what came."""
from __future__ import annotations

import math
import numbers

import numpy as np

from glassnet.blas import sum_of_squares
from glassnet.tensor import Tensor


def is_whole_number(value, minimum=None) -> bool:
    """A plain int (not a bool), at least ``minimum`` when given: for values read back from JSON."""
    return isinstance(value, int) and not isinstance(value, bool) and (minimum is None or value >= minimum)


def is_finite_number(value) -> bool:
    """A plain finite int or float (not a bool): for values read back from JSON."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def as_array(value, name: str) -> np.ndarray:
    """An ndarray view of ``value`` (Tensor, array or nested lists), or a TypeError naming ``name``."""
    if isinstance(value, Tensor):
        return value.data
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name}: expected an array of numbers, got {type(value).__name__} ({error})") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name}: expected numbers, got an array of dtype {array.dtype}")
    return array


def _all_finite(array: np.ndarray) -> bool:
    """True when no NaN or infinity is present.

    One pass: the sum of squares x·x is finite when every element is (NaN and infinity
    propagate, and squares cannot cancel). For a contiguous float32/float64 array it is one
    BLAS dot, twice as fast as ``sum`` (5 ms against 10 ms for 60,000 × 784 float32 here);
    other arrays are summed. Only a non-finite result, which can also come from overflow
    (|x| above 1.8e19 in float32), needs the exact element-wise check.
    """
    if array.dtype.kind not in "fc" or array.size == 0:
        return True
    if array.dtype in _BLAS_FLOATS and (array.flags.c_contiguous or array.flags.f_contiguous):
        with np.errstate(over="ignore"):  # an overflow only sends us to the exact check
            total = sum_of_squares(array)
    else:  # a strided array would be copied for the dot; summing it needs no copy
        total = array.sum()
    return bool(np.isfinite(total)) or bool(np.isfinite(array).all())


_BLAS_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def check_features(X, name: str = "X", dtype=None) -> np.ndarray:
    """X as a non-empty float array of shape (n_samples, ...) with only finite values."""
    array = as_array(X, name)
    if array.ndim < 2:
        raise ValueError(
            f"{name}: expected a 2-D array of shape (n_samples, n_features), got shape {array.shape}; "
            f"use X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for a single sample"
        )
    if array.shape[0] == 0:
        raise ValueError(f"{name}: expected at least one sample, got shape {array.shape}")
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    if not _all_finite(array):
        bad = np.argwhere(~np.isfinite(array))[0]
        raise ValueError(f"{name}: contains NaN or infinity, first at index {tuple(int(i) for i in bad)}; clean or impute it first")
    return array


def check_within_range(array: np.ndarray, dtype, name: str, hint: str = "") -> None:
    """A ValueError naming ``name`` when a value of ``array`` lies beyond ``dtype``'s range, |x| > finfo(dtype).max
    (3.4e38 for float32), where a cast would make it infinite. NaN and infinity are left to the finiteness checks.
    """
    limit = np.finfo(dtype).max
    if array.dtype.kind != "f" or array.size == 0 or np.finfo(array.dtype).max <= limit:
        return
    with np.errstate(invalid="ignore"):
        beyond = np.isfinite(array) & (np.abs(array) > limit) if array.max() > limit or array.min() < -limit else None
    if beyond is not None and beyond.any():
        bad = tuple(int(i) for i in np.argwhere(beyond)[0])
        raise ValueError(f"{name}: the value {array[bad].item()!r} at index {bad} exceeds the {np.dtype(dtype).name} "
                         f"range (|x| <= {limit:.3g}){hint}")


def check_targets(y, n_samples: int, name: str = "y", features: str = "X") -> np.ndarray:
    """y as an array with ``n_samples`` rows (one per row of the array named ``features``) and finite values."""
    array = as_array(y, name)
    if array.ndim == 0 or array.shape[0] != n_samples:
        raise ValueError(f"{name}: expected {n_samples} targets (one per row of {features}), got shape {array.shape}")
    if array.dtype.kind == "f" and not _all_finite(array):
        raise ValueError(f"{name}: contains NaN or infinity")
    return array


def check_positive_int(value, name: str, allow_none: bool = False, minimum: int = 1):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def check_positive_number(value, name: str, allow_none: bool = False, allow_zero: bool = False):
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    ok = ok and (value >= 0 if allow_zero else value > 0)
    if not ok:
        raise ValueError(f"{name}: expected a finite number {'>=' if allow_zero else '>'} 0, got {value!r}")
    return float(value)
