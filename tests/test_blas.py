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
        assert blas._openblas() == {}
    else:
        assert set(blas._openblas()) == {(routine, np.dtype(dtype)) for routine in ("axpy", "gemm")
                                         for dtype in (np.float32, np.float64)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(3,), (70, 90), (256, 784)])
def test_matches_numpy(dtype, shape):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    expected = y.astype(np.float64) - 0.01 * x.astype(np.float64)
    out = blas.axpy_(y, -0.01, x)
    assert out is y and y.dtype == dtype
    np.testing.assert_allclose(y, expected, rtol=1e-6 if dtype == np.float32 else 1e-14, atol=1e-7)


@pytest.mark.parametrize("order", ["C", "F"])
def test_column_major_and_read_only_x_match_numpy(order):
    """The update of a column-major weight, and a read-only x, whose address ctypes will not take."""
    rng = np.random.default_rng(2)
    x = np.array(rng.standard_normal((256, 784)), dtype=np.float32, order=order)
    y = np.array(rng.standard_normal((256, 784)), dtype=np.float32, order=order)
    x.flags.writeable = False
    expected = y.astype(np.float64) + 0.25 * x.astype(np.float64)
    blas.axpy_(y, 0.25, x)
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-6)
    assert blas._address(x) == x.ctypes.data and blas._address(y) == y.ctypes.data


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


def _laid_out(array: np.ndarray, layout: str) -> np.ndarray:
    """The same values as ``array`` in one of the layouts gemm_ must take."""
    rows, cols = array.shape
    if layout == "C":
        return np.ascontiguousarray(array)
    if layout == "F":
        return np.asfortranarray(array)
    if layout == "rows of a wider array":  # row-major, leading dimension larger than the row
        wide = np.zeros((rows, cols + 3), dtype=array.dtype)
        wide[:, 1:cols + 1] = array
        return wide[:, 1:cols + 1]
    if layout == "transposed view":
        return np.ascontiguousarray(array.T).T
    raise AssertionError(layout)


LAYOUTS = ["C", "F", "rows of a wider array", "transposed view"]


def _counting_gemm(monkeypatch) -> list:
    """Route gemm_'s BLAS calls through a counter, so a test can tell BLAS ran rather than the fallback."""
    found = blas._openblas()
    if not found:
        pytest.skip("this NumPy is not built on OpenBLAS; test_gemm_falls_back_to_numpy covers that case")
    calls = []
    patched = dict(found)
    for (routine, dtype), function in found.items():
        if routine == "gemm":
            patched[routine, dtype] = lambda *args, f=function: (calls.append(args), f(*args))
    monkeypatch.setattr(blas, "_openblas", lambda: patched)
    return calls


@pytest.mark.parametrize("layout_c", LAYOUTS)
@pytest.mark.parametrize("layout_a", LAYOUTS)
@pytest.mark.parametrize("layout_b", LAYOUTS)
@pytest.mark.parametrize("shape", [(5, 7, 3), (1, 6, 4), (6, 1, 4), (4, 5, 1)])  # (m, k, n)
def test_gemm_adds_the_product_in_every_layout(monkeypatch, layout_c, layout_a, layout_b, shape):
    calls = _counting_gemm(monkeypatch)
    m, k, n = shape
    rng = np.random.default_rng(2)
    a64, b64, c64 = rng.standard_normal((m, k)), rng.standard_normal((k, n)), rng.standard_normal((m, n))
    a, b = _laid_out(a64.astype(np.float32), layout_a), _laid_out(b64.astype(np.float32), layout_b)
    c = _laid_out(c64.astype(np.float32), layout_c)
    out = blas.gemm_(c, -0.3, a, b)
    assert out is c and len(calls) == 1  # one BLAS call, no copy of c
    np.testing.assert_allclose(c, c64 - 0.3 * a64 @ b64, rtol=1e-5, atol=1e-5)


def test_gemm_in_float64_is_exact_to_rounding(monkeypatch):
    calls = _counting_gemm(monkeypatch)
    rng = np.random.default_rng(3)
    a, b, c = rng.standard_normal((30, 20)), rng.standard_normal((20, 10)), np.asfortranarray(rng.standard_normal((30, 10)))
    expected = c + 0.125 * (a @ b)
    blas.gemm_(c, 0.125, a, b)
    assert len(calls) == 1
    np.testing.assert_allclose(c, expected, rtol=1e-13, atol=1e-13)


def test_the_fused_sgd_step_equals_the_two_step_one(monkeypatch):
    """W ← W − lr·gᵀx written into a column-major W, as the benchmark's fused loop does."""
    calls = _counting_gemm(monkeypatch)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((32, 784)).astype(np.float32)
    g = np.array(rng.standard_normal((10, 32)).astype(np.float32)).T  # the transposed cross-entropy's layout
    W = np.asfortranarray(rng.standard_normal((10, 784)).astype(np.float32))
    expected = W.astype(np.float64) - 0.01 * (g.T.astype(np.float64) @ x)
    blas.gemm_(W, -0.01, g.T, x)
    assert len(calls) == 1 and W.flags.f_contiguous
    np.testing.assert_allclose(W, expected, rtol=1e-5, atol=1e-6)


def test_gemm_falls_back_to_numpy(monkeypatch):
    """Overlapping, broadcast or mixed-dtype operands, and a BLAS that is not NumPy's OpenBLAS."""
    calls = _counting_gemm(monkeypatch) if blas._openblas() else []  # must stay empty: no BLAS call
    rng = np.random.default_rng(5)
    c = rng.standard_normal((4, 4)).astype(np.float32)
    expected = c.astype(np.float64) + 2.0 * (c.astype(np.float64) @ c.astype(np.float64))
    blas.gemm_(c, 2.0, c.copy(), c)  # b is c itself
    np.testing.assert_allclose(c, expected, rtol=1e-5)
    row = rng.standard_normal((1, 3))
    broadcast = np.broadcast_to(row, (5, 3))  # zero row stride
    c = np.zeros((5, 2))
    blas.gemm_(c, 1.0, broadcast, np.ones((3, 2)))
    np.testing.assert_allclose(c, np.repeat(row.sum(axis=1, keepdims=True), 5, axis=0) * np.ones((1, 2)))
    c32 = np.zeros((2, 2), dtype=np.float32)
    blas.gemm_(c32, 1.0, np.eye(2), np.full((2, 2), 0.5))  # float64 operands into float32
    np.testing.assert_array_equal(c32, np.full((2, 2), 0.5, dtype=np.float32))
    assert calls == []
    monkeypatch.setattr(blas, "_openblas", lambda: {})
    c = np.ones((3, 3))
    blas.gemm_(c, -1.0, np.eye(3), np.eye(3))
    np.testing.assert_array_equal(c, np.ones((3, 3)) - np.eye(3))


def test_gemm_names_bad_shapes_and_read_only_output():
    with pytest.raises(ValueError, match=r"gemm_: a of shape \(2, 3\) times b of shape \(4, 2\) does not fit c"):
        blas.gemm_(np.zeros((2, 2)), 1.0, np.zeros((2, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"gemm_: a, b and c must be 2-D"):
        blas.gemm_(np.zeros(2), 1.0, np.zeros((2, 3)), np.zeros((3, 2)))
    frozen = np.zeros((2, 2))
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="gemm_: c is read-only"):
        blas.gemm_(frozen, 1.0, np.eye(2), np.eye(2))
