"""Modules: registration, naming, state, modes, shapes and initialisation."""
import math
import re
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn


def test_linear_computes_x_w_transpose_plus_b():
    layer = nn.Linear(3, 2, dtype="float64", generator=0)
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(layer(x).data, x @ layer.weight.data.T + layer.bias.data)
    assert nn.Linear(3, 2, bias=False).bias is None


def test_linear_initial_weights_follow_pytorch_bound():
    layer = nn.Linear(100, 50, generator=1)
    bound = 1 / math.sqrt(100)
    assert np.abs(layer.weight.data).max() <= bound
    assert np.abs(layer.weight.data).max() > 0.9 * bound
    assert layer.weight.dtype == np.float32


def test_seeding_makes_layers_reproducible():
    gn.manual_seed(3)
    a = nn.Linear(4, 4).weight.data.copy()
    gn.manual_seed(3)
    b = nn.Linear(4, 4).weight.data.copy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(nn.Linear(4, 4, generator=5).weight.data, nn.Linear(4, 4, generator=5).weight.data)
    rng = np.random.default_rng(5)
    assert not np.array_equal(nn.Linear(4, 4, generator=rng).weight.data, nn.Linear(4, 4, generator=rng).weight.data)


def test_shape_mismatch_names_layer_and_both_shapes():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(5, 2))
    with pytest.raises(gn.ShapeError, match=r"layer '2'.*Linear\(in_features=5.*shape \(7, 3\)"):
        model(np.zeros((7, 4), dtype=np.float32))
    with pytest.raises(gn.ShapeError, match=r"layer '0'.*4 features.*\(7, 6\)"):
        model(np.zeros((7, 6), dtype=np.float32))


@pytest.mark.parametrize("x", [np.float32(2.0), np.zeros(3, np.float32), np.zeros((2, 5), np.float32)])
def test_a_linear_layer_and_op_refuse_wrong_features_with_a_shape_error(x):
    layer = nn.Linear(4, 3)
    for call in (layer, nn.Sequential(layer, nn.Sigmoid())):  # the plain and the fused op
        with pytest.raises(gn.ShapeError, match=rf"in_features=4.*shape {re.escape(str(np.shape(x)))}"):
            call(x)
    with pytest.raises(gn.ShapeError, match=r"linear: input of shape .* expects 4"):
        gn.ops.nn_ops.linear(gn.Tensor(x), layer.weight, layer.bias)


def test_bad_layer_sizes_are_named():
    with pytest.raises(ValueError, match="in_features must be a positive integer, got 0"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match="out_features"):
        nn.Linear(3, 2.5)
    with pytest.raises(TypeError, match="layer '1'"):
        nn.Sequential(nn.Linear(2, 2), "relu")


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(2, 3, generator=0)
        self.out = nn.Linear(3, 1, generator=1)
        self.scale = nn.Parameter(np.ones(1, dtype=np.float32))

    def forward(self, x):
        return self.out(gn.functional.tanh(self.hidden(x))) * self.scale


def test_parameters_are_registered_with_dotted_names():
    model = TwoLayer()
    assert [name for name, _ in model.named_parameters()] == [
        "scale", "hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert model.num_parameters() == 1 + 6 + 3 + 3 + 1
    assert [name for name, _ in model.named_modules()] == ["", "hidden", "out"]


def test_shared_parameter_is_listed_once():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.Tanh(), layer)
    assert len(list(model.parameters())) == 2


