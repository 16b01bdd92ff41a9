"""Activations and losses: values by hand, gradients by finite differences and by HIPS autograd."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad as autograd_grad
from autograd.scipy.special import erf as autograd_erf

import glassnet as gn
import glassnet.functional as F


def t64(array, grad=True):
    return gn.Tensor(np.asarray(array, dtype=np.float64), requires_grad=grad)


def _log_softmax_reference(x, axis=-1):
    shifted = x - anp.max(x, axis=axis, keepdims=True)
    return shifted - anp.log(anp.sum(anp.exp(shifted), axis=axis, keepdims=True))


REFERENCES = {
    "relu": (F.relu, lambda x: anp.maximum(x, 0)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), lambda x: anp.where(x > 0, x, 0.1 * x)),
    "sigmoid": (F.sigmoid, lambda x: 1 / (1 + anp.exp(-x))),
    "tanh": (F.tanh, anp.tanh),
    "softmax": (F.softmax, lambda x: anp.exp(_log_softmax_reference(x))),
    "log_softmax": (F.log_softmax, _log_softmax_reference),
    "gelu": (F.gelu, lambda x: x * 0.5 * (1 + autograd_erf(x / anp.sqrt(2.0)))),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"),
                  lambda x: 0.5 * x * (1 + anp.tanh(anp.sqrt(2 / anp.pi) * (x + 0.044715 * x**3)))),
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_activation_matches_autograd(name, rng):
    ours, reference = REFERENCES[name]
    x_data = rng.uniform(-3, 3, size=(4, 5))
    x_data[np.abs(x_data) < 0.1] = 0.5  # keep away from the kinks of relu-like functions
    weights = rng.standard_normal((4, 5))
    x = t64(x_data)
    y = ours(x)
    np.testing.assert_allclose(y.data, reference(x_data), rtol=1e-10, atol=1e-12)
    (y * weights).sum().backward()
    expected = autograd_grad(lambda v: anp.sum(reference(v) * weights))(x_data)
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-6, atol=1e-12)
    gn.gradcheck(lambda v: ours(v), t64(x_data), atol=1e-7, rtol=1e-6)


def test_mse_loss_by_hand():
    prediction = t64([[1.0, 2.0], [3.0, 5.0]])
    target = np.array([[1.0, 0.0], [3.0, 3.0]])
    loss = F.mse_loss(prediction, target)
    assert loss.item() == pytest.approx((0 + 4 + 0 + 4) / 4)
    loss.backward()
    np.testing.assert_allclose(prediction.grad.data, 2 * (prediction.data - target) / 4)
    assert F.mse_loss(prediction, target, reduction="sum").item() == 8.0
    with pytest.raises(gn.ShapeError, match=r"\(2, 2\).*\(4,\)"):
        F.mse_loss(prediction, np.zeros(4))


def test_cross_entropy_labels_by_hand_and_against_autograd(rng):
    logits = rng.standard_normal((6, 4))
    labels = np.array([0, 3, 1, 1, 2, 0])
    x = t64(logits)
    loss = F.cross_entropy(x, labels)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    assert loss.item() == pytest.approx(-log_p[np.arange(6), labels].mean(), rel=1e-12)
    loss.backward()
    expected = autograd_grad(lambda z: -anp.mean(_log_softmax_reference(z, 1)[np.arange(6), labels]))(logits)
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-9)


@pytest.mark.parametrize("classes", [2, 10, 64, 65, 200])
def test_cross_entropy_is_the_same_in_both_layouts_and_survives_a_second_backward(rng, classes):
    """Up to FEW_CLASSES classes the op works on the transposed logits, above on the logits as they
    are: either way the loss and gradient are autograd's, for every reduction, a second
    backward(retain_graph=True) adds the same gradient again, and the logits are left untouched."""
    from glassnet.ops.nn_ops import FEW_CLASSES

    assert (classes <= FEW_CLASSES) == (classes in (2, 10, 64))  # both layouts are covered
    logits = rng.standard_normal((7, classes)) * 3
    labels = rng.integers(0, classes, 7)
    weights = rng.uniform(0.5, 2.0, 7)  # per-sample weights make reduction="none" a scalar with uneven g
    reducers = {"mean": anp.mean, "sum": anp.sum, "none": lambda losses: anp.sum(losses * weights)}
    for reduction, reduce in reducers.items():
        def reference(z):
            return reduce(-_log_softmax_reference(z, 1)[np.arange(7), labels])

        x = t64(logits.copy())
        loss = F.cross_entropy(x, labels, reduction=reduction)
        scalar = (loss * weights).sum() if reduction == "none" else loss
        assert scalar.item() == pytest.approx(float(reference(logits)), rel=1e-12)
        scalar.backward(retain_graph=True)
        first = x.grad.data.copy()
        np.testing.assert_allclose(first, autograd_grad(reference)(logits), rtol=1e-9, atol=1e-15)
        scalar.backward()
        np.testing.assert_allclose(x.grad.data, 2 * first, rtol=1e-12)
        np.testing.assert_array_equal(x.data, logits)
        assert x.grad.data.flags.c_contiguous  # the leaf's own layout, whichever layout the op works in


def test_cross_entropy_with_probability_targets_equals_label_form(rng):
    logits = rng.standard_normal((5, 3))
    labels = np.array([2, 0, 1, 1, 0])
    onehot = np.eye(3)[labels]
    a, b = t64(logits), t64(logits)
    F.cross_entropy(a, labels).backward()
    F.cross_entropy(b, onehot).backward()
    np.testing.assert_allclose(a.grad.data, b.grad.data, rtol=1e-12)
    soft = rng.dirichlet(np.ones(3), size=5)
    gn.gradcheck(lambda z: F.cross_entropy(z, soft), t64(logits), atol=1e-7, rtol=1e-6)


def test_cross_entropy_is_stable_for_huge_logits():
    logits = t64([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]])
    loss = F.cross_entropy(logits, np.array([0, 0]))
    # row 0 is right with certainty (loss 0); row 1 is wrong by 2e4 nats
    assert loss.item() == pytest.approx((0 + 2e4) / 2)
    loss.backward()
    assert np.isfinite(logits.grad.data).all()
    np.testing.assert_allclose(logits.grad.data, [[0, 0, 0], [-0.5, 0.5, 0]], atol=1e-12)
    for dtype in ("float32", "float64"):
        assert np.isfinite(F.cross_entropy(gn.Tensor([[1e4, -1e4]], dtype=dtype), np.array([1])).item())


def test_cross_entropy_rejects_bad_labels():
    logits = t64(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"label 3 is out of range for 3 classes"):
        F.cross_entropy(logits, np.array([0, 3]))
    with pytest.raises(gn.ShapeError, match=r"\(2,\)"):
        F.cross_entropy(logits, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(logits, np.array([0, 1]), reduction="avg")


def test_binary_cross_entropy_forms_agree_with_autograd(rng):
    logits = rng.uniform(-4, 4, size=(7, 1))
    target = rng.integers(0, 2, size=(7, 1)).astype(float)

    def reference(z):
        p = 1 / (1 + anp.exp(-z))
        return -anp.mean(target * anp.log(p) + (1 - target) * anp.log(1 - p))

    a = t64(logits)
    loss = F.binary_cross_entropy_with_logits(a, target)
    assert loss.item() == pytest.approx(reference(logits), rel=1e-10)
    loss.backward()
    np.testing.assert_allclose(a.grad.data, autograd_grad(reference)(logits), rtol=1e-8)
    b = t64(logits)
    F.binary_cross_entropy(F.sigmoid(b), target).backward()
    np.testing.assert_allclose(b.grad.data, a.grad.data, rtol=1e-6)
    huge = F.binary_cross_entropy_with_logits(t64([[1e4], [-1e4]]), np.array([[0.0], [1.0]]))
    assert huge.item() == pytest.approx(1e4)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        F.binary_cross_entropy(t64([[1.5]]), np.array([[1.0]]))


@pytest.mark.parametrize("with_logits", [True, False])
def test_binary_cross_entropy_differentiates_logits_at_zero_and_the_target_as_autograd(with_logits):
    # zero logits (a zero-initialised last layer) have slope sigma(0) - t = 1/2 - t; and a target that
    # requires grad gets dL/dt = -x (logits) or log(1 - p) - log p, as in PyTorch
    logits = np.array([[0.0, 0.0], [0.0, 1.3], [-0.7, 0.0]])
    target = np.array([[0.0, 1.0], [0.5, 0.2], [0.9, 0.3]])

    def reference(z, t):
        p = 1 / (1 + anp.exp(-z))
        return -anp.mean(t * anp.log(p) + (1 - t) * anp.log(1 - p))

    x, t = t64(logits), t64(target)
    loss = (F.binary_cross_entropy_with_logits(x, t) if with_logits
            else F.binary_cross_entropy(1 / (1 + (-x).exp()), t))
    assert loss.item() == pytest.approx(reference(logits, target), rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(x.grad.data, autograd_grad(reference, 0)(logits, target), rtol=1e-10)
    np.testing.assert_allclose(t.grad.data, autograd_grad(reference, 1)(logits, target), rtol=1e-10)


def test_binary_cross_entropy_at_saturated_probabilities_is_finite_as_in_pytorch():
    # float32 sigmoid(20) rounds to exactly 1: the loss's gradient there is (p - t) / max(p (1 - p), 1e-12)
    x = gn.tensor(np.array([[20.0], [-20.0]], dtype=np.float32), requires_grad=True)
    assert F.sigmoid(x).numpy().ravel().tolist() == [1.0, pytest.approx(2.06e-9, rel=1e-2)]
    F.binary_cross_entropy(F.sigmoid(x[:1]), np.array([[1.0]], dtype=np.float32)).backward()
    assert x.grad.numpy().tolist() == [[0.0], [0.0]]
    p = t64([[1.0], [0.0], [1.0]])
    loss = F.binary_cross_entropy(p, np.array([[1.0], [1.0], [0.0]]), reduction="none")
    np.testing.assert_array_equal(loss.numpy(), [[0.0], [100.0], [100.0]])  # the logs clamped at -100
    loss.sum().backward()
    np.testing.assert_array_equal(p.grad.numpy(), [[0.0], [-1e12], [1e12]])


def test_penalties_and_their_gradients():
    w1 = t64([[1.0, -2.0], [3.0, 0.5]])
    w2 = t64([4.0, -1.0])
    l2 = F.l2_penalty([w1, w2], strength=0.1, n_samples=5)
    assert l2.item() == pytest.approx(0.1 * (1 + 4 + 9 + 0.25 + 16 + 1) / (2 * 5))
    l2.backward()
    np.testing.assert_allclose(w1.grad.data, 0.1 * w1.data / 5)  # d/dW λΣW²/2N = λW/N
    w1.grad = None
    l1 = F.l1_penalty(w1, strength=0.3, n_samples=2)
    assert l1.item() == pytest.approx(0.3 * 6.5 / 2)
    l1.backward()
    np.testing.assert_allclose(w1.grad.data, 0.3 * np.sign(w1.data) / 2)
    with pytest.raises(ValueError, match="strength"):
        F.l2_penalty(w1, strength=-1.0)


def test_shape_errors_suggest_the_right_fix():
    with pytest.raises(TypeError, match=r"integer class labels.*y.astype\(int\)"):
        F.cross_entropy(t64(np.zeros((4, 3))), np.array([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(gn.ShapeError, match=r"one_hot\(y, 3\)"):
        F.mse_loss(t64(np.zeros((4, 3))), np.array([0, 1, 2, 1]))
    with pytest.raises(gn.ShapeError, match=r"y.reshape\(-1, 1\)"):
        F.mse_loss(t64(np.zeros((4, 1))), np.zeros(4))
    from glassnet.datasets import one_hot

    assert F.mse_loss(t64(np.zeros((4, 3))), one_hot(np.array([0, 1, 2, 1]), 3)).item() == pytest.approx(1 / 3)


@pytest.mark.parametrize("dtype", ["<i8", ">i8", "<i4", ">i2", "i1", "u1", ">u4"])
def test_cross_entropy_label_range_check_in_every_integer_layout(dtype):
    logits = t64(np.zeros((3, 4)))
    good = np.array([0, 3, 2], dtype=dtype)
    np.testing.assert_allclose(F.cross_entropy(logits, good).item(), np.log(4))  # uniform logits: log C
    with pytest.raises(ValueError, match=r"label 4 is out of range for 4 classes"):
        F.cross_entropy(logits, np.array([0, 4, 2], dtype=dtype))
    if np.dtype(dtype).kind == "i":
        with pytest.raises(ValueError, match=r"label -1 is out of range"):
            F.cross_entropy(logits, np.array([0, -1, 2], dtype=dtype))


@pytest.mark.parametrize("loss, target", [(F.cross_entropy, np.zeros(0, dtype=np.int64)),
                                          (F.mse_loss, np.zeros((0, 3), dtype=np.float32))])
def test_losses_of_an_empty_batch_are_nan_for_the_mean_and_zero_for_the_sum(loss, target):
    # as np.mean([]) and PyTorch: the mean of no samples is NaN, their sum 0; backward gives an empty gradient
    for reduction, check in [("mean", np.isnan), ("sum", lambda v: v == 0.0)]:
        x = gn.tensor(np.zeros((0, 3), dtype=np.float32), requires_grad=True)
        value = loss(x, target, reduction=reduction)
        assert check(value.item()) and value.dtype == np.float32
        value.backward()
        assert x.grad.shape == (0, 3)


def test_text_arrays_and_integer_logits_are_named_type_errors():
    for layer in (gn.nn.ReLU(), gn.nn.Tanh(), gn.nn.Softmax(dim=-1)):
        with pytest.raises(TypeError, match=r"Tensor: expected numbers, got an array of dtype <U1"):
            layer(np.array([["a", "b"]]))
    with pytest.raises(TypeError, match=r"cross_entropy: input must be a float tensor .* got dtype int64"):
        F.cross_entropy(np.array([[1, 2, 3]]), np.array([0]))
    with pytest.raises(TypeError, match=r"binary_cross_entropy_with_logits: input must be a float tensor"):
        F.binary_cross_entropy_with_logits(np.array([[1]]), np.array([[1.0]]))


def test_functional_linear_checks_the_weight_and_bias_shapes_before_the_forward_pass():
    x = gn.tensor(np.ones((5, 4)), requires_grad=True)
    # a 1-D weight and a (5, 3) bias ran forward and then failed inside backward()
    for weight, bias, shown in [(np.ones(4), None, r"weight \(4,\) and bias None"),
                                (np.ones((3, 4)), np.ones((5, 3)), r"weight \(3, 4\) and bias \(5, 3\)")]:
        with pytest.raises(gn.ShapeError, match=shown):
            F.linear(x, t64(weight), None if bias is None else t64(bias))
    y = F.linear(x, t64(np.ones((3, 4))), t64(np.arange(3.0)))
    np.testing.assert_allclose(y.numpy(), 4 + np.arange(3.0)[None, :].repeat(5, 0))


def _cross_entropy_reference(z, labels, weight, ignore_index, smoothing, reduction):
    """PyTorch's documented formula, written out in autograd.numpy."""
    log_p = z - anp.log(anp.sum(anp.exp(z), axis=1, keepdims=True))
    classes = z.shape[1]
    kept = labels != ignore_index
    safe = np.where(kept, labels, 0)
    c = np.where(kept, weight[safe], 0.0)  # each row's weight w[y], 0 when ignored
    nll = -log_p[np.arange(len(labels)), safe] * c
    smooth = -anp.sum(log_p * weight, axis=1) * kept
    losses = (1 - smoothing) * nll + smoothing / classes * smooth
    return {"none": losses, "sum": anp.sum(losses), "mean": anp.sum(losses) / c.sum()}[reduction]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted, ignore_index, smoothing", [(True, -100, 0.0), (False, 3, 0.0), (False, -100, 0.2),
                                                               (True, 1, 0.3), (False, -100, 0.0)])
