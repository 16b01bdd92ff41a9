"""Module registration, Sequential editing, schedules and saving, as a PyTorch user expects them."""
import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn, optim
from glassnet.errors import ShapeError

X = np.array([[-1.0, 2.0, -3.0, 4.0], [0.5, -0.5, 1.5, 2.5]], dtype=np.float32)


def named_net():
    return nn.Sequential({"fc": nn.Linear(4, 4, generator=0), "act": nn.ReLU(), "out": nn.Linear(4, 4, generator=1)})


def test_replacing_a_layer_keeps_its_place_so_forward_runs_in_order():
    model = named_net()
    model.fc = nn.Linear(4, 4, generator=2)
    assert [name for name, _ in model.named_children()] == ["fc", "act", "out"]
    by_hand = model.out(model.act(model.fc(gn.tensor(X))))
    np.testing.assert_array_equal(model(gn.tensor(X)).numpy(), by_hand.numpy())


def test_replacing_a_parameter_keeps_the_order_of_parameters_and_state_dict():
    layer = nn.Linear(3, 2, generator=0)
    layer.weight = nn.Parameter(np.zeros((2, 3), np.float32))
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert list(layer.state_dict()) == ["weight", "bias"]


@pytest.mark.parametrize("value", [lambda layer: gn.tensor(np.ones((2, 3), np.float32), requires_grad=True),
                                   lambda layer: layer.weight * 0.5, lambda layer: np.ones((2, 3))])
def test_assigning_a_non_parameter_to_a_parameter_name_is_refused(value):
    layer = nn.Linear(3, 2)
    with pytest.raises(TypeError, match=r"Linear: cannot assign \w+ as parameter 'weight' \(a glassnet.nn.Parameter or None"):
        layer.weight = value(layer)
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]


def test_a_parameter_or_child_can_be_set_to_none_as_in_pytorch():
    layer = nn.Linear(3, 2)
    layer.bias = None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    model = named_net()
    with pytest.raises(TypeError, match="cannot assign int as child module 'act'"):
        model.act = 3
    model.act = None
    assert [name for name, _ in model.named_children()] == ["fc", "out"]


def test_children_lists_a_module_registered_twice_once():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.Tanh(), layer)
    assert len(list(model.children())) == 2 and len(model) == 3


def test_apply_visits_children_in_order_each_after_its_own_children():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 3), nn.Tanh()), nn.Linear(3, 1))
    seen = []
    model.apply(lambda m: seen.append(getattr(m, "out_features", type(m).__name__)))
    assert seen == [2, 3, "Tanh", "Sequential", 1, "Sequential"]  # torch.nn.Module.apply's order


def test_apply_with_a_seeded_initialiser_fills_layers_in_order():
    generator = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    model.apply(lambda m: gn.init.normal_(m.weight, generator=generator) if isinstance(m, nn.Linear) else None)
    again = np.random.default_rng(0)
    np.testing.assert_array_equal(model[0].weight.numpy(), again.normal(0, 1, (3, 2)).astype(np.float32))
    np.testing.assert_array_equal(model[2].weight.numpy(), again.normal(0, 1, (1, 3)).astype(np.float32))


def test_train_takes_only_a_boolean():
    with pytest.raises(ValueError, match="train: mode must be True or False, got 'no'"):
        nn.Linear(2, 2).train("no")


def test_requires_grad_freezes_a_layer_and_the_optimizer_skips_it():
    model = nn.Sequential(nn.Linear(2, 3, generator=0), nn.ReLU(), nn.Linear(3, 1, generator=1))
    assert model[0].requires_grad_(False) is model[0]
    frozen = model[0].weight.numpy().copy()
    optimizer = optim.SGD(model.parameters(), lr=0.1)  # frozen parameters are accepted, as in PyTorch
    head = model[2].weight.numpy().copy()
    model(gn.tensor(X[:, :2])).sum().backward()
    optimizer.step()
    np.testing.assert_array_equal(model[0].weight.numpy(), frozen)
    assert model[0].weight.grad is None and not np.array_equal(model[2].weight.numpy(), head)


def test_slicing_a_sequential_keeps_the_layer_names():
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2))
    assert list(model[1:].state_dict()) == ["2.weight", "2.bias"]
    assert [name for name, _ in named_net()[1:].named_children()] == ["act", "out"]
    tail = model[1:].append(nn.Tanh())
    assert [name for name, _ in tail.named_children()] == ["1", "2", "3"]


