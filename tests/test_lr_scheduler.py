"""Learning-rate schedules: each sequence checked against its closed form, written out by hand."""
import json
import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import optim


def make_optimizer(lr=0.1):
    return optim.SGD([gn.nn.Parameter(np.zeros(1))], lr=lr)


def sequence(scheduler, optimizer, epochs=8):
    lrs = [optimizer.param_groups[0]["lr"]]
    for _ in range(epochs):
        optimizer.step()
        scheduler.step()
        lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


def test_step_lr():
    o = make_optimizer()
    assert sequence(optim.StepLR(o, step_size=3, gamma=0.5), o) == pytest.approx(
        [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025])


def test_exponential_lr():
    o = make_optimizer()
    assert sequence(optim.ExponentialLR(o, gamma=0.9), o, 4) == pytest.approx([0.1, 0.09, 0.081, 0.0729, 0.06561])


def test_cosine_annealing_lr():
    o = make_optimizer()
    lrs = sequence(optim.CosineAnnealingLR(o, T_max=4, eta_min=0.02), o, 4)
    # cos(0)=1, cos(π/4)=√2/2, cos(π/2)=0, cos(3π/4)=−√2/2, cos(π)=−1
    expected = [0.02 + 0.08 * (1 + c) / 2 for c in (1, math.sqrt(2) / 2, 0, -math.sqrt(2) / 2, -1)]
    assert lrs == pytest.approx(expected)


def test_schedulers_are_reachable_as_lr_scheduler():
    assert optim.lr_scheduler.StepLR is optim.StepLR
    assert optim.lr_scheduler.ReduceLROnPlateau is optim.ReduceLROnPlateau


def test_reduce_on_plateau_waits_patience_then_cools_down():
    o = make_optimizer()
    scheduler = optim.ReduceLROnPlateau(o, patience=2, factor=0.5, cooldown=1)
    lrs = []
    for metric in [5, 4, 4, 4, 4, 4, 3, 3, 3, 3]:
        scheduler.step(metric)
        lrs.append(o.param_groups[0]["lr"])
    # bad epochs at 4,4,4 → third bad epoch (> patience 2) halves; cooldown 1 epoch; then 2 more bad → no cut yet
    assert lrs == pytest.approx([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.025])


def test_reduce_on_plateau_max_mode_and_min_lr():
    o = make_optimizer()
    scheduler = optim.ReduceLROnPlateau(o, mode="max", patience=0, factor=0.1, min_lr=0.005)
    for metric in [0.5, 0.4, 0.3, 0.2]:
        scheduler.step(metric)
    assert o.param_groups[0]["lr"] == pytest.approx(0.005)


def test_scheduler_state_dict_round_trip():
    o = make_optimizer()
    s = optim.StepLR(o, step_size=2, gamma=0.5)
    for _ in range(3):
        s.step()
    o2 = make_optimizer()
    s2 = optim.StepLR(o2, step_size=2, gamma=0.5)
    o2.load_state_dict(o.state_dict())  # the schedule goes on from the optimizer's lr, as in PyTorch
    s2.load_state_dict(s.state_dict())
    s.step()
    s2.step()
    assert s.get_last_lr() == s2.get_last_lr() == [0.025]


@pytest.mark.parametrize("factory,match", [
    (lambda o: optim.StepLR(o, step_size=0), "step_size"),
    (lambda o: optim.CosineAnnealingLR(o, T_max=-1), "T_max"),
    (lambda o: optim.ReduceLROnPlateau(o, mode="lowest"), "mode"),
    (lambda o: optim.ExponentialLR(o, gamma=float("inf")), "gamma"),
    (lambda o: optim.ReduceLROnPlateau(o, factor="a"), "factor must be a finite number, got 'a'"),
    (lambda o: optim.ReduceLROnPlateau(o, threshold="a"), "threshold must be a finite number"),
    (lambda o: optim.ReduceLROnPlateau(o, min_lr=-1.0), r"min_lr must be in \[0.0, inf\)"),
])
def test_bad_scheduler_arguments(factory, match):
    with pytest.raises(ValueError, match=match):
        factory(make_optimizer())


def test_a_scheduler_state_of_another_kind_or_size_is_refused():
    o = make_optimizer()
    s = optim.ExponentialLR(o, gamma=0.9)
    with pytest.raises(ValueError, match=r"saved state has \[.*'step_size'.*another kind of scheduler"):
        s.load_state_dict(optim.StepLR(make_optimizer(), step_size=2).state_dict())
    two_groups = optim.SGD([{"params": [gn.nn.Parameter(np.zeros(1))]}, {"params": [gn.nn.Parameter(np.zeros(1))]}],
                           lr=0.1)
    with pytest.raises(ValueError, match="'base_lrs' has 2 values for 1 parameter groups"):
        s.load_state_dict(optim.ExponentialLR(two_groups, gamma=0.9).state_dict())
    with pytest.raises(TypeError, match="expected the dict that state_dict"):
        s.load_state_dict(None)
    assert s.gamma == 0.9 and s.get_last_lr() == [0.1]  # unchanged by the refused loads


def test_multi_step_lr_follows_its_closed_form_with_a_repeated_milestone():
    o = make_optimizer()
    milestones = [5, 2, 5]  # unsorted, 5 twice: γ² there
    expected = [0.1 * 0.5 ** sum(m <= k for m in milestones) for k in range(9)]
    assert expected[:6] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.05, 0.0125])
    assert sequence(optim.MultiStepLR(o, milestones, gamma=0.5), o) == pytest.approx(expected, rel=1e-12)