def test_cross_entropy_options_match_the_formula_by_autograd(reduction, weighted, ignore_index, smoothing, rng):
    z = rng.standard_normal((7, 4))
    labels = np.array([0, 3, -100, 2, 1, 3, 1]) if ignore_index == -100 else np.array([0, 3, 3, 2, 1, 3, 1])
    weight = np.array([0.5, 2.0, 1.0, 3.0]) if weighted else np.ones(4)
    upstream = rng.standard_normal(7) if reduction == "none" else 1.0
    x = t64(z)
    loss = F.cross_entropy(x, labels, reduction, weight=weight if weighted else None, ignore_index=ignore_index,
                           label_smoothing=smoothing)
    expected = _cross_entropy_reference(z, labels, weight, ignore_index, smoothing, reduction)
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-12)
    (loss * gn.tensor(upstream)).sum().backward()

    def scalar(zz):
        return anp.sum(_cross_entropy_reference(zz, labels, weight, ignore_index, smoothing, reduction) * upstream)
    np.testing.assert_allclose(x.grad.numpy(), autograd_grad(scalar)(z), rtol=1e-10, atol=1e-15)


def test_cross_entropy_options_on_probabilities_and_by_hand():
    # two classes, logits 0: log p = log 1/2 everywhere; label 1 of weight 3 with smoothing 0.5 gives
    # target (1/4, 3/4), so L = −(1·1/4 + 3·3/4) log(1/2) = 2.5 log 2 for the probability form
    x = t64([[0.0, 0.0]])
    weight = np.array([1.0, 3.0])
    soft = F.cross_entropy(x, np.array([[0.0, 1.0]]), weight=weight, label_smoothing=0.5)
    assert soft.item() == pytest.approx(2.5 * np.log(2))
    # the label form divides by w[y] = 3: ((1 − ε)·3 + ε/2·(1 + 3)) log 2 / 3
    hard = F.cross_entropy(x, np.array([1]), weight=weight, label_smoothing=0.5)
    assert hard.item() == pytest.approx((0.5 * 3 + 0.25 * 4) * np.log(2) / 3)
    module = gn.nn.CrossEntropyLoss(weight=weight, ignore_index=0, label_smoothing=0.5)
    assert np.isnan(module(x, np.array([0])).item())  # every row ignored: the mean of nothing, NaN as in PyTorch
    assert module(x, np.array([1])).item() == pytest.approx(hard.item())
    assert gn.nn.CrossEntropyLoss(**module.get_config()).get_config() == module.get_config()
    for options, match in [(dict(weight=[1.0]), r"weight must hold one finite number per class, shape \(2,\)"),
                           (dict(label_smoothing=2.0), r"label_smoothing must be a number in \[0, 1\]"),
                           (dict(ignore_index=0.5), "ignore_index must be an integer")]:
        with pytest.raises((ValueError, TypeError), match=match):
            F.cross_entropy(x, np.array([1]), **options)


