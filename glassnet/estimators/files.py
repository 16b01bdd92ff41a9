"""What a glassnet estimator's model file holds, and rebuilding the estimator from it.

Hyper-parameters (``get_params()``), fitted attributes and ``classes_`` go into the
JSON metadata; the network's parameters (``module/<name>``) and the optimizer's
state (``optimizer/...``) go into arrays. Nothing is pickled.
"""
from __future__ import annotations

import numbers
import os
import warnings

import numpy as np
from sklearn.preprocessing import LabelBinarizer

from glassnet.estimators.file_checks import check_fitted, check_header
from glassnet.serialization import ModelFileError, module_from_file, module_spec
from glassnet.state_tree import join_arrays, split_arrays

FITTED = ("n_iter_", "t_", "loss_", "loss_curve_", "best_loss_", "validation_scores_", "best_validation_score_",
          "n_outputs_", "n_layers_", "out_activation_", "n_features_in_", "_no_improvement_count")


def _json_params(estimator) -> dict:
    params = estimator.get_params(deep=False)
    params["hidden_layer_sizes"] = list(np.atleast_1d(params["hidden_layer_sizes"]).tolist())
    params["dtype"] = np.dtype(params["dtype"]).name
    state = params["random_state"]
    if not (state is None or isinstance(state, numbers.Integral)):
        warnings.warn(f"save: random_state is a {type(state).__name__}, which a model file does not hold; the "
                      f"loaded estimator has random_state=None (its fitted weights are all stored). Use an "
                      f"integer seed to keep it.", UserWarning, stacklevel=4)
        params["random_state"] = None
    # NumPy scalars (a GridSearchCV grid of np.arange values, say) become the Python numbers JSON can hold
    return {name: value.item() if isinstance(value, np.generic) else value for name, value in params.items()}


def estimator_payload(estimator) -> tuple:
    """(JSON-ready metadata, arrays) for a fitted or unfitted glassnet estimator."""
    content = {"estimator": type(estimator).__name__, "params": _json_params(estimator), "fitted": None}
    arrays = {}
    if not hasattr(estimator, "model_"):
        return content, arrays
    fitted = {name: getattr(estimator, name) for name in FITTED if hasattr(estimator, name)}
    if hasattr(estimator, "feature_names_in_"):
        fitted["feature_names_in_"] = [str(name) for name in estimator.feature_names_in_]
    if hasattr(estimator, "classes_"):
        classes = estimator.classes_
        fitted["classes_"] = {"dtype": "object" if classes.dtype == object else classes.dtype.str,
                              "values": classes.tolist(), "label_type": estimator._label_binarizer.y_type_}
    if hasattr(estimator, "history_"):
        fitted["history"] = estimator.history_.history
    fitted, fitted_arrays = split_arrays(fitted, "fitted")
    optimizer, optimizer_arrays = split_arrays(estimator._optimizer.state_dict(), "optimizer")
    arrays.update(fitted_arrays)
    arrays.update(optimizer_arrays)
    arrays.update({f"module/{name}": value for name, value in estimator.model_.state_dict().items()})
    content.update(fitted=fitted, module=module_spec(estimator.model_), optimizer=optimizer)
    return content, arrays


def _classes(stored: dict) -> np.ndarray:
    dtype = object if stored["dtype"] == "object" else np.dtype(stored["dtype"])
    return np.array(stored["values"], dtype=dtype)


def _label_binarizer(classes: np.ndarray, label_type: str) -> LabelBinarizer:
    binarizer = LabelBinarizer()
    binarizer.classes_, binarizer.y_type_, binarizer.sparse_input_ = classes, label_type, False
    return binarizer


def estimator_from_payload(meta: dict, arrays: dict, path):
    """Rebuild the estimator that :func:`estimator_payload` described."""
    from glassnet.estimators import ESTIMATORS
    from glassnet.training.history import History

    check_header(meta, path, ESTIMATORS)
    name = meta["estimator"]
    params = dict(meta.get("params") or {})
    sizes = params.get("hidden_layer_sizes", (100,))
    params["hidden_layer_sizes"] = tuple(sizes) if isinstance(sizes, (list, tuple)) else sizes  # the estimator checks it
    try:
        estimator = ESTIMATORS[name](**params)
        settings = estimator._settings()
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"load: the hyper-parameters in {os.fspath(path)!r} are not valid: {error}") from None
    fitted = meta.get("fitted")
    if fitted is None:
        return estimator
    try:
        fitted = join_arrays(fitted, arrays)
        estimator.model_ = module_from_file(meta, arrays, path, prefix="module/")
        estimator.model_.eval()
        check_fitted(estimator, fitted, path)
        for attribute in FITTED:
            if attribute in fitted:
                setattr(estimator, attribute, fitted[attribute])
        if "feature_names_in_" in fitted:
            estimator.feature_names_in_ = np.array(fitted["feature_names_in_"], dtype=object)
        if "classes_" in fitted:
            estimator.classes_ = _classes(fitted["classes_"])
            estimator._label_binarizer = _label_binarizer(estimator.classes_, fitted["classes_"]["label_type"])
        if "history" in fitted:
            estimator.history_ = History()
            estimator.history_.history = fitted["history"]
            estimator.history_.epoch = list(range(max(map(len, fitted["history"].values()), default=0)))
        estimator._optimizer = estimator._make_optimizer(settings)
        estimator._optimizer.load_state_dict(join_arrays(meta["optimizer"], arrays))
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise ModelFileError(f"load: the fitted state in {os.fspath(path)!r} is malformed: {error}") from None
    return estimator
