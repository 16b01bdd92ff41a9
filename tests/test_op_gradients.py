"""Every registered primitive is checked against central differences in float64.

The test iterates ``OPS``: a primitive without a case here makes the suite fail.
"""
import numpy as np
import pytest

import glassnet as gn
from glassnet.ops import arithmetic, elementwise, nn_ops, reductions, shape
from glassnet.ops.registry import OPS


def t(array, grad=True):
    return gn.Tensor(np.asarray(array, dtype=np.float64), requires_grad=grad)


def R(*shape, low=-2.0, high=2.0, seed=0):
    return np.random.default_rng(seed + sum(shape)).uniform(low, high, size=shape)


def positive(*shape, seed=0):
    return R(*shape, low=0.5, high=2.5, seed=seed)


def away_from_zero(*shape, seed=0):
    """Values with |x| > 0.2 so kinks at 0 (relu, abs) are not straddled by the finite difference."""
    x = R(*shape, seed=seed)
    return np.where(np.abs(x) < 0.2, 0.2 + np.abs(x), x)


LABELS = np.array([2, 0, 1, 2, 1])
MANY_LABELS = np.array([69, 0, 33])

# name -> list of (function of tensors, input arrays); broadcasting cases included
CASES = {
    "add": [(lambda a, b: arithmetic.add(a, b), [R(3, 4), R(3, 4, seed=1)]),
            (lambda a, b: arithmetic.add(a, b), [R(3, 4), R(4, seed=1)]),
            (lambda a, b: arithmetic.add(a, b), [R(2, 1, 4), R(3, 1, seed=1)])],
    "sub": [(lambda a, b: arithmetic.sub(a, b), [R(3, 4), R(1, 4, seed=1)])],
    "mul": [(lambda a, b: arithmetic.mul(a, b), [R(3, 4), R(3, 4, seed=1)]),
            (lambda a, b: arithmetic.mul(a, b), [R(3, 1), R(1, 5, seed=1)])],
    "div": [(lambda a, b: arithmetic.div(a, b), [R(3, 4), positive(4, seed=1)])],
    "neg": [(lambda a: arithmetic.neg(a), [R(3, 2)])],
    "power_scalar": [(lambda a: arithmetic.power_scalar(a, 3), [R(3, 2)]),
                     (lambda a: arithmetic.power_scalar(a, 0.5), [positive(4)])],
    "power": [(lambda a, b: arithmetic.power(a, b), [positive(3, 2), R(3, 2, seed=1)]),
              (lambda a, b: arithmetic.power(a, b), [positive(3, 2), R(2, seed=1)])],
    "matmul": [(lambda a, b: arithmetic.matmul(a, b), [R(3, 4), R(4, 2, seed=1)]),
               (lambda a, b: arithmetic.matmul(a, b), [R(4), R(4, 2, seed=1)]),
               (lambda a, b: arithmetic.matmul(a, b), [R(3, 4), R(4, seed=1)]),
               (lambda a, b: arithmetic.matmul(a, b), [R(2, 3, 4), R(4, 2, seed=1)])],
    "exp": [(elementwise.exp, [R(3, 4)]), (elementwise.exp, [np.array(-0.3)])],
    "log": [(elementwise.log, [positive(3, 4)])],
    "log1p": [(elementwise.log1p, [positive(3, 4)])],
    "sqrt": [(elementwise.sqrt, [positive(3, 4)])],
    "abs": [(elementwise.abs, [away_from_zero(3, 4)])],
    "relu": [(elementwise.relu, [away_from_zero(3, 4)])],
    "sigmoid": [(elementwise.sigmoid, [R(3, 4, low=-6, high=6)]), (elementwise.sigmoid, [np.array(0.7)])],
    "tanh": [(elementwise.tanh, [R(3, 4)])],
    "erf": [(elementwise.erf, [R(3, 4)])],
    "clip": [(lambda a: elementwise.clip(a, -1.0, 1.0), [np.array([-1.7, -0.5, 0.3, 0.9, 1.4])])],
    "_where": [(lambda a, b: elementwise.where(np.array([True, False, True]), a, b), [R(3), R(2, 3, seed=1)])],
    "sum": [(lambda a: reductions.sum(a), [R(3, 4)]),
            (lambda a: reductions.sum(a, axis=1), [R(3, 4)]),
            (lambda a: reductions.sum(a, axis=(0, 2), keepdims=True), [R(2, 3, 4)]),
            (lambda a: reductions.sum(a, axis=-1), [R(2, 3, 4)])],
    "max": [(lambda a: reductions.max(a), [R(3, 4)]),
            (lambda a: reductions.max(a, axis=0), [R(3, 4)]),
            (lambda a: reductions.max(a, axis=1, keepdims=True), [R(3, 4)])],
    "reshape": [(lambda a: shape.reshape(a, (4, 3)), [R(3, 4)]),
                (lambda a: shape.reshape(a, (-1,)), [R(2, 3)])],
    "transpose": [(lambda a: shape.transpose(a, None), [R(3, 4)]),
                  (lambda a: shape.transpose(a, (1, 2, 0)), [R(2, 3, 4)]),
                  (lambda a: shape.transpose(a, (-1, 0, 1)), [R(2, 3, 4)])],  # negative dims, inverse (1, 2, 0)
    "getitem": [(lambda a: shape.getitem(a, (slice(1, 3), 0)), [R(3, 4)]),
                (lambda a: shape.getitem(a, np.array([0, 2, 0])), [R(3, 4)]),
                (lambda a: shape.getitem(a, (np.arange(3), np.array([1, 0, 1]))), [R(3, 4)])],
    "concatenate": [(lambda a, b: shape.concatenate([a, b], axis=1), [R(2, 3), R(2, 2, seed=1)])],
    "astype": [(lambda a: shape.astype(a, np.dtype(np.float64)), [R(3)])],
    "linear": [(lambda x, w, b: nn_ops.linear(x, w, b), [R(5, 4), R(3, 4, seed=1), R(3, seed=2)]),
               (lambda x, w: nn_ops.linear(x, w), [R(2, 5, 4), R(3, 4, seed=1)]),
               (lambda x, w, b: nn_ops.linear(x, w, b), [R(4), R(3, 4, seed=1), R(3, seed=2)])],
    "linear_activation": [
        (lambda x, w, b: nn_ops.linear_activation(x, w, b, "sigmoid"), [R(5, 4), R(3, 4, seed=1), R(3, seed=2)]),
        (lambda x, w, b: nn_ops.linear_activation(x, w, b, "tanh"), [R(5, 4), R(3, 4, seed=1), R(3, seed=2)]),
        (lambda x, w, b: nn_ops.linear_activation(x, w, b, "relu"),
         [np.array([[1.0, -0.5], [0.3, 2.0]]), np.array([[1.0, 0.5], [-1.0, 0.25], [0.4, -0.9]]),
          np.array([0.1, -0.25, 0.3])]),
        (lambda x, w, b: nn_ops.linear_activation(x, w, b, "tanh"), [R(2, 3, 4), R(3, 4, seed=1), R(3, seed=2)])],
    "mse": [(lambda a, b: nn_ops.mse(a, b, reduction="mean"), [R(4, 3), R(4, 3, seed=1)]),
            (lambda a, b: nn_ops.mse(a, b, reduction="sum"), [R(4, 3), R(4, 3, seed=1)]),
            (lambda a, b: nn_ops.mse(a, b, reduction="none"), [R(4, 3), R(4, 3, seed=1)])],
    "binary_cross_entropy": [(nn_ops.binary_cross_entropy,
                              [np.array([[0.1, 0.5], [0.8, 0.35]]), np.array([[0.0, 1.0], [0.7, 0.2]])])],
    "binary_cross_entropy_with_logits": [(nn_ops.binary_cross_entropy_with_logits,
                                          [np.array([[0.0, 1.5], [-2.0, 0.0]]), np.array([[0.0, 1.0], [0.7, 0.2]])])],
    "softmax": [(lambda a: nn_ops.softmax(a, dim=-1), [R(3, 4)]),
                (lambda a: nn_ops.softmax(a, dim=0), [R(3, 4)])],
    "log_softmax": [(lambda a: nn_ops.log_softmax(a, dim=1), [R(3, 4)]),
                    (lambda a: nn_ops.log_softmax(a, dim=0), [R(3, 4)])],
    "cross_entropy_with_labels": [
        (lambda a: nn_ops.cross_entropy_with_labels(a, LABELS, reduction="mean"), [R(5, 3)]),
        (lambda a: nn_ops.cross_entropy_with_labels(a, LABELS, reduction="sum"), [R(5, 3)]),
        (lambda a: nn_ops.cross_entropy_with_labels(a, LABELS, reduction="none"), [R(5, 3)]),
        # more than FEW_CLASSES classes: the row-major layout
        (lambda a: nn_ops.cross_entropy_with_labels(a, MANY_LABELS, reduction="mean"), [R(3, 70)]),
        (lambda a: nn_ops.cross_entropy_with_labels(a, MANY_LABELS, reduction="none"), [R(3, 70)])],
}


