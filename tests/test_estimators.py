"""glassnet.MLPClassifier / MLPRegressor against scikit-learn's own MLPs and its tools."""
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from sklearn.datasets import load_digits, make_classification, make_multilabel_classification, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier as SkMLPClassifier  # noqa: E402
from sklearn.neural_network import MLPRegressor as SkMLPRegressor  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import glassnet  # noqa: E402
from glassnet import nn  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


def test_import_glassnet_does_not_import_sklearn():
    code = "import sys, glassnet; assert 'sklearn' not in sys.modules, 'sklearn imported'; glassnet.MLPClassifier; assert 'sklearn' in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})


# ---------------------------------------------------------------- same maths as scikit-learn
def _continue_from_same_weights(glass, sk, X, y, **params):
    """Give both estimators scikit-learn's weights, then train both on with the same settings."""
    quiet(sk.fit, X, y)
    quiet(glass.fit, X, y)
    for mine, theirs in zip(glass.coefs_ + glass.intercepts_, sk.coefs_ + sk.intercepts_):
        mine[...] = theirs  # coefs_/intercepts_ are views of the glassnet parameters
    sk.set_params(warm_start=True, **params)
    glass.set_params(warm_start=True, **params)
    quiet(sk.fit, X, y)
    quiet(glass.fit, X, y)


CASES = {
    "multiclass": lambda: make_classification(60, 5, n_informative=4, n_redundant=0, n_classes=3, random_state=0),
    "binary": lambda: make_classification(60, 5, random_state=1),
    "multilabel": lambda: make_multilabel_classification(60, 5, n_classes=3, random_state=2),
    "regression": lambda: make_regression(60, 5, noise=1.0, random_state=3),
    # several outputs: scikit-learn reports ½·mean over all entries but steps along the gradient of
    # ½·Σ over outputs (n_outputs times larger), and so must glassnet
    "regression with 3 outputs": lambda: make_regression(60, 5, n_targets=3, noise=1.0, random_state=4),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("schedule", [
    dict(learning_rate="constant", momentum=0.0),
    dict(learning_rate="invscaling", momentum=0.0, learning_rate_init=0.5),
    dict(learning_rate="constant", momentum=0.9, nesterovs_momentum=True),
    dict(learning_rate="adaptive", momentum=0.0, tol=0.05, n_iter_no_change=2),
    # momentum while the schedule changes lr: scikit-learn's velocity keeps the rates it was built with
    dict(learning_rate="invscaling", momentum=0.9, nesterovs_momentum=False, learning_rate_init=0.2),
    dict(learning_rate="invscaling", momentum=0.9, nesterovs_momentum=True, learning_rate_init=0.2),
    dict(learning_rate="adaptive", momentum=0.9, tol=0.05, n_iter_no_change=2),
])
def test_sgd_training_matches_scikit_learn_step_for_step(case, schedule):
    """Full-batch SGD from identical weights: the same loss curve, weights and stopping epoch as scikit-learn.

    This checks the output activation, the loss (½ MSE, log-loss summed over labels), the L2 penalty
    alpha·ΣW²/(2·batch) on weights only, the learning-rate schedules and the tol / n_iter_no_change rule.
    """
    X, y = CASES[case]()
    X = StandardScaler().fit_transform(X)
    regression = case.startswith("regression")
    if regression:
        y = y / y.std()
    common = dict(hidden_layer_sizes=(7, 4), activation="tanh", solver="sgd", alpha=0.01, batch_size=len(X),
                  shuffle=False, learning_rate_init=0.1, max_iter=1, random_state=0)
    if regression:
        glass, sk = glassnet.MLPRegressor(dtype="float64", **common), SkMLPRegressor(**common)
    else:
        glass, sk = glassnet.MLPClassifier(dtype="float64", **common), SkMLPClassifier(**common)
    _continue_from_same_weights(glass, sk, X, y, max_iter=25, **schedule)
    assert glass.out_activation_ == sk.out_activation_
    assert glass.n_iter_ == sk.n_iter_ and glass.t_ == sk.t_
    np.testing.assert_allclose(glass.loss_curve_[1:], sk.loss_curve_[1:], rtol=1e-9)  # [0]: different first weights
    for mine, theirs in zip(glass.coefs_ + glass.intercepts_, sk.coefs_ + sk.intercepts_):
        np.testing.assert_allclose(mine, theirs, rtol=1e-8, atol=1e-10)
    assert glass._optimizer.param_groups[0]["lr"] == pytest.approx(sk._optimizer.learning_rate, rel=1e-12)
    np.testing.assert_allclose(glass.predict_proba(X) if not regression else glass.predict(X),
                               sk.predict_proba(X) if not regression else sk.predict(X), rtol=1e-7, atol=1e-9)


def test_digits_accuracy_is_within_one_point_of_scikit_learn():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.3, random_state=0, stratify=y)
    params = dict(hidden_layer_sizes=(64,), max_iter=100)
    ours = [quiet(glassnet.MLPClassifier(random_state=s, **params).fit, X_train, y_train).score(X_test, y_test) for s in range(3)]
    theirs = [quiet(SkMLPClassifier(random_state=s, **params).fit, X_train, y_train).score(X_test, y_test) for s in range(3)]
    message = f"digits test accuracy, mean of 3 seeds: glassnet {np.mean(ours):.4f} {ours}, scikit-learn {np.mean(theirs):.4f} {theirs}"
    print(message)
    assert abs(np.mean(ours) - np.mean(theirs)) <= 0.01, message
    assert np.mean(ours) > 0.95, message


