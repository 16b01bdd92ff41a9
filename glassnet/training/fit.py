"""fit: the learning cycle INIT → PREDICT → LOSS → GRADIENT → STEP → repeat → STOP.

The loop itself stays small; everything else (the record of each epoch, the
progress bar, stop rules, plots, checkpoints) is a callback it reports to.
"""
from __future__ import annotations

import math
import os
import time

import numpy as np

from glassnet.blas import sum_of_squares
from glassnet.dtypes import get_default_dtype
from glassnet.grad_mode import no_grad
from glassnet.optim.clip_grad import clip_grad_norm_
from glassnet.optim.lr_scheduler import ReduceLROnPlateau
from glassnet.optim.optimizer import Optimizer
from glassnet.random import as_generator
from glassnet.tensor import Tensor
from glassnet.training.callbacks import Callback, CallbackList, TrainingRun
from glassnet.training.checkpoint import Checkpoint
from glassnet.training.divergence import TrainingDiverged, diagnose_gradients, diagnose_loss
from glassnet.training.history import History
from glassnet.training.monitor import improvement_mode, monitored_value
from glassnet.training.loss_kind import is_loss, loss_reduction, row_weights, takes_float_targets
from glassnet.training.metrics import accuracy_counter, scored_rows
from glassnet.training.progress import ProgressBar
from glassnet.training.stopping import EarlyStopping, TargetLoss
from glassnet.training.threads import blas_threads_for, limit_blas_threads
from glassnet.validation import check_features, check_positive_int, check_positive_number, check_targets


def _model_dtype(model):
    for parameter in model.parameters():
        return parameter.dtype
    raise ValueError("fit: the model has no parameters to train")


def _check_something_trains(optimizer) -> None:
    """The optimizer must hold a parameter that requires grad (it may live outside the model, in the loss)."""
    if not any(p.requires_grad for group in optimizer.param_groups for p in group["params"]):
        raise ValueError("fit: no parameter the optimizer updates requires grad (all are frozen), so there is "
                         "nothing to train; set requires_grad = True on the ones to train")


def _prepare_targets(y, n, loss_fn, dtype, name):
    """y checked; 1-D integer class labels stay integers (int64) unless the loss takes numbers, else y in the model's dtype."""
    y = check_targets(y, n, name, "validation_data[0]" if name.startswith("validation_data") else "X")
    if y.dtype.kind in "iub" and y.ndim == 1 and not takes_float_targets(loss_fn):
        return y.astype(np.int64, copy=False)
    if y.dtype.kind in "iu" and y.ndim == 2 and y.shape[1] == 1 and _takes_labels(loss_fn):
        raise ValueError(f"{name}: class labels for cross-entropy must have shape ({n},), got {y.shape}; "
                         f"use y.ravel()")
    if y.dtype.kind == "f" and y.ndim == 1 and _takes_labels(loss_fn):
        raise TypeError(f"{name}: class labels for cross-entropy must be integers, got dtype {y.dtype}; "
                        f"use {name}.astype(int) if they are whole numbers")
    return y.astype(dtype, copy=False)


def _takes_labels(loss_fn) -> bool:
    from glassnet import functional as F
    from glassnet.nn import CrossEntropyLoss, NLLLoss

    return is_loss(loss_fn, CrossEntropyLoss, F.cross_entropy) or is_loss(loss_fn, NLLLoss, F.nll_loss)


def _loss_value(loss, caller: str) -> float:
    """The float of the scalar Tensor ``loss_fn`` returned, or a TypeError saying what came instead."""
    if not isinstance(loss, Tensor) or loss.data.size != 1:
        got = f"a Tensor of shape {loss.shape}" if isinstance(loss, Tensor) else type(loss).__name__
        raise TypeError(f"{caller}: loss_fn must return a scalar Tensor (reduction 'mean' or 'sum'), got {got}")
    return float(loss.data)


