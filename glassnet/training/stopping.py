"""Stop rules: stop when the loss is good enough, or when it stops getting better."""
from __future__ import annotations

import numbers

from glassnet.training.callbacks import Callback
from glassnet.training.monitor import improvement_mode, monitored_value
from glassnet.validation import check_positive_int, check_positive_number


class TargetLoss(Callback):
    """Stop as soon as the monitored loss is at or below ``target``.

    A ``monitor`` that is not logged (a misspelt name, ``val_loss`` without validation data)
    is a KeyError at the first epoch's end, not a rule that never fires.
    """

    def __init__(self, target: float, monitor: str = "loss"):
        self.target = check_positive_number(target, "TargetLoss: target", allow_zero=True)
        if not isinstance(monitor, str):
            raise TypeError(f"TargetLoss: monitor must be the name of a logged value such as 'loss', got {monitor!r}")
        self.monitor = monitor

    def on_epoch_end(self, epoch, logs):
        value = monitored_value("TargetLoss", logs, self.monitor)
        if value <= self.target:
            self.run.stop_training = True
            self.run.stop_reason = f"{self.monitor} {value:.6g} reached the target {self.target:g}"


class EarlyStopping(Callback):
    """Stop after ``patience`` epochs without a better ``monitor`` value; restore the best weights.

    A value counts as better when it beats the best so far by more than ``min_delta``.
    ``mode='auto'`` (the default, as in Keras) takes a loss to get better downwards and an
    accuracy upwards; give ``'min'`` or ``'max'`` for another logged value. With
    ``restore_best_weights`` (the default here; Keras's is False) the model ends training
    with the weights of its best epoch, whether this rule stopped the run or the epochs ran
    out; a run interrupted by Ctrl-C or a divergence keeps the weights of its last step.
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 0, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = True):
        if not isinstance(monitor, str):
            raise TypeError(f"EarlyStopping: monitor must be the name of a logged value such as 'val_loss', got {monitor!r}")
        mode = improvement_mode("EarlyStopping", monitor, mode)
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
        value = monitored_value("EarlyStopping", logs, self.monitor)
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
        if self.restore_best_weights and self.best_weights is not None and not logs.get("interrupted"):
            self.run.model.load_state_dict(self.best_weights)
