import numpy as np
import pytest
from sklearn.model_selection import train_test_split as sklearn_split
from sklearn.preprocessing import StandardScaler

from glassnet.datasets import Standardizer, minibatches, one_hot, standardize, train_test_split


def _data(n=103, classes=(0, 1, 2), weights=(0.5, 0.3, 0.2), seed=0):
    rng = np.random.default_rng(seed)
    X = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    y = rng.choice(classes, size=n, p=weights)
    return X, y


def test_split_sizes_match_scikit_learn_and_parts_partition_the_rows():
    X, y = _data()
    for test_size in (0.2, 0.25, 17):
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, seed=0)
        ref = sklearn_split(X, y, test_size=test_size, random_state=0)
        assert len(X_train) == len(ref[0]) and len(X_test) == len(ref[1])
        rows = np.concatenate([X_train[:, 0], X_test[:, 0]]) // 2
        np.testing.assert_array_equal(np.sort(rows), np.arange(len(X)))
        np.testing.assert_array_equal(y[(X_test[:, 0] // 2).astype(int)], y_test)


def test_stratified_split_keeps_class_proportions():
    X, y = _data(n=400)
    _, _, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, seed=1)
    counts = np.bincount(y)
    expected = counts * len(y_test) / len(y)
    assert np.all(np.abs(np.bincount(y_test) - expected) < 1)
    np.testing.assert_array_equal(np.bincount(y_train) + np.bincount(y_test), counts)


def test_split_is_reproducible_under_a_seed():
    X, y = _data()
    a = train_test_split(X, y, stratify=y, seed=5)
    b = train_test_split(X, y, stratify=y, seed=5)
    c = train_test_split(X, y, stratify=y, seed=6)
    for left, right in zip(a, b):
        np.testing.assert_array_equal(left, right)
    assert not np.array_equal(a[1], c[1])


@pytest.mark.parametrize("test_size", [0.0, 1.0, 1.5, 0, 103])
def test_split_refuses_sizes_that_leave_a_part_empty(test_size):
    X, y = _data()
    with pytest.raises(ValueError, match="test_size"):
        train_test_split(X, y, test_size=test_size)


def test_stratify_needs_two_samples_per_class():
    X = np.zeros((5, 1))
    y = np.array([0, 0, 1, 1, 2])
    with pytest.raises(ValueError, match="class 2"):
        train_test_split(X, y, test_size=0.4, stratify=y)


def test_split_refuses_mismatched_rows():
    with pytest.raises(ValueError, match="same number of rows"):
        train_test_split(np.zeros((4, 2)), np.zeros(3))


def test_standardizer_matches_scikit_learn():
    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, size=(50, 3))
    X[:, 2] = 7.0  # a constant feature must not divide by zero
    ours = Standardizer().fit(X)
    theirs = StandardScaler().fit(X)
    np.testing.assert_allclose(ours.mean_, theirs.mean_)
    np.testing.assert_allclose(ours.scale_, theirs.scale_)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), atol=1e-12)
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X)), X, atol=1e-12)
    np.testing.assert_allclose(standardize(X), theirs.transform(X), atol=1e-12)


def test_standardizer_treats_a_column_of_rounding_noise_as_constant_as_scikit_learn():
    # ten copies of 0.1 have a float64 variance of ~2e-34, not 0; dividing by its root would blow
    # the column up to 1e15
    X = np.c_[np.full(10, 0.1), np.arange(10.0), np.full(10, 1e10)]
    ours, theirs = Standardizer().fit(X), StandardScaler().fit(X)
    np.testing.assert_allclose(ours.scale_, theirs.scale_)
    np.testing.assert_allclose(ours.scale_[[0, 2]], [1.0, 1.0])
    probe = np.array([[0.2, 3.0, 1e10]])
    np.testing.assert_allclose(ours.transform(probe), theirs.transform(probe), atol=1e-12)


def test_standardizer_keeps_float32_and_checks_use():
    X = np.arange(12, dtype=np.float32).reshape(4, 3)
    assert Standardizer().fit_transform(X).dtype == np.float32
    with pytest.raises(RuntimeError, match="fit"):
        Standardizer().transform(X)
    with pytest.raises(ValueError, match="shape"):
        Standardizer().fit(X).transform(np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match=r"state_dict: nothing learned yet; call fit"):
        Standardizer().state_dict()


def test_one_hot_equals_identity_rows():
    y = np.array([2, 0, 1, 2])
    np.testing.assert_array_equal(one_hot(y), np.eye(3)[y])
    np.testing.assert_array_equal(one_hot(y, n_classes=5), np.eye(5)[y])
    assert one_hot(y).dtype == np.float32
    with pytest.raises(ValueError, match="n_classes"):
        one_hot(y, n_classes=2)
    with pytest.raises(ValueError, match=">= 0"):
        one_hot(np.array([-1, 0]))


def test_minibatches_visit_every_row_once():
    X = np.arange(10).reshape(10, 1)
    y = np.arange(10) * 10
    batches = list(minibatches(X, y, batch_size=4, seed=0))
    assert [len(xb) for xb, _ in batches] == [4, 4, 2]
    seen = np.concatenate([xb[:, 0] for xb, _ in batches])
    np.testing.assert_array_equal(np.sort(seen), np.arange(10))
    assert not np.array_equal(seen, np.arange(10))
    for xb, yb in batches:
        np.testing.assert_array_equal(yb, xb[:, 0] * 10)
    again = np.concatenate([xb[:, 0] for xb, _ in minibatches(X, y, batch_size=4, seed=0)])
    np.testing.assert_array_equal(seen, again)


def test_minibatches_in_order_and_drop_last():
    X = np.arange(10).reshape(10, 1)
    ordered = [xb[:, 0].tolist() for xb in minibatches(X, batch_size=4, shuffle=False, drop_last=True)]
    assert ordered == [[0, 1, 2, 3], [4, 5, 6, 7]]
    with pytest.raises(ValueError, match="rows"):
        list(minibatches(X, np.zeros(3)))
    with pytest.raises(ValueError, match="batch_size"):
        list(minibatches(X, batch_size=0))


def test_one_hot_takes_a_float_dtype_and_follows_the_default(default_float64):
    y = np.array([2, 0, 1])
    assert one_hot(y).dtype == np.float64
    encoded = one_hot(y, dtype="float32")
    assert encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded, np.eye(3)[y])
    with pytest.raises(TypeError, match="one_hot: dtype: expected float32 or float64, got int64"):
        one_hot(y, dtype=np.int64)


def test_standardize_integers_in_the_default_dtype(default_float64):
    X = np.array([[16777217, 1], [16777219, 2], [16777221, 6]])
    Z = standardize(X)
    assert Z.dtype == np.float64
    np.testing.assert_allclose(Z, StandardScaler().fit_transform(X.astype(np.float64)), rtol=1e-12)
    assert Standardizer().fit(X).transform(X).dtype == np.float64


def test_standardize_with_a_dtype_rounds_once():
    X = np.array([[0.1, 2.0], [0.2, 3.5], [0.4, 1.0]], dtype=np.float32)
    reference = StandardScaler().fit_transform(X.astype(np.float64))
    Z = standardize(X, dtype="float64")
    assert Z.dtype == np.float64
    np.testing.assert_allclose(Z, reference, rtol=1e-12)  # not rounded through float32 on the way
    assert standardize(X).dtype == np.float32  # without dtype: X's own float dtype, as before
    with pytest.raises(TypeError, match="standardize: dtype: expected float32 or float64, got int8"):
        standardize(X, dtype="int8")
