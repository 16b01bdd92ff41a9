"""Tensor construction, operators, the backward pass and its errors."""
import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ShapeError


def test_python_floats_default_to_float32_and_arrays_keep_dtype():
    assert gn.tensor([1.0, 2.0]).dtype == np.float32
    assert gn.tensor(np.zeros(2)).dtype == np.float64
    assert gn.tensor([1, 2]).dtype.kind == "i"
    assert gn.Tensor([1.0], dtype="float64").dtype == np.float64
    assert gn.Tensor([1.0], dtype=np.float64).dtype == np.float64


def test_set_default_dtype_switches_new_tensors_and_layers():
    try:
        gn.set_default_dtype("float64")
        assert gn.tensor([1.0]).dtype == np.float64
        assert gn.nn.Linear(2, 3).weight.dtype == np.float64
    finally:
        gn.set_default_dtype(np.float32)
    assert gn.nn.Linear(2, 3).weight.dtype == np.float32
    with pytest.raises(TypeError, match="float32 or float64"):
        gn.set_default_dtype("int32")


def test_python_scalars_keep_float32():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    for y in (x + 1.5, 2.0 * x, x / 3, 1 - x, x**2, 2**x):
        assert y.dtype == np.float32


def test_data_is_readable_and_assignable():
    x = gn.tensor([1.0, 2.0])
    x.data = np.array([3.0, 4.0], dtype=np.float32)
    np.testing.assert_array_equal(x.data, [3.0, 4.0])


def test_requires_grad_only_for_floats():
    with pytest.raises(TypeError, match="floating"):
        gn.tensor([1, 2], requires_grad=True)


def test_operators_match_numpy_and_hand_derivatives():
    a = gn.tensor([1.0, 2.0, 3.0], requires_grad=True, dtype="float64")
    b = gn.tensor([4.0, 5.0, 6.0], requires_grad=True, dtype="float64")
    y = (a * b + a / b - b**2 + abs(-a) - (-a)).sum()
    y.backward()
    av, bv = a.data, b.data
    np.testing.assert_allclose(y.data, np.sum(av * bv + av / bv - bv**2 + 2 * av))
    np.testing.assert_allclose(a.grad.data, bv + 1 / bv + 2)          # d/da
    np.testing.assert_allclose(b.grad.data, av - av / bv**2 - 2 * bv)  # d/db


def test_value_used_several_times_accumulates_gradient():
    x = gn.tensor(3.0, requires_grad=True, dtype="float64")
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad.item() == 7.0


def test_gradients_accumulate_across_backward_calls_until_zeroed():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [6.0, 6.0])


def test_shared_gradient_arrays_are_not_aliased():
    a = gn.tensor([1.0, 2.0], requires_grad=True)
    b = gn.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad.data *= 10  # in-place change of one gradient must not leak into the other
    np.testing.assert_array_equal(b.grad.data, [1.0, 1.0])


def test_backward_walks_a_chain_of_20000_ops_without_recursion():
    x = gn.tensor(1.0, requires_grad=True, dtype="float64")
    y = x
    for _ in range(20_000):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 1.0001**20_000, rtol=1e-9)


def test_backward_on_non_scalar_needs_a_gradient():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="one-element"):
        (x * 2).backward()
    y = x * 2
    y.backward(np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad.data, [2.0, 20.0])


def test_backward_twice_through_freed_graph_is_a_clear_error():
    x = gn.tensor(2.0, requires_grad=True)
    h = x * x
    y = h * 3
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        (h * 2).backward()


def test_retain_graph_allows_a_second_pass():
    x = gn.tensor(2.0, requires_grad=True, dtype="float64")
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 8.0


def test_retain_grad_keeps_intermediate_gradient():
    x = gn.tensor([1.0, 2.0], requires_grad=True, dtype="float64")
    h = (x * 3).retain_grad()
    (h * h).sum().backward()
    np.testing.assert_array_equal(h.grad.data, 2 * h.data)


def test_no_grad_records_nothing():
    x = gn.tensor([1.0], requires_grad=True)
    with gn.no_grad():
        y = x * 2
    assert not y.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()

    @gn.no_grad()
    def double(v):
        return v * 2

    assert not double(x).requires_grad
    assert gn.is_grad_enabled()