def test_zero_grad_train_eval_and_repr():
    model = TwoLayer()
    model(np.ones((1, 2), dtype=np.float32)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.eval()
    assert not model.training and not model.hidden.training
    model.train()
    assert model.out.training
    text = repr(model)
    assert "(hidden): Linear(in_features=2, out_features=3, bias=True)" in text


def test_state_dict_round_trip_and_errors():
    a, b = TwoLayer(), TwoLayer()
    b.hidden.weight.data += 1
    b.load_state_dict(a.state_dict())
    x = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    np.testing.assert_array_equal(a(x).data, b(x).data)
    state = a.state_dict()
    state["hidden.weight"][...] = 99  # a copy: the module is untouched
    assert not np.any(a.hidden.weight.data == 99)
    with pytest.raises(KeyError, match="missing keys"):
        b.load_state_dict({"scale": np.ones(1)})
    bad = a.state_dict()
    bad["hidden.weight"] = bad["hidden.weight"] + 5.0  # comes before the bad one: must not be loaded
    bad["out.weight"] = np.zeros((2, 3))
    before = {name: value.copy() for name, value in b.state_dict().items()}
    with pytest.raises(gn.ShapeError, match="out.weight"):
        b.load_state_dict(bad)
    for name, value in b.state_dict().items():  # all or nothing
        np.testing.assert_array_equal(value, before[name])
    with pytest.raises(TypeError, match="state_dict must be a mapping of names to arrays .*got NoneType"):
        b.load_state_dict(None)
    text = dict(a.state_dict(), **{"out.bias": np.array(["a"])})
    with pytest.raises(TypeError, match="'out.bias' must hold real numbers, got dtype <U1"):
        b.load_state_dict(text)


def test_module_to_float64():
    model = nn.Sequential(nn.Linear(2, 2)).double()
    assert model[0].weight.dtype == np.float64
    assert model(np.ones((1, 2))).dtype == np.float64


def test_forward_hook_sees_outputs():
    seen = []
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    handle = model[1].register_forward_hook(lambda module, inputs, output: seen.append(output.shape))
    model(np.ones((3, 2), dtype=np.float32))
    handle.remove()
    model(np.ones((3, 2), dtype=np.float32))
    assert seen == [(3, 2)]


@pytest.mark.parametrize("module,reference", [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh),
    (nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)),
    (nn.GELU(approximate="tanh"), lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))),
])
def test_activation_modules(module, reference):
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    np.testing.assert_allclose(module(gn.tensor(x)).data, reference(x), rtol=1e-12)


@pytest.mark.parametrize("module,functional", [
    (nn.MSELoss(), gn.functional.mse_loss),
    (nn.CrossEntropyLoss(), gn.functional.cross_entropy),
    (nn.BCEWithLogitsLoss(), gn.functional.binary_cross_entropy_with_logits),
])
def test_loss_modules_call_functional(module, functional):
    x = np.random.default_rng(0).standard_normal((4, 3))
    target = np.array([0, 2, 1, 1]) if isinstance(module, nn.CrossEntropyLoss) else (x > 0).astype(float)
    assert module(gn.tensor(x), target).item() == functional(gn.tensor(x), target).item()
    with pytest.raises(ValueError, match="reduction"):
        type(module)(reduction="average")


class TestInit:
    def test_xavier_uniform_bound(self):
        w = gn.nn.Parameter(np.zeros((30, 20)))
        gn.init.xavier_uniform_(w, generator=0)
        bound = math.sqrt(6 / 50)
        assert np.abs(w.data).max() <= bound and np.abs(w.data).max() > 0.95 * bound

    def test_kaiming_normal_std(self):
        w = gn.nn.Parameter(np.zeros((400, 500)))
        gn.init.kaiming_normal_(w, nonlinearity="relu", generator=0)
        assert w.data.std() == pytest.approx(math.sqrt(2 / 500), rel=0.02)
        gn.init.kaiming_uniform_(w, nonlinearity="relu", mode="fan_out", generator=0)
        assert w.data.std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)

    def test_xavier_normal_and_simple_fills(self):
        w = gn.nn.Parameter(np.zeros((300, 200)))
        gn.init.xavier_normal_(w, gain=2.0, generator=1)
        assert w.data.std() == pytest.approx(2 * math.sqrt(2 / 500), rel=0.02)
        gn.init.normal_(w, 1.0, 0.5, generator=1)
        assert w.data.mean() == pytest.approx(1.0, abs=0.01)
        gn.init.uniform_(w, -2, -1, generator=1)
        assert w.data.min() >= -2 and w.data.max() <= -1
        gn.init.zeros_(w)
        assert not w.data.any()

    def test_errors(self):
        with pytest.raises(ValueError, match="at least 2 dimensions"):
            gn.init.xavier_uniform_(gn.nn.Parameter(np.zeros(3)))
        with pytest.raises(ValueError, match="valid:"):
            gn.init.calculate_gain("swish")
        with pytest.raises(TypeError, match="generator"):
            gn.init.normal_(gn.nn.Parameter(np.zeros(3)), generator="seed")


