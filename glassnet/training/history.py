"""History: the per-epoch record of a training run (``fit`` returns it)."""
from __future__ import annotations

from glassnet.training.callbacks import Callback


class History(Callback):
    """``history[key]`` is a list with one value per epoch, e.g. ``history["loss"]``.

    Keys: ``loss``, ``accuracy`` (for classification), ``val_loss`` and
    ``val_accuracy`` (with validation data), ``lr``, ``grad_norm`` (all
    parameters together), ``grad_norm/<parameter>`` (each parameter, e.g.
    ``grad_norm/0.weight``; the mean over the epoch's steps) and ``seconds``.
    """

    def __init__(self):
        self.history: dict = {}
        self.epoch: list = []

    def on_train_begin(self, logs):
        # a resumed run keeps its earlier epochs; a fresh run starts empty
        if not self.run or not self.run.extra.get("resumed"):
            self.history, self.epoch = {}, []

    def on_epoch_end(self, epoch, logs):
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __getitem__(self, key):
        try:
            return self.history[key]
        except KeyError:
            raise KeyError(f"History has no {key!r}; recorded: {sorted(self.history)}") from None

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={sorted(self.history)})"