def test_methods_shaped_like_numpy():
    data = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    x = gn.tensor(data)
    np.testing.assert_array_equal(x.sum(axis=1).data, data.sum(axis=1))
    np.testing.assert_array_equal(x.sum(dim=1, keepdim=True).data, data.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(x.mean(axis=(0, 2)).data, data.mean(axis=(0, 2)))
    np.testing.assert_array_equal(x.max(axis=2).data, data.max(axis=2))
    np.testing.assert_array_equal(x.min().data, data.min())
    np.testing.assert_array_equal(x.reshape(6, 4).data, data.reshape(6, 4))
    np.testing.assert_array_equal(x.reshape(-1).data, data.ravel())
    np.testing.assert_array_equal(x.transpose(2, 0, 1).data, data.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.T.data, data.T)
    np.testing.assert_array_equal(x[1, :, ::2].data, data[1, :, ::2])
    np.testing.assert_array_equal(x[..., -1].data, data[..., -1])
    np.testing.assert_allclose(x.var(axis=0).data, data.var(axis=0))
    np.testing.assert_allclose(x.exp().log().data, data)
    np.testing.assert_allclose((x + 1).sqrt().data, np.sqrt(data + 1))


def test_transpose_of_two_dimensions_swaps_them_as_in_pytorch():
    data = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    x, m = gn.tensor(data), gn.tensor(data[0])
    np.testing.assert_array_equal(m.transpose(0, 1).data, data[0].T)  # NumPy's transpose(0, 1) would keep m
    np.testing.assert_array_equal(x.transpose(0, 2).data, np.swapaxes(data, 0, 2))
    np.testing.assert_array_equal(x.transpose(-1, 0).data, np.swapaxes(data, -1, 0))
    np.testing.assert_array_equal(x.permute(2, 0, 1).data, data.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.permute((-1, 0, 1)).data, data.transpose(2, 0, 1))
    np.testing.assert_array_equal(m.transpose((0, 1)).data, data[0])  # one tuple: NumPy's full order
    with pytest.raises(ShapeError, match=r"\(0, 0, 1\) are not an order of all 3 dimensions"):
        x.permute(0, 0, 1)
    with pytest.raises(TypeError, match="must be integers"):
        x.permute(0.0, 1, 2)


def test_concatenate_and_stack():
    a = gn.tensor(np.ones((2, 3)), requires_grad=True)
    b = gn.tensor(np.zeros((2, 3)), requires_grad=True)
    assert gn.concatenate([a, b], axis=0).shape == (4, 3)
    s = gn.stack([a, b], axis=1)
    assert s.shape == (2, 2, 3)
    (s * np.arange(12).reshape(2, 2, 3)).sum().backward()
    np.testing.assert_array_equal(a.grad.data, np.arange(12).reshape(2, 2, 3)[:, 0])
    with pytest.raises(gn.ShapeError, match=r"\(2, 3\).*\(3,\)|same shape"):
        gn.stack([a, gn.tensor(np.zeros(3))])


def test_shape_mismatch_errors_name_both_shapes():
    a = gn.tensor(np.ones((2, 3)))
    b = gn.tensor(np.ones((4, 5)))
    with pytest.raises(gn.ShapeError, match=r"\(2, 3\).*\(4, 5\)"):
        a @ b
    with pytest.raises(gn.ShapeError, match=r"add.*\(2, 3\).*\(4, 5\)"):
        a + b
    with pytest.raises(gn.ShapeError, match="cannot reshape"):
        a.reshape(5)


def test_comparisons_and_argmax_give_plain_results():
    x = gn.tensor([[1.0, 5.0], [7.0, 2.0]])
    np.testing.assert_array_equal(x.argmax(axis=1).data, [1, 0])
    assert (x > 3).data.tolist() == [[False, True], [True, False]]
    assert ((x.argmax(axis=1) == gn.tensor([1, 1])).data.mean()) == 0.5


def test_repr_shows_grad_fn():
    x = gn.tensor([1.0], requires_grad=True)
    assert "requires_grad=True" in repr(x)
    assert "grad_fn=mul" in repr(x * 2)


def test_vector_times_batched_matrices_sums_the_vector_gradient_over_the_batch():
    a_value = np.arange(4.0)
    b_value = np.arange(40.0).reshape(2, 4, 5) / 10
    a, b = gn.tensor(a_value, requires_grad=True), gn.tensor(b_value, requires_grad=True)
    (a @ b).sum().backward()
    # d/da_k of sum_{i,j} sum_k a_k b_ikj = sum_{i,j} b_ikj ;  d/db_ikj = a_k
    np.testing.assert_allclose(a.grad.numpy(), b_value.sum(axis=(0, 2)))
    np.testing.assert_allclose(b.grad.numpy(), np.broadcast_to(a_value[None, :, None], (2, 4, 5)))


def test_power_zero_has_slope_zero_even_at_zero():
    x = gn.tensor([0.0, 2.0], requires_grad=True)
    (x ** 0).sum().backward()
    assert x.grad.numpy().tolist() == [0.0, 0.0]
    # the same with the exponents in an array or a tensor, element by element: d(a^b)/da = b a^(b-1), 0 where b = 0
    for exponent in (np.array([0.0, 2.0, 0.0]), gn.tensor([0.0, 2.0, 0.0], requires_grad=True)):
        x = gn.tensor([0.0, 0.0, 3.0], requires_grad=True)
        with np.errstate(all="raise"):
            (x ** exponent).sum().backward()
        assert x.grad.numpy().tolist() == [0.0, 0.0, 0.0]
    assert exponent.grad.numpy().tolist() == [0.0, 0.0, pytest.approx(np.log(3.0))]  # a^b ln a, 0 at a = 0


def test_division_slope_for_the_divisor_does_not_square_it():
    # d(a/b)/db = -a/b^2 = -1e-20/1e-50 = -1e30 in float32, whose b^2 = 1e-50 would underflow to 0
    a = gn.tensor(np.float32(1e-20))
    b = gn.tensor(np.float32(1e-25), requires_grad=True)
    (a / b).backward()
    assert b.grad.item() == pytest.approx(-1e30, rel=1e-6)


def test_exact_gelu_of_a_zero_dimensional_tensor():
    x = gn.tensor(np.float32(1.0), requires_grad=True)
    y = gn.nn.GELU()(x)  # x Phi(x): Phi(1) = (1 + erf(1/sqrt 2)) / 2
    assert y.dtype == np.float32 and y.item() == pytest.approx(0.5 * (1 + math.erf(2 ** -0.5)), rel=1e-6)
    y.backward()
    assert x.grad.item() == pytest.approx(0.5 * (1 + math.erf(2 ** -0.5)) + math.exp(-0.5) / math.sqrt(2 * math.pi), rel=1e-6)


def test_an_integer_cast_leaves_the_graph():
    x = gn.tensor([1.5, 2.5], requires_grad=True)
    rounded = x.astype("int64")
    assert not rounded.requires_grad and rounded.is_leaf and "grad_fn" not in repr(rounded)
    (rounded * x).sum().backward()
    assert x.grad.numpy().tolist() == [1.0, 2.0]  # the cast is a constant factor


def test_dimension_arguments_out_of_range_are_index_errors_with_the_range():
    x = gn.tensor(np.zeros((2, 3)))
    for call, message in [(lambda: x.unsqueeze(3), r"unsqueeze: .*\[-3, 2\], but got 3"),
                          (lambda: x.unsqueeze(-4), r"\[-3, 2\], but got -4"),
                          (lambda: x.flatten(2), r"flatten: .*\[-2, 1\], but got 2"),
                          (lambda: x.swapaxes(0, 4), r"swapaxes: .*but got 4"),
                          (lambda: x.squeeze(5), r"squeeze: .*but got 5")]:
        with pytest.raises(IndexError, match=message):
            call()
    assert x.unsqueeze(2).shape == (2, 3, 1) and x.unsqueeze(-3).shape == (1, 2, 3)
    assert x.squeeze(0).shape == (2, 3)  # a dimension that is not 1 stays, as in PyTorch
    assert gn.tensor(np.zeros((1, 3, 1))).squeeze((0, 2)).shape == (3,)
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(gn.tensor(1.0))


def test_no_grad_in_another_thread_does_not_stop_this_one_recording():
    import threading

    x = gn.tensor([1.0], requires_grad=True)
    inside, release = threading.Event(), threading.Event()

    def other():
        with gn.no_grad():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(10)
    try:
        assert gn.is_grad_enabled() and (x * 2).requires_grad
    finally:
        release.set()
        thread.join()


@pytest.mark.parametrize("call,error,match", [
    (lambda x: x.clip("a"), TypeError, "clip: low must be a number or None, got 'a'"),
    (lambda x: gn.tensor([[1, 2], [3]]), ValueError, "Tensor: expected a rectangular nested list of numbers"),
    (lambda x: gn.functional.mse_loss(x, "abc"), TypeError, "target: expected numbers, got an array of dtype <U3"),
    (lambda x: gn.init.uniform_([0.0, 0.0]), TypeError, "uniform_: expected a glassnet Tensor .* got list"),
    (lambda x: gn.init.uniform_(np.zeros(3, dtype=int)), TypeError, "uniform_: an ndarray to fill must be a writeable float array, got dtype int"),
    (lambda x: setattr(x, "data", [3, 4]), TypeError, "data: a tensor that requires grad needs floating-point data"),
    (lambda x: gn.nn.Sequential(gn.nn.ReLU())[3], IndexError, "Sequential: index 3 is out of range for 1 layers"),
    (lambda x: gn.optim.lr_scheduler.ReduceLROnPlateau(gn.optim.SGD([x], lr=0.1)).step("x"), TypeError,
     "ReduceLROnPlateau.step: metrics must be a number"),
    (lambda x: gn.optim.lr_scheduler.ReduceLROnPlateau(gn.optim.SGD([x], lr=0.1), min_lr=[0, 1]), ValueError,
     "min_lr has 2 values for 1 parameter groups"),
    (lambda x: gn.optim.lr_scheduler.ReduceLROnPlateau(gn.optim.SGD([x], lr=0.1), cooldown=-1), ValueError,
     "cooldown must be a non-negative integer"),
])
def test_bad_arguments_name_what_was_expected(call, error, match):
    with pytest.raises(error, match=match):
        call(gn.tensor([1.0, 2.0], requires_grad=True))


def test_the_mean_and_variance_of_nothing_are_nan_as_in_numpy():
    with np.errstate(invalid="ignore"):
        assert np.isnan(gn.tensor(np.zeros((0, 3), dtype=np.float32)).mean().item())
        assert np.isnan(gn.tensor(np.ones(2)).var(ddof=2).item())
    assert gn.tensor(np.zeros((0, 3), dtype=np.float32)).mean(axis=1).shape == (0,)


def test_clamp_with_tensor_bounds_differentiates_the_value_it_takes():
    # y = min(max(x, low), high): dy/dx = 1 where low <= x <= high, dy/dlow = 1 where x < low, dy/dhigh where above
    x = gn.tensor([1.0, 2.0, 3.0, 1.5], requires_grad=True)
    low = gn.tensor([1.5, 1.5, 1.5, 1.5], requires_grad=True)
    high = gn.tensor(2.5, requires_grad=True)
    y = x.clamp(low, high)
    (y * gn.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert y.numpy().tolist() == [1.5, 2.0, 2.5, 1.5]
    assert x.grad.numpy().tolist() == [0.0, 2.0, 0.0, 4.0]  # at x = low the gradient stays with x, as in PyTorch
    assert low.grad.numpy().tolist() == [1.0, 0.0, 0.0, 0.0] and high.grad.item() == 3.0


def test_size_zero_and_integer_edge_cases_follow_numpy():
    assert gn.tensor(np.zeros((2, 0, 4))).flatten(2).shape == (2, 0, 4)
    assert gn.tensor(2.0).flatten().shape == (1,)
    big = np.array([10**9 + 1] * 3)
    assert gn.tensor(big).mean().item() == np.mean(big) == 1000000001.0  # a float32 1/3 gave 1000000030.8
    x = gn.tensor(np.zeros((2, 0)), requires_grad=True)
    y = gn.functional.softmax(x, dim=-1)
    y.sum().backward()
    assert y.shape == x.grad.shape == (2, 0)
    assert gn.functional.log_softmax(x, dim=1).shape == (2, 0)


def test_a_zero_dimensional_tensor_reduces_over_dimension_0_or_minus_1_as_in_pytorch():
    x = gn.tensor(2.0, requires_grad=True)
    y = x.mean(dim=0) + x.sum(dim=-1) + x.max(dim=0).values  # each is x itself: y = 3x, dy/dx = 3
    y.backward()
    assert y.item() == 6.0 and x.grad.item() == 3.0
    assert x.max(dim=0).indices.item() == 0 and x.min(-1).indices.item() == 0
    with pytest.raises(IndexError, match=r"expected to be in range of \[-1, 0\], but got 3"):
        x.mean(dim=3)


def test_max_over_a_dim_gives_pytorchs_values_and_indices():
    logits = np.array([[0.1, 2.0, -1.0], [3.0, 3.0, 0.0], [-2.0, -1.0, -3.0]], dtype=np.float32)
    x = gn.tensor(logits, requires_grad=True)
    values, indices = x.max(1)  # the MNIST tutorials' `_, predicted = outputs.max(1)`
    np.testing.assert_array_equal(values.data, [2.0, 3.0, -1.0])
    np.testing.assert_array_equal(indices.data, [1, 0, 1])  # a tie takes the first position, as PyTorch
    assert x.max(dim=1).indices is not None and x.max(1)[1].dtype == np.int64
    (values * gn.tensor([1.0, 2.0, 3.0])).sum().backward()
    # the gradient goes to the one position chosen: row 1's tie gives it all to column 0
    np.testing.assert_array_equal(x.grad.data, [[0, 1, 0], [2, 0, 0], [0, 3, 0]])
    low = gn.tensor(logits).min(0, keepdim=True)
    np.testing.assert_array_equal(low.values.data, [[-2.0, -1.0, -3.0]])
    np.testing.assert_array_equal(low.indices.data, [[2, 2, 2]])
    # NumPy's keyword keeps NumPy's meaning, values only, ties sharing the gradient
    y = gn.tensor(logits, requires_grad=True)
    y.max(axis=1).sum().backward()
    np.testing.assert_array_equal(y.grad.data[1], [0.5, 0.5, 0.0])
    assert gn.tensor(logits).max().item() == 3.0 and gn.tensor(logits).amax(dim=(0, 1)).item() == 3.0


def test_max_values_over_a_dim_agree_with_central_differences():
    x = gn.Tensor(np.random.default_rng(3).normal(size=(4, 5)), requires_grad=True)
    gn.gradcheck(lambda t: t.max(0).values * 1.5, x)
    gn.gradcheck(lambda t: t.min(dim=-1, keepdim=True)[0], x)


def test_argmax_takes_dim_and_keepdim():
    a = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 1.0]], dtype=np.float32)
    np.testing.assert_array_equal(gn.tensor(a).argmax(dim=1, keepdim=True).data, [[1], [0]])
    np.testing.assert_array_equal(gn.tensor(a).argmin(0).data, [0, 1, 1])
    assert gn.tensor(a).argmax().item() == 3  # flattened, in both libraries


