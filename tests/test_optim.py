"""Optimizers against hand-computed updates on L(w) = w0² + 2·w1², whose gradient is (2·w0, 4·w1)."""
import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import optim

START = (1.0, -2.0)


def gradient(w):
    return [2 * w[0], 4 * w[1]]


def run(optimizer_cls, steps=3, **kwargs):
    w = gn.nn.Parameter(np.array(START))
    optimizer = optimizer_cls([w], **kwargs)
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        (w[0] ** 2 + 2 * w[1] ** 2).backward()
        optimizer.step()
        trajectory.append(w.data.copy())
    return np.array(trajectory)


def test_sgd_hand_worked():
    # w ← w − 0.1·g: (1, −2) → (0.8, −1.2) → (0.64, −0.72) → (0.512, −0.432)
    np.testing.assert_allclose(run(optim.SGD, lr=0.1), [[0.8, -1.2], [0.64, -0.72], [0.512, -0.432]], atol=1e-12)


def test_sgd_momentum_hand_worked():
    # b1 = g1 = (2, −8); w1 = (0.8, −1.2); g2 = (1.6, −4.8), b2 = 0.9·b1 + g2 = (3.4, −12), w2 = (0.46, 0)
    # g3 = (0.92, 0), b3 = (3.98, −10.8), w3 = (0.062, 1.08)
    np.testing.assert_allclose(run(optim.SGD, lr=0.1, momentum=0.9), [[0.8, -1.2], [0.46, 0.0], [0.062, 1.08]], atol=1e-12)


def test_sgd_nesterov_and_weight_decay():
    lr, mu, wd = 0.1, 0.9, 0.5
    w, b, expected = list(START), None, []
    for _ in range(3):
        g = [gi + wd * wi for gi, wi in zip(gradient(w), w)]
        b = g if b is None else [mu * bi + gi for bi, gi in zip(b, g)]
        w = [wi - lr * (gi + mu * bi) for wi, gi, bi in zip(w, g, b)]
        expected.append(w)
    np.testing.assert_allclose(run(optim.SGD, lr=lr, momentum=mu, nesterov=True, weight_decay=wd), expected, atol=1e-12)


def test_sgd_maximize_climbs():
    np.testing.assert_allclose(run(optim.SGD, steps=1, lr=0.1, maximize=True), [[1.2, -2.8]], atol=1e-12)


def _adam_reference(lr, b1, b2, eps, wd=0.0, decoupled=False, amsgrad=False):
    w, m, v, vmax, expected = list(START), [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], []
    for t in range(1, 4):
        g = gradient(w)
        if wd and decoupled:
            w = [wi * (1 - lr * wd) for wi in w]
        elif wd:
            g = [gi + wd * wi for gi, wi in zip(g, w)]
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
        vmax = [max(a, b) for a, b in zip(vmax, v)]
        used = vmax if amsgrad else v
        w = [wi - lr / (1 - b1**t) * mi / (math.sqrt(vi / (1 - b2**t)) + eps) for wi, mi, vi in zip(w, m, used)]
        expected.append(w)
    return expected


def test_adam_first_step_is_lr_times_sign():
    # after one step m̂ = g and v̂ = g², so the step is lr·g/|g| = lr·sign(g) (up to ε)
    np.testing.assert_allclose(run(optim.Adam, steps=1, lr=0.1), [[0.9, -1.9]], atol=1e-7)


@pytest.mark.parametrize("kwargs", [dict(), dict(weight_decay=0.3), dict(amsgrad=True, betas=(0.8, 0.9))])
def test_adam_matches_reference(kwargs):
    b1, b2 = kwargs.get("betas", (0.9, 0.999))
    expected = _adam_reference(0.1, b1, b2, 1e-8, kwargs.get("weight_decay", 0.0), amsgrad=kwargs.get("amsgrad", False))
    np.testing.assert_allclose(run(optim.Adam, lr=0.1, **kwargs), expected, atol=1e-12)


def test_adamw_decouples_weight_decay():
    expected = _adam_reference(0.1, 0.9, 0.999, 1e-8, wd=0.2, decoupled=True)
    np.testing.assert_allclose(run(optim.AdamW, lr=0.1, weight_decay=0.2), expected, atol=1e-12)
    assert optim.AdamW([gn.nn.Parameter(np.zeros(1))]).defaults["weight_decay"] == 1e-2


