"""Reading a user's own table from a CSV file: numeric feature columns and one target column."""
from __future__ import annotations

import csv
import math
import os
import re

import numpy as np

from glassnet.datasets.dataset import Dataset
from glassnet.dtypes import float_dtype_or_default

TASKS = ("auto", "classification", "regression")
MISSING = {"", "na", "nan", "n/a", "null", "none", "?"}


PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|infinity|nan)", re.IGNORECASE)
"""A number as NumPy's loadtxt reads one: ASCII digits, decimal point, exponent (no ``1_000``, no other scripts'
digits, which Python's float() would take)."""


def plain_number(text: str) -> float:
    """``float(text)`` for a plain decimal or scientific number; ValueError for anything else."""
    text = text.strip()
    if not PLAIN_NUMBER.fullmatch(text):
        raise ValueError(f"{text!r} is not a plain number")
    return float(text)


def _number(cell: str, row: int, column: str, path: str, dtype: np.dtype) -> float:
    """The cell's number (a plain decimal or scientific one, read as Python's float() reads it), refused
    when it is missing, not finite or beyond float32's range in a float32 table (it would be stored as inf)."""
    text = cell.strip()
    if text.lower() in MISSING:
        raise ValueError(
            f"load_csv: {path}: row {row}, column {column}: missing value ({cell!r}); fill or drop it first"
        )
    try:
        value = plain_number(text)
    except ValueError:
        raise ValueError(f"load_csv: {path}: row {row}, column {column}: {cell!r} is not a number (expected digits "
                         f"0-9 with an optional point and exponent, e.g. 1000 or 1.5e-3)") from None
    if not math.isfinite(value):
        raise ValueError(f"load_csv: {path}: row {row}, column {column}: {cell!r} is not a finite number")
    if dtype == np.float32 and abs(value) > FLOAT32_MAX and _rounds_to_inf(value):  # it would be stored as inf
        raise ValueError(f"load_csv: {path}: row {row}, column {column}: {cell!r} is beyond float32's range "
                         f"(±{FLOAT32_MAX:.4g}); rescale the column first, or read it with dtype='float64'")
    return value


FLOAT32_MAX = float(np.finfo(np.float32).max)


def _rounds_to_inf(value: float) -> bool:
    with np.errstate(over="ignore"):
        return bool(np.isinf(np.float32(value)))


def _target_index(target, names: list, path: str) -> int:
    if isinstance(target, str):
        if names.count(target) > 1:
            places = [k for k, name in enumerate(names) if name == target]
            raise ValueError(f"load_csv: {path}: the header names {len(places)} columns {target!r} (indices "
                             f"{places}); give target as an index")
        if target in names:
            return names.index(target)
        if target.lstrip("-").isdigit():
            target = int(target)
        else:
            raise ValueError(f"load_csv: {path}: no column named {target!r}; columns: {names}")
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
        raise TypeError(f"load_csv: target must be a column name or index, got {target!r}")
    if not -len(names) <= target < len(names):
        raise ValueError(f"load_csv: {path}: target index {target} is out of range for {len(names)} columns")
    return int(target) % len(names)


def _read_rows(path: str, delimiter: str, header: bool):
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            rows = [(number, row) for number, row in enumerate(csv.reader(file, delimiter=delimiter), start=1)
                    if row and any(cell.strip() for cell in row)]
    except UnicodeDecodeError as error:
        raise ValueError(f"load_csv: {path} is not UTF-8 text (byte {error.start}: {error.reason}); "
                         f"save it as UTF-8 first") from None
    if header:
        if not rows:
            raise ValueError(f"load_csv: {path} is empty")
        names = [cell.strip() for cell in rows[0][1]]
        rows = rows[1:]
    else:
        names = [f"column_{k}" for k in range(len(rows[0][1]))] if rows else []
    if not rows:
        raise ValueError(f"load_csv: {path} has no data rows")
    if len(names) < 2:
        raise ValueError(
            f"load_csv: {path}: found {len(names)} column with delimiter {delimiter!r}; need at least one "
            f"feature and a target (is the delimiter right?)"
        )
    for number, row in rows:
        if len(row) != len(names):
            raise ValueError(f"load_csv: {path}: row {number} has {len(row)} cells, expected {len(names)}")
    return names, rows


def _class_number(cell: str, value: float):
    """The class a numeric label stands for: an exact int for whole numbers (even past 2**53), else the float."""
    try:
        return int(cell.strip())
    except ValueError:
        return int(value) if float(value).is_integer() else float(value)


MANY_CLASSES = 20
"""With task='auto', whole numbers with more distinct values than this and than half the rows are
refused as class labels (prices, counts): the file must say which task it is."""