def test_layers_accept_nested_lists_in_their_own_dtype():
    layer = nn.Linear(2, 1, dtype="float64", generator=0)
    out = layer([[1, 2]])
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.data, np.array([[1.0, 2.0]]) @ layer.weight.data.T + layer.bias.data)


def test_layers_cast_arrays_to_their_own_dtype_as_keras_and_refuse_non_numbers():
    model = nn.Sequential(nn.Linear(2, 3, generator=0), nn.ReLU(), nn.Linear(3, 1, generator=1))  # float32
    x64 = np.array([[0.25, -1.5], [2.0, 0.5]])
    expected = model(x64.astype(np.float32)).data
    for x in (x64, np.array([[0, -1], [2, 0]]), gn.tensor(np.array([[0, -1], [2, 0]]))):
        out = model(x)  # a float64 NumPy array, an int array, an int tensor: all computed in float32
        assert out.dtype == np.float32
    np.testing.assert_array_equal(model(x64).data, expected)
    assert model(gn.tensor(x64, dtype="float64")).dtype == np.float64  # a float tensor is taken as it is
    for bad in (np.ones((2, 2), dtype=complex), np.array([["a", "b"]]), np.array([[1.0, None]], dtype=object)):
        with pytest.raises(TypeError, match=r"Linear\(in_features=2.* expected real numbers, got an array of dtype"):
            model(bad)