@pytest.mark.parametrize("momentum,centered", [(0.0, False), (0.9, True)])
def test_rmsprop_matches_reference(momentum, centered):
    lr, alpha, eps = 0.01, 0.99, 1e-8
    w, s, avg, buf, expected = list(START), [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], []
    for _ in range(3):
        g = gradient(w)
        s = [alpha * si + (1 - alpha) * gi * gi for si, gi in zip(s, g)]
        avg = [alpha * ai + (1 - alpha) * gi for ai, gi in zip(avg, g)]
        d = [math.sqrt(si - ai * ai if centered else si) + eps for si, ai in zip(s, avg)]
        if momentum:
            buf = [momentum * bi + gi / di for bi, gi, di in zip(buf, g, d)]
            w = [wi - lr * bi for wi, bi in zip(w, buf)]
        else:
            w = [wi - lr * gi / di for wi, gi, di in zip(w, g, d)]
        expected.append(w)
    np.testing.assert_allclose(run(optim.RMSprop, lr=lr, momentum=momentum, centered=centered), expected, atol=1e-12)


def test_adagrad_matches_reference():
    lr, decay, eps = 0.5, 0.1, 1e-10
    w, total, expected = list(START), [0.1, 0.1], []
    for t in range(1, 4):
        g = gradient(w)
        total = [si + gi * gi for si, gi in zip(total, g)]
        w = [wi - lr / (1 + (t - 1) * decay) * gi / (math.sqrt(si) + eps) for wi, gi, si in zip(w, g, total)]
        expected.append(w)
    np.testing.assert_allclose(run(optim.Adagrad, lr=lr, lr_decay=decay, initial_accumulator_value=0.1), expected, atol=1e-12)


def test_param_groups_read_and_set_learning_rate():
    w = gn.nn.Parameter(np.array(START))
    optimizer = optim.SGD([w], lr=0.1)
    assert optimizer.param_groups[0]["lr"] == 0.1
    optimizer.param_groups[0]["lr"] = 0.5
    (w[0] ** 2 + 2 * w[1] ** 2).backward()
    optimizer.step()
    np.testing.assert_allclose(w.data, [0.0, 2.0])


def test_per_group_options():
    a, b = gn.nn.Parameter(np.array([1.0])), gn.nn.Parameter(np.array([1.0]))
    optimizer = optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1)
    (a * 1.0 + b * 1.0).sum().backward()
    optimizer.step()
    assert a.data[0] == pytest.approx(0.9) and b.data[0] == pytest.approx(0.0)


@pytest.mark.parametrize("cls,kwargs,match", [
    (optim.SGD, dict(lr=-1.0), "lr"),
    (optim.SGD, dict(lr=0.1, momentum=-0.5), "momentum"),
    (optim.SGD, dict(lr=0.1, nesterov=True), "nesterov"),
    (optim.Adam, dict(betas=(1.2, 0.9)), r"betas\[0\]"),
    (optim.Adam, dict(lr=float("nan")), "lr"),
    (optim.RMSprop, dict(alpha=-0.1), "alpha"),
    (optim.RMSprop, dict(alpha=2.0), r"alpha must be in \[0.0, 1.0\]"),  # 1 − α < 0 made every weight NaN
    (optim.SGD, dict(lr=0.1, mommentum=0.9), "mommentum"),
])
def test_bad_hyperparameters_are_named(cls, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        cls([gn.nn.Parameter(np.zeros(2))], **kwargs)


def test_empty_or_wrong_params_are_clear_errors():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="iterable of tensors"):
        optim.SGD(gn.nn.Parameter(np.zeros(2)), lr=0.1)


