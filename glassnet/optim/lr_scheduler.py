"""Learning-rate schedules: change ``param_groups[i]["lr"]`` as training goes on.

Call ``scheduler.step()`` once per epoch, after ``optimizer.step()``, as in
PyTorch (``ReduceLROnPlateau.step(metric)`` takes the monitored value).
"""
from __future__ import annotations

import math
from collections.abc import Mapping

from glassnet.optim.optimizer import Optimizer, check_hyperparameter


NOT_STATE = ("optimizer", "monitor")
"""Attributes a state_dict leaves out: the optimizer (as PyTorch), and what ``glassnet.fit`` watches,
which is a setting of the run, not the schedule's state (and files saved before it existed load)."""


def scheduler_state(scheduler) -> dict:
    """Every attribute of a scheduler but those in ``NOT_STATE`` (PyTorch's state_dict)."""
    return {k: v for k, v in vars(scheduler).items() if k not in NOT_STATE}


def load_scheduler_state(scheduler, state_dict) -> None:
    """Set the attributes ``scheduler_state`` returned, after checking that they are this kind of
    scheduler's, with one entry per parameter group where it keeps one per group."""
    name = f"{type(scheduler).__name__}.load_state_dict"
    own = scheduler_state(scheduler)
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"{name}: expected the dict that state_dict() returns, got {type(state_dict).__name__}")
    if set(state_dict) != set(own):
        raise ValueError(f"{name}: the saved state has {sorted(state_dict)}, this scheduler {sorted(own)}; "
                         "was it saved from another kind of scheduler?")
    for key, value in own.items():
        if isinstance(value, list) and len(state_dict[key]) != len(value):
            raise ValueError(f"{name}: {key!r} has {len(state_dict[key])} values for {len(value)} parameter groups")
    vars(scheduler).update(state_dict)


class LRScheduler:
    """Base class: sets each group's lr to ``lr_at(base_lr, epoch)`` on every ``step()``."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: optimizer must be a glassnet.optim.Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def lr_at(self, base_lr: float, epoch: int) -> float:
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set the new learning rates."""
        self.last_epoch += 1
        for group, base_lr in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = self.lr_at(base_lr, self.last_epoch)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

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
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size <= 0:
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size!r}")
        check_hyperparameter("StepLR", "gamma", gamma)
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, epoch):
        return base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRScheduler):
    """lr = base_lr · γ^epoch: learning-rate decay by a constant factor each epoch."""

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        check_hyperparameter("ExponentialLR", "gamma", gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, epoch):
        return base_lr * self.gamma**epoch


class CosineAnnealingLR(LRScheduler):
    """lr = η_min + (base_lr − η_min) · (1 + cos(π · epoch / T_max)) / 2."""

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive integer, got {T_max!r}")
        check_hyperparameter("CosineAnnealingLR", "eta_min", eta_min)
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, epoch):
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2


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