def test_sequential_item_assignment_deletion_insert_and_extend():
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2))
    head = nn.Linear(4, 5)
    model[-1] = head
    assert model[2] is head and model(gn.tensor(X)).shape == (2, 5)
    del model[1]
    assert [name for name, _ in model.named_children()] == ["0", "1"] and model[1] is head
    tanh = nn.Tanh()
    model.insert(1, tanh)
    assert model[1] is tanh and [name for name, _ in model.named_children()] == ["0", "1", "2"]
    model.extend([nn.Sigmoid()])
    assert len(model) == 4 and isinstance(model[3], nn.Sigmoid)
    with pytest.raises(IndexError, match="index 7 is out of range for 4 layers"):
        model[7] = nn.ReLU()
    with pytest.raises(TypeError, match="must be a glassnet.nn.Module, got int"):
        model[0] = 3


def test_clip_grad_norm_with_an_infinite_limit_measures_without_clipping():
    parameter = gn.tensor(np.zeros(2, np.float32), requires_grad=True)
    parameter.grad = gn.tensor(np.array([3.0, 4.0], np.float32))
    assert optim.clip_grad_norm_([parameter], math.inf) == pytest.approx(5.0)
    np.testing.assert_array_equal(parameter.grad.numpy(), [3.0, 4.0])


# ---------------------------------------------------------------------------------- schedules

def sgd(lr=0.1):
    return optim.SGD(nn.Linear(2, 2).parameters(), lr=lr)


def test_two_schedules_on_one_optimizer_combine():
    optimizer = sgd()
    step, exponential = optim.StepLR(optimizer, 3, 0.5), optim.ExponentialLR(optimizer, 0.9)
    for _ in range(3):
        optimizer.step()
        step.step()
        exponential.step()
    assert exponential.get_last_lr() == pytest.approx([0.1 * 0.9**3 * 0.5])  # torch: 0.03645


def test_a_schedule_goes_on_from_an_lr_set_by_hand():
    optimizer = sgd()
    schedule = optim.ExponentialLR(optimizer, 0.5)
    schedule.step()
    optimizer.param_groups[0]["lr"] = 1.0
    schedule.step()
    assert schedule.get_last_lr() == [0.5]


@pytest.mark.parametrize("make,closed_form", [
    (lambda o: optim.StepLR(o, 3, 0.5), lambda k: 0.1 * 0.5 ** (k // 3)),
    (lambda o: optim.ExponentialLR(o, 0.9), lambda k: 0.1 * 0.9**k),
    (lambda o: optim.CosineAnnealingLR(o, 4, eta_min=0.01), lambda k: 0.01 + 0.09 * (1 + math.cos(math.pi * k / 4)) / 2),
])
def test_alone_each_schedule_follows_its_closed_form_past_its_period(make, closed_form):
    optimizer = sgd()
    schedule = make(optimizer)
    rates = [schedule.get_last_lr()[0]]
    for _ in range(12):
        schedule.step()
        rates.append(schedule.get_last_lr()[0])
    np.testing.assert_allclose(rates, [closed_form(k) for k in range(13)], rtol=1e-12, atol=1e-15)


def test_a_group_added_later_follows_the_schedule_from_its_own_lr():
    optimizer = sgd()
    schedule = optim.StepLR(optimizer, 1, 0.5)
    optimizer.add_param_group({"params": [nn.Parameter(np.zeros(2, np.float32))], "lr": 0.5})
    schedule.step()
    assert schedule.get_last_lr() == [0.05, 0.25]
    plateau = optim.ReduceLROnPlateau(optimizer, patience=0, factor=0.1)
    optimizer.add_param_group({"params": [nn.Parameter(np.zeros(2, np.float32))], "lr": 1.0})
    plateau.step(1.0)
    plateau.step(2.0)
    assert plateau.get_last_lr() == pytest.approx([0.005, 0.025, 0.1])


def test_resuming_a_schedule_without_the_optimizers_initial_lr_is_refused():
    with pytest.raises(KeyError, match=r"param_groups\[0\] has no 'initial_lr'.*load the optimizer's state_dict first"):
        optim.StepLR(sgd(), 3, last_epoch=5)


def test_schedules_take_numpy_and_whole_float_periods():
    assert optim.StepLR(sgd(), np.int64(3)).step_size == 3
    assert optim.CosineAnnealingLR(sgd(), 10.0).T_max == 10
    with pytest.raises(ValueError, match="T_max must be a positive integer, got 2.5"):
        optim.CosineAnnealingLR(sgd(), 2.5)


# ---------------------------------------------------------------------------------- saving

def test_tied_weights_save_and_load_still_tied(tmp_path):
    model = nn.Sequential(nn.Linear(3, 3, generator=0), nn.Tanh(), nn.Linear(3, 3, generator=1))
    model[2].weight = model[0].weight
    gn.save(model, tmp_path / "tied.npz")
    loaded = gn.load(tmp_path / "tied.npz")
    assert loaded[2].weight is loaded[0].weight and loaded[2].bias is not loaded[0].bias
    x = gn.tensor(X[:, :3])
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())


def test_a_module_used_twice_saves_and_loads(tmp_path):
    layer = nn.Linear(3, 3, generator=0)
    model = nn.Sequential(layer, nn.Tanh(), layer)
    gn.save(model, tmp_path / "twice.npz")
    loaded = gn.load(tmp_path / "twice.npz")
    assert len(loaded) == 3 and loaded[2].weight is loaded[0].weight and loaded[2].bias is loaded[0].bias
    x = gn.tensor(X[:, :3])
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())