def test_var_and_std_default_to_the_sample_variance_as_pytorch():
    x = gn.tensor([1.0, 2.0, 4.0, 7.0])  # mean 3.5, squared deviations sum to 21
    assert x.var().item() == pytest.approx(21 / 3)
    assert x.var(unbiased=False).item() == pytest.approx(21 / 4)
    assert x.var(correction=0).item() == pytest.approx(21 / 4)
    assert x.std().item() == pytest.approx(np.sqrt(7.0))
    assert x.var(axis=0).item() == pytest.approx(21 / 4)  # NumPy's keyword, NumPy's ddof=0
    assert x.var(axis=0, ddof=1).item() == pytest.approx(7.0)
    rows = gn.tensor([[1.0, 3.0], [2.0, 2.0]])
    np.testing.assert_allclose(rows.var(1).data, [2.0, 0.0])
    with pytest.raises(TypeError, match="give one of correction, unbiased and ddof"):
        x.var(correction=1, ddof=1)
    gn.gradcheck(lambda t: t.std(0), gn.Tensor(np.random.default_rng(0).normal(size=(5, 3)), requires_grad=True))


def test_a_scalar_tensor_formats_like_its_number():
    loss = gn.tensor(0.123456)
    assert f"{loss:.3f}" == "0.123" and f"{loss}" == str(loss.item())  # as PyTorch: the number
    assert f"{gn.tensor([1.0, 2.0])}" == str(gn.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match=r"only a 0-d tensor takes a format spec .* shape \(2,\)"):
        f"{gn.tensor([1.0, 2.0]):.2f}"


