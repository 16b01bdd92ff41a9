"""Learning-rate schedules: change ``param_groups[i]["lr"]`` as training goes on.

Call ``scheduler.step()`` once per epoch, after ``optimizer.step()``, as in
PyTorch (``ReduceLROnPlateau.step(metric)`` takes the monitored value).
"""
from __future__ import annotations

import math
import numbers
import types
from collections.abc import Mapping

from glassnet.optim.optimizer import Optimizer, check_hyperparameter


NOT_STATE = ("optimizer", "monitor")
"""Attributes a state_dict leaves out: the optimizer (as PyTorch), and what ``glassnet.fit`` watches,
which is a setting of the run, not the schedule's state (and files saved before it existed load)."""


PER_GROUP = ("base_lrs", "_last_lr", "min_lrs")
"""State entries holding one value per parameter group."""


def scheduler_state(scheduler) -> dict:
    """Every attribute of a scheduler but those in ``NOT_STATE`` and the functions it holds
    (PyTorch's state_dict)."""
    left_out = NOT_STATE + getattr(scheduler, "functions", ())
    return {k: v for k, v in vars(scheduler).items() if k not in left_out}


def load_scheduler_state(scheduler, state_dict) -> None:
    """Set the attributes ``scheduler_state`` returned, after checking that they are this kind of
    scheduler's, with one entry per parameter group where it keeps one per group (``PER_GROUP``)."""
    name = f"{type(scheduler).__name__}.load_state_dict"
    own = scheduler_state(scheduler)
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"{name}: expected the dict that state_dict() returns, got {type(state_dict).__name__}")
    if set(state_dict) != set(own):
        raise ValueError(f"{name}: the saved state has {sorted(state_dict)}, this scheduler {sorted(own)}; "
                         "was it saved from another kind of scheduler?")
    loaded = {}
    for key, value in own.items():
        given = state_dict[key]
        given = given.tolist() if hasattr(given, "tolist") and not isinstance(given, numbers.Number) else given
        given = list(given) if isinstance(given, tuple) else given  # as np.load or a JSON round trip gives them back
        if isinstance(value, list) != isinstance(given, list) or (
                isinstance(value, numbers.Real) and not isinstance(given, numbers.Real)):
            raise TypeError(f"{name}: {key!r} must be like this scheduler's {value!r}, got {given!r:.100}")
        if key in PER_GROUP and len(given) != len(value):
            raise ValueError(f"{name}: {key!r} has {len(given)} values for {len(value)} parameter groups")
        loaded[key] = given
    vars(scheduler).update(loaded)


def _whole_number(caller: str, name: str, value) -> int:
    """A positive integer given as an int, a NumPy integer or a whole float (as PyTorch takes them)."""
    whole = isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real) and float(value).is_integer())
    if isinstance(value, bool) or not whole or value <= 0:
        raise ValueError(f"{caller}: {name} must be a positive integer, got {value!r}")
    return int(value)