@pytest.mark.parametrize("rows", [6, 16384])  # 16384 x 5 outputs: the layer's workspace arrays are used
@pytest.mark.parametrize("activation", [nn.ReLU, nn.Sigmoid, nn.Tanh])
def test_sequential_fused_linear_activation_equals_separate_ops(activation, rows):
    """Sequential runs Linear + activation as one fused op; the numbers must equal the two ops'."""
    from glassnet.ops.workspace import MIN_SIZE

    assert (rows * 5 >= MIN_SIZE) == (rows > 6)
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(4, 5, dtype="float64", generator=1), activation(),
                          nn.Linear(5, 3, dtype="float64", generator=2))
    x = rng.standard_normal((rows, 4))
    upstream = rng.standard_normal((rows, 3))  # dL/d(output), the same for both runs
    out = model(x)
    assert out._parents[0]._op == "linear_activation"  # the fused node is what ran
    (out * upstream).sum().backward()
    fused = {name: p.grad.data.copy() for name, p in model.named_parameters()}
    model.zero_grad()
    hidden = activation()(gn.functional.linear(x, model[0].weight, model[0].bias))
    separate = gn.functional.linear(hidden, model[2].weight, model[2].bias)
    np.testing.assert_array_equal(out.data, separate.data)
    (separate * upstream).sum().backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.data, fused[name], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_fused_sigmoid_saturates_without_overflow_like_the_separate_op(dtype):
    """Far from zero the fused linear + sigmoid op caps e^-z below overflow for each float size
    (float16 overflows past e^11), gives the separate op's numbers and raises no overflow warning."""
    from glassnet.ops.nn_ops import linear_activation

    x = gn.Tensor(np.array([[-60.0, 60.0], [-800.0, 800.0]], dtype=dtype))
    weight, bias = gn.Tensor(np.eye(2, dtype=dtype)), gn.Tensor(np.zeros(2, dtype=dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fused = linear_activation(x, weight, bias, "sigmoid").data
        separate = gn.functional.sigmoid(x).data
    assert fused.dtype == dtype
    np.testing.assert_array_equal(fused, separate)
    assert np.all(fused[:, 1] == 1) and np.all((fused[:, 0] > 0) & (fused[:, 0] < 1e-4))
    if dtype == "float64":  # e^-60 is far from the cap: the exact value
        np.testing.assert_allclose(fused[0, 0], 1 / (1 + math.exp(60)), rtol=1e-12)


def test_forward_hooks_see_every_layer_of_a_sequential():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    seen = []
    model[1].register_forward_hook(lambda module, inputs, output: seen.append(type(module).__name__))
    model(np.ones((2, 2), dtype=np.float32))
    assert seen == ["ReLU"]


@pytest.mark.parametrize("rows", [3, 64])  # 3 x 100 takes the scalar path, 64 x 100 the row of zeros
def test_relu_is_max_with_zero_bit_for_bit_on_both_paths(rows):
    """relu compares large arrays with a row of zeros (a faster NumPy loop than a scalar 0); NaN, ±0,
    ±inf and subnormals must come out exactly as np.maximum(x, 0) gives them, fused or not."""
    from glassnet.ops.elementwise import ROW_OPERAND_MIN_SIZE, ROW_OPERAND_MIN_WIDTH
    from glassnet.ops.nn_ops import linear_activation

    special = np.array([-0.0, 0.0, np.nan, np.inf, -np.inf, 1e-45, -1e-45, 3.0, -3.0, 2.5], dtype=np.float32)
    x = np.tile(special, (rows, 10))
    assert (x.size >= ROW_OPERAND_MIN_SIZE and x.shape[1] >= ROW_OPERAND_MIN_WIDTH) == (rows == 64)
    expected = np.maximum(x, 0).view(np.uint32)
    np.testing.assert_array_equal(gn.functional.relu(gn.Tensor(x)).data.view(np.uint32), expected)
    identity, zero_bias = gn.Tensor(np.eye(100, dtype=np.float32)), gn.Tensor(np.zeros(100, dtype=np.float32))
    with np.errstate(invalid="ignore"):  # inf * 0 inside x @ I is nan, as it should be
        fused = linear_activation(gn.Tensor(x), identity, zero_bias, "relu").data
        through_identity = np.maximum(x @ np.eye(100, dtype=np.float32), 0)
    np.testing.assert_array_equal(fused.view(np.uint32), through_identity.view(np.uint32))


@pytest.mark.parametrize("rows", [3, 64])
def test_sigmoid_cap_is_the_same_on_the_scalar_and_the_row_path(rows):
    """Large arrays cap e^-x against a row of 88s instead of the scalar: the same bits either way."""
    special = np.array([-0.0, 0.0, np.nan, np.inf, -np.inf, 1e-45, -100.0, 3.0, -3.0, 95.0], dtype=np.float32)
    x = np.tile(special, (rows, 10))
    expected = 1 / (1 + np.exp(np.minimum(-x, np.float32(88))))  # the cap written with a scalar, by hand
    np.testing.assert_array_equal(gn.functional.sigmoid(gn.Tensor(x)).data.view(np.uint32), expected.view(np.uint32))


def test_activation_and_seed_arguments_are_checked_by_name():
    for make, error, match in [(lambda: nn.Softmax(dim="a"), TypeError, "Softmax: dim must be an integer, got 'a'"),
                               (lambda: nn.LeakyReLU("abc"), TypeError, "negative_slope must be a finite number"),
                               (lambda: nn.Linear(4, 3, generator=-1), ValueError, "generator: an int seed must be >= 0"),
                               (lambda: nn.Softmax(dim=5)(np.ones((2, 3), dtype=np.float32)), IndexError,
                                r"softmax: dimension out of range \(expected to be in range of \[-2, 1\], but got 5\)")]:
        with pytest.raises(error, match=match):
            make()
    np.testing.assert_allclose(nn.LogSoftmax(dim=-2)(np.zeros((2, 3), dtype=np.float32)).numpy(), np.log(0.5))


def test_cross_entropy_loss_takes_weight_first_as_pytorch_and_names_a_reduction_given_there():
    with pytest.raises(TypeError, match=r"first argument is weight.*CrossEntropyLoss\(reduction='sum'\)"):
        nn.CrossEntropyLoss("sum")
    with pytest.raises(ValueError, match="weight must be one finite number per class"):
        nn.CrossEntropyLoss(weight=[[1.0, 2.0]])
    assert nn.CrossEntropyLoss(reduction="sum").reduction == "sum"


def test_an_int_generator_gives_one_stream_for_weight_and_bias():
    # the bias used to restart the seed's stream, so it repeated the first weights
    layer = nn.Linear(3, 2, generator=5)
    draws = np.random.default_rng(5).uniform(-1 / np.sqrt(3), 1 / np.sqrt(3), size=6 + 2)
    np.testing.assert_array_equal(layer.weight.data, draws[:6].reshape(2, 3).astype(np.float32))
    np.testing.assert_array_equal(layer.bias.data, draws[6:].astype(np.float32))


def test_dropout_layer_draws_a_new_mask_each_call_from_its_seed_and_is_the_identity_in_eval():
    x = gn.tensor(np.ones((100, 100), dtype=np.float32))
    layer = nn.Dropout(0.25, generator=0)
    first, second = layer(x).numpy(), layer(x).numpy()
    assert not np.array_equal(first, second)  # one stream: each call a new mask
    assert abs((first != 0).mean() - 0.75) < 4 * np.sqrt(0.25 * 0.75 / x.numel())
    np.testing.assert_array_equal(np.unique(first), [0.0, np.float32(1) / np.float32(0.75)])
    again = nn.Dropout(0.25, generator=0)
    np.testing.assert_array_equal(again(x).numpy(), first)  # the same seed, the same masks
    np.testing.assert_array_equal(again(x).numpy(), second)
    layer.eval()
    assert layer(x) is x
    assert nn.Dropout(0.0)(x) is x
    np.testing.assert_array_equal(nn.Dropout(1.0)(x).numpy(), np.zeros((100, 100)))


def test_dropout_layer_checks_its_arguments_and_prints_like_pytorch():
    assert repr(nn.Dropout()) == "Dropout(p=0.5, inplace=False)"
    assert nn.Dropout(0.2, inplace=True).inplace
    with pytest.raises(ValueError, match=r"Dropout: p must be a probability in \[0, 1\].*got 1.2"):
        nn.Dropout(1.2)
    with pytest.raises(TypeError, match="Dropout: inplace must be True or False"):
        nn.Dropout(0.5, "no")
    with pytest.raises(TypeError, match="generator: expected None, an int seed or a numpy.random.Generator"):
        nn.Dropout(0.5, generator="seed")


@pytest.mark.parametrize("order", ["linear-dropout-relu", "linear-relu-dropout"])
def test_dropout_in_a_sequential_is_applied_next_to_a_fused_linear_activation(order):
    """Sequential fuses Linear + ReLU; a Dropout between or after them must still drop, with its own mask."""
    x = np.random.default_rng(0).standard_normal((8, 4)).astype(np.float32)
    linear = nn.Linear(4, 6, generator=1)
    dropout = nn.Dropout(0.5, generator=2)
    layers = (linear, dropout, nn.ReLU()) if order == "linear-dropout-relu" else (linear, nn.ReLU(), dropout)
    model = nn.Sequential(*layers)
    out = model(x).numpy()
    z = x @ linear.weight.numpy().T + linear.bias.numpy()
    mask = (np.random.default_rng(2).random(z.shape) >= 0.5).astype(np.float32) / np.float32(0.5)
    np.testing.assert_allclose(out, np.maximum(z, 0) * mask, rtol=1e-6, atol=1e-7)  # relu(z)·m = relu(z·m) for m ≥ 0
    model.eval()
    np.testing.assert_allclose(model(x).numpy(), np.maximum(z, 0), rtol=1e-6, atol=1e-7)


def test_identity_returns_its_input_and_takes_any_arguments():
    x = gn.tensor(np.ones((2, 3)))
    assert nn.Identity()(x) is x
    assert nn.Identity(54, unused="argument")(x) is x
    assert repr(nn.Identity()) == "Identity()" and not list(nn.Identity().parameters())


def test_flatten_keeps_the_batch_dimension_by_default():
    x = gn.tensor(np.arange(48.0).reshape(2, 3, 2, 4), requires_grad=True)
    y = nn.Flatten()(x)
    assert y.shape == (2, 24)
    np.testing.assert_array_equal(y.numpy(), x.numpy().reshape(2, 24))
    assert nn.Flatten(0, 1)(x).shape == (6, 2, 4) and nn.Flatten(-2)(x).shape == (2, 3, 8)
    (y * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3, 2, 4), 2.0))
    assert nn.Flatten()(np.ones((5, 2, 2))).shape == (5, 4)
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    with pytest.raises(TypeError, match="Flatten: start_dim must be an integer, got 1.5"):
        nn.Flatten(1.5)


