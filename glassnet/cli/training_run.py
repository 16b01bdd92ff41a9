"""Training one configuration on prepared data: what ``train`` and ``compare`` share."""
from __future__ import annotations

import time
from dataclasses import dataclass

from glassnet.cli.network import build_network, make_loss, make_optimizer, make_scheduler, regularized, targets_for
from glassnet.training.fit import evaluate, fit


@dataclass
class TrainingResult:
    model: object
    loss: object
    history: object
    seconds: float
    train_scores: dict
    test_scores: dict
    held_out: str = "test"  # what the history's val_ curves were scored on: "test" or "validation"


def with_loss_for(config: dict, data, asked=None) -> dict:
    """``config`` with the loss its data can take: squared error for a real-valued target, which
    has no classes to cross-entropy over; a ValueError when ``asked`` (the user's --loss) is another."""
    if data.classification or config["loss"] == "mse":
        return config
    if asked not in (None, "mse"):
        raise ValueError(f"--loss {asked} needs class labels, but the target is real-valued (regression); "
                         f"use --loss mse or leave --loss out")
    return dict(config, loss="mse")


def train_once(config: dict, data, *, seed, dtype: str, progress: bool, callbacks=(), checkpoint=None,
               checkpoint_every: int = 1, resume: bool = False) -> TrainingResult:
    """Build the network of ``config``, fit it on the training part, score it on both parts.

    Without ``patience`` the test part is passed as validation data, so the history
    holds its curve (nothing is chosen by it). With ``patience``, early stopping
    watches a validation part split off the training data instead, and the test
    part stays untouched until the end. With ``checkpoint`` (a folder) the whole training
    state is saved there, and ``resume=True`` continues from it.
    """
    classification = data.classification
    config = with_loss_for(config, data)
    n_outputs = data.n_classes if classification else 1
    model = build_network(data.X_train.shape[1], config["hidden"], n_outputs, config["activation"], dtype, seed)
    loss = regularized(make_loss(config["loss"], classification), model, config["l1"], config["l2"],
                       len(data.X_train))
    optimizer = make_optimizer(config["optimizer"], model.parameters(), config["lr"])
    scheduler = make_scheduler(optimizer, config["lr_decay"])
    y_train = targets_for(config["loss"], data.y_train, data.n_classes, dtype)
    y_test = targets_for(config["loss"], data.y_test, data.n_classes, dtype)
    X_fit, y_fit, validation = data.X_train, y_train, (data.X_test, y_test)
    if config["patience"] is not None:
        (X_fit, y_fit), validation = _validation_split(data, y_train, seed)
    started = time.perf_counter()
    history = fit(model, loss, optimizer, X_fit, y_fit, epochs=config["epochs"], batch_size=config["batch_size"],
                  validation_data=validation, scheduler=scheduler, clip_grad_norm=config["clip"],
                  # the penalty is scaled by the training samples, so the loss does not depend on the batch:
                  # the held-out part is scored in large batches, which is faster
                  validation_batch_size=max(config["batch_size"], 1024),
                  target_loss=config["target_loss"], patience=config["patience"], callbacks=callbacks,
                  progress=progress, seed=seed, checkpoint=checkpoint, checkpoint_every=checkpoint_every,
                  resume=resume)
    seconds = time.perf_counter() - started
    return TrainingResult(model=model, loss=loss, history=history, seconds=seconds,
                          held_out="test" if config["patience"] is None else "validation",
                          train_scores=evaluate(model, loss, data.X_train, y_train),
                          test_scores=evaluate(model, loss, data.X_test, y_test))


def _validation_split(data, y_train, seed):
    """10 % of the training part (stratified for classes) to watch for early stopping."""
    from glassnet.datasets import train_test_split

    if len(data.X_train) < 10:
        return (data.X_train, y_train), (data.X_train, y_train)
    stratify = data.y_train if data.classification else None
    X_fit, X_val, y_fit, y_val = train_test_split(data.X_train, y_train, test_size=0.1, stratify=stratify, seed=seed)
    return (X_fit, y_fit), (X_val, y_val)