# ---------------------------------------------------------------- scikit-learn tools
def test_pipeline_grid_search_and_cross_val_score():
    X, y = make_classification(120, 6, n_informative=4, n_classes=3, random_state=0)
    pipe = Pipeline([("scale", StandardScaler()),
                     ("mlp", glassnet.MLPClassifier(hidden_layer_sizes=(8,), max_iter=40, random_state=0))])
    search = quiet(GridSearchCV(pipe, {"mlp__alpha": [1e-4, 1e-1], "mlp__learning_rate_init": [0.01, 0.05]}, cv=3).fit, X, y)
    assert set(search.best_params_) == {"mlp__alpha", "mlp__learning_rate_init"}
    assert search.best_score_ > 0.6
    X, y = make_regression(90, 4, noise=0.1, random_state=0)
    regressor = glassnet.MLPRegressor(hidden_layer_sizes=(8,), max_iter=100, learning_rate_init=0.02, random_state=0)
    scores = quiet(cross_val_score, regressor, X, y / y.std(), cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.8)


def test_string_integer_and_multilabel_targets_like_scikit_learn():
    X, y = make_classification(80, 4, n_informative=3, n_redundant=0, n_classes=3, random_state=0)
    names = np.array(["cat", "dog", "eel"])[y]
    clf = quiet(glassnet.MLPClassifier(hidden_layer_sizes=(10,), max_iter=80, learning_rate_init=0.02, random_state=0).fit, X, names)
    assert list(clf.classes_) == ["cat", "dog", "eel"]
    assert set(clf.predict(X)) <= set(names) and clf.score(X, names) > 0.8
    assert clf.predict_proba(X).shape == (80, 3) and np.allclose(clf.predict_proba(X).sum(axis=1), 1)
    binary = quiet(glassnet.MLPClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0).fit, X, y == 1)
    assert binary.coefs_[-1].shape == (5, 1) and binary.out_activation_ == "logistic"
    assert binary.predict_proba(X).shape == (80, 2) and binary.predict(X).dtype == bool
    Xm, Ym = make_multilabel_classification(50, 4, n_classes=3, random_state=0)
    multi = quiet(glassnet.MLPClassifier(hidden_layer_sizes=(6,), max_iter=20, random_state=0).fit, Xm, Ym)
    assert multi.predict(Xm).shape == (50, 3) and set(np.unique(multi.predict(Xm))) <= {0, 1}
    assert multi.out_activation_ == "logistic" and multi.predict_proba(Xm).shape == (50, 3)