def test_optimizer_state_dict_round_trip_continues_identically():
    first = run(optim.Adam, steps=3, lr=0.1)
    w = gn.nn.Parameter(np.array(START))
    opt = optim.Adam([w], lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        (w[0] ** 2 + 2 * w[1] ** 2).backward()
        opt.step()
    saved, saved_w = opt.state_dict(), w.data.copy()
    w2 = gn.nn.Parameter(saved_w)
    opt2 = optim.Adam([w2], lr=0.1)
    opt2.load_state_dict(saved)
    (w2[0] ** 2 + 2 * w2[1] ** 2).backward()
    opt2.step()
    np.testing.assert_array_equal(w2.data, first[2])


def _stepped(optimizer_cls, shape, **kwargs):
    w = gn.nn.Parameter(np.ones(shape))
    optimizer = optimizer_cls([w], lr=0.1, **kwargs)
    (w * w).sum().backward()
    optimizer.step()
    return optimizer


@pytest.mark.parametrize("saved, error, match", [
    (lambda: _stepped(optim.Adam, (7, 4)).state_dict(), gn.ShapeError,
     r"state 'exp_avg' of parameter 0 has shape \(7, 4\), but the parameter has shape \(3, 4\)"),
    (lambda: _stepped(optim.SGD, (3, 4), momentum=0.9).state_dict(), ValueError,
     r"group 0 has options \['dampening', 'momentum', 'nesterov'\] that Adam does not have.*another optimizer"),
    (lambda: {**_stepped(optim.Adam, (3, 4)).state_dict(),
              "param_groups": [{**_stepped(optim.Adam, (3, 4)).state_dict()["param_groups"][0], "lr": -5.0}]},
     ValueError, "lr must be"),
    (lambda: {"state": {3: {}}, "param_groups": _stepped(optim.Adam, (3, 4)).state_dict()["param_groups"]},
     ValueError, r"state for parameter 3, but this optimizer has parameters 0..0"),
    (lambda: None, TypeError, "expected the dict with 'state' and 'param_groups'"),
])
def test_an_optimizer_state_that_does_not_fit_is_refused_and_changes_nothing(saved, error, match):
    # (a 0-d array, such as a step count kept as PyTorch keeps it, is a number and loads: see below)
    optimizer = _stepped(optim.Adam, (3, 4), betas=(0.8, 0.9))
    before = optimizer.state_dict()
    with pytest.raises(error, match=match):
        optimizer.load_state_dict(saved())
    after = optimizer.state_dict()
    assert after["param_groups"] == before["param_groups"]
    np.testing.assert_array_equal(after["state"][0]["exp_avg"], before["state"][0]["exp_avg"])


def test_clip_grad_norm_returns_norm_before_clipping():
    a, b = gn.nn.Parameter(np.zeros(2)), gn.nn.Parameter(np.zeros(1))
    a.grad, b.grad = gn.tensor(np.array([3.0, 0.0])), gn.tensor(np.array([4.0]))
    total = optim.clip_grad_norm_([a, b], max_norm=1.0)
    assert total == pytest.approx(5.0) and total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad.data, [3 / (5 + 1e-6), 0.0])
    np.testing.assert_allclose(np.sqrt(np.sum(a.grad.data**2) + np.sum(b.grad.data**2)), 1.0, rtol=1e-6)
    assert optim.clip_grad_norm_([a, b], max_norm=10.0) == pytest.approx(1.0, rel=1e-5)  # no change below
    a.grad = gn.tensor(np.array([np.inf, 0.0]))
    with pytest.raises(RuntimeError, match="not finite"):
        optim.clip_grad_norm_([a], 1.0, error_if_nonfinite=True)


def test_clip_grad_value():
    a = gn.nn.Parameter(np.zeros(3))
    a.grad = gn.tensor(np.array([-5.0, 0.5, 7.0]))
    optim.clip_grad_value_([a], 1.0)
    np.testing.assert_array_equal(a.grad.data, [-1.0, 0.5, 1.0])


def test_plain_sgd_updates_every_dtype_and_size_in_place():
    # one group mixing float32 and float64 parameters, below and above the size where axpy takes over:
    # each must become W - lr·g in its own dtype, in its own memory
    rng = np.random.default_rng(3)
    shapes_dtypes = [((3, 2), np.float32), ((3,), np.float64), ((100, 50), np.float32), ((70, 70), np.float64),
                     ((2,), np.float32)]
    params = [gn.nn.Parameter(rng.normal(size=shape).astype(dtype)) for shape, dtype in shapes_dtypes]
    grads = [rng.normal(size=shape).astype(dtype) for shape, dtype in shapes_dtypes]
    before = [p.data.copy() for p in params]
    arrays = [p.data for p in params]
    optimizer = optim.SGD(params, lr=0.3)
    for p, g in zip(params, grads):
        p.grad = gn.Tensor(g)
    optimizer.step()
    for p, array, w, g in zip(params, arrays, before, grads):
        assert p.data is array and p.data.dtype == w.dtype
        expected = w.astype(np.float64) - 0.3 * g.astype(np.float64)
        tolerance = 1e-6 if w.dtype == np.float32 else 1e-14
        np.testing.assert_allclose(p.data, expected, rtol=tolerance, atol=tolerance)


