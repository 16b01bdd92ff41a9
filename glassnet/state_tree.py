"""Nested state (dicts, lists, numbers, arrays) split into JSON plus named arrays, and joined back.

Optimizer and scheduler ``state_dict()`` results, training histories and estimator
attributes are such trees. Files hold the JSON part as text and the arrays as
``.npy`` entries, so nothing in them is ever unpickled.

``split_arrays({"state": {0: {"step": 3, "exp_avg": m}}}, "optimizer")`` gives
``({"state": {"0": {"step": 3, "exp_avg": {"__array__": "optimizer/state/0/exp_avg"}}}},
{"optimizer/state/0/exp_avg": m})``.
"""
from __future__ import annotations

import numbers

import numpy as np

ARRAY_TAG = "__array__"


def split_arrays(tree, prefix: str) -> tuple:
    """(JSON-ready tree, {name: ndarray}) for ``tree``; arrays are named by their path under ``prefix``."""
    arrays: dict = {}

    def walk(value, path):
        if isinstance(value, np.ndarray):
            arrays[path] = value
            return {ARRAY_TAG: path}
        if isinstance(value, dict):
            return {str(key): walk(item, f"{path}/{key}") for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(item, f"{path}/{index}") for index, item in enumerate(value)]
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (np.bool_,)):
            return bool(value)
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            return float(value)
        raise TypeError(f"cannot store {path!r}: a {type(value).__name__} is neither a number, text, list, dict nor array")

    return walk(tree, prefix), arrays


def join_arrays(tree, arrays: dict):
    """Undo :func:`split_arrays`: put each named array back where its tag stands."""
    if isinstance(tree, dict):
        if set(tree) == {ARRAY_TAG}:
            name = tree[ARRAY_TAG]
            if name not in arrays:
                raise KeyError(f"the array {name!r} is missing")
            return arrays[name]
        return {key: join_arrays(item, arrays) for key, item in tree.items()}
    if isinstance(tree, list):
        return [join_arrays(item, arrays) for item in tree]
    return tree
