"""scikit-learn's stopping and learning-rate rules for its MLPs, as a ``glassnet.fit`` callback.

After each epoch (an "iteration" in scikit-learn's words):

* the epoch's mean loss goes to ``loss_curve_``; ``t_`` grows by the number of samples seen;
* without early stopping, an epoch counts as "no improvement" when
  ``loss > best_loss_ - tol``; with early stopping, when the validation score
  (accuracy or R²) is ``< best_validation_score_ + tol`` (and the best weights are kept);
* ``learning_rate='invscaling'`` (sgd) sets lr = learning_rate_init / (t_ + 1)^power_t;
* after more than ``n_iter_no_change`` such epochs in a row, training stops, except with
  ``learning_rate='adaptive'`` (sgd), which first divides lr by 5 until it is at most 1e-6.
"""
from __future__ import annotations

import logging

import numpy as np

from glassnet.training.callbacks import Callback

logger = logging.getLogger("glassnet.estimators")


class ScikitLearnStopping(Callback):
    """Keeps a glassnet MLP estimator's fitted attributes and applies its stop rules during ``fit``."""

    def __init__(self, estimator, settings: dict, n_train: int, validation=None, incremental: bool = False):
        self.estimator, self.settings, self.n_train = estimator, settings, n_train
        self.validation, self.incremental = validation, incremental
        self.adaptive = settings["solver"] == "sgd" and settings["learning_rate"] == "adaptive"
        self.invscaling = settings["solver"] == "sgd" and settings["learning_rate"] == "invscaling"

    def _set_lr(self, lr: float) -> None:
        for group in self.run.optimizer.param_groups:
            group["lr"] = lr

    def _count_no_improvement(self) -> None:
        estimator, tol = self.estimator, self.settings["tol"]
        if self.validation is not None:
            score = estimator._validation_score(*self.validation)
            estimator.validation_scores_.append(score)
            estimator._no_improvement_count = (
                estimator._no_improvement_count + 1 if score < estimator.best_validation_score_ + tol else 0)
            if score > estimator.best_validation_score_:
                estimator.best_validation_score_ = score
                estimator._best_state = self.run.model.state_dict()
            return
        loss = estimator.loss_curve_[-1]
        estimator._no_improvement_count = estimator._no_improvement_count + 1 if loss > estimator.best_loss_ - tol else 0
        estimator.best_loss_ = min(estimator.best_loss_, loss)

    def _stop_or_slow_down(self) -> None:
        estimator, settings = self.estimator, self.settings
        what = "Validation score" if self.validation is not None else "Training loss"
        message = f"{what} did not improve more than tol={settings['tol']:g} for {settings['n_iter_no_change']} consecutive epochs"
        lr = self.run.optimizer.param_groups[0]["lr"]
        if self.adaptive and lr > 1e-6:
            self._set_lr(lr / 5.0)
            estimator._no_improvement_count = 0
            logger.info("%s. Setting learning rate to %g", message, lr / 5.0)
            return
        self.run.stop_training = True
        self.run.stop_reason = message
        estimator._converged = True

    def on_epoch_end(self, epoch, logs):
        estimator = self.estimator
        estimator.n_iter_ += 1
        estimator.t_ += self.n_train
        estimator.loss_ = float(logs["loss"])
        estimator.loss_curve_.append(estimator.loss_)
        logger.info("Iteration %d, loss = %.8f", estimator.n_iter_, estimator.loss_)
        self._count_no_improvement()
        if self.invscaling:
            self._set_lr(self.settings["learning_rate_init"] / (estimator.t_ + 1) ** self.settings["power_t"])
        if estimator._no_improvement_count > self.settings["n_iter_no_change"]:
            self._stop_or_slow_down()

    def on_train_end(self, logs):
        if self.validation is not None and getattr(self.estimator, "_best_state", None) is not None:
            self.run.model.load_state_dict(self.estimator._best_state)


def no_improvement_start(early_stopping: bool) -> dict:
    """The fitted attributes scikit-learn starts a run with."""
    if early_stopping:
        return dict(validation_scores_=[], best_validation_score_=-np.inf, best_loss_=None)
    return dict(validation_scores_=None, best_validation_score_=None, best_loss_=np.inf)
