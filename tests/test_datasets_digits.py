import numpy as np
import pytest
from sklearn.datasets import load_digits as sklearn_load_digits

from glassnet.datasets import Dataset, load_dataset, load_digits


def test_bundled_digits_equal_scikit_learns_copy():
    digits = load_digits()
    reference = sklearn_load_digits()
    assert isinstance(digits, Dataset)
    assert digits.X.dtype == np.float32 and digits.X.shape == (1797, 64)
    assert digits.y.dtype == np.int64
    np.testing.assert_array_equal(digits.X, reference.data)
    np.testing.assert_array_equal(digits.y, reference.target)
    np.testing.assert_array_equal(digits.images, reference.images)


def test_digits_unpack_and_describe_themselves():
    X, y = load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    digits = load_digits()
    assert digits.n_classes == 10 and digits.class_names[3] == "3"
    assert "CC BY 4.0" in digits.description
    assert X.min() == 0 and X.max() == 16


def test_registry_returns_digits_by_name():
    np.testing.assert_array_equal(load_dataset("digits").y, load_digits().y)


def test_digits_in_float64_equal_scikit_learns_copy():
    digits = load_digits(dtype="float64")
    assert digits.X.dtype == np.float64 and digits.y.dtype == np.int64
    np.testing.assert_array_equal(digits.X, sklearn_load_digits().data)
    assert load_dataset("digits", dtype=np.float64).X.dtype == np.float64


def test_digits_follow_the_default_dtype(default_float64):
    assert load_digits().X.dtype == np.float64


def test_digits_refuse_an_integer_dtype():
    with pytest.raises(TypeError, match="load_digits: dtype: expected float32 or float64, got int64"):
        load_digits(dtype="int64")
