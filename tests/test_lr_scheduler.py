"""Learning-rate schedules: each sequence checked against its closed form, written out by hand."""
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
