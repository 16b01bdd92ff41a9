"""Stop rules: stop when the loss is good enough, or when it stops getting better."""
from __future__ import annotations

import math
import numbers

from glassnet.training.callbacks import Callback
from glassnet.validation import check_positive_int, check_positive_number


class TargetLoss(Callback):
    """Stop as soon as the monitored loss is at or below ``target``."""

    def __init__(self, target: float, monitor: str = "loss"):
        self.target = check_positive_number(target, "TargetLoss: target", allow_zero=True)
        self.monitor = monitor

    def on_epoch_end(self, epoch, logs):
        if logs.get(self.monitor, math.inf) <= self.target:
            self.run.stop_training = True
            self.run.stop_reason = f"{self.monitor} {logs[self.monitor]:.6g} reached the target {self.target:g}"


class EarlyStopping(Callback):
    """Stop after ``patience`` epochs without a better ``monitor`` value; restore the best weights.

    A value counts as better when it beats the best so far by more than ``min_delta``.
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 0, min_delta: float = 0.0,
                 mode: str = "min", restore_best_weights: bool = True):
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min' or 'max', got {mode!r}")
        if not isinstance(monitor, str):
            raise TypeError(f"EarlyStopping: monitor must be the name of a logged value such as 'val_loss', got {monitor!r}")
        patience = check_positive_int(patience, "EarlyStopping: patience", minimum=0)
        min_delta = check_positive_number(abs(min_delta) if isinstance(min_delta, numbers.Real) else min_delta,
                                          "EarlyStopping: min_delta", allow_zero=True)  # its sign is ignored, as in Keras
        self.monitor, self.patience, self.min_delta = monitor, patience, min_delta
        self.mode, self.restore_best_weights = mode, restore_best_weights
        self.best, self.best_epoch, self.best_weights, self.wait = None, None, None, 0

    def on_train_begin(self, logs):
        self.best, self.best_epoch, self.best_weights, self.wait = None, None, None, 0

    def _improved(self, value) -> bool:
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch, logs):
        if self.monitor not in logs:
            raise KeyError(
                f"EarlyStopping: monitor {self.monitor!r} is not among the logged values {sorted(logs)}; "
                f"pass validation_data to fit() to get val_loss"
            )
        value = logs[self.monitor]
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.run.model.state_dict()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.run.stop_training = True
            self.run.stop_reason = (
                f"{self.monitor} did not improve for {self.patience} epochs (best {self.best:.6g} at epoch {self.best_epoch + 1}, counted from 1)"
            )

    def state_dict(self) -> dict:
        """What a checkpoint needs to resume this rule: best value, its epoch and weights, epochs waited."""
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait, "best_weights": self.best_weights}

    def load_state_dict(self, state: dict) -> None:
        self.best, self.best_epoch, self.wait = state["best"], state["best_epoch"], state["wait"]
        self.best_weights = state["best_weights"]

    def on_train_end(self, logs):
        if self.restore_best_weights and self.best_weights is not None and self.run.stop_training:
            self.run.model.load_state_dict(self.best_weights)