def test_a_batch_of_only_ignored_rows_has_a_nan_mean_and_a_zero_gradient():
    x = gn.tensor(np.ones((3, 4), dtype=np.float32), requires_grad=True)
    loss = F.cross_entropy(x, np.array([-100, -100, -100]))
    loss.backward()
    assert np.isnan(loss.item()) and x.grad.numpy().tolist() == np.zeros((3, 4)).tolist()


def test_zero_dimensional_softmax_and_a_scalar_bias_work_as_in_pytorch():
    assert F.softmax(gn.tensor(2.0)).item() == 1.0 and F.log_softmax(gn.tensor(2.0), dim=0).item() == 0.0
    x = t64(np.ones((2, 3)))
    b = t64(0.5)
    y = F.linear(x, t64(np.ones((1, 3))), b)  # x W^T + b with b broadcast: 3.5 in each row
    y.sum().backward()
    assert y.numpy().tolist() == [[3.5], [3.5]] and b.grad.item() == 2.0


def test_dropout_keeps_one_minus_p_of_the_elements_and_scales_survivors_exactly_by_its_inverse():
    for dtype, p in ((np.float32, 0.3), (np.float64, 0.8)):
        x = gn.tensor(np.ones((200, 500), dtype=dtype))
        y = F.dropout(x, p, generator=0).numpy()
        assert y.dtype == dtype
        kept = y != 0
        assert abs(kept.mean() - (1 - p)) < 4 * np.sqrt(p * (1 - p) / y.size)  # four standard errors
        np.testing.assert_array_equal(np.unique(y[kept]), [dtype(1) / dtype(1 - p)])


