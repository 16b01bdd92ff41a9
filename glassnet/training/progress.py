"""A progress bar for ``fit`` (tqdm), shown only on a terminal."""
from __future__ import annotations

import sys

from glassnet.training.callbacks import Callback


class ProgressBar(Callback):
    """One bar over the epochs, with the latest loss and accuracy; silent when stderr is not a TTY."""

    def __init__(self, file=None):
        self.file = file
        self.bar = None

    def on_train_begin(self, logs):
        stream = self.file or sys.stderr
        if not getattr(stream, "isatty", lambda: False)():
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:  # tqdm is a dependency, but training must not fail without a bar
            return
        self.bar = tqdm(total=self.run.epochs, initial=self.run.epoch, unit="epoch", file=stream,
                        dynamic_ncols=True, leave=True)

    def on_epoch_end(self, epoch, logs):
        if self.bar is None:
            return
        shown = {k: f"{logs[k]:.4g}" for k in ("loss", "accuracy", "val_loss", "val_accuracy") if k in logs}
        self.bar.set_postfix(shown, refresh=False)
        self.bar.update(1)

    def on_train_end(self, logs):
        if self.bar is not None:
            self.bar.close()
            self.bar = None
