"""The backward pass writes a parameter's new gradient into the array zero_grad() set aside,
and only when nothing outside still holds that array."""
import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.backward import SPARE_MIN_SIZE


def model_and_batch(seed=0):
    gn.manual_seed(seed)
    model = nn.Sequential(nn.Linear(80, 64), nn.ReLU(), nn.Linear(64, 70))  # weights above SPARE_MIN_SIZE
    rng = np.random.default_rng(seed)
    return model, rng.standard_normal((8, 80)).astype(np.float32), rng.integers(0, 70, 8)


def gradients_of(model, x, y):
    loss = nn.CrossEntropyLoss()(model(gn.Tensor(x)), y)
    loss.backward()
    return [p.grad.numpy().copy() for p in model.parameters()]


def hand_gradients(model, x, y):
    """dL/dW1, dL/db1, dL/dW2, dL/db2 of mean cross-entropy for Linear-ReLU-Linear, by hand in float64."""
    W1, b1, W2, b2 = (p.numpy().astype(np.float64) for p in model.parameters())
    x = x.astype(np.float64)
    h = np.maximum(x @ W1.T + b1, 0)
    z = h @ W2.T + b2
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    dz = p
    dz[np.arange(len(y)), y] -= 1
    dz /= len(y)                              # dL/dz = (softmax - onehot) / N
    dh = (dz @ W2) * (h > 0)                  # back through W2 and the ReLU
    return [dh.T @ x, dh.sum(axis=0), dz.T @ h, dz.sum(axis=0)]


def fresh_gradients(model, x, y):
    """The same gradients computed with no spare arrays around: the reference."""
    for p in model.parameters():
        p.grad = None
        p._spare_grad = None
    return gradients_of(model, x, y)


def test_zero_grad_then_backward_reuses_the_gradient_arrays():
    model, x, y = model_and_batch()
    optimizer = gn.optim.SGD(model.parameters(), lr=0.1)
    gradients_of(model, x, y)
    large = [p for p in model.parameters() if p.numel() >= SPARE_MIN_SIZE]
    assert len(large) == 2

    def addresses():
        return [p.grad.numpy().__array_interface__["data"][0] for p in large]

    before = addresses()
    optimizer.zero_grad()
    x2 = x[::-1].copy()
    new = gradients_of(model, x2, y)
    assert addresses() == before
    for got, by_hand in zip(new, hand_gradients(model, x2, y)):
        np.testing.assert_allclose(got, by_hand, rtol=1e-4, atol=1e-6)
    for got, expected in zip(new, fresh_gradients(model, x2, y)):
        np.testing.assert_array_equal(got, expected)


def test_a_gradient_the_user_kept_is_never_overwritten():
    model, x, y = model_and_batch(1)
    gradients_of(model, x, y)
    kept_tensor = model[0].weight.grad          # the user holds the tensor ...
    kept_array = model[2].weight.grad.numpy()   # ... or just its array
    before = kept_tensor.numpy().copy(), kept_array.copy()
    model.zero_grad()
    gradients_of(model, 2 * x, y[::-1].copy())
    np.testing.assert_array_equal(kept_tensor.numpy(), before[0])
    np.testing.assert_array_equal(kept_array, before[1])
    assert model[0].weight.grad is not kept_tensor and model[2].weight.grad.numpy() is not kept_array


def test_without_zero_grad_gradients_still_accumulate():
    model, x, y = model_and_batch(2)
    first = gradients_of(model, x, y)
    second = gradients_of(model, x, y)
    for a, b in zip(first, second):
        np.testing.assert_allclose(b, 2 * a, rtol=1e-6)