class Tower(nn.Module):
    """Layers kept in a ModuleList and called in a forward of its own."""

    def __init__(self, sizes, seed=0):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b, generator=seed + i) for i, (a, b) in enumerate(zip(sizes, sizes[1:]))])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x).tanh()
        return x


def test_module_list_registers_its_layers_under_pytorch_names():
    tower = Tower([3, 4, 2])
    assert list(tower.state_dict()) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
    assert [name for name, _ in tower.named_parameters()] == list(tower.state_dict())
    assert len(list(tower.parameters())) == 4
    copy = Tower([3, 4, 2], seed=10)
    copy.load_state_dict(tower.state_dict())
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_array_equal(copy(x).numpy(), tower(x).numpy())
    tower.eval()
    assert not tower.layers[1].training


def test_module_list_edits_like_a_list_and_renumbers():
    a, b, c, d = nn.Linear(1, 1), nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    layers = nn.ModuleList([a, b])
    assert layers.append(c) is layers and len(layers) == 3 and list(layers) == [a, b, c]
    layers.extend([d])
    layers.insert(1, nn.Identity())
    assert [type(m).__name__ for m in layers] == ["Linear", "Identity", "ReLU", "Tanh", "Sigmoid"]
    assert [name for name, _ in layers.named_children()] == ["0", "1", "2", "3", "4"]
    assert layers[-1] is d and layers[0] is a
    tail = layers[2:]
    assert isinstance(tail, nn.ModuleList) and list(tail) == [b, c, d]
    assert [name for name, _ in tail.named_children()] == ["0", "1", "2"]  # a slice is numbered from 0
    layers[1] = nn.GELU()
    assert isinstance(layers[1], nn.GELU)
    del layers[0]
    assert [name for name, _ in layers.named_children()] == ["0", "1", "2", "3"] and layers[0] is not a
    del layers[1:3]
    assert [type(m).__name__ for m in layers] == ["GELU", "Sigmoid"]
    layers += nn.ModuleList([a])
    assert list(layers)[-1] is a and list(layers.parameters()) == [a.weight, a.bias]
    assert layers.pop(0) is not a and [name for name, _ in layers.named_children()] == ["0", "1"]
    assert list(nn.ModuleList([b]) + nn.ModuleList([c])) == [b, c]


