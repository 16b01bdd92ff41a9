"""The part of glassnet's scikit-learn MLPs that the classifier and the regressor share.

The network is a ``glassnet.nn.Sequential`` of ``Linear`` layers with the hidden
activation between them; it outputs raw scores (logits for classifiers). Training
is ``glassnet.fit`` with a glassnet optimizer, a loss made of ``glassnet.functional``
pieces plus scikit-learn's L2 penalty, and :class:`ScikitLearnStopping` for
scikit-learn's stop rules: no second backpropagation is written here.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted, validate_data

from glassnet import init, nn, optim
from glassnet.estimators import hyperparameters
from glassnet.estimators.sklearn_adam import ScikitLearnAdam
from glassnet.estimators.stopping import ScikitLearnStopping, no_improvement_start
from glassnet.estimators.velocity_sgd import VelocitySGD
from glassnet.grad_mode import no_grad
from glassnet.tensor import Tensor
from glassnet.training.fit import fit as glassnet_fit
from glassnet.training.regularized_loss import RegularizedLoss
from glassnet.validation import check_within_range

HIDDEN_ACTIVATIONS = {"identity": None, "logistic": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
"""Hidden activation name (scikit-learn's) → glassnet layer (None: no layer)."""


class ParameterList(list):
    """``coefs_`` / ``intercepts_``: views of the network's parameters; ``lst[i] = W`` copies W into them.

    As in scikit-learn, assigning an item changes the model. The new array must have the
    item's shape (the layer sizes are fixed); adding or removing items is refused.
    """

    def __init__(self, views: list, name: str):
        super().__init__(views)
        self.name = name

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            positions = range(len(self))[index]
            values = list(value)
            if len(values) != len(positions):
                raise ValueError(f"{self.name}: expected {len(positions)} arrays for the slice, got {len(values)}")
        else:
            positions, values = [range(len(self))[index]], [value]  # an IndexError out of range, as a list gives
        views = [list.__getitem__(self, position) for position in positions]
        # every array is checked before any is written: a refused assignment changes nothing
        arrays = [self._checked(view, item, f"{self.name}[{position}]")
                  for view, item, position in zip(views, values, positions)]
        for view, array in zip(views, arrays):
            view[...] = array

    @staticmethod
    def _checked(view: np.ndarray, value, name: str) -> np.ndarray:
        array = np.asarray(value)
        if array.shape != view.shape:
            raise ValueError(f"{name}: expected an array of shape {view.shape} (the layer's size), got shape {array.shape}")
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{name}: expected real numbers, got an array of dtype {array.dtype}")
        check_within_range(array, view.dtype, name, "; fit with dtype='float64' to hold it")
        return array

    def _refuse(self, *args, **kwargs):
        raise TypeError(f"{self.name}: the number of layers is fixed by hidden_layer_sizes; assign items "
                        f"({self.name}[i] = array) or refit with other hidden_layer_sizes")

    append = extend = insert = pop = remove = clear = sort = reverse = __delitem__ = __iadd__ = __imul__ = _refuse


def make_generator(random_state) -> np.random.Generator:
    """A Generator from scikit-learn's random_state (None, int or RandomState) or a Generator.

    None means what it means in scikit-learn: NumPy's global RandomState, so that
    ``np.random.seed(n)`` before ``fit`` makes the run repeatable.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None:
        return np.random.default_rng(np.random.randint(0, 2**32 - 1, dtype=np.uint64))
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**32 - 1, dtype=np.uint64))
    return np.random.default_rng(random_state)


class BaseMLP(BaseEstimator):
    """Shared parameters, network building, training and fitted attributes."""

    _losses: tuple = ()

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
                 max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, loss=None,
                 clip_grad_norm=None, dtype="float32"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.loss = loss
        self.clip_grad_norm = clip_grad_norm
        self.dtype = dtype

    # ------------------------------------------------------------ fitted views
    @property
    def coefs_(self) -> ParameterList:
        """Weight matrices in scikit-learn's layout (n_in, n_out): views of each ``Linear.weight`` transposed.

        ``coefs_[i] = W`` and ``coefs_ = [W0, W1, ...]`` copy into the network (same shapes).
        """
        return ParameterList([layer.weight.data.T for layer in self._linear_layers()], "coefs_")

    @coefs_.setter
    def coefs_(self, arrays) -> None:
        self._assign_all(self.coefs_, arrays)

    @property
    def intercepts_(self) -> ParameterList:
        """Bias vectors, one per layer (views of each ``Linear.bias``); assigning copies as for ``coefs_``."""
        return ParameterList([layer.bias.data for layer in self._linear_layers()], "intercepts_")

    @intercepts_.setter
    def intercepts_(self, arrays) -> None:
        self._assign_all(self.intercepts_, arrays)

    @staticmethod
    def _assign_all(current: ParameterList, arrays) -> None:
        arrays = list(arrays)
        if len(arrays) != len(current):
            raise ValueError(f"{current.name}: expected a list of {len(current)} arrays (one per layer), got {len(arrays)}")
        current[:] = arrays

    def _linear_layers(self) -> list:
        return [module for module in self.model_.modules() if isinstance(module, nn.Linear)]

    # ------------------------------------------------------------ building
    def _build_model(self, settings: dict, n_features: int, n_outputs: int, rng) -> nn.Sequential:
        """Linear layers with the hidden activation between them, Glorot-initialized as in scikit-learn.

        Each W and b ~ U(-a, a), a = sqrt(6 / (fan_in + fan_out)) (sqrt(2 / ...) for 'logistic').
        """
        units = [n_features, *settings["hidden_layer_sizes"], n_outputs]
        gain = 1.0 / math.sqrt(3.0) if settings["activation"] == "logistic" else 1.0
        linear_layers = []
        for fan_in, fan_out in zip(units[:-1], units[1:]):
            linear = nn.Linear(fan_in, fan_out, dtype=settings["dtype"], generator=rng)
            init.xavier_uniform_(linear.weight, gain=gain, generator=rng)
            bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
            init.uniform_(linear.bias, -bound, bound, generator=rng)
            linear_layers.append(linear)
        return self._stack(linear_layers, settings["activation"])

    @staticmethod
    def _stack(linear_layers: list, activation_name: str) -> nn.Sequential:
        """The Linear layers with a new hidden activation layer after each but the last."""
        activation = HIDDEN_ACTIVATIONS[activation_name]
        layers = []
        for index, linear in enumerate(linear_layers):
            layers.append(linear)
            if activation is not None and index < len(linear_layers) - 1:
                layers.append(activation())
        return nn.Sequential(*layers)

    def _fitted_architecture(self) -> dict:
        """hidden_layer_sizes, activation, dtype and early_stopping of the fitted model, read from the model itself."""
        linear = self._linear_layers()
        names = {layer: name for name, layer in HIDDEN_ACTIVATIONS.items() if layer is not None}
        activations = [names.get(type(module)) for module in self.model_ if not isinstance(module, nn.Linear)]
        return dict(hidden_layer_sizes=tuple(layer.weight.shape[0] for layer in linear[:-1]),
                    activation=activations[0] if activations else "identity",
                    dtype=linear[0].weight.dtype.name, early_stopping=getattr(self, "validation_scores_", None) is not None)

    def _continue_fitted_model(self, settings: dict, incremental: bool) -> None:
        """Check that warm_start / partial_fit can continue ``model_`` with today's hyper-parameters.

        A changed hidden_layer_sizes, dtype or early_stopping is a ValueError naming it. A changed
        activation is taken up, as scikit-learn does: the same weights, the new activation.
        """
        fitted = self._fitted_architecture()
        now = dict(hidden_layer_sizes=tuple(settings["hidden_layer_sizes"]), dtype=settings["dtype"].name,
                   early_stopping=settings["early_stopping"])
        how = ("call fit with warm_start=False, or use a new estimator, to rebuild it" if incremental
               else "set warm_start=False to rebuild it")
        for name, value in now.items():
            if value != fitted[name]:
                raise ValueError(
                    f"{type(self).__name__}: {name} changed from {fitted[name]!r} to {value!r} since the model was "
                    f"built; {'partial_fit' if incremental else 'warm_start'} continues that model, so {how}")
        if fitted["activation"] != settings["activation"] and settings["hidden_layer_sizes"]:
            # the same Linear layers (so the optimizer's state still applies), the new activation between them
            self.model_ = self._stack(self._linear_layers(), settings["activation"])

    def _make_optimizer(self, settings: dict):
        parameters = list(self.model_.parameters())
        lr = settings["learning_rate_init"]
        if settings["solver"] == "sgd":
            momentum = settings["momentum"]
            return VelocitySGD(parameters, lr=lr, momentum=momentum,
                               nesterov=settings["nesterovs_momentum"] and momentum > 0)
        if settings["solver"] == "adam":
            return ScikitLearnAdam(parameters, lr=lr, betas=(settings["beta_1"], settings["beta_2"]),
                                   eps=settings["epsilon"])
        return optim.RMSprop(parameters, lr=lr, eps=settings["epsilon"])

    # ------------------------------------------------------------ training
    def _settings(self) -> dict:
        return hyperparameters.validated(self, self._losses)

    def _validate_X(self, X, reset: bool) -> np.ndarray:
        """X checked by scikit-learn (2-D, finite, numeric, n_features_in_, feature names)."""
        return validate_data(self, X, reset=reset, dtype=(np.float64, np.float32))

    def _X_and_y_arrays(self, X, y, reset: bool):
        """X checked by scikit-learn and y as a NumPy array (pandas objects converted); y must be given."""
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        X = self._validate_X(X, reset=reset)
        return X, (y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y))

    def _train(self, X, targets, settings: dict, incremental: bool):
        """Run ``glassnet.fit`` on (X, targets), where targets is 2-D float (n_samples, n_outputs)."""
        if settings["early_stopping"] and incremental:
            raise ValueError(f"{type(self).__name__}: partial_fit does not support early_stopping=True")
        rng = make_generator(settings["random_state"])
        first_pass = not hasattr(self, "model_") or (not settings["warm_start"] and not incremental)
        if first_pass:
            self.model_ = self._build_model(settings, X.shape[1], targets.shape[1], rng)
            self.n_outputs_ = targets.shape[1]
            self.n_layers_ = len(settings["hidden_layer_sizes"]) + 2
            self.t_ = 0
            self.loss_curve_ = []
            self._no_improvement_count = 0
            for name, value in no_improvement_start(settings["early_stopping"]).items():
                setattr(self, name, value)
        elif targets.shape[1] != self.n_outputs_:
            raise ValueError(f"{type(self).__name__}: y has {targets.shape[1]} outputs but the model was fitted with {self.n_outputs_}")
        else:
            self._continue_fitted_model(settings, incremental)
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer(settings)
        check_within_range(X, settings["dtype"], "X", "; use dtype='float64' or scale the data")
        check_within_range(targets, settings["dtype"], "y", "; use dtype='float64' or scale the targets")
        X = X.astype(settings["dtype"], copy=False)
        targets = targets.astype(settings["dtype"], copy=False)
        validation = None
        if settings["early_stopping"]:
            X, targets, validation = self._split_validation(X, targets, settings, rng)
        n_train = len(X)
        if settings["batch_size"] == "auto":
            batch_size = min(200, n_train)
        else:
            if settings["batch_size"] > n_train:
                warnings.warn(f"batch_size={settings['batch_size']} is larger than the {n_train} training samples; "
                              f"it is clipped to {n_train}", UserWarning, stacklevel=3)
            batch_size = min(settings["batch_size"], n_train)
        rules = ScikitLearnStopping(self, settings, n_train, validation, incremental)
        self.n_iter_ = 0
        self._converged = False
        self._best_state = None
        # scikit-learn's alpha: alpha · Σ‖W‖² / (2 · batch size), on the weight matrices only
        loss_fn = RegularizedLoss(self._data_loss(settings["loss"]), [layer.weight for layer in self._linear_layers()],
                                  l2=settings["alpha"], n_samples=None)
        try:
            self.history_ = glassnet_fit(
                self.model_, loss_fn, self._optimizer, X, targets, epochs=1 if incremental else settings["max_iter"],
                batch_size=batch_size, shuffle=settings["shuffle"], clip_grad_norm=settings["clip_grad_norm"],
                callbacks=[rules], progress=bool(settings["verbose"]), seed=rng)
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user; the model keeps its weights from the last step.",
                          UserWarning, stacklevel=3)
        finally:
            self.model_.zero_grad()
            self.model_.eval()
        if not incremental and not self._converged and self.n_iter_ == settings["max_iter"]:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({settings['max_iter']}) reached and the optimization "
                f"hasn't converged yet.", ConvergenceWarning, stacklevel=3)
        return self

    def _split_validation(self, X, targets, settings, rng):
        stratify = self._stratify(targets)
        X_train, X_val, y_train, y_val = train_test_split(
            X, targets, test_size=settings["validation_fraction"], stratify=stratify,
            random_state=int(rng.integers(0, 2**31 - 1)))
        if len(X_val) < 2:
            raise ValueError(
                f"{type(self).__name__}: the validation set is too small ({len(X_val)} sample); increase "
                f"validation_fraction (now {settings['validation_fraction']}) or give more samples")
        return X_train, y_train, (X_val, y_val)

    def _stratify(self, targets):
        return None

    # ------------------------------------------------------------ predicting
    def _raw_output(self, X) -> np.ndarray:
        """The network's output (before the output activation) for X, computed in float64.

        A float64 Tensor goes through ``model_``, whose float32 weights NumPy then promotes: a
        row's output does not depend on the batch it comes in (float32 sums do, in their last
        digits, with BLAS's summation order). X must still lie within the network's dtype range.
        """
        check_is_fitted(self, "model_")
        X = self._validate_X(X, reset=False)
        check_within_range(X, self.model_[0].weight.dtype, "X", "; fit with dtype='float64' or scale the data")
        with no_grad():
            return self.model_(Tensor(X.astype(np.float64, copy=False))).data

    def _forward(self, X) -> np.ndarray:
        """The network's output for X in its own dtype (the validation score during training)."""
        dtype = self.model_[0].weight.dtype
        with no_grad():
            return self.model_(Tensor(np.asarray(X, dtype=dtype))).data

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags
