import numpy as np
import pytest
from sklearn.datasets import make_circles, make_moons

from glassnet import datasets


def _same_points(A, B, atol=1e-6):
    """Every point of A has a point of B within atol, and the reverse (order does not matter)."""
    assert A.shape == B.shape
    distances = np.linalg.norm(A[:, None, :].astype(np.float64) - B[None, :, :], axis=2)
    assert distances.min(axis=1).max() < atol and distances.min(axis=0).max() < atol


def test_xor_is_the_truth_table():
    X, y = datasets.xor()
    assert X.dtype == np.float32 and X.shape == (4, 2)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, np.logical_xor(X[:, 0], X[:, 1]).astype(int))


@pytest.mark.parametrize("n, sizes", [(200, (100, 100)), (201, (101, 100))])
def test_moons_without_noise_are_scikit_learns_points(n, sizes):
    X, y = datasets.moons(n_samples=n, noise=0.0, seed=0)
    X_ref, y_ref = make_moons(n_samples=sizes, noise=0.0, shuffle=False)
    for k in (0, 1):
        _same_points(X[y == k], X_ref[y_ref == k])


def test_circles_without_noise_are_scikit_learns_points():
    X, y = datasets.circles(n_samples=100, noise=0.0, factor=0.3, seed=0)
    X_ref, y_ref = make_circles(n_samples=100, noise=0.0, factor=0.3, shuffle=False)
    for k in (0, 1):
        _same_points(X[y == k], X_ref[y_ref == k])


def test_spiral_points_lie_on_their_arms():
    X, y = datasets.spirals(n_samples=90, noise=0.0, n_classes=3, turns=0.75, seed=1)
    r = np.hypot(X[:, 0], X[:, 1]).astype(np.float64)
    assert r.min() > 0 and r.max() <= 1 + 1e-6
    expected = 2 * np.pi * y / 3 + 2 * np.pi * 0.75 * r
    np.testing.assert_allclose(np.cos(expected) * r, X[:, 0], atol=1e-5)
    np.testing.assert_allclose(np.sin(expected) * r, X[:, 1], atol=1e-5)


def test_gaussian_blobs_have_the_asked_centres_and_spread():
    X, y = datasets.gaussians(n_samples=30000, noise=0.5, n_classes=4, spread=2.0, seed=3)
    for k in range(4):
        angle = 2 * np.pi * k / 4
        np.testing.assert_allclose(X[y == k].mean(axis=0), [2 * np.cos(angle), 2 * np.sin(angle)], atol=0.03)
        np.testing.assert_allclose(X[y == k].std(axis=0), [0.5, 0.5], rtol=0.05)


@pytest.mark.parametrize("make", [datasets.moons, datasets.circles, datasets.spirals, datasets.gaussians])
def test_generators_are_balanced_typed_and_seeded(make):
    X, y = make(n_samples=101, noise=0.1, seed=7)
    assert X.dtype == np.float32 and X.shape == (101, 2) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    X2, y2 = make(n_samples=101, noise=0.1, seed=7)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(n_samples=101, noise=0.1, seed=8)
    assert not np.array_equal(X, X3)
    assert not np.array_equal(y[:20], np.sort(y)[:20]), "rows should be shuffled"


@pytest.mark.parametrize("make", [datasets.spirals, datasets.gaussians])
def test_generators_with_n_classes(make):
    _, y = make(n_samples=50, n_classes=5, seed=0)
    np.testing.assert_array_equal(np.bincount(y), [10] * 5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(noise=-1.0), "noise"),
    (dict(n_samples=0), "n_samples"),
    (dict(n_samples=2.5), "n_samples"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.moons(**kwargs)
    with pytest.raises(ValueError, match="n_classes"):
        datasets.gaussians(n_classes=1)
    with pytest.raises(ValueError, match="factor"):
        datasets.circles(factor=1.5)


@pytest.mark.parametrize("make,options,match", [
    (datasets.spirals, dict(turns=0), "spirals: turns: expected a finite number > 0, got 0"),
    (datasets.gaussians, dict(spread=float("inf")), "gaussians: spread"),
    (datasets.moons, dict(noise=-0.1), "moons: noise: expected a finite number >= 0"),
])
def test_shape_arguments_of_the_toy_sets_are_checked(make, options, match):
    with pytest.raises(ValueError, match=match):
        make(**options)


GENERATORS = [datasets.moons, datasets.circles, datasets.spirals, datasets.gaussians]


@pytest.mark.parametrize("make", GENERATORS)
def test_float64_sets_are_the_same_draws_as_float32_before_rounding(make):
    X32, y32 = make(n_samples=101, noise=0.1, seed=7)
    X64, y64 = make(n_samples=101, noise=0.1, seed=7, dtype="float64")
    assert X64.dtype == np.float64 and y64.dtype == np.int64
    np.testing.assert_array_equal(y64, y32)
    np.testing.assert_array_equal(X64.astype(np.float32), X32)  # the same numbers, rounded once
    assert not np.array_equal(X64, X32.astype(np.float64))  # computed in float64, not float32 upcast


def test_xor_in_float64():
    X, y = datasets.xor(dtype=np.float64)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])


@pytest.mark.parametrize("make", [datasets.xor, *GENERATORS])
def test_the_generators_follow_the_default_dtype(make, default_float64):
    X, y = make()
    assert X.dtype == np.float64 and y.dtype == np.int64


@pytest.mark.parametrize("name", ["xor", "moons", "circles", "spirals", "gaussians"])
def test_load_dataset_passes_dtype_to_a_generator(name):
    assert datasets.load_dataset(name, dtype="float64").X.dtype == np.float64


@pytest.mark.parametrize("make", [datasets.xor, *GENERATORS])
def test_a_dtype_other_than_float32_or_float64_is_refused_naming_it(make):
    with pytest.raises(TypeError, match=rf"{make.__name__}: dtype: expected float32 or float64, got int32"):
        make(dtype="int32")
    with pytest.raises(TypeError, match=rf"{make.__name__}: dtype: expected a NumPy dtype or its name"):
        make(dtype="banana")
