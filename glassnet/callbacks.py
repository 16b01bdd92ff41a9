"""Callbacks for ``glassnet.fit`` (``glassnet.callbacks.EarlyStopping`` and friends)."""
from glassnet.training.callbacks import Callback, CallbackList, LambdaCallback, TrainingRun
from glassnet.training.history import History
from glassnet.training.progress import ProgressBar
from glassnet.training.stopping import EarlyStopping, TargetLoss

__all__ = ["Callback", "CallbackList", "LambdaCallback", "TrainingRun", "History", "ProgressBar",
           "EarlyStopping", "TargetLoss"]
