"""A Linear layer writes its output and its backward arrays into those of its previous call, but
only once nothing holds them: every value a user or a graph can still read stays as it was."""
import copy
import pickle

import numpy as np
import pytest

import glassnet as gn
from glassnet import functional as F, nn
from glassnet.ops import workspace
from glassnet.ops.workspace import MIN_SIZE, Workspace

ROWS = 512  # 512 x 128 inputs and 512 x 256 outputs: at or above the workspace's MIN_SIZE
assert ROWS * 128 >= MIN_SIZE


def test_an_array_is_handed_out_again_only_when_nothing_else_holds_it():
    space = Workspace()
    first = space.empty("a", (4, 3), np.float32)
    assert space.empty("a", (4, 3), np.float32) is not first  # `first` still holds it
    kept = space.empty("a", (4, 3), np.float32)
    view = kept[1:]
    assert space.empty("a", (4, 3), np.float32) is not kept  # a view holds it through its base
    del first, kept, view
    address = space.empty("a", (4, 3), np.float32).ctypes.data  # dropped at the end of the line
    assert space.empty("a", (4, 3), np.float32).ctypes.data == address
    assert space.empty("a", (4, 3), np.float64).dtype == np.float64  # another dtype: a new array
    assert space.empty("a", (5, 3), np.float64).shape == (5, 3)  # another shape: a new array
    assert space.empty("b", (2,), np.float32).flags.c_contiguous and len(space) == 2
    space.clear()
    assert len(space) == 0


def mlp(seed=0):
    gn.manual_seed(seed)
    return nn.Sequential(nn.Linear(128, 256), nn.ReLU(), nn.Linear(256, 128), nn.Tanh(), nn.Linear(128, 10))