def test_multi_step_lr_at_milestone_zero_decays_when_built_and_refuses_bad_milestones():
    o = make_optimizer()
    assert sequence(optim.MultiStepLR(o, [0, 3]), o, 4) == pytest.approx([0.01, 0.01, 0.01, 0.001, 0.001])
    with pytest.raises(ValueError, match=r"MultiStepLR: milestones must be epoch numbers \(integers >= 0\)"):
        optim.MultiStepLR(make_optimizer(), [2, -1])
    with pytest.raises(TypeError, match="MultiStepLR: milestones must be a list of epoch numbers, got 3"):
        optim.MultiStepLR(make_optimizer(), 3)


def test_lambda_lr_is_base_lr_times_lambda_from_epoch_zero_with_one_function_per_group():
    params = [gn.nn.Parameter(np.zeros(1)), gn.nn.Parameter(np.zeros(1))]
    o = optim.SGD([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.3}], lr=0.1)
    schedule = optim.LambdaLR(o, [lambda e: 1 / (e + 2), lambda e: 0.9 ** e])
    seen = [schedule.get_last_lr()]
    for _ in range(5):
        o.step()
        schedule.step()
        seen.append([group["lr"] for group in o.param_groups])
    np.testing.assert_allclose(seen, [[0.1 / (k + 2), 0.3 * 0.9 ** k] for k in range(6)], rtol=1e-12)
    one = make_optimizer()
    assert sequence(optim.LambdaLR(one, lambda e: 1 + e), one, 3) == pytest.approx([0.1, 0.2, 0.3, 0.4])
    with pytest.raises(ValueError, match="LambdaLR: lr_lambda has 2 functions for 1 parameter groups"):
        optim.LambdaLR(make_optimizer(), [abs, abs])
    with pytest.raises(TypeError, match="LambdaLR: lr_lambda must be a function of the epoch"):
        optim.LambdaLR(make_optimizer(), 0.5)


def test_lambda_lr_is_not_chainable_as_in_pytorch():
    o = make_optimizer()
    schedule = optim.LambdaLR(o, lambda e: 0.5 ** e)
    o.param_groups[0]["lr"] = 7.0  # set by hand: the next step sets base_lr · λ(1) all the same
    schedule.step()
    assert o.param_groups[0]["lr"] == pytest.approx(0.05)


class Warmup:
    """A callable object: its settings are saved in the state_dict, as PyTorch saves them."""

    def __init__(self, epochs):
        self.epochs = epochs

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.epochs)


def test_lambda_lr_state_dict_leaves_functions_out_and_resumes_with_them():
    o = make_optimizer()
    schedule = optim.LambdaLR(o, lambda e: 0.8 ** e)
    for _ in range(3):
        o.step()
        schedule.step()
    state = schedule.state_dict()
    assert state["lr_lambdas"] == [None] and state["last_epoch"] == 3
    json.dumps(state)  # plain data: it can go into a checkpoint
    o2 = make_optimizer()
    resumed = optim.LambdaLR(o2, lambda e: 0.8 ** e)
    o2.load_state_dict(o.state_dict())
    resumed.load_state_dict(state)
    assert state["lr_lambdas"] == [None]  # the caller's dict is left as it was
    for _ in range(2):
        schedule.step()
        resumed.step()
    assert resumed.get_last_lr() == schedule.get_last_lr() == pytest.approx([0.1 * 0.8 ** 5])
    warm = optim.LambdaLR(make_optimizer(), Warmup(4))
    assert warm.state_dict()["lr_lambdas"] == [{"epochs": 4}]
    other = optim.LambdaLR(make_optimizer(), Warmup(10))
    other.load_state_dict(warm.state_dict())
    assert other.lr_lambdas[0].epochs == 4


def test_multi_step_lr_resumes_from_its_state_dict_and_from_last_epoch():
    o = make_optimizer()
    schedule = optim.MultiStepLR(o, [2, 3, 6], gamma=0.5)
    uninterrupted = sequence(schedule, o, 8)
    first = make_optimizer()
    schedule = optim.MultiStepLR(first, [2, 3, 6], gamma=0.5)
    head = sequence(schedule, first, 3)  # three epochs; the last step reached the milestone at 3
    second = make_optimizer()
    second.load_state_dict(first.state_dict())
    by_state = optim.MultiStepLR(second, [1], gamma=0.9)  # the loaded state brings the milestones and gamma
    by_state.load_state_dict(schedule.state_dict())
    assert by_state.milestones == [2, 3, 6] and by_state.gamma == 0.5
    assert head + sequence(by_state, second, 5)[1:] == pytest.approx(uninterrupted, rel=1e-12)
    third = make_optimizer()
    third.load_state_dict(first.state_dict())
    by_epoch = optim.MultiStepLR(third, [2, 3, 6], gamma=0.5, last_epoch=2)  # the milestone at 3 is not applied twice
    assert head + sequence(by_epoch, third, 5)[1:] == pytest.approx(uninterrupted, rel=1e-12)


def test_new_schedulers_are_reachable_as_lr_scheduler():
    assert optim.lr_scheduler.MultiStepLR is optim.MultiStepLR and optim.lr_scheduler.LambdaLR is optim.LambdaLR
    assert {"MultiStepLR", "LambdaLR"} <= set(optim.__all__)


def test_lambda_lr_resumed_with_last_epoch_sets_the_next_epochs_rate_as_pytorch():
    # not chainable: built with last_epoch=k it sets base_lr * lambda(k + 1), whatever the lr was
    p = gn.Tensor(np.zeros(1, np.float32), requires_grad=True)
    optimizer = gn.optim.SGD([{"params": [p], "lr": 0.7, "initial_lr": 0.1}])
    gn.optim.LambdaLR(optimizer, lambda epoch: 0.5 ** epoch, last_epoch=2)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5 ** 3)