def _check_callables(model, loss_fn, caller: str) -> None:
    from glassnet.nn.module import Module

    if not isinstance(model, Module):
        raise TypeError(f"{caller}: model must be a glassnet.nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"{caller}: loss_fn must be callable (e.g. nn.CrossEntropyLoss()), got {type(loss_fn).__name__}")


def _plateau_monitor(scheduler, has_validation: bool) -> str | None:
    """The logged value ``fit`` steps a ReduceLROnPlateau with: its ``monitor``, else val_loss (loss
    without validation data); None for another schedule. A mode against the value's direction is refused."""
    if not isinstance(scheduler, ReduceLROnPlateau):
        return None
    monitor = scheduler.monitor or ("val_loss" if has_validation else "loss")
    caller = "fit: scheduler" if scheduler.monitor else f"fit: scheduler (stepped with {monitor}; set its monitor= to watch another value)"
    improvement_mode(caller, monitor, scheduler.mode)
    return monitor


def _callback_list(callbacks) -> list:
    """``callbacks`` as a list: None is none, one Callback is a list of one, else an iterable of them."""
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    try:
        return list(callbacks)
    except TypeError:
        raise TypeError(f"fit: callbacks must be a list of glassnet.callbacks.Callback objects, "
                        f"got {type(callbacks).__name__}") from None


def _grad_norm(parameter) -> float:
    """||dL/dW||_2; recomputed in float64 when float32 squares overflow but the elements are finite."""
    grad = parameter.grad
    if grad is None:
        return 0.0
    array = grad._data
    squares = float(sum_of_squares(array))
    if squares == math.inf and np.isfinite(array).all():
        return float(np.linalg.norm(array.astype(np.float64)))
    return math.sqrt(squares) if squares >= 0 else math.nan


def training_modes(model) -> list:
    """(module, its ``training`` flag) for ``model`` and every module inside it."""
    return [(module, module.training) for module in model.modules()]


def restore_training_modes(modes: list) -> None:
    """Put back the flags :func:`training_modes` recorded, each module's own (a submodule kept in eval stays so)."""
    for module, training in modes:
        object.__setattr__(module, "training", training)


def evaluate(model, loss_fn, X, y, batch_size: int = 1024) -> dict:
    """Loss (and accuracy for classification) of ``model`` on (X, y), without gradients.

    The model runs in eval mode (dropout off) and is left in the modes it had.

    The loss is ``loss_fn`` over the whole of (X, y) taken in batches: the mean over the
    samples, or their sum when ``loss_fn`` has ``reduction='sum'``.
    """
    _check_callables(model, loss_fn, "evaluate")
    batch_size = check_positive_int(batch_size, "batch_size")
    dtype = next((p.dtype for p in model.parameters()), get_default_dtype())  # a model may have no parameters
    X = check_features(X, "X", dtype)
    y = _prepare_targets(y, len(X), loss_fn, dtype, "y")
    counter = accuracy_counter(loss_fn, y)
    sums = loss_reduction(loss_fn) == "sum"
    weights = None if sums else row_weights(loss_fn, y)  # what each row counts for in the mean
    modes = training_modes(model)
    model.eval()
    total_loss, correct = 0.0, 0
    try:
        with no_grad():
            for start in range(0, len(X), batch_size):
                xb, yb = X[start:start + batch_size], y[start:start + batch_size]
                out = model(Tensor._from_op(xb))
                value = _loss_value(loss_fn(out, yb), "evaluate")
                counted = len(xb) if weights is None else float(weights[start:start + batch_size].sum())
                total_loss += value if sums else value * counted if counted else 0.0
                if counter is not None:
                    right = counter(out.data, yb)
                    counter, correct = (None, 0) if right is None else (counter, correct + right)
    finally:
        restore_training_modes(modes)
    result = {"loss": _mean_loss(total_loss, len(X) if weights is None else float(weights.sum()), sums)}
    if counter is not None:
        scored = scored_rows(loss_fn, y)  # the rows accuracy is counted over
        result["accuracy"] = correct / scored if scored else math.nan
    return result


# overflow and NaN are detected and explained by TrainingDiverged, so NumPy's warnings would only repeat them
@np.errstate(over="ignore", invalid="ignore", divide="ignore")
def fit(model, loss_fn, optimizer, X, y, *, epochs: int, batch_size: int = 32, shuffle: bool = True,
        validation_data=None, validation_batch_size=None, scheduler=None, clip_grad_norm=None, target_loss=None,
        patience=None, callbacks=(), progress: bool = True, seed=None, initial_epoch: int = 0, checkpoint=None,
        checkpoint_every: int = 1, resume: bool = False, blas_threads="auto") -> History:
    """Train ``model`` on (X, y) by minibatch gradient descent and return its :class:`History`.

    Each step: predict ``out = model(x_batch)``, measure ``loss = loss_fn(out, y_batch)``,
    compute every dL/dW by ``loss.backward()``, optionally clip, then ``optimizer.step()``.
    Training stops at whichever comes first: ``epochs``; the training loss at or below
    ``target_loss``; ``patience`` epochs without a better validation loss (training
    loss when there is no validation data); or a callback setting ``run.stop_training``
    (after the epoch, or after the batch when set in ``on_batch_end``). With ``patience`` the
    model ends with the weights of its best epoch.

    Batches are trained in training mode (``model.train()``: dropout on) and the validation data
    is scored in eval mode (``model.eval()``: dropout off), as in a PyTorch loop or Keras; at the
    end every module is left in the mode it had before ``fit``.

    Parameters
    ----------
    model : glassnet.nn.Module
    loss_fn : callable ``(output, target) -> scalar Tensor``, e.g. ``nn.CrossEntropyLoss()``
        The logged ``loss`` of an epoch is its batches' losses weighted by batch size and
        divided by the samples (the mean over the epoch's samples), or just added up when
        the loss has ``reduction='sum'``; ``val_loss`` is the same over the validation data.
    optimizer : glassnet.optim.Optimizer
    X : array (n_samples, n_features, ...); y : array of n_samples targets
    epochs : int
        The most passes over the data.
    batch_size : int
        Samples per step (``len(X)`` for full-batch gradient descent).
    shuffle : bool
        Visit samples in a new random order each epoch (drawn from ``seed``).
    validation_data : (X_val, y_val), optional
        Evaluated after each epoch as ``val_loss`` (and ``val_accuracy``).
    validation_batch_size : int, optional
        Rows per batch for the validation data; ``batch_size`` when None (as Keras), so that a
        loss whose value depends on the batch (a penalty added per batch) is measured alike.
    scheduler : learning-rate schedule, optional
        Stepped once per epoch; a ``ReduceLROnPlateau`` with its ``monitor`` value (default
        val_loss, or loss without validation data).
    clip_grad_norm : float, optional
        Scale gradients so their joint norm is at most this.
    target_loss, patience : optional stop rules (see above).
    callbacks : None, a :class:`glassnet.callbacks.Callback` or a list of them
        Called in order, then the returned History, which so records what they add to
        an epoch's logs. ``on_batch_end`` gets the running means of the epoch so far (``loss``,
        ``accuracy``; the running sum for a loss with ``reduction='sum'``), as in Keras, with
        ``batch_loss`` and ``batch_size`` of that batch;
        ``on_train_end`` gets the last epoch's logs and ``stop_reason``.
    progress : bool
        Show a progress bar when stderr is a terminal.
    seed : None, int or numpy.random.Generator
        The shuffling order.
    initial_epoch : int
        Epoch to start counting from; the run ends after epoch ``initial_epoch + epochs``.
    checkpoint : str or path, optional
        A directory where the whole training state is kept in ``checkpoint.npz`` (model,
        optimizer, scheduler, shuffling generator, stop rules, epoch and history), written
        atomically every ``checkpoint_every`` epochs and when training ends.
    checkpoint_every : int
        Epochs between checkpoint writes.
    resume : bool
        Continue from the checkpoint in ``checkpoint`` if there is one (else start afresh),
        with the same arguments as the first call: the parameters at the end are then
        bit-identical to an uninterrupted run. A finished run is not trained again.
        ``resume=False`` starts afresh and overwrites the checkpoint.
    blas_threads : 'auto', int or None
        BLAS threads for the run: 'auto' uses one thread when the step's matrix products are
        small (faster there), an int sets the count, None leaves BLAS as it is.

    Ctrl-C (KeyboardInterrupt) ends training as in Keras, by raising out of ``fit``; before
    it propagates the callbacks' ``on_train_end`` runs (logs ``{"interrupted": True}``)
    and, with ``checkpoint``, the last finished epoch is saved so ``resume=True`` goes on
    from there. The model keeps the weights of its last step. A :class:`TrainingDiverged`
    ends training the same way (logs ``{"interrupted": True, "diverged": True}``) before it
    propagates; no step is taken with a NaN or infinite loss or gradient.

    Raises
    ------
    glassnet.TrainingDiverged
        When the loss, an activation or a gradient becomes NaN or infinite.
    """
    _check_callables(model, loss_fn, "fit")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be a glassnet.optim.Optimizer, got {type(optimizer).__name__}")
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    clip_grad_norm = check_positive_number(clip_grad_norm, "clip_grad_norm", allow_none=True)
    target_loss = check_positive_number(target_loss, "target_loss", allow_none=True, allow_zero=True)
    patience = check_positive_int(patience, "patience", allow_none=True, minimum=0)
    validation_batch_size = check_positive_int(validation_batch_size, "validation_batch_size", allow_none=True)
    initial_epoch = check_positive_int(initial_epoch, "initial_epoch", minimum=0)
    checkpoint_every = check_positive_int(checkpoint_every, "checkpoint_every")
    if not isinstance(resume, bool):
        raise TypeError(f"fit: resume must be True or False, got {resume!r}")
    if checkpoint is not None and not isinstance(checkpoint, (str, os.PathLike)):
        raise TypeError(f"fit: checkpoint must be a directory path (str or os.PathLike), got {type(checkpoint).__name__}")
    if checkpoint is not None and os.path.exists(checkpoint) and not os.path.isdir(checkpoint):
        raise ValueError(f"fit: checkpoint must be a directory (checkpoint.npz is written inside it), "
                         f"but {os.fspath(checkpoint)!r} is a file")
    if scheduler is not None and not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"fit: scheduler must be a learning-rate schedule with a step() method "
                        f"(e.g. optim.lr_scheduler.StepLR), got {type(scheduler).__name__}")
    if resume and checkpoint is None:
        raise ValueError("fit: resume=True needs checkpoint=DIRECTORY, the folder the earlier run wrote to")
    dtype = _model_dtype(model)
    _check_something_trains(optimizer)
    X = check_features(X, "X", dtype)
    y = _prepare_targets(y, len(X), loss_fn, dtype, "y")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("fit: validation_data must be a pair (X_val, y_val)")
        X_val = check_features(validation_data[0], "validation_data[0]", dtype)
        y_val = _prepare_targets(validation_data[1], len(X_val), loss_fn, dtype, "validation_data[1]")
        if X_val.shape[1:] != X.shape[1:]:
            raise ValueError(f"fit: validation_data[0] has rows of shape {X_val.shape[1:]}, X has {X.shape[1:]}")
    plateau_monitor = _plateau_monitor(scheduler, validation_data is not None)
    if validation_data is None:  # a val_ value can never be logged: say so before an epoch is trained
        watched = [("scheduler", plateau_monitor or "")]  # stepped before the callbacks, which cannot add to its logs
        for callback in _callback_list(callbacks):
            if not isinstance(callback, (EarlyStopping, TargetLoss, History, ProgressBar)):
                break  # a callback of the user's may log val_ values itself for the rules after it
            if isinstance(callback, (EarlyStopping, TargetLoss)):
                watched.append((type(callback).__name__, callback.monitor))
        for who, monitor in watched:
            if monitor.startswith("val_"):
                raise ValueError(f"fit: {who} watches {monitor!r}, which is logged only with validation_data; "
                                 f"pass validation_data=(X_val, y_val) or watch {monitor.removeprefix('val_')!r}")
    rng = as_generator(seed, "seed")
    counter = accuracy_counter(loss_fn, y)
    named = list(model.named_parameters())
    n = len(X)
    steps_per_epoch = -(-n // batch_size)

    history = History()
    user_callbacks = _callback_list(callbacks)
    for callback in user_callbacks:
        if isinstance(callback, History):
            history = callback
    stop_rules = []
    if target_loss is not None:
        stop_rules.append(TargetLoss(target_loss))
    if patience is not None:
        stop_rules.append(EarlyStopping("val_loss" if validation_data is not None else "loss", patience=patience))
    # History last but for the checkpoint (which keeps it) and the bar, so it records what callbacks add to the logs
    everything = user_callbacks + stop_rules + ([history] if history not in user_callbacks else [])
    start, end, resumed = initial_epoch, initial_epoch + epochs, None
    if checkpoint is not None:
        saver = Checkpoint(checkpoint, checkpoint_every, rng=rng, history=history, scheduler=scheduler,
                           fit_config={"n_samples": n, "batch_size": batch_size, "shuffle": bool(shuffle), "end_epoch": end,
                                       "plateau_monitor": plateau_monitor})
        resumed = saver.restore(model, optimizer) if resume else None
        if resumed is not None and resumed["finished"]:
            history.stop_reason = resumed["finished"]
            return history
        everything.append(saver)
    if progress:
        everything.append(ProgressBar())
    hooks = CallbackList(everything)
    if resumed is not None:
        start = resumed["epoch"]
    run = TrainingRun(model=model, optimizer=optimizer, epochs=end, steps_per_epoch=steps_per_epoch, epoch=start)
    run.extra.update(resumed=start > 0, callbacks=everything)
    hooks.set_run(run)
    hooks.on_train_begin({})
    if resumed is not None and resumed["stop_reason"]:  # it had stopped; only its ending was lost
        run.stop_training, run.stop_reason, end = True, resumed["stop_reason"], start
    modes = training_modes(model)
    try:
        try:
            with limit_blas_threads(blas_threads_for(model, batch_size, blas_threads)):
                last_logs = _train_epochs(
                    model, loss_fn, optimizer, X, y, run, hooks, range(start, end), batch_size=batch_size,
                    order_rng=rng if shuffle else None, counter=counter, named=named, scheduler=scheduler,
                    plateau_monitor=plateau_monitor, clip_grad_norm=clip_grad_norm,
                    validation=(X_val, y_val) if validation_data is not None else None,
                    validation_batch_size=validation_batch_size or batch_size)
        finally:  # trained in training mode, validated in eval mode: left in the modes it came with
            restore_training_modes(modes)
    except KeyboardInterrupt:
        history.stop_reason = run.stop_reason = "interrupted (KeyboardInterrupt)"
        hooks.on_train_end({"stop_reason": run.stop_reason, "interrupted": True})
        raise
    except TrainingDiverged as diverged:  # its step was not taken; a checkpoint keeps the last finished epoch
        history.stop_reason = run.stop_reason = f"diverged at epoch {diverged.epoch}, step {diverged.step} ({diverged.kind})"
        hooks.on_train_end({"stop_reason": run.stop_reason, "interrupted": True, "diverged": True})
        raise
    history.stop_reason = run.stop_reason or "reached the last epoch"
    hooks.on_train_end({**last_logs, "stop_reason": history.stop_reason})
    return history


def _train_epochs(model, loss_fn, optimizer, X, y, run, hooks, epochs, *, batch_size, order_rng, counter, named,
                  scheduler, plateau_monitor, clip_grad_norm, validation, validation_batch_size) -> dict:
    """The epochs of :func:`fit`: PREDICT → LOSS → GRADIENT → STEP for each batch, then report.

    Returns the last epoch's logs ({} when no epoch ran)."""
    names = [name for name, _ in named]
    parameters = [parameter for _, parameter in named]
    n = len(X)
    scored = scored_rows(loss_fn, y)  # the rows accuracy is counted over
    steps_per_epoch = run.steps_per_epoch
    sums = loss_reduction(loss_fn) == "sum"  # the epoch's loss is then the sum over its samples, as evaluate's
    weights = None if sums else row_weights(loss_fn, y)  # what each row counts for in the mean (see loss_kind)
    total_weight = n if weights is None else float(weights.sum())
    logs = {}
    for epoch in epochs:
        run.epoch = epoch
        hooks.on_epoch_begin(epoch, {})
        model.train()
        started = time.perf_counter()
        order = order_rng.permutation(n) if order_rng is not None else None
        loss_sum, correct, weight_seen, scored_seen = 0.0, 0, 0.0, 0
        norm_sums = [0.0] * len(parameters)
        lr = optimizer.param_groups[0]["lr"]
        batch_end = hooks.wants_batch_end
        steps = 0
        for step in range(steps_per_epoch):
            rows = slice(step * batch_size, (step + 1) * batch_size)
            if order is not None:
                rows = order[rows]
            xb, yb = X[rows], y[rows]
            x_tensor = Tensor._from_op(xb)
            # PREDICT and LOSS
            out = model(x_tensor)
            loss = loss_fn(out, yb)
            loss_value = _loss_value(loss, "fit")
            counted = len(xb) if weights is None else float(weights[rows].sum())
            if not math.isfinite(loss_value) and counted:  # a batch that counts for nothing has the mean NaN = 0/0
                raise diagnose_loss(model, x_tensor, loss_value, epoch=epoch + 1, step=step + 1, lr=lr,
                                    clip_grad_norm=clip_grad_norm)
            # GRADIENT
            for parameter in parameters:
                parameter._forget_grad()
            loss.backward()
            norms = [_grad_norm(p) for p in parameters]
            if not math.isfinite(sum(norms)):  # norms are >= 0, so the sum is finite exactly when all are
                raise diagnose_gradients(names, norms, epoch=epoch + 1, step=step + 1, lr=lr,
                                         clip_grad_norm=clip_grad_norm)
            # STEP
            if clip_grad_norm is not None:
                clip_grad_norm_(parameters, clip_grad_norm)
            optimizer.step()
            batch, steps = len(xb), steps + 1
            weight_seen += counted
            loss_sum += loss_value if sums else loss_value * counted if counted else 0.0
            norm_sums = [total + norm for total, norm in zip(norm_sums, norms)]
            if counter is not None:
                right = counter(out.data, yb)
                if right is None:  # the outputs cannot be scored against these targets (see metrics.py)
                    counter = None
                else:
                    correct += right
            if batch_end:  # running means of the epoch so far, as Keras gives them, and this batch's loss
                batch_logs = {"loss": _mean_loss(loss_sum, weight_seen, sums)}
                if counter is not None:
                    scored_seen += scored_rows(loss_fn, yb)
                    batch_logs["accuracy"] = correct / scored_seen if scored_seen else math.nan
                batch_logs.update(batch_loss=loss_value, batch_size=batch)
                hooks.on_batch_end(step, batch_logs)
                if run.stop_training:  # a callback asked to stop now: end this epoch after this batch
                    break

        if steps < steps_per_epoch:  # stopped after a batch: the epoch's numbers are over the batches it took
            scored_epoch = scored_seen  # counted for the batch logs, which is how a stop comes mid-epoch
        else:
            weight_seen, scored_epoch = total_weight, scored
        logs = {"loss": _mean_loss(loss_sum, weight_seen, sums)}
        if counter is not None:
            logs["accuracy"] = correct / scored_epoch if scored_epoch else math.nan
        if validation is not None:
            scores = evaluate(model, loss_fn, *validation, batch_size=validation_batch_size)
            logs.update({f"val_{key}": value for key, value in scores.items()})
        logs["lr"] = lr
        means = np.asarray(norm_sums) / max(steps, 1)
        logs["grad_norm"] = float(np.sqrt(np.sum(means**2)))
        logs.update({f"grad_norm/{name}": float(value) for name, value in zip(names, means)})
        if scheduler is not None:
            if plateau_monitor is not None:
                scheduler.step(monitored_value("fit: scheduler", logs, plateau_monitor))
            else:
                scheduler.step()
        logs["seconds"] = time.perf_counter() - started
        hooks.on_epoch_end(epoch, logs)
        run.epoch = epoch + 1
        if run.stop_training:
            break
    return logs


def _mean_loss(loss_sum: float, weight: float, sums: bool) -> float:
    """The logged loss: the sum over the rows for a loss with reduction='sum', else the weighted mean."""
    return loss_sum if sums else loss_sum / weight if weight else math.nan


__all__ = ["fit", "evaluate", "Callback"]