def batch(seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((ROWS, 128)).astype(np.float32), rng.integers(0, 10, ROWS)


def hand_step(params, x, y, lr):
    """One SGD step of the same network in float64, written out by hand with fresh arrays."""
    (W1, b1), (W2, b2), (W3, b3) = params
    h1 = np.maximum(x @ W1.T + b1, 0)
    h2 = np.tanh(h1 @ W2.T + b2)
    z = h2 @ W3.T + b3
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    d3 = p / len(y)
    d2 = (d3 @ W3) * (1 - h2 * h2)
    d1 = (d2 @ W2) * (h1 > 0)
    grads = [(d1.T @ x, d1.sum(0)), (d2.T @ h1, d2.sum(0)), (d3.T @ h2, d3.sum(0))]
    return [(W - lr * gW, b - lr * gb) for (W, b), (gW, gb) in zip(params, grads)]


def test_training_with_reused_arrays_matches_a_hand_loop_with_fresh_ones():
    model = mlp()
    layers = [model[0], model[2], model[4]]
    params = [(layer.weight.data.astype(np.float64), layer.bias.data.astype(np.float64)) for layer in layers]
    optimizer = gn.optim.SGD(model.parameters(), lr=0.5)
    for step in range(4):
        x, y = batch(step)
        optimizer.zero_grad()
        F.cross_entropy(model(gn.Tensor(x)), y).backward()
        optimizer.step()
        params = hand_step(params, x.astype(np.float64), y, 0.5)
    for layer, (W, b) in zip(layers, params):
        np.testing.assert_allclose(layer.weight.data, W, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(layer.bias.data, b, rtol=1e-4, atol=1e-5)
    assert len(model[0]._workspace) >= 3  # output, slope, dL/dz were kept for the next step
    # the Tanh layer's dL/dz went into its f'(z) array (a ReLU mask is bool and cannot hold it)
    assert sorted(model[2]._workspace._arrays) == ["grad_input", "output", "slope"]
    assert sorted(model[0]._workspace._arrays) == ["grad_output", "output", "slope"]


def test_the_output_array_is_reused_once_the_previous_output_is_dropped():
    model = mlp()
    x = gn.Tensor(batch(0)[0])
    address = model[0](x).data.ctypes.data  # the tensor is dropped at the end of the line
    assert model[0](x).data.ctypes.data == address
    kept = model[0](x)
    values = kept.data.copy()
    other = model[0](gn.Tensor(batch(1)[0]))
    assert not np.shares_memory(kept.data, other.data)
    np.testing.assert_array_equal(kept.data, values)


def test_outputs_kept_across_calls_are_never_overwritten():
    model = mlp()
    inputs = [gn.Tensor(batch(seed)[0]) for seed in range(3)]
    with gn.no_grad():
        outputs = [model(x) for x in inputs] + [model[0](x) for x in inputs]  # the first layer's: workspace-sized
        alone = [mlp()(x).data for x in inputs] + [mlp()[0](x).data for x in inputs]  # each from a model of its own
    for out, expected in zip(outputs, alone):
        np.testing.assert_array_equal(out.data, expected)


def test_two_graphs_alive_at_once_give_the_gradient_of_their_sum():
    model, reference = mlp(), mlp()
    (x1, y1), (x2, y2) = batch(1), batch(2)
    loss = F.cross_entropy(model(gn.Tensor(x1)), y1)
    loss = loss + F.cross_entropy(model(gn.Tensor(x2)), y2)
    loss.backward()
    both = np.concatenate([x1, x2]), np.concatenate([y1, y2])
    (2 * F.cross_entropy(reference(gn.Tensor(both[0])), both[1])).backward()
    for got, expected in zip(model.parameters(), reference.parameters()):
        np.testing.assert_allclose(got.grad.data, expected.grad.data, rtol=1e-4, atol=1e-6)


def test_a_retained_graph_gives_the_same_gradient_twice_after_another_step():
    model = mlp()
    x, y = batch(3)
    loss = F.cross_entropy(model(gn.Tensor(x)), y)
    loss.backward(retain_graph=True)
    first = [p.grad.data.copy() for p in model.parameters()]
    model.zero_grad()
    F.cross_entropy(model(gn.Tensor(batch(4)[0])), batch(4)[1]).backward()  # a step in between
    model.zero_grad()
    loss.backward()
    for p, expected in zip(model.parameters(), first):
        np.testing.assert_allclose(p.grad.data, expected, rtol=1e-6, atol=1e-7)


def test_an_input_gradient_the_user_kept_is_never_overwritten():
    model = mlp()
    grads = []
    for seed in range(2):
        x = gn.Tensor(batch(seed)[0], requires_grad=True)
        model[0](x).sum().backward()
        grads.append((x.grad, x.grad.data.copy()))
    for grad, values in grads:
        np.testing.assert_array_equal(grad.data, values)
    assert not np.shares_memory(grads[0][0].data, grads[1][0].data)


HAND_ACTIVATIONS = {  # f(z) and f'(z) from z, in float64
    nn.ReLU: (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
    nn.Sigmoid: (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    nn.Tanh: (np.tanh, lambda z: 1 / np.cosh(z) ** 2),
}


@pytest.mark.parametrize("activation", list(HAND_ACTIVATIONS))
def test_each_fused_activation_matches_its_derivative_worked_by_hand(activation):
    gn.manual_seed(5)
    layer = nn.Linear(128, 256)
    fused = nn.Sequential(layer, activation())
    x = gn.Tensor(batch(5)[0], requires_grad=True)
    for _ in range(2):  # the second pass writes into the first pass's arrays
        x.grad = None
        fused.zero_grad()
        out = fused(x)
        (out * out).sum().backward()
    f, slope = HAND_ACTIVATIONS[activation]
    x64, W, b = (a.astype(np.float64) for a in (batch(5)[0], layer.weight.data, layer.bias.data))
    z = x64 @ W.T + b
    h = f(z)
    dz = 2 * h * slope(z)  # d/dz sum(f(z)^2) = 2 f(z) f'(z)
    for got, expected in zip([out.data, x.grad.data, layer.weight.grad.data], [h, dz @ W, dz.T @ x64]):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("activation", list(HAND_ACTIVATIONS))
def test_a_retained_output_gradient_is_never_overwritten_by_dl_dz(activation):
    """dL/dz goes into the op's own arrays, never into dL/dh, which a retained .grad may hold."""
    gn.manual_seed(6)
    fused = nn.Sequential(nn.Linear(128, 256), activation())
    upstream = np.random.default_rng(6).standard_normal((ROWS, 256)).astype(np.float32)
    for _ in range(2):  # the second pass writes into the first pass's arrays
        fused.zero_grad()
        out = fused(gn.Tensor(batch(6)[0]))
        out.retain_grad()
        (out * upstream).sum().backward()
        np.testing.assert_array_equal(out.grad.data, upstream)


def test_a_copied_layer_starts_with_an_empty_workspace_of_its_own():
    model = mlp()
    model(gn.Tensor(batch(0)[0]))
    twin = copy.deepcopy(model)
    assert len(twin[0]._workspace) == 0 and twin[0]._workspace is not model[0]._workspace
    np.testing.assert_array_equal(twin(gn.Tensor(batch(0)[0])).data, model(gn.Tensor(batch(0)[0])).data)


def test_a_pickled_layer_starts_with_an_empty_workspace():
    model = mlp()
    x = gn.Tensor(batch(0)[0])
    expected = model(x).data.copy()
    assert len(model[0]._workspace) == 1
    restored = pickle.loads(pickle.dumps(model))
    assert len(restored[0]._workspace) == 0
    np.testing.assert_array_equal(restored(x).data, expected)


def test_an_array_above_the_largest_size_is_handed_out_but_not_kept(monkeypatch):
    monkeypatch.setattr(workspace, "MAX_SIZE", ROWS * 256 - 1)  # the first layer's 512 x 256 output is above it
    model = mlp()
    with gn.no_grad():
        hidden = model[0](gn.Tensor(batch(0)[0]))
        assert len(model[0]._workspace) == 0
        model[2](hidden)  # 512 x 128: kept
    assert len(model[2]._workspace) == 1


def test_a_fused_layer_on_3d_input_keeps_the_arrays_of_its_large_output():
    # x (2, 1000, 4) is small, but h = relu(x W^T + b) has 2·1000·64 elements: f'(z) and dL/dz are kept
    # in the layer's workspace (the small-layer shortcut must look at h's size, not at x.shape[0]),
    # and the weight gradient still equals Σ (g · 1[z > 0])ᵀ x worked in float64
    rng = np.random.default_rng(0)
    layer = nn.Linear(4, 64, generator=1)
    model = nn.Sequential(layer, nn.ReLU())
    x = rng.normal(size=(2, 1000, 4)).astype(np.float32)
    model(gn.Tensor(x)).sum().backward()
    assert len(layer._workspace) == 2
    z = x.astype(np.float64) @ layer.weight.data.T.astype(np.float64) + layer.bias.data
    expected = ((z > 0).reshape(-1, 64)).T @ x.reshape(-1, 4).astype(np.float64)
    np.testing.assert_allclose(layer.weight.grad.data, expected, rtol=1e-4, atol=1e-3)