def test_dropout_with_the_same_seed_draws_the_same_mask_and_a_generator_goes_on():
    x = gn.tensor(np.random.default_rng(0).standard_normal((6, 7)))
    np.testing.assert_array_equal(F.dropout(x, 0.5, generator=7).numpy(), F.dropout(x, 0.5, generator=7).numpy())
    stream = np.random.default_rng(7)
    first, second = F.dropout(x, 0.5, generator=stream).numpy(), F.dropout(x, 0.5, generator=stream).numpy()
    np.testing.assert_array_equal(first, F.dropout(x, 0.5, generator=7).numpy())
    assert not np.array_equal(first != 0, second != 0)
    gn.manual_seed(11)
    by_default = F.dropout(x, 0.5).numpy()
    gn.manual_seed(11)
    np.testing.assert_array_equal(F.dropout(x, 0.5).numpy(), by_default)


def test_dropout_is_the_identity_when_not_training_or_p_is_zero_and_zero_for_p_one():
    x = t64(np.random.default_rng(1).standard_normal((3, 4)))
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    y = F.dropout(x, 1.0, generator=0)
    np.testing.assert_array_equal(y.numpy(), np.zeros((3, 4)))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((3, 4)))


def test_dropout_gradient_is_the_mask_over_the_keep_probability():
    x_data = np.random.default_rng(2).uniform(0.5, 2.0, size=(5, 6))
    gn.gradcheck(lambda v: F.dropout(v, 0.4, generator=3), t64(x_data), atol=1e-7, rtol=1e-6)  # one mask per call
    x = t64(x_data)
    y = F.dropout(x, 0.4, generator=3)
    y.sum().backward()
    kept = y.numpy() != 0  # x > 0, so a zero output is a dropped element
    np.testing.assert_allclose(x.grad.numpy(), kept / 0.6, rtol=1e-15)


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan"), True, "0.5"])
def test_dropout_refuses_a_p_outside_zero_to_one_by_name(p):
    with pytest.raises(ValueError, match=r"dropout: p must be a probability in \[0, 1\]"):
        F.dropout(t64(np.ones(3)), p)


