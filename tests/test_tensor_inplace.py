"""In-place changes of tensors (x -= y, add_, zero_, ...): PyTorch's rules, checked against out-of-place NumPy."""
import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ShapeError


def test_a_hand_written_sgd_step_changes_the_parameter_itself():
    # the loop of "what is torch.nn really": p -= lr * p.grad under no_grad must move p, not rebind a name
    model = gn.nn.Linear(3, 1, generator=0)
    X = gn.tensor(np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]], dtype=np.float32))
    y = np.array([[1.0], [0.0]], dtype=np.float32)
    W0, b0 = model.weight.data.copy(), model.bias.data.copy()
    ((model(X) - gn.tensor(y)) ** 2).mean().backward()
    gW, gb = model.weight.grad.data.copy(), model.bias.grad.data.copy()
    with gn.no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad
    np.testing.assert_allclose(model.weight.data, W0 - np.float32(0.1) * gW, rtol=1e-6)
    np.testing.assert_allclose(model.bias.data, b0 - np.float32(0.1) * gb, rtol=1e-6)
    assert model.weight.requires_grad and model.weight.dtype == np.float32
    for p in model.parameters():
        p.grad.zero_()
    assert not model.weight.grad.data.any() and not model.bias.grad.data.any()


def test_changing_a_tensor_that_requires_grad_while_recording_is_refused_as_in_pytorch():
    w = gn.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"-=: a leaf tensor that requires grad .*no_grad"):
        w -= 1.0
    y = w * 2
    with pytest.raises(RuntimeError, match=r"add_: this tensor is an output of mul .* out of place"):
        y.add_(1.0)
    np.testing.assert_array_equal(w.data, [1.0, 2.0])


def test_each_in_place_method_gives_the_out_of_place_values():
    a = np.array([[1.0, -2.0], [3.5, 0.25]], dtype=np.float32)
    b = np.array([2.0, -0.5], dtype=np.float32)
    cases = {
        "add_": (lambda t: t.add_(gn.tensor(b), alpha=3), a + 3 * b),
        "sub_": (lambda t: t.sub_(b, alpha=2), a - 2 * b),
        "mul_": (lambda t: t.mul_(gn.tensor(b)), a * b),
        "div_": (lambda t: t.div_(2), a / 2),
        "zero_": (lambda t: t.zero_(), np.zeros_like(a)),
        "fill_": (lambda t: t.fill_(7), np.full_like(a, 7)),
        "copy_": (lambda t: t.copy_(np.array([1, 2])), np.broadcast_to(np.array([1.0, 2.0], np.float32), a.shape)),
        "clamp_": (lambda t: t.clamp_(-1.0, 1.0), np.clip(a, -1, 1)),
        "+=": (lambda t: t.__iadd__(b), a + b),
        "*=": (lambda t: t.__imul__(2.0), a * 2),
        "/=": (lambda t: t.__itruediv__(gn.tensor(b)), a / b),
    }
    for name, (change, expected) in cases.items():
        t = gn.tensor(a)
        keep = t.data
        with gn.no_grad():  # the operators change x itself only when no graph is recorded
            assert change(t) is t, name
        assert t.data is keep and t.dtype == np.float32, name  # the same array, still float32
        np.testing.assert_array_equal(t.data, expected, err_msg=name)


def test_in_place_keeps_float32_under_a_numpy_float64_operand():
    t = gn.tensor([1.0, 2.0])
    with gn.no_grad():
        t *= np.float64(0.1)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.data, np.array([1.0, 2.0], np.float32) * np.float32(0.1))


def test_in_place_errors_name_the_method_and_what_did_not_fit():
    with pytest.raises(ShapeError, match=r"add_: .* does not broadcast to this tensor's shape \(2,\)"):
        gn.tensor([1.0, 2.0]).add_(gn.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match=r"\+=: the result cannot be stored in place in this tensor of dtype int64"):
        labels = gn.tensor(np.array([1, 2]))
        with gn.no_grad():
            labels += 0.5
    with pytest.raises(ValueError, match="read-only"):
        gn.from_numpy(np.broadcast_to(np.float32(1), (2,))).zero_()
    with pytest.raises(TypeError, match="mul_: expected a number, an array or a Tensor, got str"):
        gn.tensor([1.0]).mul_("2")


