"""MLPClassifier: scikit-learn's multi-layer perceptron classifier, trained by glassnet."""
from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d

from glassnet import functional as F
from glassnet.estimators.base import BaseMLP
from glassnet.tensor import Tensor


def _log_loss(output, target):
    """Cross-entropy of softmax(output) against one-hot targets, averaged over the batch."""
    return F.cross_entropy(output, target)


def _binary_log_loss(output, target):
    """Σ over outputs of the binary cross-entropy of sigmoid(output), averaged over the batch (as scikit-learn)."""
    return F.binary_cross_entropy_with_logits(output, target, reduction="sum") * (1.0 / len(target))


def _squared_error_on(activation):
    def squared_error(output, target):
        """½ · mean over every entry of (activation(output) − target)²."""
        return F.mse_loss(activation(output), target) * 0.5
    return squared_error


class MLPClassifier(ClassifierMixin, BaseMLP):
    """A multi-layer perceptron classifier with scikit-learn's interface, trained by ``glassnet.fit``.

    Parameters mean what they mean in ``sklearn.neural_network.MLPClassifier``
    (``hidden_layer_sizes``, ``activation``, ``solver``, ``alpha``, ``batch_size``,
    ``learning_rate``, ``learning_rate_init``, ``power_t``, ``max_iter``, ``shuffle``,
    ``random_state``, ``tol``, ``verbose``, ``warm_start``, ``momentum``,
    ``nesterovs_momentum``, ``early_stopping``, ``validation_fraction``, ``beta_1``,
    ``beta_2``, ``epsilon``, ``n_iter_no_change``), with these differences:

    solver : {'adam', 'sgd', 'rmsprop'}, default='adam'
        'adam' and 'sgd' take scikit-learn's exact steps: Adam's
        W ← W − lr·√(1−β2^t)/(1−β1^t) · m / (√v + epsilon)
        (``estimators.sklearn_adam.ScikitLearnAdam``) and SGD with scikit-learn's velocity rule
        (``estimators.velocity_sgd.VelocitySGD``). 'rmsprop' is glassnet's ``optim.RMSprop``
        (alpha=0.99, eps=``epsilon``), which scikit-learn does not have; 'lbfgs' is not
        offered. ``learning_rate`` schedules apply to 'sgd' only, as in scikit-learn.
    loss : {'log_loss', 'squared_error'}, default='log_loss'
        'log_loss' is cross-entropy (softmax outputs for several classes, one logistic
        output per label for two classes or multilabel targets, summed over outputs and
        averaged over the batch, as scikit-learn). 'squared_error' is ½·mean (p − t)² of
        the output probabilities p against one-hot targets t (the classic quadratic cost).
    clip_grad_norm : float, optional
        Clip the joint gradient norm to this value at every step.
    dtype : {'float32', 'float64'}, default='float32'
        Precision of the network and of training. ``predict`` and ``predict_proba`` evaluate
        the network in float64 (as scikit-learn does for float64 X), so a row's prediction
        does not depend on the batch it comes in.
    verbose : bool or int
        Show a progress bar on a terminal and log each iteration's loss (INFO, logger
        ``glassnet.estimators``); glassnet library code never prints.

    The L2 penalty is scikit-learn's: alpha · Σ‖W‖² / (2 · batch size), weights only.

    Not supported, unlike scikit-learn: ``fit`` and ``partial_fit`` take no ``sample_weight``
    (every row weighs the same); sparse X (scipy.sparse) is refused with a TypeError saying
    to convert it with ``X.toarray()``.

    ``warm_start=True`` and ``partial_fit`` continue the fitted network: a changed
    ``hidden_layer_sizes``, ``dtype`` or ``early_stopping`` is a ValueError (set
    warm_start=False to rebuild), a changed ``activation`` is used with the same weights, as
    in scikit-learn. Values of X beyond the range of ``dtype`` (|x| > 3.4e38 for float32) are
    a ValueError naming X.

    Attributes
    ----------
    classes_, loss_, loss_curve_, best_loss_, validation_scores_, best_validation_score_,
    t_, n_iter_, n_layers_, n_outputs_, out_activation_, n_features_in_, feature_names_in_ :
        as in scikit-learn.
    coefs_, intercepts_ : lists of arrays, layout (n_in, n_out) as in scikit-learn (views of
        the network's parameters). ``coefs_[i] = W`` (or ``coefs_ = [...]``) copies W into the
        network, which must keep its shapes; adding or removing layers is refused.
    model_ : glassnet.nn.Sequential
        The trained network; it returns raw scores (logits), before ``out_activation_``.
    history_ : glassnet.History
        The per-epoch record of the latest ``fit``/``partial_fit`` call.
    """

    _losses = ("log_loss", "squared_error")

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
                 max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, loss="log_loss",
                 clip_grad_norm=None, dtype="float32"):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, solver=solver, alpha=alpha,
            batch_size=batch_size, learning_rate=learning_rate, learning_rate_init=learning_rate_init,
            power_t=power_t, max_iter=max_iter, shuffle=shuffle, random_state=random_state, tol=tol,
            verbose=verbose, warm_start=warm_start, momentum=momentum, nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping, validation_fraction=validation_fraction, beta_1=beta_1,
            beta_2=beta_2, epsilon=epsilon, n_iter_no_change=n_iter_no_change, loss=loss,
            clip_grad_norm=clip_grad_norm, dtype=dtype)

    # ------------------------------------------------------------ targets
    def _validate_data_and_targets(self, X, y, reset: bool):
        X, y = self._X_and_y_arrays(X, y, reset)
        if y.ndim == 0 or len(y) != len(X):
            raise ValueError(f"y: expected {len(X)} targets (one per row of X), got shape {np.shape(y)}")
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        return X, y

    def _encode(self, y, incremental: bool, settings: dict) -> np.ndarray:
        """One column per class (softmax) or per label (logistic), as scikit-learn's LabelBinarizer gives."""
        if not hasattr(self, "classes_") or (not settings["warm_start"] and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if settings["warm_start"] and not incremental and set(classes) != set(self.classes_):
                raise ValueError(
                    f"warm_start can only be used where y has the same classes as in the previous call to fit: "
                    f"previously {self.classes_}, y has {classes}")
            unseen = np.setdiff1d(classes, self.classes_)
            if len(unseen):
                raise ValueError(f"y: has classes {unseen.tolist()} not seen at the first fit; classes_ is {self.classes_.tolist()}")
        binarizer = self._label_binarizer
        self.out_activation_ = "softmax" if binarizer.y_type_ == "multiclass" else "logistic"
        return binarizer.transform(y).astype(np.float64)

    def _data_loss(self, loss: str):
        softmax = self.out_activation_ == "softmax"
        if loss == "log_loss":
            return _log_loss if softmax else _binary_log_loss
        return _squared_error_on((lambda z: F.softmax(z, dim=1)) if softmax else F.sigmoid)

    def _stratify(self, targets):
        if targets.shape[1] == 1 or self.out_activation_ == "softmax":
            return targets.argmax(axis=1) if targets.shape[1] > 1 else targets[:, 0]
        return None

    def _validation_score(self, X_val, targets_val) -> float:
        predicted = self._predict_from_scores(self._forward(X_val))
        return float(accuracy_score(self._label_binarizer.inverse_transform(targets_val), predicted))

    # ------------------------------------------------------------ public
    def fit(self, X, y):
        """Train on (X, y) from fresh weights (or the current ones with ``warm_start=True``)."""
        settings = self._settings()
        first = not hasattr(self, "model_") or not settings["warm_start"]
        X, y = self._validate_data_and_targets(X, y, reset=first)
        targets = self._encode(y, incremental=False, settings=settings)
        return self._train(X, targets, settings, incremental=False)

    def partial_fit(self, X, y, classes=None):
        """One pass over (X, y); ``classes`` (every label there will be) is required on the first call."""
        settings = self._settings()
        first = not hasattr(self, "model_")
        X, y = self._validate_data_and_targets(X, y, reset=first)
        if first:
            if classes is None and not type_of_target(y).startswith("multilabel"):
                raise ValueError("classes: must be passed on the first call to partial_fit (every class there will be)")
            self._label_binarizer = LabelBinarizer().fit(y if classes is None else np.asarray(classes))
            self.classes_ = self._label_binarizer.classes_
        elif classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(f"classes: {unique_labels(classes).tolist()} differs from classes_ {self.classes_.tolist()} of the first call")
        targets = self._encode(y, incremental=True, settings=settings)
        return self._train(X, targets, settings, incremental=True)

    def _probabilities(self, scores: np.ndarray) -> np.ndarray:
        logits = Tensor(scores.astype(np.float64))
        if self.out_activation_ == "softmax":
            return F.softmax(logits, dim=1).data
        return F.sigmoid(logits).data

    def _predict_from_scores(self, scores: np.ndarray):
        probabilities = self._probabilities(scores)
        if self.n_outputs_ == 1:
            probabilities = probabilities.ravel()
        return self._label_binarizer.inverse_transform(probabilities)

    def predict(self, X):
        """The most probable class of each row (a set of labels for multilabel targets)."""
        return self._predict_from_scores(self._raw_output(X))

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in the order of ``classes_``.

        Two classes give two columns [1 − p, p]; multilabel targets give one probability per label.
        """
        probabilities = self._probabilities(self._raw_output(X))
        if self.n_outputs_ == 1:
            p = probabilities.ravel()
            return np.stack([1.0 - p, p], axis=1)
        return probabilities

    def predict_log_proba(self, X) -> np.ndarray:
        """log(predict_proba(X))."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