def test_size_dim_clone_long_and_matmul_as_pytorch():
    x = gn.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x.size() == (2, 3) and x.size(-1) == 3 and x.dim() == 2
    copy = x.clone()
    assert copy.data is not x.data and np.shares_memory(copy.data, x.data) is False
    (copy * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.full((2, 3), 2.0))
    assert gn.tensor([1.0, 2.9]).long().dtype == np.int64
    np.testing.assert_array_equal(x.detach().matmul(gn.ones(3, 1)).data, [[3.0], [12.0]])
    np.testing.assert_array_equal(gn.tensor([2.0, 3.0]).pow(2).data, [4.0, 9.0])


def test_to_and_cpu_accept_the_cpu_and_refuse_other_devices():
    x = gn.tensor([1.0])
    assert x.to("cpu") is x and x.cpu() is x and x.to("cpu", "float64").dtype == np.float64
    assert x.to(dtype=np.float64).dtype == np.float64
    model = gn.nn.Linear(2, 2)
    assert model.to("cpu") is model and model.cpu() is model and model.weight.dtype == np.float32
    assert model.to("cpu", np.float64).weight.dtype == np.float64
    with pytest.raises(ValueError, match="glassnet computes on the CPU .* got device 'cuda:0'"):
        x.to("cuda:0")
    with pytest.raises(ValueError, match="Linear.to: glassnet computes on the CPU"):
        model.to("mps")