def test_dropout_refuses_a_training_flag_that_is_not_a_bool_and_integer_input():
    with pytest.raises(TypeError, match="dropout: training must be True or False, got 'yes'"):
        F.dropout(t64(np.ones(3)), 0.5, training="yes")
    with pytest.raises(TypeError, match="dropout: input must be a float tensor, got dtype int64"):
        F.dropout(np.arange(3), 0.5)


def test_l1_loss_by_hand_and_its_gradient_by_finite_differences(rng):
    prediction = t64([[1.0, 2.0], [3.0, 5.0]])
    target = np.array([[1.5, 0.0], [3.0, 6.0]])
    loss = F.l1_loss(prediction, target)
    assert loss.item() == pytest.approx((0.5 + 2 + 0 + 1) / 4)
    assert F.l1_loss(prediction, target, reduction="sum").item() == pytest.approx(3.5)
    np.testing.assert_allclose(F.l1_loss(prediction, target, reduction="none").numpy(), [[0.5, 2.0], [0.0, 1.0]])
    loss.backward()
    np.testing.assert_array_equal(prediction.grad.numpy(), [[-0.25, 0.25], [0.0, -0.25]])  # sign(x − t)/n, 0 at a tie
    x = rng.uniform(-2, 2, size=(4, 3))
    t = x + np.where(rng.random((4, 3)) < 0.5, -1, 1) * rng.uniform(0.2, 1.0, size=(4, 3))  # |x − t| ≥ 0.2: no kink
    for reduction in ("mean", "sum"):
        gn.gradcheck(lambda v: F.l1_loss(v, t, reduction=reduction), t64(x), atol=1e-7, rtol=1e-6)
    with pytest.raises(gn.ShapeError, match=r"l1_loss: input of shape \(2, 2\) and target of shape \(4,\)"):
        F.l1_loss(prediction, np.zeros(4))


def test_nll_loss_against_the_formula_by_hand_with_weights_and_ignore_index():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5], [0.2, 0.3, 0.5]])
    labels = np.array([0, 2, 1, 2])
    weight = np.array([1.0, 2.0, 0.5])
    # row 2 (label 1) is ignored; the others count w[y] = 1, 0.5, 0.5
    row_losses = [-np.log(0.7), -0.5 * np.log(0.3), 0.0, -0.5 * np.log(0.5)]
    log_p = t64(np.log(probabilities))
    loss = F.nll_loss(log_p, labels, weight, ignore_index=1)
    assert loss.item() == pytest.approx(sum(row_losses) / (1 + 0.5 + 0.5), rel=1e-14)
    loss.backward()
    expected = np.zeros((4, 3))
    expected[[0, 1, 3], [0, 2, 2]] = [-1 / 2.0, -0.5 / 2.0, -0.5 / 2.0]  # −w[y_i] / Σ w[y]
    np.testing.assert_allclose(log_p.grad.numpy(), expected, rtol=1e-14)
    np.testing.assert_allclose(F.nll_loss(log_p, labels, weight, ignore_index=1, reduction="none").numpy(),
                               row_losses, rtol=1e-14)
    assert F.nll_loss(log_p, labels, weight, ignore_index=1, reduction="sum").item() == pytest.approx(sum(row_losses))
    plain = -np.log(probabilities[np.arange(4), labels]).mean()
    assert F.nll_loss(log_p, labels).item() == pytest.approx(plain, rel=1e-14)
    assert np.isnan(F.nll_loss(log_p, np.array([1, 1, 1, 1]), ignore_index=1).item())  # nothing counts: 0/0