def test_model_is_a_glassnet_module_with_the_fitted_weights():
    X, y = make_classification(40, 4, random_state=0)
    clf = quiet(glassnet.MLPClassifier(hidden_layer_sizes=(5, 3), activation="logistic", max_iter=5, random_state=0).fit, X, y)
    assert isinstance(clf.model_, nn.Sequential)
    assert [type(layer).__name__ for layer in clf.model_] == ["Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"]
    np.testing.assert_array_equal(clf.coefs_[0], clf.model_[0].weight.data.T)
    assert len(clf.loss_curve_) == clf.n_iter_ == 5 and clf.n_features_in_ == 4 and clf.n_layers_ == 4
    assert isinstance(clf.history_, glassnet.History) and len(clf.history_["loss"]) == 5


def test_convergence_warning_and_tol_stopping():
    X, y = make_classification(40, 4, random_state=0)
    with pytest.warns(ConvergenceWarning, match="Maximum iterations \\(3\\)"):
        glassnet.MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        stopped = glassnet.MLPClassifier(hidden_layer_sizes=(4,), max_iter=500, tol=10.0, n_iter_no_change=3,
                                         random_state=0).fit(X, y)
    # epoch 1 improves on best_loss_=inf; epochs 2..5 do not drop by tol; the count 4 > n_iter_no_change=3 stops it
    assert stopped.n_iter_ == 5 and stopped.best_loss_ == min(stopped.loss_curve_)


def test_early_stopping_keeps_the_best_validation_weights():
    X, y = load_digits(return_X_y=True)
    clf = quiet(glassnet.MLPClassifier(hidden_layer_sizes=(16,), early_stopping=True, validation_fraction=0.2,
                                       n_iter_no_change=3, max_iter=200, learning_rate_init=0.01, random_state=0).fit, X / 16, y)
    assert clf.best_loss_ is None and len(clf.validation_scores_) == clf.n_iter_ < 200
    assert clf.best_validation_score_ == max(clf.validation_scores_) > 0.8
    with pytest.raises(ValueError, match="early_stopping"):
        clf.partial_fit(X[:10] / 16, y[:10])