def test_a_parameter_the_architecture_cannot_rebuild_is_refused_before_anything_is_written(tmp_path):
    model = nn.Linear(4, 3)
    model.scale = nn.Parameter(np.ones(3, np.float32))
    with pytest.raises(ValueError, match=r"save: Linear's architecture .* \['scale'\] cannot be restored"):
        gn.save(model, tmp_path / "extra.npz")
    assert not (tmp_path / "extra.npz").exists()


def test_init_arguments_are_checked_by_name():
    weight = nn.Linear(3, 2).weight
    for call, match in [(lambda: gn.init.uniform_(weight, 1, 0), r"uniform_: the range \[a, b\) needs a <= b, got a=1.0 > b=0.0"),
                        (lambda: gn.init.normal_(weight, 0, -1), "normal_: std must be >= 0, got -1.0"),
                        (lambda: gn.init.constant_((0.0, 0.0), 1), "constant_: expected a glassnet Tensor"),
                        (lambda: gn.init.calculate_gain("leaky_relu", "a"), "negative slope of leaky_relu must be a number")]:
        with pytest.raises((TypeError, ValueError), match=match):
            call()
    assert gn.init.calculate_gain("conv3d") == gn.init.calculate_gain("conv_transpose2d") == 1.0


def test_a_state_dict_with_other_names_is_a_runtime_error_as_in_pytorch_with_its_message_unquoted():
    layer = nn.Linear(3, 2)
    with pytest.raises(RuntimeError) as caught:
        layer.load_state_dict({"weight": np.zeros((2, 3))})
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, gn.StateDictError)
    assert str(caught.value).startswith("load_state_dict: missing keys ['bias'], unexpected keys []")


# ---------------------------------------------------------------------------------- weighted binary losses

