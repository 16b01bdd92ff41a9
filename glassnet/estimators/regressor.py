"""MLPRegressor: scikit-learn's multi-layer perceptron regressor, trained by glassnet."""
from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import column_or_1d

from glassnet import functional as F
from glassnet.estimators.base import BaseMLP


def _half_squared_error(output, target):
    """scikit-learn's 'squared_error': the value ½ · mean over every entry of (ŷ − y)², the gradient of
    ½ · Σ over the outputs, mean over the samples.

    For k outputs scikit-learn reports the first (its ``loss_curve_``) but steps along the
    gradient of the second, k times larger; so does this loss: its value is the first and
    its gradient that of the second, by adding the difference of the two as a constant.
    """
    per_sample = F.mse_loss(output, target, reduction="sum") * (0.5 / len(output))
    outputs = output.shape[1] if output.ndim == 2 else 1
    if outputs == 1:
        return per_sample
    return per_sample + per_sample.item() * (1.0 / outputs - 1.0)  # a number: no gradient, no graph


class MLPRegressor(RegressorMixin, BaseMLP):
    """A multi-layer perceptron regressor with scikit-learn's interface, trained by ``glassnet.fit``.

    Parameters mean what they mean in ``sklearn.neural_network.MLPRegressor``; see
    :class:`glassnet.MLPClassifier` for ``solver``, ``clip_grad_norm``, ``dtype`` and
    ``verbose``, for ``warm_start`` and for what is not supported (no ``sample_weight`` in
    ``fit``/``partial_fit``; sparse X is refused: convert it with ``X.toarray()``). The output
    layer is the identity.

    loss : {'squared_error', 'mse'}, default='squared_error'
        'squared_error' is scikit-learn's ½ · mean (ŷ − y)² (over samples and outputs), whose
        steps follow, as scikit-learn's do, the gradient of ½ · Σ over outputs, mean over samples;
        'mse' is ``glassnet.nn.MSELoss``'s mean (ŷ − y)², twice as large, so its
        gradients (and the effective learning rate) are doubled.

    Attributes are those of scikit-learn's MLPRegressor plus ``model_`` (the trained
    ``glassnet.nn.Sequential``) and ``history_`` (the latest ``glassnet.History``).
    """

    _losses = ("squared_error", "mse")

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
                 max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, loss="squared_error",
                 clip_grad_norm=None, dtype="float32"):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, solver=solver, alpha=alpha,
            batch_size=batch_size, learning_rate=learning_rate, learning_rate_init=learning_rate_init,
            power_t=power_t, max_iter=max_iter, shuffle=shuffle, random_state=random_state, tol=tol,
            verbose=verbose, warm_start=warm_start, momentum=momentum, nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping, validation_fraction=validation_fraction, beta_1=beta_1,
            beta_2=beta_2, epsilon=epsilon, n_iter_no_change=n_iter_no_change, loss=loss,
            clip_grad_norm=clip_grad_norm, dtype=dtype)

    def _validate_data_and_targets(self, X, y, reset: bool):
        X, y = self._X_and_y_arrays(X, y, reset)
        if y.ndim == 0 or y.ndim > 2 or len(y) != len(X):
            raise ValueError(f"y: expected {len(X)} targets (one row per row of X, 1-D or 2-D), got shape {np.shape(y)}")
        if y.dtype.kind == "c":
            raise ValueError("Complex data not supported")  # scikit-learn's words; a cast would drop the imaginary part
        if y.dtype.kind not in "biuf":
            try:
                y = y.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError(f"y: expected numbers for regression, got an array of dtype {y.dtype}") from None
        if not np.isfinite(y).all():
            raise ValueError("y: contains NaN or infinity; remove or impute those targets")
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _data_loss(self, loss: str):
        return _half_squared_error if loss == "squared_error" else F.mse_loss

    def _validation_score(self, X_val, targets_val) -> float:
        return float(r2_score(targets_val, self._forward(X_val)))

    def fit(self, X, y):
        """Train on (X, y) from fresh weights (or the current ones with ``warm_start=True``)."""
        settings = self._settings()
        X, y = self._validate_data_and_targets(X, y, reset=not hasattr(self, "model_") or not settings["warm_start"])
        self.out_activation_ = "identity"
        return self._train(X, y.reshape(len(y), -1).astype(np.float64), settings, incremental=False)

    def partial_fit(self, X, y):
        """One pass over (X, y), continuing from the current weights."""
        settings = self._settings()
        X, y = self._validate_data_and_targets(X, y, reset=not hasattr(self, "model_"))
        self.out_activation_ = "identity"
        return self._train(X, y.reshape(len(y), -1).astype(np.float64), settings, incremental=True)

    def predict(self, X) -> np.ndarray:
        """Predicted values (float64), shape (n_samples,) for one output, else (n_samples, n_outputs)."""
        output = self._raw_output(X).astype(np.float64)
        return output.ravel() if output.shape[1] == 1 else output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