def test_plain_sgd_follows_every_change_of_the_learning_rate():
    # SGD keeps -lr as a 0-d array per (lr, dtype) between steps: a changed lr, a return to an earlier
    # one and an unhashable one (a 0-d array, which a schedule might write) must each take effect.
    # L = 0.5·Σw², so g = w and each step is w ← (1 − lr)·w
    w = gn.nn.Parameter(np.array([2.0, -4.0], dtype=np.float32))
    optimizer = optim.SGD([w], lr=0.1)
    expected = np.array([2.0, -4.0])
    for lr in (0.1, 0.5, 0.1, np.array(0.25), 0.75):
        optimizer.param_groups[0]["lr"] = lr
        optimizer.zero_grad()
        (0.5 * (w * w).sum()).backward()
        optimizer.step()
        expected = (1 - float(lr)) * expected
        np.testing.assert_allclose(w.data, expected, rtol=1e-6)


@pytest.mark.parametrize("call,match", [
    (lambda P: optim.Adam(P, betas=0.9), r"Adam: betas must be a pair \(beta1, beta2\), got 0.9"),
    (lambda P: optim.SGD(5, lr=0.1), "SGD: params must be an iterable of tensors .* got int"),
    (lambda P: optim.SGD([{"lr": 0.1}]), "SGD: a parameter group must be a dict with a 'params' entry"),
    (lambda P: optim.clip_grad_norm_(P, "1"), "clip_grad_norm_: max_norm must be a number >= 0, got '1'"),
    (lambda P: optim.clip_grad_norm_(P, None), "max_norm must be a number >= 0, got None"),
    (lambda P: optim.clip_grad_norm_(P, 1.0, norm_type=0), "norm_type must be a number > 0"),
    (lambda P: optim.clip_grad_value_(P, "1"), "clip_grad_value_: clip_value must be a finite number >= 0"),
])
def test_bad_optimizer_and_clipping_arguments_are_named(call, match):
    parameters = list(gn.nn.Linear(2, 2).parameters())
    with pytest.raises((TypeError, ValueError), match=match):
        call(parameters)


def test_a_step_count_held_as_a_zero_dimensional_array_loads():
    state = _stepped(optim.Adam, (3, 4)).state_dict()
    state["state"][0]["step"] = np.array(1)
    optimizer = _stepped(optim.Adam, (3, 4))
    optimizer.load_state_dict(state)
    assert int(optimizer.state_dict()["state"][0]["step"]) == 1


@pytest.mark.parametrize("make", [
    lambda p, lr: optim.Adam([p], lr=lr, betas=(np.float64(0.9), 0.999)),
    lambda p, lr: optim.RMSprop([p], lr=lr, alpha=np.float64(0.9)),
    lambda p, lr: optim.SGD([p], lr=lr, momentum=np.float64(0.9), weight_decay=np.float64(1e-2)),
    lambda p, lr: optim.Adagrad([p], lr=lr),
])
def test_numpy_float64_hyperparameters_keep_a_float32_update_in_float32(make):
    # NumPy 2 promotes float32 arrays with np.float64 scalars to float64; PyTorch treats any number as weak
    def train(number):
        p = gn.Tensor(np.linspace(-1, 1, 50).astype(np.float32), requires_grad=True)
        optimizer = make(p, number(1e-3))
        for _ in range(4):
            optimizer.zero_grad()
            ((p * p).sum() * 3.7).backward()
            optimizer.step()
        return p.data.copy()

    np.testing.assert_array_equal(train(np.float64), train(float))
    p = gn.Tensor(np.ones(2, np.float32), requires_grad=True)
    optimizer = make(p, 1e-3)
    optimizer.param_groups[0]["lr"] = np.float64(1e-2)  # set by hand, e.g. from np.logspace
    (p * p).sum().backward()
    optimizer.step()
    assert type(optimizer.param_groups[0]["lr"]) is float and p.dtype == np.float32