def _reference_bce_with_logits(x, t, weight, pos_weight):
    """PyTorch's formula, written in autograd.numpy: -w [p t log σ(x) + (1 - t) log(1 - σ(x))]."""
    import autograd.numpy as anp

    log_sigmoid = -anp.logaddexp(0.0, -x)
    log_one_minus = -anp.logaddexp(0.0, x)
    return -weight * (pos_weight * t * log_sigmoid + (1 - t) * log_one_minus)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits_weight_and_pos_weight_match_the_formula_and_its_autograd_gradient(reduction):
    from autograd import grad as autograd_grad

    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 3)) * 4
    t = rng.uniform(size=(5, 3))
    weight, pos_weight = rng.uniform(0.5, 2.0, size=(5, 1)), np.array([3.0, 0.5, 1.0])
    reduce = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction]
    logits, target = gn.tensor(x, requires_grad=True), gn.tensor(t, requires_grad=True)
    loss = gn.functional.binary_cross_entropy_with_logits(logits, target, reduction=reduction, weight=weight,
                                                          pos_weight=pos_weight)
    np.testing.assert_allclose(loss.numpy(), reduce(_reference_bce_with_logits(x, t, weight, pos_weight)), rtol=1e-12)
    loss.sum().backward()  # for 'none', the gradient of the sum of the elements' losses

    def reference(a, b):
        import autograd.numpy as anp

        return anp.sum(reduce(_reference_bce_with_logits(a, b, weight, pos_weight)))

    np.testing.assert_allclose(logits.grad.numpy(), autograd_grad(reference, 0)(x, t), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(target.grad.numpy(), autograd_grad(reference, 1)(x, t), rtol=1e-10, atol=1e-14)


def test_bce_loss_weight_rescales_each_elements_loss_and_the_modules_take_it_first_as_pytorch():
    p = np.array([[0.9, 0.2], [0.4, 0.7]])
    t = np.array([[1.0, 0.0], [1.0, 1.0]])
    weight = np.array([2.0, 0.5])
    by_hand = -(weight * (t * np.log(p) + (1 - t) * np.log(1 - p))).mean()
    assert nn.BCELoss(weight)(gn.tensor(p), t).item() == pytest.approx(by_hand, rel=1e-12)
    assert nn.BCEWithLogitsLoss(pos_weight=[1.0, 1.0])(gn.tensor(p), t).item() == pytest.approx(
        nn.BCEWithLogitsLoss()(gn.tensor(p), t).item(), rel=1e-12)
    with pytest.raises(TypeError, match=r"the first argument is weight, as in PyTorch, got 'sum'.*BCELoss\(reduction='sum'\)"):
        nn.BCELoss("sum")
    with pytest.raises(ShapeError, match=r"pos_weight of shape \(3,\) does not broadcast to the input's shape \(2, 2\)"):
        nn.BCEWithLogitsLoss(pos_weight=[1.0, 2.0, 3.0])(gn.tensor(p), t)


def test_a_weighted_binary_loss_saves_and_loads(tmp_path):
    model = nn.Sequential(nn.Linear(2, 2), nn.BCEWithLogitsLoss(weight=[1.0, 2.0], pos_weight=[3.0, 1.0]))
    gn.save(model, tmp_path / "m.npz")
    loaded = gn.load(tmp_path / "m.npz")[1]
    np.testing.assert_array_equal(loaded.pos_weight, [3.0, 1.0])
    np.testing.assert_array_equal(loaded.weight, [1.0, 2.0])


def test_relu_takes_inplace_as_pytorch_code_writes_it_and_parameters_takes_recurse():
    x = gn.tensor(X, requires_grad=True)
    y = nn.ReLU(inplace=True)(x)
    y.sum().backward()
    np.testing.assert_array_equal(x.numpy(), X)  # the input is left as it was
    np.testing.assert_array_equal(y.numpy(), np.maximum(X, 0))
    np.testing.assert_array_equal(x.grad.numpy(), (X > 0).astype(np.float32))
    assert nn.LeakyReLU(0.1, inplace=True).negative_slope == 0.1
    with pytest.raises(TypeError, match="ReLU: inplace must be True or False, got 'yes'"):
        nn.ReLU("yes")
    model = nn.Sequential(nn.Linear(2, 2))
    model.scale = nn.Parameter(np.ones(2, np.float32))
    assert [p is model.scale for p in model.parameters(recurse=False)] == [True]
    assert len(list(model.parameters())) == 3


def test_saving_leaves_the_default_generator_as_it_was(tmp_path):
    gn.manual_seed(0)
    gn.save(nn.Linear(30, 20), tmp_path / "a.npz")
    after_save = nn.Linear(4, 3).weight.numpy()
    gn.manual_seed(0)
    nn.Linear(30, 20)
    np.testing.assert_array_equal(nn.Linear(4, 3).weight.numpy(), after_save)


def test_loading_leaves_the_default_generator_as_it_was(tmp_path):
    # torch.load never touches the random state; rebuilding the architecture draws initial weights
    gn.save(nn.Sequential(nn.Linear(30, 20)), tmp_path / "a.npz")
    gn.manual_seed(0)
    untouched = nn.Linear(4, 3).weight.numpy().copy()
    gn.manual_seed(0)
    gn.load(tmp_path / "a.npz")
    np.testing.assert_array_equal(nn.Linear(4, 3).weight.numpy(), untouched)


def test_manual_seed_reseeds_the_default_generator_in_place_as_pytorch():
    held = gn.random.default_generator()
    gn.manual_seed(5)
    first = held.random(3)
    gn.manual_seed(5)
    np.testing.assert_array_equal(held.random(3), first)
    np.testing.assert_array_equal(first, np.random.default_rng(5).random(3))
    with pytest.raises(ValueError, match="manual_seed: seed must be >= 0, got -1"):
        gn.manual_seed(-1)


def test_a_resumed_schedule_goes_on_as_an_uninterrupted_one():
    """Resumed as in PyTorch: the optimizer's state loaded, the schedule built with last_epoch = steps taken - 1."""
    for make in (lambda o, e: optim.StepLR(o, 2, 0.5, last_epoch=e), lambda o, e: optim.ExponentialLR(o, 0.5, last_epoch=e),
                 lambda o, e: optim.CosineAnnealingLR(o, 4, last_epoch=e)):
        optimizer = sgd(1.0)
        schedule = make(optimizer, -1)
        used = []  # the rate each of 8 epochs trains with
        for _ in range(8):
            used.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            schedule.step()
        first = sgd(1.0)
        schedule = make(first, -1)
        for _ in range(3):  # three epochs, then a checkpoint
            first.step()
            schedule.step()
        resumed = sgd(1.0)
        resumed.load_state_dict(first.state_dict())
        schedule = make(resumed, 2)
        again = []
        for _ in range(5):
            again.append(resumed.param_groups[0]["lr"])
            resumed.step()
            schedule.step()
        np.testing.assert_allclose(again, used[3:], rtol=1e-12, atol=1e-15)
        assert schedule.last_epoch == 8


def test_inserting_among_named_layers_keeps_every_layer():
    model = nn.Sequential({"a": nn.Linear(2, 2), "1": nn.ReLU()})
    tanh = nn.Tanh()
    model.insert(1, tanh)
    assert len(model) == 3 and model[1] is tanh and [n for n, _ in model.named_children()] == ["a", "2", "1"]


@pytest.mark.parametrize("name,match", [("forward", "taken by an attribute or method"), ("training", "taken by an attribute"),
                                        ("", "non-empty and have no dots"), ("a.b", "non-empty and have no dots"),
                                        (3, "a layer name must be a string, got 3")])
def test_a_sequential_refuses_layer_names_that_would_break_it(name, match):
    with pytest.raises((TypeError, ValueError), match=match):
        nn.Sequential({name: nn.Linear(3, 3), "out": nn.Linear(3, 1)})


def test_refused_edits_leave_a_sequential_as_it_was():
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    with pytest.raises(TypeError, match="Sequential.extend: item 1 must be a glassnet.nn.Module, got int"):
        model.extend([nn.Tanh(), 3])
    assert len(model) == 2
    model.extend(model)
    assert len(model) == 4 and model[2] is model[0]
    with pytest.raises(TypeError, match="slices are not supported for assignment"):
        model[0:1] = nn.ReLU()


def test_binary_loss_weights_are_checked_against_the_inputs_dtype_and_named():
    p = gn.tensor(np.full((2, 2), 0.5, np.float32))
    with pytest.raises(ValueError, match=r"pos_weight must hold finite numbers in the input's dtype \(float32\)"):
        nn.BCEWithLogitsLoss(pos_weight=[1e39, 1.0])(p, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="pos_weight must hold finite numbers, got array\\('balanced'"):
        nn.BCEWithLogitsLoss(pos_weight="balanced")
    with pytest.raises(ValueError, match=r"weight must be an array of numbers, got \[\[1, 2\], \[3\]\]"):
        nn.BCELoss([[1, 2], [3]])


def test_a_scheduler_state_of_the_wrong_kinds_of_values_is_refused_at_load():
    schedule = optim.StepLR(sgd(), 2)
    state = schedule.state_dict()
    with pytest.raises(TypeError, match="'last_epoch' must be like this scheduler's 0, got 'three'"):
        optim.StepLR(sgd(), 2).load_state_dict({**state, "last_epoch": "three"})
    with pytest.raises(TypeError, match="'base_lrs' must be like"):
        optim.StepLR(sgd(), 2).load_state_dict({**state, "base_lrs": 0.1})


def test_a_file_with_layer_names_refused_today_still_loads(tmp_path):
    """Files saved before the names were checked (a dot, a method's name) load as they worked then."""
    model = nn.Sequential._rebuilt({"fc.1": nn.Linear(2, 4, generator=0), "float": nn.Tanh(),
                                    "out": nn.Linear(4, 1, generator=1)})
    gn.save(model, tmp_path / "old.npz")
    loaded = gn.load(tmp_path / "old.npz")
    assert list(loaded.state_dict()) == ["fc.1.weight", "fc.1.bias", "out.weight", "out.bias"]
    x = gn.tensor(X[:, :2])
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())


def test_a_scheduler_state_from_np_load_or_with_tuples_loads_and_goes_on():
    optimizer = sgd()
    schedule = optim.StepLR(optimizer, 2)
    state = schedule.state_dict()
    schedule.load_state_dict({**state, "last_epoch": np.array(3), "base_lrs": (0.1,), "_last_lr": np.array([0.1])})
    assert schedule.last_epoch == 3 and schedule.base_lrs == [0.1]
    optimizer.add_param_group({"params": [nn.Parameter(np.zeros(2, np.float32))], "lr": 0.2})
    schedule.step()  # epoch 4: both groups decay
    assert schedule.get_last_lr() == pytest.approx([0.01, 0.02])
