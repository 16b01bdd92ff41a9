"""Tensor creation with PyTorch's names, checked against NumPy's own functions and generators."""
import numpy as np
import pytest

import glassnet as gn


def test_constant_tensors_take_pytorchs_shapes_and_dtypes():
    assert gn.zeros(2, 3).shape == (2, 3) and gn.zeros((2, 3)).shape == (2, 3)
    assert gn.zeros(2).dtype == np.float32 and gn.ones(2, dtype=gn.float64).dtype == np.float64
    assert gn.zeros(3, dtype=gn.long).dtype == np.int64
    np.testing.assert_array_equal(gn.ones(2, 2).data, np.ones((2, 2)))
    assert gn.full((2,), 3).dtype == np.int64 and gn.full((2,), 3.0).dtype == np.float32
    assert gn.full(2, True).dtype == np.bool_
    np.testing.assert_array_equal(gn.eye(2, 3).data, np.eye(2, 3))
    like = gn.zeros_like(gn.tensor(np.ones((2, 2))))
    assert like.dtype == np.float64 and not like.data.any()
    np.testing.assert_array_equal(gn.full_like(gn.ones(2), 4).data, [4.0, 4.0])
    assert gn.ones_like(np.zeros(3, dtype=np.int32)).dtype == np.int32
    assert gn.zeros(2, requires_grad=True).requires_grad


def test_ranges_follow_pytorchs_dtype_rules():
    np.testing.assert_array_equal(gn.arange(5).data, np.arange(5))
    assert gn.arange(5).dtype == np.int64 and gn.arange(0, 1, 0.25).dtype == np.float32
    np.testing.assert_array_equal(gn.arange(0, 1, 0.25).data, [0.0, 0.25, 0.5, 0.75])
    np.testing.assert_array_equal(gn.linspace(0, 1, 5).data, np.linspace(0, 1, 5).astype(np.float32))
    with pytest.raises(ValueError, match="arange: step must not be 0"):
        gn.arange(0, 1, 0)


def test_random_tensors_draw_from_the_generator_given():
    np.testing.assert_array_equal(gn.randn(2, 3, generator=7).data,
                                  np.random.default_rng(7).standard_normal((2, 3), dtype=np.float32))
    np.testing.assert_array_equal(gn.rand(4, generator=7, dtype="float64").data, np.random.default_rng(7).random(4))
    np.testing.assert_array_equal(gn.randint(10, (3,), generator=2).data, np.random.default_rng(2).integers(0, 10, 3))
    np.testing.assert_array_equal(gn.randint(2, 5, (4,), generator=2).data, np.random.default_rng(2).integers(2, 5, 4))
    np.testing.assert_array_equal(gn.randperm(5, generator=3).data, np.random.default_rng(3).permutation(5))
    gn.manual_seed(11)
    first = gn.randn(3).data.copy()
    gn.manual_seed(11)
    np.testing.assert_array_equal(gn.randn(3).data, first)


def test_from_numpy_shares_memory():
    array = np.zeros(2, dtype=np.float32)
    t = gn.from_numpy(array)
    array[0] = 5
    assert t.data[0] == 5
    with pytest.raises(TypeError, match="from_numpy: expected a numpy.ndarray, got list"):
        gn.from_numpy([1.0])


def test_bad_sizes_and_dtypes_are_named():
    with pytest.raises(ValueError, match=r"zeros: size must be non-negative integers, got \(2, -1\)"):
        gn.zeros(2, -1)
    with pytest.raises(ValueError, match="randint: expected low < high"):
        gn.randint(3, 3, (2,))
    with pytest.raises(TypeError, match="dtype: expected float32 or float64, got int64"):
        gn.randn(2, dtype="int64")


def test_dtype_names_are_numpy_dtypes_and_stay_out_of_star_imports():
    assert gn.float32 == np.float32 and gn.float64 == gn.double == np.float64 and gn.long == np.int64
    namespace = {}
    exec("from glassnet import *", namespace)
    assert "float" not in namespace and "bool" not in namespace and "zeros" in namespace


def test_pytorchs_other_argument_forms():
    assert gn.randint(10, size=(3,), generator=0).shape == (3,)
    np.testing.assert_array_equal(gn.randint(high=10, size=(2,), generator=4).data,
                                  np.random.default_rng(4).integers(0, 10, 2))
    assert gn.randperm(4, dtype=gn.int32, generator=0).dtype == np.int32
    np.testing.assert_array_equal(gn.linspace(0, 10, 5, dtype=gn.long).data, [0, 2, 5, 7, 10])  # truncated
    assert gn.int == np.int32 and gn.long == np.int64  # torch.int is int32
    with pytest.raises(TypeError, match="randint: dtype must be an integer dtype"):
        gn.randint(10, (2,), dtype=gn.float32)