def test_module_list_refuses_what_is_not_a_module_and_has_no_forward():
    with pytest.raises(TypeError, match="ModuleList.extend: item 1 must be a glassnet.nn.Module, got int"):
        nn.ModuleList([nn.ReLU(), 3])
    with pytest.raises(TypeError, match="ModuleList.extend: expected an iterable of glassnet.nn.Module, got ReLU"):
        nn.ModuleList(nn.ReLU())
    with pytest.raises(IndexError, match="ModuleList: index 2 is out of range for 2 layers"):
        nn.ModuleList([nn.ReLU(), nn.Tanh()])[2]
    with pytest.raises(NotImplementedError, match="ModuleList must define forward"):
        nn.ModuleList([nn.ReLU()])(np.ones(2))


def test_nll_and_l1_loss_modules_call_functional():
    rng = np.random.default_rng(0)
    log_p = gn.functional.log_softmax(gn.tensor(rng.standard_normal((5, 3))), dim=1)
    labels = np.array([0, 2, 1, 1, 2])
    loss = nn.NLLLoss(weight=[1.0, 2.0, 0.5], ignore_index=2)
    assert loss(log_p, labels).item() == gn.functional.nll_loss(log_p, labels, [1.0, 2.0, 0.5], ignore_index=2).item()
    assert repr(loss) == "NLLLoss(reduction='mean', weight=[1.0, 2.0, 0.5], ignore_index=2)"
    target = rng.standard_normal((5, 3))
    assert nn.L1Loss("sum")(log_p, target).item() == gn.functional.l1_loss(log_p, target, reduction="sum").item()
    with pytest.raises(TypeError, match=r"NLLLoss: the first argument is weight.*NLLLoss\(reduction='sum'\)"):
        nn.NLLLoss("sum")
    with pytest.raises(ValueError, match="L1Loss: reduction must be one of"):
        nn.L1Loss(reduction="average")


def test_a_module_list_adds_any_iterable_of_modules():
    joined = nn.ModuleList([nn.ReLU()]) + [nn.Tanh(), nn.Sigmoid()]
    assert [type(m).__name__ for m in joined] == ["ReLU", "Tanh", "Sigmoid"]
    with pytest.raises(TypeError, match="ModuleList"):
        nn.ModuleList([nn.ReLU()]) + [3]