def test_fit_matches_a_hand_loop_that_never_reuses_memory():
    model, x, y = model_and_batch(3)
    twin, _, _ = model_and_batch(3)
    gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1), x, y, epochs=5, batch_size=4,
           shuffle=False, progress=False)
    optimizer = gn.optim.SGD(twin.parameters(), lr=0.1)
    for _ in range(5):
        for start in (0, 4):
            for p in twin.parameters():
                p.grad = None
            nn.CrossEntropyLoss()(twin(gn.Tensor(x[start:start + 4])), y[start:start + 4]).backward()
            optimizer.step()
    for a, b in zip(model.parameters(), twin.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    by_hand, _, _ = model_and_batch(3)  # the same ten steps with gradients computed by hand in NumPy
    for _ in range(5):
        for start in (0, 4):
            for p, grad in zip(by_hand.parameters(), hand_gradients(by_hand, x[start:start + 4], y[start:start + 4])):
                p.data = (p.numpy() - 0.1 * grad).astype(np.float32)
    for a, b in zip(model.parameters(), by_hand.parameters()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-6)


def test_a_backward_that_fails_leaves_nothing_behind_for_the_next():
    w = gn.nn.Parameter(np.array([1.0, 2.0]))
    a = w * 2.0
    (a * 3.0).sum().backward()  # frees the graph through a
    with pytest.raises(RuntimeError, match="already freed"):
        ((a * 4.0) + (w * 5.0)).sum().backward()  # w receives its share before the walk reaches a
    w.grad = None
    (w * 1.0).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [1.0, 1.0])


def test_a_float64_input_to_a_float32_layer_gets_the_same_gradient_with_or_without_a_spare():
    model, x, y = model_and_batch(4)
    x64 = x.astype(np.float64)
    gradients_of(model, x64, y)
    model.zero_grad()  # spares are float32; this backward's products are float64
    with_spares = gradients_of(model, x64, y)
    for got, expected in zip(with_spares, fresh_gradients(model, x64, y)):
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, expected)


def small_model_and_optimizer():
    gn.manual_seed(4)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2))  # every parameter below SPARE_MIN_SIZE
    return model, gn.optim.SGD(model.parameters(), lr=0.1)


def test_a_small_gradient_tensor_nobody_kept_is_reused_with_the_new_gradient():
    model, optimizer = small_model_and_optimizer()
    x, y = np.array([[0.5, -1.0], [2.0, 0.25]], np.float32), np.array([1, 0])
    gradients_of(model, x, y)
    tensors = [id(p.grad) for p in model.parameters()]
    optimizer.zero_grad()
    new = gradients_of(model, 2 * x, y[::-1].copy())
    assert [id(p.grad) for p in model.parameters()] == tensors  # no new .grad tensors ...
    for got, by_hand in zip(new, hand_gradients(model, 2 * x, y[::-1].copy())):
        np.testing.assert_allclose(got, by_hand, rtol=1e-5, atol=1e-7)  # ... the gradients worked by hand ...
    for got, expected in zip(new, fresh_gradients(model, 2 * x, y[::-1].copy())):
        np.testing.assert_array_equal(got, expected)  # ... and exactly those of a fresh backward


def test_a_small_gradient_tensor_the_user_kept_is_never_overwritten():
    model, optimizer = small_model_and_optimizer()
    x, y = np.array([[0.5, -1.0], [2.0, 0.25]], np.float32), np.array([1, 0])
    gradients_of(model, x, y)
    kept = model[0].weight.grad
    before = kept.numpy().copy()
    optimizer.zero_grad()
    gradients_of(model, 2 * x, y[::-1].copy())
    assert model[0].weight.grad is not kept
    np.testing.assert_array_equal(kept.numpy(), before)
    assert not np.array_equal(model[0].weight.grad.numpy(), before)


def test_the_implicit_unit_gradient_is_never_shared_with_a_stored_grad():
    # dL/dL = 1 is one read-only array per dtype; a scalar leaf or retained root must get its own copy
    x = gn.nn.Parameter(np.array(2.0, dtype=np.float32))
    x.backward()
    x.grad.data[...] = 5.0  # writing into one .grad must not change the next backward's 1
    y = gn.nn.Parameter(np.array(3.0, dtype=np.float32))
    z = y * 2
    z.retain_grad()
    z.backward()
    assert z.grad.item() == 1.0 and y.grad.item() == 2.0
    z.grad.data[...] = 7.0
    x.backward()  # accumulates: 5 + 1
    assert x.grad.item() == 6.0
