"""Callbacks: small objects that the training loop reports to (as in Keras).

The loop calls ``on_train_begin(logs)``, ``on_epoch_begin(epoch, logs)``,
``on_batch_end(step, logs)``, ``on_epoch_end(epoch, logs)`` and
``on_train_end(logs)``. A callback sees the run through ``self.run`` (model,
optimizer, epoch, ``stop_training``) and may set ``run.stop_training = True``.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TrainingRun:
    """What callbacks may read (and ``stop_training``, which they may set)."""

    model: object
    optimizer: object
    epochs: int
    steps_per_epoch: int
    epoch: int = 0
    stop_training: bool = False
    stop_reason: str = ""
    extra: dict = field(default_factory=dict)


class Callback:
    """Base class; override the hooks you need."""

    run: TrainingRun = None

    def set_run(self, run: TrainingRun) -> None:
        self.run = run

    def on_train_begin(self, logs: dict) -> None: ...

    def on_epoch_begin(self, epoch: int, logs: dict) -> None: ...

    def on_batch_end(self, step: int, logs: dict) -> None: ...

    def on_epoch_end(self, epoch: int, logs: dict) -> None: ...

    def on_train_end(self, logs: dict) -> None: ...


class CallbackList(Callback):
    """Forwards every hook to each callback in order."""

    def __init__(self, callbacks):
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(f"callbacks: expected glassnet.callbacks.Callback objects, got {type(callback).__name__}")

    def set_run(self, run):
        self.run = run
        for callback in self.callbacks:
            callback.set_run(run)

    def _name_stopper(self, callback) -> None:
        """Give the run a stop reason when ``callback`` set ``stop_training`` without one."""
        if self.run is not None and self.run.stop_training and not self.run.stop_reason:
            self.run.stop_reason = f"{type(callback).__name__} set stop_training"

    def on_train_begin(self, logs):
        for callback in self.callbacks:
            callback.on_train_begin(logs)

    def on_epoch_begin(self, epoch, logs):
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)

    @property
    def wants_batch_end(self) -> bool:
        """Whether any callback does something after each batch (``fit`` skips building logs if not)."""
        # a bound method of the base class does nothing; an override or a function set on the instance does
        return any(getattr(callback.on_batch_end, "__func__", None) is not Callback.on_batch_end
                   for callback in self.callbacks)

    def on_batch_end(self, step, logs):
        for callback in self.callbacks:
            callback.on_batch_end(step, logs)
            self._name_stopper(callback)

    def on_epoch_end(self, epoch, logs):
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)
            self._name_stopper(callback)

    def on_train_end(self, logs):
        for callback in self.callbacks:
            callback.on_train_end(logs)


class LambdaCallback(Callback):
    """A callback from plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``."""

    def __init__(self, on_train_begin=None, on_epoch_begin=None, on_batch_end=None, on_epoch_end=None, on_train_end=None):
        for name, function in dict(on_train_begin=on_train_begin, on_epoch_begin=on_epoch_begin,
                                   on_batch_end=on_batch_end, on_epoch_end=on_epoch_end,
                                   on_train_end=on_train_end).items():
            if function is not None:
                setattr(self, name, function)