def test_every_primitive_has_a_gradient_case():
    missing = sorted(set(OPS) - set(CASES))
    assert not missing, f"primitives without a gradient test: {missing}"


@pytest.mark.parametrize("name,case", [(name, case) for name, cases in CASES.items() for case in cases],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_primitive_gradient_matches_central_differences(name, case):
    fn, arrays = case
    inputs = [t(a) for a in arrays]
    report = gn.gradcheck(fn, *inputs, eps=1e-6, atol=1e-7, rtol=1e-6)
    assert report.ok
    assert len(report.inputs) == len(inputs)


def test_max_shares_gradient_between_ties():
    x = t([1.0, 3.0, 3.0, 2.0])
    reductions.max(x).backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.5, 0.5, 0.0])


def test_getitem_with_repeated_index_accumulates():
    x = t([1.0, 2.0, 3.0])
    shape.getitem(x, np.array([0, 0, 2])).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 0.0, 1.0])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(0, 3), (7, 5), (3, 4, 6), (1024, 256)])
def test_bias_gradient_is_the_column_sum_and_fills_out(dtype, shape):
    from glassnet.ops.nn_ops import _bias_gradient

    d = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    expected = d.astype(np.float64).reshape(-1, shape[-1]).sum(axis=0)
    got = _bias_gradient(d)
    assert got.dtype == dtype and got.shape == shape[-1:]
    rows = d.size // shape[-1]
    tolerance = {np.float16: 1e-2, np.float32: 1e-5, np.float64: 1e-13}[dtype] * max(rows, 1) ** 0.5  # sum's rounding
    np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance)
    out = np.full(shape[-1], np.nan, dtype=dtype)
    assert _bias_gradient(d, out=out) is out
    np.testing.assert_array_equal(out, got)


def test_float32_graphs_stay_float32_through_max_and_clip():
    # a np.float64 bound, or max's tie shares, used to turn the rest of a float32 graph float64
    x = gn.tensor(np.array([[1.0, 3.0, 3.0], [2.0, 0.5, -1.0]], dtype=np.float32), requires_grad=True)
    assert x.clip(np.float64(0.0)).dtype == np.float32
    largest = reductions.max(x, axis=1)
    passed_back = largest._vjp[0](np.ones(2, dtype=np.float32))  # what reaches the op below max
    assert passed_back.dtype == np.float32
    np.testing.assert_array_equal(passed_back, [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])