def test_no_grad_decorates_with_or_without_parentheses():
    @gn.no_grad
    def bare():
        return gn.is_grad_enabled()

    @gn.no_grad()
    def called():
        return gn.is_grad_enabled()

    assert bare() is False and called() is False and gn.is_grad_enabled() is True
    assert bare.__name__ == "bare"
    with pytest.raises(TypeError, match="no_grad.. takes no arguments, or a function"):
        gn.no_grad(3)


def test_concatenate_and_stack_take_pytorchs_dim_and_cat_is_concatenate():
    a, b = gn.ones(2, 1), gn.zeros(2, 1)
    np.testing.assert_array_equal(gn.cat([a, b], dim=1).data, [[1.0, 0.0], [1.0, 0.0]])
    assert gn.stack([gn.ones(2), gn.zeros(2)], dim=1).shape == (2, 2)
    with pytest.raises(TypeError, match="give axis .* or dim"):
        gn.concatenate([a, b], 1, dim=1)


def test_tensor_copies_its_array_as_torch_tensor_does():
    W0 = np.ones(3, dtype=np.float32)
    w = gn.tensor(W0, requires_grad=True)
    optimizer = gn.optim.SGD([w], lr=0.5)
    (w * w).sum().backward()
    optimizer.step()
    np.testing.assert_array_equal(W0, 1.0)  # torch.tensor copies; the caller's array is untouched
    np.testing.assert_array_equal(w.data, 0.0)