class LRScheduler:
    """Base class: each ``step()`` moves every group's lr one epoch on from where it is.

    As in PyTorch the update is chainable: it starts from the group's current lr, so two
    schedules on one optimizer combine (a StepLR and an ExponentialLR multiply), an lr
    set by hand is the one the schedule goes on from, and a group added later follows
    the schedule from its own lr. Without such changes the lr is the closed form in each
    subclass's docstring. ``last_epoch >= 0`` resumes a schedule and needs the groups'
    ``initial_lr``, which the optimizer's state_dict holds.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        name = type(self).__name__
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: optimizer must be a glassnet.optim.Optimizer, got {type(optimizer).__name__}")
        if isinstance(last_epoch, bool) or not isinstance(last_epoch, numbers.Integral) or last_epoch < -1:
            raise ValueError(f"{name}: last_epoch must be an integer >= -1, got {last_epoch!r}")
        for index, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(f"{name}: param_groups[{index}] has no 'initial_lr', which resuming with "
                               f"last_epoch={last_epoch} needs; load the optimizer's state_dict first (it holds it), "
                               f"or leave last_epoch=-1 for a fresh run")
        self.optimizer = optimizer
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = int(last_epoch)
        self._advance(initial=True)

    functions = ()
    """Attributes holding functions, which a state_dict cannot hold (LambdaLR's ``lr_lambdas``)."""

    sets_every_rate = False
    """True for a schedule that is not chainable (LambdaLR): its rate is set from the closed form at every
    step, also by the step made when it is built with ``last_epoch=k`` (epoch k + 1's, as PyTorch)."""

    def next_lr(self, lr: float, base_lr: float, epoch: int) -> float:
        """The lr of ``epoch`` from the group's lr of the epoch before (and its ``base_lr``)."""
        raise NotImplementedError

    def start_lr(self, lr: float, base_lr: float) -> float:
        """The lr of epoch 0, set when a fresh schedule is built: the group's own for most schedules."""
        return lr

    def group_lr(self, index: int, lr: float, base_lr: float, epoch: int) -> float:
        """The lr of group ``index`` at ``epoch`` (a schedule with one rule per group overrides this)."""
        return self.start_lr(lr, base_lr) if epoch == 0 else self.next_lr(lr, base_lr, epoch)

    def step(self) -> None:
        """Advance one epoch and set the new learning rates."""
        self._advance(initial=False)

    def _advance(self, initial: bool) -> None:
        """One epoch on. The step made when the schedule is built leaves the rates as they are: a fresh
        schedule starts at epoch 0 with them, and one resumed with ``last_epoch=k`` (PyTorch's convention:
        the index of the last epoch, k + 1 steps taken) is at epoch k + 1 with the rates the optimizer's
        loaded state holds, which are that epoch's, as after k + 1 steps of an uninterrupted run. A
        schedule whose epoch 0 differs (``start_lr``: a milestone at 0, a LambdaLR) sets it when fresh."""
        self.last_epoch += 1
        groups = self.optimizer.param_groups
        for group in groups[len(self.base_lrs):]:  # added after the schedule was built
            self.base_lrs.append(group.setdefault("initial_lr", group["lr"]))
        if not initial or self.last_epoch == 0 or self.sets_every_rate:
            for index, (group, base_lr) in enumerate(zip(groups, self.base_lrs)):
                group["lr"] = self.group_lr(index, group["lr"], base_lr, self.last_epoch)
        self._last_lr = [group["lr"] for group in groups]

    def get_last_lr(self) -> list:
        """The learning rate of each group after the latest ``step()``."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        return scheduler_state(self)

    def load_state_dict(self, state_dict: dict) -> None:
        load_scheduler_state(self, state_dict)


class StepLR(LRScheduler):
    """lr = base_lr · γ^⌊epoch / step_size⌋: multiply by γ every ``step_size`` epochs."""

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        step_size = _whole_number("StepLR", "step_size", step_size)
        check_hyperparameter("StepLR", "gamma", gamma)
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def next_lr(self, lr, base_lr, epoch):
        return lr * self.gamma if epoch % self.step_size == 0 else lr


class MultiStepLR(LRScheduler):
    """lr = base_lr · γ^(number of milestones ≤ epoch): multiply by γ at each epoch in ``milestones``.

    As in PyTorch, a milestone listed n times multiplies by γ^n, and a milestone at 0 applies
    when the schedule is built. The milestones are kept sorted, repeats included.
    """

    def __init__(self, optimizer, milestones, gamma: float = 0.1, last_epoch: int = -1):
        if isinstance(milestones, (str, bytes)) or not hasattr(milestones, "__iter__"):
            raise TypeError(f"MultiStepLR: milestones must be a list of epoch numbers, got {milestones!r}")
        milestones = list(milestones)
        for value in milestones:
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
                raise ValueError(f"MultiStepLR: milestones must be epoch numbers (integers >= 0), got {milestones!r}")
        check_hyperparameter("MultiStepLR", "gamma", gamma)
        self.milestones, self.gamma = sorted(int(value) for value in milestones), gamma
        super().__init__(optimizer, last_epoch)

    def _factor(self, epoch: int) -> float:
        return self.gamma ** self.milestones.count(epoch)  # γ^0 = 1 off the milestones

    def start_lr(self, lr, base_lr):
        return lr * self._factor(0)

    def next_lr(self, lr, base_lr, epoch):
        return lr * self._factor(epoch) if epoch in self.milestones else lr


class LambdaLR(LRScheduler):
    """lr = base_lr · λ(epoch), with ``lr_lambda`` one function λ for every group or a list of one per group.

    As in PyTorch this is not chainable: each step sets base_lr · λ(epoch) whatever the lr was,
    and epoch 0's rate, base_lr · λ(0), is set when the schedule is built. A function cannot be
    saved, so ``state_dict()`` holds None in its place under ``lr_lambdas`` (for a callable object,
    a copy of its ``__dict__``, which ``load_state_dict`` puts back): build the schedule with the
    same functions before loading its state.
    """

    functions = ("lr_lambdas",)
    sets_every_rate = True

    def __init__(self, optimizer, lr_lambda, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"LambdaLR: optimizer must be a glassnet.optim.Optimizer, got {type(optimizer).__name__}")
        groups = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != groups:
                raise ValueError(f"LambdaLR: lr_lambda has {len(lr_lambda)} functions for {groups} parameter groups; "
                                 f"give one per group, or one function for all")
            lambdas = list(lr_lambda)
        else:
            lambdas = [lr_lambda] * groups
        for function in lambdas:
            if not callable(function):
                raise TypeError(f"LambdaLR: lr_lambda must be a function of the epoch (or a list of them), "
                                f"got {function!r}")
        self.lr_lambdas, self._one_function = lambdas, not isinstance(lr_lambda, (list, tuple))
        super().__init__(optimizer, last_epoch)

    def group_lr(self, index, lr, base_lr, epoch):
        if index >= len(self.lr_lambdas):  # a group added after the schedule was built
            if not self._one_function:
                raise ValueError(f"LambdaLR: the optimizer has a parameter group {index} that lr_lambda has no "
                                 f"function for ({len(self.lr_lambdas)} given); build the schedule after adding it")
            self.lr_lambdas.append(self.lr_lambdas[0])
        return base_lr * self.lr_lambdas[index](epoch)

    def state_dict(self) -> dict:
        return {**scheduler_state(self), "lr_lambdas": [_saved_attributes(function) for function in self.lr_lambdas]}

    def load_state_dict(self, state_dict: dict) -> None:
        if not isinstance(state_dict, Mapping) or "lr_lambdas" not in state_dict:
            raise ValueError("LambdaLR.load_state_dict: expected the dict a LambdaLR's state_dict() returns, "
                             "with an 'lr_lambdas' entry")
        state = dict(state_dict)  # the caller's dict is left as it is
        saved = state.pop("lr_lambdas")
        saved = [None] * len(self.lr_lambdas) if saved is None else list(saved)
        if len(saved) != len(self.lr_lambdas):
            raise ValueError(f"LambdaLR.load_state_dict: the state holds {len(saved)} lr_lambdas entries, "
                             f"this schedule {len(self.lr_lambdas)} functions")
        load_scheduler_state(self, state)
        for function, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                vars(function).update(attributes)


def _saved_attributes(function):
    """What a state_dict keeps of an lr_lambda, as PyTorch: None for a function or lambda, a copy of a
    callable object's ``__dict__`` (its own settings or counters)."""
    if isinstance(function, types.FunctionType) or not hasattr(function, "__dict__"):
        return None
    return dict(vars(function))


class ExponentialLR(LRScheduler):
    """lr = base_lr · γ^epoch: learning-rate decay by a constant factor each epoch."""

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        check_hyperparameter("ExponentialLR", "gamma", gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def next_lr(self, lr, base_lr, epoch):
        return lr * self.gamma


class CosineAnnealingLR(LRScheduler):
    """lr = η_min + (base_lr − η_min) · (1 + cos(π · epoch / T_max)) / 2.

    Each step takes the previous lr η to η_min + (η − η_min) · (1 + cos(π·e/T)) / (1 + cos(π·(e−1)/T)),
    which is the closed form when η was; where the cosine's denominator vanishes (e − 1 = T, 3T, ...)
    the lr rises by (base_lr − η_min)(1 − cos(π/T))/2 instead, as in PyTorch.
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        T_max = _whole_number("CosineAnnealingLR", "T_max", T_max)
        check_hyperparameter("CosineAnnealingLR", "eta_min", eta_min)
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def next_lr(self, lr, base_lr, epoch):
        T, eta_min = self.T_max, self.eta_min
        if (epoch - 1 - T) % (2 * T) == 0:  # from the bottom of the cosine back up
            return lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T)) / 2
        return (1 + math.cos(math.pi * epoch / T)) / (1 + math.cos(math.pi * (epoch - 1) / T)) * (lr - eta_min) + eta_min


class ReduceLROnPlateau:
    """Multiply lr by ``factor`` when a metric has not improved for ``patience`` epochs.

    ``mode='min'`` (a loss) or ``'max'`` (an accuracy). Improvement means beating the
    best value by ``threshold`` (relative, or absolute with ``threshold_mode='abs'``).
    After a reduction, ``cooldown`` epochs pass before counting again; lr never
    goes below ``min_lr``, and changes smaller than ``eps`` are skipped.

    ``monitor`` (glassnet's addition, as in Keras's callback) names the logged value
    ``glassnet.fit`` steps it with, e.g. ``monitor='val_accuracy', mode='max'``; None means
    val_loss, or loss without validation data. Calling ``step(value)`` yourself ignores it.
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr=0.0, eps: float = 1e-8, *, monitor: str | None = None):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau: optimizer must be a glassnet.optim.Optimizer, got {type(optimizer).__name__}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        check_hyperparameter("ReduceLROnPlateau", "factor", factor, 0.0, 1.0)
        check_hyperparameter("ReduceLROnPlateau", "threshold", threshold)
        check_hyperparameter("ReduceLROnPlateau", "eps", eps)
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"ReduceLROnPlateau: patience must be a non-negative integer, got {patience!r}")
        if isinstance(cooldown, bool) or not isinstance(cooldown, int) or cooldown < 0:
            raise ValueError(f"ReduceLROnPlateau: cooldown must be a non-negative integer, got {cooldown!r}")
        groups = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)) and len(min_lr) != groups:
            raise ValueError(f"ReduceLROnPlateau: min_lr has {len(min_lr)} values for {groups} parameter groups")
        for value in (min_lr if isinstance(min_lr, (list, tuple)) else [min_lr]):
            check_hyperparameter("ReduceLROnPlateau", "min_lr", value)
        if monitor is not None and not isinstance(monitor, str):
            raise TypeError(f"ReduceLROnPlateau: monitor must be None or the name of a logged value such as "
                            f"'val_accuracy', got {monitor!r}")
        self.optimizer, self.monitor = optimizer, monitor
        self.mode, self.factor, self.patience = mode, factor, patience
        self.threshold, self.threshold_mode, self.cooldown, self.eps = threshold, threshold_mode, cooldown, eps
        self.min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * groups
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def _is_better(self, value: float) -> bool:
        if self.mode == "min":
            limit = self.best * (1 - self.threshold) if self.threshold_mode == "rel" else self.best - self.threshold
            return value < limit
        limit = self.best * (1 + self.threshold) if self.threshold_mode == "rel" else self.best + self.threshold
        return value > limit

    def step(self, metrics) -> None:
        """Record this epoch's metric value and reduce lr if it has stalled."""
        try:
            value = float(metrics)
        except (TypeError, ValueError):
            raise TypeError(f"ReduceLROnPlateau.step: metrics must be a number (the monitored loss), got {metrics!r}") from None
        self.last_epoch += 1
        groups = self.optimizer.param_groups
        if len(self.min_lrs) < len(groups):  # groups added since the schedule was built
            if len(set(self.min_lrs)) != 1:
                raise ValueError(f"ReduceLROnPlateau.step: the optimizer has {len(groups)} parameter groups, "
                                 f"min_lr gives {len(self.min_lrs)}; set min_lrs to one value per group")
            self.min_lrs += self.min_lrs[:1] * (len(groups) - len(self.min_lrs))
        if self._is_better(value):
            self.best = value
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new_lr = max(group["lr"] * self.factor, min_lr)
                if group["lr"] - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list:
        return list(self._last_lr)

    def state_dict(self) -> dict:
        return scheduler_state(self)

    def load_state_dict(self, state_dict: dict) -> None:
        load_scheduler_state(self, state_dict)
