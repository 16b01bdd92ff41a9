"""What an estimator's model file must hold to be loaded: each entry checked against the others and the network.

A file edited by hand (its checksums recomputed) could otherwise load into an estimator that
predicts wrongly without a word (``classes_`` swapped, a third class on a two-class network) or
fails later with a confusing message (``n_features_in_`` as ``"3"``). Each check names the entry.
"""
from __future__ import annotations

import os

import numpy as np

from glassnet.serialization import ModelFileError
from glassnet.validation import is_finite_number, is_whole_number

LABEL_TYPES = ("binary", "multiclass", "multilabel-indicator")


def refuse(path, key: str, expected: str, value) -> None:
    raise ModelFileError(f"load: the estimator in {os.fspath(path)!r} is malformed: {key} should be {expected}, "
                         f"got {value!r:.80}")


def _numbers(value) -> bool:
    return isinstance(value, list) and all(v is None or is_finite_number(v) for v in value)


def check_header(meta: dict, path, known) -> None:
    """The estimator's name, hyper-parameters and fitted part have the types :func:`estimator_payload` writes."""
    name = meta.get("estimator")
    if not isinstance(name, str) or name not in known:
        refuse(path, "'estimator'", f"one of {sorted(known)}", name)
    if meta.get("params") is not None and not isinstance(meta["params"], dict):
        refuse(path, "'params'", "a dict of hyper-parameters", meta["params"])
    if meta.get("fitted") is not None and not isinstance(meta["fitted"], dict):
        refuse(path, "'fitted'", "a dict of fitted attributes or null", meta["fitted"])
    if meta.get("fitted") is not None and not isinstance(meta.get("optimizer"), dict):
        refuse(path, "'optimizer'", "the optimizer's state (a dict) of a fitted estimator", meta.get("optimizer"))


SCALARS = {
    "n_iter_": (lambda v: is_whole_number(v, 0), "a whole number >= 0"),
    "t_": (lambda v: is_whole_number(v, 0), "a whole number >= 0"),
    "_no_improvement_count": (lambda v: is_whole_number(v, 0), "a whole number >= 0"),
    "loss_": (is_finite_number, "a number"), "best_loss_": (lambda v: v is None or is_finite_number(v), "a number or null"),
    "best_validation_score_": (lambda v: v is None or is_finite_number(v), "a number or null"),
    "loss_curve_": (_numbers, "a list of numbers"),
    "validation_scores_": (lambda v: v is None or _numbers(v), "a list of numbers or null"),
}


def check_fitted(estimator, fitted: dict, path) -> None:
    """The fitted attributes agree with each other and with the loaded network ``estimator.model_``."""
    from glassnet.nn import Linear

    linears = [module for module in estimator.model_.modules() if isinstance(module, Linear)]
    if not linears:
        refuse(path, "'module'", "a network of Linear layers", type(estimator.model_).__name__)
    n_in, n_out = linears[0].in_features, linears[-1].out_features
    hidden = tuple(layer.out_features for layer in linears[:-1])
    wanted = tuple(estimator._settings()["hidden_layer_sizes"])
    if wanted != hidden:
        refuse(path, "params.hidden_layer_sizes", f"the network's hidden layers {hidden}", wanted)
    for key, (valid, expected) in SCALARS.items():
        if key in fitted and not valid(fitted[key]):
            refuse(path, f"fitted.{key}", expected, fitted[key])
    for key, value in (("n_features_in_", n_in), ("n_outputs_", n_out), ("n_layers_", len(hidden) + 2)):
        if fitted.get(key) != value or not is_whole_number(fitted.get(key), 1):
            refuse(path, f"fitted.{key}", f"{value}, as the network has", fitted.get(key))
    names = fitted.get("feature_names_in_")
    if names is not None and not (isinstance(names, list) and len(names) == n_in and all(isinstance(n, str) for n in names)):
        refuse(path, "fitted.feature_names_in_", f"a list of {n_in} column names", names)
    history = fitted.get("history")
    if history is not None and not (isinstance(history, dict) and all(
            isinstance(k, str) and _numbers(v) for k, v in history.items())):
        refuse(path, "fitted.history", "a dict name -> list of numbers", history)
    if not hasattr(estimator, "classes_") and "classes_" not in fitted:  # a regressor
        if fitted.get("out_activation_") != "identity":
            refuse(path, "fitted.out_activation_", "'identity' (a regressor)", fitted.get("out_activation_"))
        return
    _check_classes(fitted, n_out, path)


def _check_classes(fitted: dict, n_out: int, path) -> None:
    stored = fitted.get("classes_")
    if not (isinstance(stored, dict) and isinstance(stored.get("dtype"), str) and isinstance(stored.get("values"), list)):
        refuse(path, "fitted.classes_", "a dict with 'dtype', 'values' and 'label_type'", stored)
    label_type = stored.get("label_type")
    if label_type not in LABEL_TYPES:
        refuse(path, "fitted.classes_.label_type", f"one of {list(LABEL_TYPES)}", label_type)
    values = stored["values"]
    if not all(isinstance(v, (str, int, float)) for v in values):  # bool is an int: labels may be True/False
        refuse(path, "fitted.classes_.values", "a list of labels (text, numbers or booleans)", values)
    try:
        ordered = values == sorted(set(values)) and len(values) == len(np.unique(np.array(values, dtype=object)))
    except TypeError:  # labels of mixed kinds cannot be ordered
        ordered = False
    if not ordered:
        refuse(path, "fitted.classes_.values", "distinct labels in sorted order (as scikit-learn keeps them)", values)
    count = {"binary": (1, 2), "multiclass": (n_out,), "multilabel-indicator": (n_out,)}[label_type]
    if len(values) not in count or (label_type == "binary") != (n_out == 1):
        refuse(path, "fitted.classes_.values", f"{' or '.join(map(str, count))} classes for a {label_type} network "
               f"with {n_out} output{'s' if n_out > 1 else ''}", values)
    activation = "softmax" if label_type == "multiclass" else "logistic"
    if fitted.get("out_activation_") != activation:
        refuse(path, "fitted.out_activation_", f"{activation!r} (labels {label_type})", fitted.get("out_activation_"))