def test_init_fills_a_parameters_data_array_as_pytorch_code_passes_it():
    layer = gn.nn.Linear(4, 3)
    assert gn.init.zeros_(layer.bias.data) is layer.bias.data
    np.testing.assert_array_equal(layer.bias.data, 0.0)
    gn.init.normal_(layer.weight.data, 0.0, 0.5, generator=1)
    np.testing.assert_array_equal(layer.weight.data,
                                  np.random.default_rng(1).normal(0.0, 0.5, size=(3, 4)).astype(np.float32))


def test_t_and_mm_are_the_matrix_transpose_and_product():
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(gn.tensor(a).t().data, a.T)
    np.testing.assert_array_equal(gn.tensor(a).mm(gn.tensor(a.T)).data, a @ a.T)
    with pytest.raises(ValueError, match=r"t: expects a tensor of at most 2 dimensions, got shape \(1, 2, 3\)"):
        gn.tensor(a[None]).t()


def test_flatten_merges_start_dim_to_end_dim_as_pytorch():
    x = gn.tensor(np.arange(120.0).reshape(2, 3, 4, 5), requires_grad=True)
    assert x.flatten().shape == (120,)
    assert x.flatten(1, 2).shape == (2, 12, 5) and x.flatten(-3, -2).shape == (2, 12, 5)
    assert x.flatten(2, 2).shape == (2, 3, 4, 5)
    y = x.flatten(1, 2)
    np.testing.assert_array_equal(y.numpy(), x.numpy().reshape(2, 12, 5))
    y.sum().backward()
    assert x.grad.shape == (2, 3, 4, 5)
    with pytest.raises(ValueError, match=r"flatten: start_dim \(2\) must not come after end_dim \(1\)"):
        x.flatten(2, 1)
    with pytest.raises(IndexError, match=r"flatten: .*\[-4, 3\], but got 4"):
        x.flatten(0, 4)