def test_nll_loss_of_log_softmax_is_cross_entropy(rng):
    logits = rng.standard_normal((6, 4))
    labels = np.array([0, 3, 1, 1, 2, 0])
    weight = np.array([0.5, 1.0, 2.0, 1.5])
    a = F.nll_loss(F.log_softmax(t64(logits), dim=1), labels, weight, ignore_index=3)
    b = F.cross_entropy(t64(logits), labels, weight=weight, ignore_index=3)
    assert a.item() == pytest.approx(b.item(), rel=1e-14)


def test_nll_loss_refuses_bad_labels_shapes_and_weights_by_name():
    log_p = t64(np.log(np.full((2, 3), 1 / 3)))
    with pytest.raises(TypeError, match="nll_loss: target must hold integer class labels, got dtype float64"):
        F.nll_loss(log_p, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="nll_loss: class label 3 is out of range for 3 classes"):
        F.nll_loss(log_p, np.array([0, 3]))
    with pytest.raises(gn.ShapeError, match=r"nll_loss: integer class labels must have shape \(2,\)"):
        F.nll_loss(log_p, np.array([0, 1, 2]))
    with pytest.raises(gn.ShapeError, match=r"nll_loss: input must be log-probabilities of shape \(N, C\)"):
        F.nll_loss(t64(np.zeros(3)), np.array([0]))
    with pytest.raises(ValueError, match=r"nll_loss: weight must hold one finite number per class, shape \(3,\)"):
        F.nll_loss(log_p, np.array([0, 1]), [1.0, 2.0])
    with pytest.raises(TypeError, match="nll_loss: the third argument is weight"):
        F.nll_loss(log_p, np.array([0, 1]), "sum")