def test_partial_fit_needs_classes_and_refuses_unseen_labels():
    X, y = make_classification(40, 4, n_informative=3, n_redundant=0, n_classes=3, random_state=0)
    clf = glassnet.MLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    with pytest.raises(ValueError, match="classes: must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 1 and clf.t_ == int((y < 2).sum()) + 40
    with pytest.raises(ValueError, match=r"classes \[7\] not seen"):
        clf.partial_fit(X[:3], [0, 7, 1])


# ---------------------------------------------------------------- validation at the boundary
@pytest.mark.parametrize("params, message", [
    (dict(alpha=-1.0), r"alpha must be a finite number in \[0.0, inf\), got -1.0"),
    (dict(learning_rate_init=float("nan")), "learning_rate_init must be a finite number"),
    (dict(learning_rate_init=float("inf")), "learning_rate_init must be a finite number"),
    (dict(solver="lbfgs"), r"solver must be one of \['adam', 'rmsprop', 'sgd'\], got 'lbfgs' \('lbfgs' is not supported"),
    (dict(activation="softplus"), r"activation must be one of \['identity', 'logistic', 'relu', 'tanh'\]"),
    (dict(hidden_layer_sizes=(10, 0)), "hidden_layer_sizes must be a positive integer"),
    (dict(max_iter=0), "max_iter must be an integer >= 1, got 0"),
    (dict(batch_size=-5), "batch_size must be 'auto' or an integer >= 1, got -5"),
    (dict(validation_fraction=1.0), r"validation_fraction must be a finite number in \[0.0, 1.0\), got 1.0"),
    (dict(momentum=1.5), "momentum must be"),
    (dict(clip_grad_norm=-1), "clip_grad_norm must be"),
    (dict(dtype="int8"), "dtype must be 'float32' or 'float64'"),
    (dict(loss="hinge"), r"loss must be one of \['log_loss', 'squared_error'\]"),
])
def test_bad_hyperparameters_are_named_in_fit(params, message):
    clf = glassnet.MLPClassifier(**params)  # scikit-learn convention: no checks in __init__
    with pytest.raises(ValueError, match=message):
        clf.fit([[0.0, 1.0], [1.0, 0.0]], [0, 1])


def test_bad_data_is_refused_with_the_argument_named():
    X, y = np.ones((6, 2)), np.array([0, 1] * 3)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        glassnet.MLPClassifier().fit(np.where(X > 0, np.nan, X), y)
    with pytest.raises(ValueError, match="Input X contains infinity"):
        glassnet.MLPRegressor().fit(X * np.inf, y)
    with pytest.raises(ValueError, match=r"y: expected 6 targets \(one per row of X\), got shape \(5,\)"):
        glassnet.MLPClassifier().fit(X, y[:5])
    with pytest.raises(ValueError, match="Found array with dim 3"):
        glassnet.MLPClassifier().fit(np.ones((6, 2, 2)), y)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        glassnet.MLPClassifier().fit(X, np.linspace(0, 1, 6))
    with pytest.raises(ValueError, match="y: contains NaN"):
        glassnet.MLPRegressor().fit(X, [0.0, 1.0, np.nan, 1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Complex data not supported"):  # as scikit-learn: not cast to the real part
        glassnet.MLPRegressor().fit(X, np.arange(6.0) + 5j)
    with pytest.raises(ValueError, match="Complex data not supported"):
        SkMLPRegressor().fit(X, np.arange(6.0) + 5j)
    fitted = quiet(glassnet.MLPRegressor(max_iter=2).fit, X, np.arange(6.0))
    with pytest.raises(ValueError, match="X has 3 features, but MLPRegressor is expecting 2 features"):
        fitted.predict(np.ones((2, 3)))


def test_the_velocity_rule_continues_a_pytorch_momentum_buffer_from_an_older_file():
    from glassnet.estimators.velocity_sgd import VelocitySGD

    rng = np.random.default_rng(0)
    X, target = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))

    def step(model, optimizer):
        optimizer.zero_grad()
        glassnet.nn.MSELoss()(model(X), target).backward()
        optimizer.step()

    torch_style = glassnet.nn.Linear(3, 2, dtype="float64", generator=1)
    velocity_style = glassnet.nn.Linear(3, 2, dtype="float64", generator=1)
    sgd = glassnet.optim.SGD(torch_style.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    for _ in range(2):
        step(torch_style, sgd)
    velocity_style.load_state_dict(torch_style.state_dict())
    continued = VelocitySGD(velocity_style.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    continued.load_state_dict(sgd.state_dict())  # holds momentum_buffer, as files of earlier versions do
    for _ in range(3):  # with a constant lr the two rules take the same steps
        step(torch_style, sgd)
        step(velocity_style, continued)
    for mine, theirs in zip(velocity_style.parameters(), torch_style.parameters()):
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="VelocitySGD: scikit-learn's rule has no weight_decay"):
        VelocitySGD(velocity_style.parameters(), lr=0.1, momentum=0.9, weight_decay=0.1)


def test_saving_an_estimator_seeded_by_a_random_state_object_warns_that_it_is_not_kept(tmp_path):
    X, y = np.random.default_rng(0).random((10, 2)), np.arange(10.0)
    estimator = quiet(glassnet.MLPRegressor(max_iter=2, random_state=np.random.RandomState(0)).fit, X, y)
    with pytest.warns(UserWarning, match="random_state is a RandomState, which a model file does not hold") as caught:
        glassnet.save(estimator, tmp_path / "e.npz")
    assert caught[0].filename == __file__  # the warning points at the user's save call
    loaded = glassnet.load(tmp_path / "e.npz")
    assert loaded.random_state is None
    np.testing.assert_array_equal(loaded.predict(X), estimator.predict(X))


def test_random_state_none_follows_numpys_global_seed_as_scikit_learn():
    # scikit-learn's random_state=None is NumPy's global RandomState: np.random.seed(n) makes fit repeatable
    from glassnet.estimators import MLPClassifier

    X, y = make_classification(n_samples=60, n_features=5, random_state=0)

    def fitted():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return MLPClassifier((8,), max_iter=3).fit(X, y).coefs_[0].copy()

    np.random.seed(0)
    first = fitted()
    np.random.seed(0)
    np.testing.assert_array_equal(fitted(), first)
    assert not np.array_equal(fitted(), first)  # unseeded again: the global state has moved on
