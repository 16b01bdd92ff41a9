"""glassnet.blas.axpy_: y ← y + a·x in one pass, against NumPy's y + a·x."""
import numpy as np
import pytest

from glassnet import blas


def numpy_wheel_has_openblas() -> bool:
    from threadpoolctl import ThreadpoolController

    return any(lib.internal_api == "openblas" and "numpy" in lib.filepath.lower()
               for lib in ThreadpoolController().lib_controllers)


def test_finds_the_openblas_of_numpys_wheel():
    if not numpy_wheel_has_openblas():
        # NumPy built on another BLAS (MKL, Accelerate): axpy_ must fall back, and say so by finding nothing
        assert blas._openblas_axpy() == {}
    else:
        assert set(blas._openblas_axpy()) == {np.dtype(np.float32), np.dtype(np.float64)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(3,), (70, 90), (256, 784)])
def test_matches_numpy(dtype, shape):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    expected = y.astype(np.float64) - 0.01 * x.astype(np.float64)
    out = blas.axpy_(y, -0.01, x)
    assert out is y and y.dtype == dtype
    np.testing.assert_allclose(y, expected, rtol=1e-6 if dtype == np.float32 else 1e-14, atol=1e-7)


def test_views_and_mixed_dtypes_fall_back_to_numpy():
    rng = np.random.default_rng(1)
    base = rng.standard_normal((200, 100)).astype(np.float32)
    untouched = base[:, 1::2].copy()
    y = base[:, ::2]  # not contiguous
    x = rng.standard_normal((200, 50))  # float64 into float32
    expected = y.astype(np.float64) + 0.5 * x
    blas.axpy_(y, 0.5, x)
    np.testing.assert_allclose(base[:, ::2], expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(base[:, 1::2], untouched)


def test_numpy_scalar_alpha_and_aliasing():
    y = np.arange(5000, dtype=np.float32)
    blas.axpy_(y, np.float32(1.0), y)  # y + 1·y
    np.testing.assert_array_equal(y, 2 * np.arange(5000, dtype=np.float32))


def test_shape_mismatch_is_named():
    with pytest.raises(ValueError, match=r"axpy_: x has shape \(3,\) but y has \(4,\)"):
        blas.axpy_(np.zeros(4), 1.0, np.zeros(3))


def test_integer_width_comes_from_the_build_configuration():
    if not numpy_wheel_has_openblas():
        pytest.skip("this NumPy is not built on OpenBLAS; test_finds_the_openblas_of_numpys_wheel covers the fallback")
    from threadpoolctl import ThreadpoolController

    lib = next(lib for lib in ThreadpoolController().lib_controllers
               if lib.internal_api == "openblas" and "numpy" in lib.filepath.lower())
    ilp64 = blas._uses_64bit_integers(lib.dynlib, lib._symbol_prefix, lib._symbol_suffix)
    # NumPy's wheels ship the 64-bit-integer build, named with a 64 in its symbols
    assert ilp64 == ("64" in lib._symbol_suffix)


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_sum_of_squares_in_any_layout(layout):
    a = np.random.default_rng(2).standard_normal((120, 70)).astype(np.float32)
    a = {"C": a, "F": np.asfortranarray(a), "strided": a[::3, ::2]}[layout]
    expected = float(np.sum(a.astype(np.float64) ** 2))
    assert float(blas.sum_of_squares(a)) == pytest.approx(expected, rel=1e-5)