def test_in_place_on_a_from_numpy_tensor_changes_the_array_and_tensor_copies():
    array = np.ones(3, dtype=np.float32)
    gn.tensor(array).add_(1)  # torch.tensor copies
    np.testing.assert_array_equal(array, 1)
    gn.from_numpy(array).add_(1)  # torch.from_numpy shares
    np.testing.assert_array_equal(array, 2)


def test_item_assignment_writes_in_place_under_the_same_rule():
    a = np.array([[1.0, -2.0], [3.0, -4.0]], dtype=np.float32)
    x = gn.tensor(a)
    x[x < 0] = 0  # a boolean Tensor index, as PyTorch code writes it
    x[0, 1] = 9
    expected = a.copy()
    expected[expected < 0] = 0
    expected[0, 1] = 9
    np.testing.assert_array_equal(x.data, expected)
    with pytest.raises(IndexError, match=r"item assignment: index 5 does not fit a tensor of shape \(2, 2\)"):
        x[5] = 1
    w = gn.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="item assignment: a leaf tensor that requires grad"):
        w[0] = 5
    with gn.no_grad():
        w[0] = 5
    np.testing.assert_array_equal(w.data, [5.0, 2.0])


def test_writing_a_value_that_requires_grad_is_refused_rather_than_dropping_its_gradient():
    # PyTorch records h[0] = w[1] * 3 and acc += loss in the graph; glassnet records no in-place op
    w = gn.tensor([1.0, 2.0], requires_grad=True)
    h = gn.zeros(2)
    with pytest.raises(RuntimeError, match="item assignment: the value requires grad.* out of place"):
        h[0] = w[1] * 3
    with pytest.raises(RuntimeError, match="add_: the value requires grad"):
        h.add_(w, alpha=2)  # checked before the scaling turns it into an array
    with pytest.raises(RuntimeError, match="clamp_: the value requires grad"):
        h.clamp_(min=w)
    with gn.no_grad():  # not recording: a plain write of the value
        h[0] = w[1] * 3
    np.testing.assert_array_equal(h.data, [6.0, 0.0])


def test_clamp_in_place_refuses_a_float_bound_on_integers():
    with pytest.raises(TypeError, match="clamp_: a float bound cannot clamp this tensor of dtype int64"):
        gn.tensor([0, 1, 2]).clamp_(min=0.5)
    np.testing.assert_array_equal(gn.tensor([0, 1, 2]).clamp_(min=1).data, [1, 1, 2])


def test_augmented_assignment_in_the_graph_is_recorded_out_of_place():
    # total += loss and h *= 3 are PyTorch idioms: x is rebound to the recorded x + y, and the gradient is right
    w = gn.tensor([1.0, 2.0], requires_grad=True)
    total = 0
    for k in (1.0, 2.0):
        total += (w * k).sum()
    accumulated = gn.zeros(())
    accumulated += (w * w).sum()
    h = w * 2
    h *= 3
    (total + accumulated + h.sum()).backward()
    np.testing.assert_allclose(w.grad.data, [3.0 + 2 * 1.0 + 6.0, 3.0 + 2 * 2.0 + 6.0])  # d/dw of 3w, w², 6w


def test_augmented_assignment_while_recording_never_changes_an_array_the_graph_kept():
    # with no version counter, changing a constant an op has used would change that op's gradient
    w = gn.tensor([1.0, 2.0], requires_grad=True)
    scale = gn.tensor([3.0, 4.0])
    y = w * scale
    alias = scale
    scale += 10  # rebinds scale while recording; the array y's gradient needs is untouched
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [3.0, 4.0])
    np.testing.assert_array_equal(alias.data, [3.0, 4.0])
    np.testing.assert_array_equal(scale.data, [13.0, 14.0])
    with gn.no_grad():
        alias += 1  # outside recording: the array itself, as PyTorch
    np.testing.assert_array_equal(alias.data, [4.0, 5.0])