def _targets(cells: list, numbers: list, column: str, path: str, task: str, dtype):
    """Class labels (and their names) or regression targets in ``dtype`` from the target column."""
    if task not in TASKS:
        raise ValueError(f"load_csv: task must be one of {TASKS}, got {task!r}")
    numeric = True
    values = []
    for cell, number in zip(cells, numbers):
        try:
            values.append(_number(cell, number, column, path, dtype))
        except ValueError:
            if cell.strip().lower() in MISSING:
                raise
            numeric = False
            break
    if task == "regression":
        if not numeric:
            _number(cells[len(values)], numbers[len(values)], column, path, dtype)  # raises, naming the cell
        return np.asarray(values, dtype=dtype), None
    if numeric and task == "auto" and not all(float(v).is_integer() for v in values):
        return np.asarray(values, dtype=dtype), None
    for cell, number in zip(cells, numbers):
        if cell.strip().lower() in MISSING:
            raise ValueError(f"load_csv: {path}: row {number}, column {column}: missing class label")
    if numeric:  # a class per number, 1 and 1.0 alike, named by the number ("3", "0.5"), in numeric order
        keys = [_class_number(cell, value) for cell, value in zip(cells, values)]
        names = sorted(set(keys))
        class_names = tuple(str(v) for v in names)
    else:
        keys = [cell.strip() for cell in cells]
        names = sorted(set(keys))
        class_names = tuple(names)
    if len(names) < 2:
        raise ValueError(f"load_csv: {path}: the target column {column} holds one class ({class_names[0]!r}); "
                         f"classification needs at least two")
    if numeric and task == "auto" and len(names) > max(MANY_CLASSES, len(keys) // 2):
        raise ValueError(f"load_csv: {path}: the target column {column} holds {len(names)} different whole numbers "
                         f"in {len(keys)} rows, too many to be class labels; pass task='regression' (glassnet: "
                         f"--task regression) to predict the number, or task='classification' to keep the classes")
    index = {name: k for k, name in enumerate(names)}
    return np.asarray([index[key] for key in keys], dtype=np.int64), class_names


def load_csv(path, target=-1, delimiter: str = ",", header: bool = True, task: str = "auto",
             dtype=None) -> Dataset:
    """A table from a CSV file as a :class:`Dataset`: every column but ``target`` is a feature.

    Parameters
    ----------
    path : str or path-like
    target : str or int
        The target column, by header name or by index (negative counts from the end;
        default the last column).
    delimiter : str
    header : bool
        Whether the first row holds column names.
    task : 'auto', 'classification' or 'regression'
        'auto' treats a target of text or of whole numbers as class labels, anything
        else as a regression target.
    dtype : None, float32 or float64 (dtype or name)
        The dtype of X and of regression targets; None means glassnet's default
        dtype (float32 unless :func:`glassnet.set_default_dtype` changed it). Each
        cell is read as Python's ``float()`` reads its text and rounded once to
        ``dtype``: float64 keeps 16777217 and 100000000.01, which float32 rounds to
        16777216 and 1e8. In float32, a number beyond float32's range is refused.

    Returns
    -------
    Dataset
        ``X`` (n_rows, n_columns - 1) in ``dtype``; ``y`` int64 labels 0..K-1 for classes
        (``class_names[k]`` is the original text of label k, sorted) or ``dtype`` for
        regression; ``feature_names`` from the header.

    Raises
    ------
    FileNotFoundError; ValueError naming the row and column of a non-numeric or missing cell.
    """
    dtype = float_dtype_or_default(dtype, "load_csv: dtype")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load_csv: path must be a file path (str or os.PathLike), got {type(path).__name__}")
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load_csv: no file at {path!r}")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ValueError(f"load_csv: delimiter must be one character, got {delimiter!r}")
    names, rows = _read_rows(path, delimiter, header)
    column = _target_index(target, names, path)
    features = [k for k in range(len(names)) if k != column]
    numbers = [number for number, _ in rows]
    X = np.empty((len(rows), len(features)), dtype=dtype)
    for i, (number, row) in enumerate(rows):
        for j, k in enumerate(features):
            X[i, j] = _number(row[k], number, repr(names[k]), path, dtype)
    y, class_names = _targets([row[column] for _, row in rows], numbers, repr(names[column]), path, task, dtype)
    base = os.path.splitext(os.path.basename(path))[0]
    return Dataset(X=X, y=y, name=base, class_names=class_names,
                   feature_names=tuple(names[k] for k in features),
                   description=f"{path}: {len(rows)} rows, {len(features)} features, target column {names[column]!r}")
