"""Fixes from the review of glassnet's scikit-learn estimators, each checked against scikit-learn or by hand."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

import glassnet
from glassnet import nn
from glassnet.datasets import Standardizer, one_hot, train_test_split
from glassnet.tensor import Tensor


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


@pytest.fixture
def binary():
    return make_classification(100, 4, n_informative=3, n_redundant=0, random_state=0)


# ---------------------------------------------------------------- 10: coefs_[i] = W changes the model
def test_assigning_coefs_and_intercepts_items_changes_the_model_as_in_scikit_learn(binary):
    X, y = binary
    clf = quiet(glassnet.MLPClassifier(hidden_layer_sizes=(5,), max_iter=50, random_state=0).fit, X, y)
    clf.coefs_[1] = np.zeros_like(clf.coefs_[1])
    clf.intercepts_[1] = np.zeros_like(clf.intercepts_[1])
    assert np.abs(clf.coefs_[1]).max() == 0.0 and np.abs(clf.model_[2].weight.data).max() == 0.0
    np.testing.assert_array_equal(clf.predict_proba(X[:3]), 0.5)  # scikit-learn: 0.5 everywhere too


def test_whole_lists_of_scikit_learn_weights_give_scikit_learn_predictions(binary):
    X, y = binary
    sk = quiet(SkMLPClassifier(hidden_layer_sizes=(6, 3), activation="tanh", max_iter=30, random_state=0).fit, X, y)
    glass = quiet(glassnet.MLPClassifier(hidden_layer_sizes=(6, 3), activation="tanh", max_iter=1, dtype="float64",
                                         random_state=1).fit, X, y)
    glass.coefs_ = sk.coefs_
    glass.intercepts_ = sk.intercepts_
    np.testing.assert_allclose(glass.predict_proba(X), sk.predict_proba(X), rtol=1e-12, atol=1e-14)


def test_assigning_an_array_of_the_wrong_shape_or_changing_the_layer_count_is_refused(binary):
    X, y = binary
    clf = quiet(glassnet.MLPClassifier(hidden_layer_sizes=(5,), max_iter=2, random_state=0).fit, X, y)
    with pytest.raises(ValueError, match=r"coefs_\[0\]: expected an array of shape \(4, 5\).*got shape \(3, 3\)"):
        clf.coefs_[0] = np.zeros((3, 3))
    with pytest.raises(ValueError, match=r"intercepts_\[1\]: expected an array of shape \(1,\).*got shape \(2,\)"):
        clf.intercepts_[-1] = np.zeros(2)
    with pytest.raises(ValueError, match="coefs_: expected a list of 2 arrays .* got 1"):
        clf.coefs_ = [np.zeros((4, 5))]
    with pytest.raises(TypeError, match="coefs_: the number of layers is fixed"):
        clf.coefs_.append(np.zeros((1, 1)))
    with pytest.raises(IndexError):
        clf.coefs_[2] = np.zeros((1, 1))


# ---------------------------------------------------------------- 1 and 7: warm_start / partial_fit after set_params
@pytest.mark.parametrize("change, message", [
    (dict(hidden_layer_sizes=(7, 3)), r"hidden_layer_sizes changed from \(5,\) to \(7, 3\)"),
    (dict(dtype="float64"), "dtype changed from 'float32' to 'float64'"),
])
def test_warm_start_and_partial_fit_refuse_a_changed_architecture(binary, change, message):
    X, y = binary
    clf = quiet(glassnet.MLPClassifier(hidden_layer_sizes=(5,), warm_start=True, max_iter=5, random_state=0).fit, X, y)
    before = [c.copy() for c in clf.coefs_]
    clf.set_params(**change)
    with pytest.raises(ValueError, match=message + ".*set warm_start=False"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match=message + ".*partial_fit continues that model"):
        clf.partial_fit(X, y)
    for old, now in zip(before, clf.coefs_):  # nothing trained
        np.testing.assert_array_equal(old, now)
    quiet(clf.set_params(warm_start=False).fit, X, y)  # the way out the message names
    assert clf.coefs_[0].shape[1] == clf.get_params()["hidden_layer_sizes"][0]
    assert clf.coefs_[0].dtype == np.dtype(clf.get_params()["dtype"])


def test_switching_early_stopping_between_warm_start_fits_is_a_clear_error():
    X, y = make_classification(200, 5, n_informative=3, n_classes=3, random_state=0)
    common = dict(hidden_layer_sizes=(5,), warm_start=True, max_iter=5, random_state=0)
    clf = quiet(glassnet.MLPClassifier(**common).fit, X, y)
    with pytest.raises(ValueError, match="early_stopping changed from False to True since the model was built"):
        clf.set_params(early_stopping=True).fit(X, y)
    clf = quiet(glassnet.MLPClassifier(early_stopping=True, **common).fit, X, y)
    with pytest.raises(ValueError, match="early_stopping changed from True to False"):
        clf.set_params(early_stopping=False).fit(X, y)
    with pytest.raises(ValueError, match="early_stopping changed from True to False.*partial_fit"):
        clf.partial_fit(X, y)


def test_a_changed_activation_trains_on_with_the_same_weights_as_scikit_learn():
    X, y = make_regression(40, 3, noise=0.5, random_state=0)
    y = y / y.std()
    common = dict(hidden_layer_sizes=(6,), solver="sgd", batch_size=40, shuffle=False, learning_rate_init=0.05,
                  max_iter=1, warm_start=True, random_state=0)
    sk = quiet(SkMLPRegressor(**common).fit, X, y)
    glass = quiet(glassnet.MLPRegressor(dtype="float64", **common).fit, X, y)
    glass.coefs_, glass.intercepts_ = sk.coefs_, sk.intercepts_
    for estimator in (sk, glass):
        quiet(estimator.set_params(activation="tanh", max_iter=6).fit, X, y)
    assert isinstance(glass.model_[1], nn.Tanh)
    for mine, theirs in zip(glass.coefs_ + glass.intercepts_, sk.coefs_ + sk.intercepts_):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(glass.predict(X), sk.predict(X), rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- 4: finite values beyond float32's range
def test_values_beyond_float32_range_are_named_in_fit_and_predict():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    big = X[:3].copy()
    big[:, 0] = 1e39
    clf = quiet(glassnet.MLPClassifier(max_iter=50, random_state=0).fit, X, y)
    message = r"X: the value 1e\+39 at index \(0, 0\) exceeds the float32 range \(\|x\| <= 3.4e\+38\).*dtype='float64'"
    with pytest.raises(ValueError, match=message):
        clf.predict(big)
    with pytest.raises(ValueError, match=message):
        clf.predict_proba(big)
    with pytest.raises(ValueError, match=message):
        glassnet.MLPRegressor(max_iter=5).fit(np.vstack([big, X]), np.r_[X[:3, 1], X[:, 1]])
    with pytest.raises(ValueError, match=r"y: the value 1e\+39 .* exceeds the float32 range.*dtype='float64'"):
        glassnet.MLPRegressor(max_iter=5).fit(X, np.r_[1e39, X[1:, 1]])
    wide = quiet(glassnet.MLPClassifier(max_iter=50, dtype="float64", random_state=0).fit, X, y)
    assert np.isfinite(wide.predict_proba(big)).all()


def test_predictions_do_not_depend_on_the_batch_a_row_comes_in():
    rng = np.random.RandomState(0)
    X = 3 * rng.uniform(size=(20, 3))
    regressor = quiet(glassnet.MLPRegressor(random_state=2, max_iter=50).fit, X, X[:, 0])
    assert regressor.coefs_[0].dtype == np.float32  # a float32 network, evaluated in float64
    rows = np.array([regressor.predict(x[None])[0] for x in X])
    np.testing.assert_allclose(regressor.predict(X), rows, rtol=1e-13, atol=0)
    h = np.maximum(X @ regressor.coefs_[0].astype(np.float64) + regressor.intercepts_[0], 0)
    np.testing.assert_allclose(regressor.predict(X), (h @ regressor.coefs_[1] + regressor.intercepts_[1]).ravel(),
                               rtol=1e-13)


# ---------------------------------------------------------------- 3: scikit-learn's Adam, epsilon included
@pytest.mark.parametrize("epsilon", [1e-8, 1e-3, 1.0])
def test_scikit_learn_adam_takes_scikit_learns_steps(epsilon):
    from glassnet.estimators.sklearn_adam import ScikitLearnAdam

    rng = np.random.default_rng(0)
    start = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    theirs = [p.copy() for p in start]
    mine = [nn.Parameter(p.copy()) for p in start]
    sk = AdamOptimizer(theirs, learning_rate_init=0.1, beta_1=0.8, beta_2=0.99, epsilon=epsilon)
    adam = ScikitLearnAdam(mine, lr=0.1, betas=(0.8, 0.99), eps=epsilon)
    for _ in range(6):
        grads = [rng.normal(size=p.shape) for p in start]
        sk.update_params(theirs, grads)
        for p, g in zip(mine, grads):
            p.grad = Tensor(g)
        adam.step()
    for p, q in zip(mine, theirs):
        np.testing.assert_allclose(p.data, q, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("epsilon", [1e-8, 1e-3, 1.0])
def test_adam_estimator_trains_as_scikit_learn_for_any_epsilon(epsilon):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.3
    common = dict(hidden_layer_sizes=(), alpha=0.0, batch_size=50, shuffle=False, max_iter=1, warm_start=True,
                  learning_rate_init=0.1, epsilon=epsilon, random_state=0)
    out = []
    for estimator in (SkMLPRegressor(**common), glassnet.MLPRegressor(dtype="float64", **common)):
        quiet(estimator.fit, X, y)
        estimator.coefs_[0][...] = 0.1
        estimator.intercepts_[0][...] = 0.0
        quiet(estimator.set_params(max_iter=3).fit, X, y)  # 3 full-batch Adam steps, fresh optimizer
        out.append(np.r_[estimator.coefs_[0].ravel(), estimator.intercepts_[0]])
    np.testing.assert_allclose(out[1], out[0], rtol=1e-12, atol=1e-14)


def test_adam_estimator_round_trips_and_continues_identically(tmp_path):
    from glassnet.estimators.sklearn_adam import ScikitLearnAdam

    X, y = make_classification(60, 4, random_state=0)
    clf = quiet(glassnet.MLPClassifier(hidden_layer_sizes=(5,), epsilon=1e-3, max_iter=4, random_state=0).fit, X, y)
    glassnet.save(clf, tmp_path / "adam.npz")
    loaded = glassnet.load(tmp_path / "adam.npz")
    assert type(loaded._optimizer) is ScikitLearnAdam
    for estimator in (clf, loaded):
        estimator.partial_fit(X, y)
        quiet(estimator.set_params(warm_start=True, max_iter=2).fit, X, y)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded._optimizer.state_dict()["state"][0]["step"] == clf._optimizer.state_dict()["state"][0]["step"]


# ---------------------------------------------------------------- 5: values scikit-learn accepts
def test_n_iter_no_change_inf_switches_the_tol_rule_off_as_in_scikit_learn(tmp_path):
    X, y = make_classification(100, 4, random_state=0)
    common = dict(hidden_layer_sizes=(4,), max_iter=12, tol=1e9, n_iter_no_change=np.inf, random_state=0)
    glass = quiet(glassnet.MLPClassifier(**common).fit, X, y)
    sk = quiet(SkMLPClassifier(**common).fit, X, y)
    assert glass.n_iter_ == sk.n_iter_ == 12  # with n_iter_no_change=10 both would stop at 11
    glassnet.save(glass, tmp_path / "inf.npz")
    assert glassnet.load(tmp_path / "inf.npz").get_params()["n_iter_no_change"] == np.inf
    with pytest.raises(ValueError, match=r"n_iter_no_change must be an integer >= 1 or np.inf, got -inf"):
        glassnet.MLPClassifier(n_iter_no_change=-np.inf).fit(X, y)


def test_validation_fraction_zero_is_accepted_where_scikit_learn_accepts_it():
    X, y = make_classification(100, 4, random_state=0)
    for estimator in (glassnet.MLPClassifier(max_iter=3, validation_fraction=0.0),
                      SkMLPClassifier(max_iter=3, validation_fraction=0.0)):
        assert quiet(estimator.fit, X, y).n_iter_ == 3
    with pytest.raises(ValueError, match=r"validation_fraction must be in \(0.0, 1.0\) when early_stopping=True"):
        glassnet.MLPClassifier(max_iter=3, validation_fraction=0.0, early_stopping=True).fit(X, y)
    with pytest.raises(ValueError, match="test_size=0.0"):  # scikit-learn refuses it too, in its split
        SkMLPClassifier(max_iter=3, validation_fraction=0.0, early_stopping=True).fit(X, y)


# ---------------------------------------------------------------- 2 and 6: documented, with clear errors
def test_sample_weight_and_sparse_x_are_documented_and_sparse_x_is_refused_clearly():
    for estimator in (glassnet.MLPClassifier, glassnet.MLPRegressor):
        doc = " ".join(estimator.__doc__.split())
        assert "no ``sample_weight``" in doc and "X.toarray()" in doc
    X = sp.random(30, 5, density=0.3, format="csr", random_state=0)
    with pytest.raises(TypeError, match=r"Sparse data was passed for X.*toarray\(\)"):
        glassnet.MLPRegressor(max_iter=2).fit(X, np.arange(30.0))
    fitted = quiet(glassnet.MLPRegressor(max_iter=2).fit, X.toarray(), np.arange(30.0))
    with pytest.raises(TypeError, match=r"Sparse data was passed for X.*toarray\(\)"):
        fitted.predict(X)


# ---------------------------------------------------------------- 8, 9, 11: data tools
def test_train_test_split_takes_string_labels_as_y():
    X = np.arange(20).reshape(10, 2)
    y = np.array(list("aabbccddee"))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, stratify=y, seed=0)
    assert sorted(y_test) == list("abcde") and sorted(y_train) == list("abcde")
    np.testing.assert_array_equal(y[X_test[:, 0] // 2], y_test)  # rows stay paired with their labels
    with pytest.raises(TypeError, match="train_test_split: X: expected numbers"):
        train_test_split(y.reshape(10, 1), y, test_size=0.5, seed=0)


def test_one_hot_names_a_huge_float_label_without_an_overflow_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"class labels must be below 2\*\*63 .* got 1e\+30"):
            one_hot([1e30])
        with pytest.raises(ValueError, match=r"class labels must be >= 0, got -1e\+30"):
            one_hot([0.0, -1e30])
    np.testing.assert_array_equal(one_hot([2.0, 0.0]), np.eye(3, dtype=np.float32)[[2, 0]])


@pytest.mark.parametrize("dtype", ["Int64", "Float64"])
def test_standardizer_and_split_take_pandas_nullable_numbers(dtype):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [1, 2, 3, 4], "b": [0, 1, 0, 1]}).astype(dtype)
    expected = (df.to_numpy(float) - [2.5, 0.5]) / np.sqrt([1.25, 0.25])
    np.testing.assert_allclose(Standardizer().fit_transform(df), expected)
    X_train, X_test, y_train, y_test = train_test_split(df, df["a"], test_size=2, seed=0)
    assert X_train.dtype == np.float64 and X_test.shape == (2, 2)
    np.testing.assert_array_equal(X_test[:, 0], y_test)
    df.iloc[1, 0] = pd.NA
    with pytest.raises(ValueError, match=r"Standardizer.fit: X: contains NaN or infinity, first at index \(1, 0\)"):
        Standardizer().fit(df)


def test_a_refused_coefs_assignment_changes_no_layer_and_a_value_beyond_float32_is_refused(binary):
    X, y = binary
    clf = quiet(glassnet.MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit, X, y)
    before = [W.copy() for W in clf.coefs_]
    with pytest.raises(ValueError, match=r"coefs_\[1\]: expected an array of shape \(5, 1\)"):
        clf.coefs_ = [np.zeros((4, 5)), np.zeros((3, 3))]
    for W, old in zip(clf.coefs_, before):
        np.testing.assert_array_equal(W, old)
    with pytest.raises(ValueError, match=r"coefs_\[0\]: the value 1e\+39 .* exceeds the float32 range"):
        clf.coefs_[0] = np.full((4, 5), 1e39)
    np.testing.assert_array_equal(clf.coefs_[0], before[0])


# ---------------------------------------------------------------- a float64 estimator's data is never rounded to float32
@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_float64_estimator_fits_its_data_unrounded(record_fits, early_stopping):
    from glassnet.estimators import base

    fitted = record_fits(base, "glassnet_fit")
    X = 16777217.0 + 2.0 * np.arange(40).reshape(20, 2)  # odd integers above 2**24: float32 rounds every one
    y = 100000000.01 + np.arange(20.0)  # cents at 1e8: float32 rounds them all away
    for X_given in (X, X.astype(np.int64)):
        fitted.clear()
        quiet(glassnet.MLPRegressor(hidden_layer_sizes=(3,), max_iter=2, dtype="float64", random_state=0,
                                    early_stopping=early_stopping, validation_fraction=0.2).fit, X_given, y)
        (X_fit, y_fit), = fitted
        assert X_fit.dtype == y_fit.dtype == np.float64
        rows = [int(np.flatnonzero(X[:, 0] == x)[0]) for x in X_fit[:, 0]]  # each fitted row is a row of X
        np.testing.assert_array_equal(X_fit, X[rows])
        np.testing.assert_array_equal(y_fit[:, 0], y[rows])
    fitted.clear()
    labels = np.arange(20) % 2
    quiet(glassnet.MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, dtype="float64", random_state=0).fit, X, labels)
    (X_fit, _), = fitted
    assert X_fit.dtype == np.float64
    np.testing.assert_array_equal(X_fit, X)
