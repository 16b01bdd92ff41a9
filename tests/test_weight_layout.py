"""Linear keeps W column-major (W^T row by row) for faster products; every path that touches a
weight gives the same numbers in that layout as in the row-major one and keeps the layout."""
import numpy as np
import pytest

import glassnet as gn
from glassnet import blas, nn
from glassnet.nn.linear import COLUMN_MAJOR_MIN_SIZE
from glassnet.training.fit import _grad_norm


def hand_gradients(W1, b1, W2, b2, x, y):
    """dL/dW1, dL/db1, dL/dW2, dL/db2 of mean cross-entropy for Linear-ReLU-Linear, in float64."""
    W1, b1, W2, b2, x = (np.asarray(a, dtype=np.float64) for a in (W1, b1, W2, b2, x))
    h = np.maximum(x @ W1.T + b1, 0)
    z = h @ W2.T + b2
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    dz = p / len(y)                           # dL/dz = (softmax - onehot) / N
    dh = (dz @ W2) * (h > 0)
    return [dh.T @ x, dh.sum(axis=0), dz.T @ h, dz.sum(axis=0)]


def model_and_batch(order):
    gn.manual_seed(3)
    model = nn.Sequential(nn.Linear(90, 64), nn.ReLU(), nn.Linear(64, 80))  # both weights above the spare size
    for layer in (model[0], model[2]):
        layer.weight.data = np.array(layer.weight.data, order=order)
    rng = np.random.default_rng(3)
    return model, rng.standard_normal((16, 90)).astype(np.float32), rng.integers(0, 80, 16)


def test_linear_stores_a_large_weight_column_major_and_a_small_one_row_major():
    layer = nn.Linear(128, 32)  # exactly COLUMN_MAJOR_MIN_SIZE elements
    assert layer.weight.shape == (32, 128) and layer.weight.numel() == COLUMN_MAJOR_MIN_SIZE
    assert layer.weight.data.flags.f_contiguous and not layer.weight.data.flags.c_contiguous
    assert nn.Linear(128, 32, dtype="float64").weight.data.flags.f_contiguous
    small = nn.Linear(127, 32)
    assert small.weight.data.flags.c_contiguous and not small.weight.data.flags.f_contiguous


@pytest.mark.parametrize("order", ["F", "C"])
def test_gradients_come_in_the_weights_layout_and_match_the_hand_gradients(order):
    model, x, y = model_and_batch(order)
    optimizer = gn.optim.SGD(model.parameters(), lr=0.5)
    for step in range(3):  # the first backward makes new arrays, the later ones write into the spares
        before = [p.numpy().copy() for p in model.parameters()]
        optimizer.zero_grad()
        nn.CrossEntropyLoss()(model(gn.Tensor(x[step:])), y[step:]).backward()
        expected = hand_gradients(*before, x[step:], y[step:])
        for p, by_hand in zip(model.parameters(), expected):
            assert p.grad.numpy().strides == p.numpy().strides
            np.testing.assert_allclose(p.grad.numpy(), by_hand, rtol=1e-4, atol=1e-6)
        optimizer.step()
        for p, old, by_hand in zip(model.parameters(), before, expected):
            np.testing.assert_allclose(p.numpy(), old - 0.5 * by_hand, rtol=1e-5, atol=1e-6)
    assert model[0].weight.data.flags[f"{order}_CONTIGUOUS"]


def test_the_gradient_array_is_reused_in_the_column_major_layout():
    model, x, y = model_and_batch("F")
    optimizer = gn.optim.SGD(model.parameters(), lr=0.1)
    nn.CrossEntropyLoss()(model(gn.Tensor(x)), y).backward()
    address = model[0].weight.grad.numpy().__array_interface__["data"][0]
    optimizer.zero_grad()
    nn.CrossEntropyLoss()(model(gn.Tensor(x[::-1].copy())), y[::-1].copy()).backward()
    assert model[0].weight.grad.numpy().__array_interface__["data"][0] == address


def test_a_spare_of_another_layout_is_not_reused():
    model, x, y = model_and_batch("F")
    nn.CrossEntropyLoss()(model(gn.Tensor(x)), y).backward()
    model.zero_grad()
    model[0].weight.data = np.ascontiguousarray(model[0].weight.data)  # now row-major; the spare is column-major
    W1, b1, W2, b2 = (p.numpy().copy() for p in model.parameters())
    nn.CrossEntropyLoss()(model(gn.Tensor(x)), y).backward()
    assert model[0].weight.grad.numpy().flags.c_contiguous
    np.testing.assert_allclose(model[0].weight.grad.numpy(), hand_gradients(W1, b1, W2, b2, x, y)[0],
                               rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_axpy_on_column_major_arrays_and_on_mixed_layouts(dtype):
    rng = np.random.default_rng(0)
    x = np.asfortranarray(rng.standard_normal((256, 100)).astype(dtype))
    y = np.asfortranarray(rng.standard_normal((256, 100)).astype(dtype))
    expected = y.astype(np.float64) - 0.25 * x
    assert blas.axpy_(y, -0.25, x) is y and y.flags.f_contiguous
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-6)
    c = np.ascontiguousarray(y)
    expected = c.astype(np.float64) + 2.0 * x  # x column-major, c row-major: element by element, not flat
    blas.axpy_(c, 2.0, x)
    np.testing.assert_allclose(c, expected, rtol=1e-6, atol=1e-6)