def test_var_takes_pytorchs_positional_unbiased():
    x = gn.tensor([[1.0, 3.0, 3.0], [4.0, 2.0, 0.0]])  # row means 7/3 and 2; squared deviations 8/3 and 8
    np.testing.assert_allclose(x.var(1, False).data, [8 / 9, 8 / 3], rtol=1e-6)  # var(dim, unbiased)
    assert x.std(1, True).shape == (2,) and x.std(1, True, True).shape == (2, 1)
    assert x.var(False).item() == pytest.approx(np.var(x.data))  # var(unbiased) over everything


def test_min_of_unsigned_integers_and_bools_does_not_wrap():
    pixels = gn.tensor(np.array([0, 5, 3], dtype=np.uint8))
    assert pixels.min().item() == 0 and pixels.amin(0).item() == 0 and pixels.min().dtype == np.uint8
    assert gn.tensor(np.array([np.iinfo(np.int64).min, 0])).min().item() == np.iinfo(np.int64).min
    assert gn.tensor([True, False]).min().item() is False


def test_the_gradient_of_a_nan_maximum_goes_to_the_nan_as_pytorchs():
    x = gn.tensor([[1.0, np.nan, 0.5]], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad.data, [[0.0, 1.0, 0.0]])


def test_to_takes_copy_and_non_blocking():
    x = gn.tensor([1.0, 2.0])
    assert x.to("cpu", non_blocking=True) is x
    copied = x.to(copy=True)
    assert copied is not x and not np.shares_memory(copied.data, x.data)
    assert gn.nn.Linear(1, 1).to("cpu", non_blocking=True).weight.dtype == np.float32


def test_no_grad_on_a_generator_holds_while_it_runs():
    @gn.no_grad
    def steps(x):
        yield (x * 2).requires_grad
        received = yield gn.is_grad_enabled()
        return received

    w = gn.ones(1, requires_grad=True)
    running = steps(w)
    assert next(running) is False and gn.is_grad_enabled() is True
    assert next(running) is False
    with pytest.raises(StopIteration) as stop:
        running.send("done")
    assert stop.value.value == "done"


def test_integer_tensors_meet_floats_in_the_default_float_dtype_as_pytorch():
    # NumPy 2 makes uint8 / 255 and int64 * float32 float64; PyTorch (and now glassnet) the float dtype
    pixels = gn.tensor(np.array([0, 128, 255], dtype=np.uint8))
    scaled = pixels / 255
    assert scaled.dtype == np.float32
    np.testing.assert_array_equal(scaled.data, np.array([0, 128, 255], np.float32) / np.float32(255))
    labels = gn.tensor([1, 2, 3])
    assert (labels * 0.5).dtype == (0.5 * labels).dtype == (labels - 1.5).dtype == np.float32
    assert (labels + gn.tensor([1.0, 2.0, 3.0], dtype="float64")).dtype == np.float64
    assert (labels / 2).dtype == (2 / labels).dtype == np.float32 and (labels * 2).dtype == np.int64
    assert labels.exp().dtype == labels.sigmoid().dtype == labels.softmax().dtype == np.float32
    assert labels.relu().dtype == np.int64  # no float needed
    w = gn.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (w * labels).sum().backward()
    assert w.grad.dtype == np.float32
    np.testing.assert_array_equal(w.grad.data, [1.0, 2.0, 3.0])


def test_var_divides_the_same_whichever_way_keepdim_is_spelled_and_int_powers_are_floats():
    x = gn.tensor([[1.0, 2.0, 3.0], [3.0, 5.0, 8.0]])  # column deviations from the mean: ±1, ±1.5, ±2.5
    np.testing.assert_allclose(x.var(dim=0, keepdim=True).data, [[2.0, 4.5, 12.5]])
    np.testing.assert_allclose(x.var(dim=0, keepdims=True).data, [[2.0, 4.5, 12.5]])  # only axis= is NumPy's
    assert (gn.tensor([1, 4, 9]) ** 0.5).dtype == np.float32 and (gn.tensor([1, 4]) ** 2).dtype == np.int64
    np.testing.assert_array_equal((gn.tensor([1, 4, 9]) ** 0.5).data, [1.0, 2.0, 3.0])