def test_gradient_norm_of_a_column_major_gradient():
    array = np.asfortranarray(np.random.default_rng(1).standard_normal((300, 70)).astype(np.float32))
    parameter = gn.Tensor(np.zeros_like(array), requires_grad=True)
    parameter.grad = gn.Tensor(array)
    assert _grad_norm(parameter) == pytest.approx(float(np.linalg.norm(array.astype(np.float64))), rel=1e-5)


def test_load_state_dict_and_model_files_keep_the_layout(tmp_path):
    model, _, _ = model_and_batch("F")
    state = {name: np.ascontiguousarray(value) for name, value in model.state_dict().items()}
    other = nn.Sequential(nn.Linear(90, 64), nn.ReLU(), nn.Linear(64, 80))
    other.load_state_dict(state)
    assert other[0].weight.data.flags.f_contiguous
    np.testing.assert_array_equal(other[0].weight.numpy(), state["0.weight"])
    gn.save(model, tmp_path / "m.npz")
    loaded = gn.load(tmp_path / "m.npz")
    np.testing.assert_array_equal(loaded[0].weight.numpy(), model[0].weight.numpy())
    assert loaded[0].weight.data.flags.f_contiguous


def test_gradcheck_leaves_a_column_major_input_in_its_layout():
    rng = np.random.default_rng(2)
    W = gn.Tensor(np.asfortranarray(rng.standard_normal((4, 3))), requires_grad=True)
    x = gn.Tensor(rng.standard_normal((5, 3)))
    report = gn.gradcheck(lambda w: (gn.functional.relu(x @ w.T) ** 2).sum(), W)
    assert report.ok  # the numeric estimate perturbed W itself, element by element
    assert W.data.flags.f_contiguous and not W.data.flags.c_contiguous


@pytest.mark.parametrize("order", ["F", "C"])
def test_a_float64_input_gives_a_float32_weight_the_gradient_d_transpose_x_in_its_layout(order):
    # the engine offers the spare float32 gradient as out=; the float64 product cannot go there,
    # so the weight gradient is made afresh and cast once, on every step, in either layout
    gn.manual_seed(0)
    layer = nn.Linear(90, 64)
    layer.weight.data = np.array(layer.weight.data, order=order)
    rng = np.random.default_rng(0)
    for _ in range(3):
        layer.zero_grad()  # the old gradients are kept aside as spares for backward to offer
        x = rng.standard_normal((16, 90))
        y = layer(gn.Tensor(x))
        g = rng.standard_normal(y.shape)
        y.backward(g)
        assert y.dtype == np.float64 and layer.weight.grad.dtype == np.float32
        assert layer.weight.grad.numpy().strides == layer.weight.numpy().strides
        np.testing.assert_allclose(layer.weight.grad.numpy(), g.T @ x, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(layer.bias.grad.numpy(), g.sum(axis=0), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("order", ["F", "C"])
@pytest.mark.parametrize("input_dtype", [np.float32, np.float64])
def test_a_weight_gradient_above_the_matmul_size_is_d_transpose_x_in_its_layout(order, input_dtype):
    # weights of MATMUL_MIN_SIZE elements or more get their gradient from np.matmul instead of dot,
    # into the spare gradient (steps 2 and 3, float32 input) or into a new array (float64 input)
    from glassnet.ops.nn_ops import MATMUL_MIN_SIZE

    gn.manual_seed(1)
    layer = nn.Linear(300, 128)
    assert layer.weight.numel() >= MATMUL_MIN_SIZE
    layer.weight.data = np.array(layer.weight.data, order=order)
    rng = np.random.default_rng(1)
    for _ in range(3):
        layer.zero_grad()
        x = rng.standard_normal((24, 300)).astype(input_dtype)
        y = layer(gn.Tensor(x))
        g = rng.standard_normal(y.shape).astype(input_dtype)
        y.backward(g)
        grad = layer.weight.grad.numpy()
        assert grad.dtype == np.float32 and grad.strides == layer.weight.numpy().strides
        np.testing.assert_allclose(grad, g.astype(np.float64).T @ x.astype(np.float64), rtol=1e-4, atol=1e-4)
