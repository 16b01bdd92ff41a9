"""The 8×8 digits: wall time for glassnet to reach 97% test accuracy, and for scikit-learn's MLP to finish
(its own defaults) and to reach 97% with glassnet's settings."""
from __future__ import annotations

import time

import numpy as np

TARGET = 0.97


def load_split(seed: int = 0):
    """Stratified 80/20 split of the 1797 digits, pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X = (digits.data / 16.0).astype(np.float32)
    return train_test_split(X, digits.target, test_size=0.2, stratify=digits.target, random_state=seed)


SETTINGS = dict(hidden=128, lr=3e-3, batch_size=32, max_epochs=100)
"""glassnet's run: 64-128-10 ReLU, Adam lr 3e-3, batch 32, no L2, at most 100 epochs, test
accuracy measured after every epoch (inside the clock). scikit-learn's like-for-like run uses the same."""


def glassnet_time_to_target(split, max_epochs: int = SETTINGS["max_epochs"], seed: int = 0) -> dict:
    """Seconds for glassnet to reach ``TARGET`` test accuracy (the evaluation after each epoch counted)."""
    import glassnet as gn
    from glassnet import nn
    from glassnet.callbacks import Callback

    X_train, X_test, y_train, y_test = split
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(64, SETTINGS["hidden"], generator=rng), nn.ReLU(),
                          nn.Linear(SETTINGS["hidden"], 10, generator=rng))
    loss_fn = nn.CrossEntropyLoss()

    class StopAtTarget(Callback):
        def on_epoch_end(self, epoch, logs):
            self.accuracy = gn.evaluate(model, loss_fn, X_test, y_test)["accuracy"]
            if self.accuracy >= TARGET:
                self.run.stop_training = True

    stop = StopAtTarget()
    started = time.perf_counter()
    history = gn.fit(model, loss_fn, gn.optim.Adam(model.parameters(), lr=SETTINGS["lr"]), X_train, y_train,
                     epochs=max_epochs, batch_size=SETTINGS["batch_size"], seed=seed, callbacks=[stop], progress=False)
    return {"seconds": time.perf_counter() - started, "accuracy": stop.accuracy, "epochs": len(history.epoch),
            "reached": stop.accuracy >= TARGET}


def sklearn_time_to_finish(split, seed: int = 0) -> dict:
    """Seconds for scikit-learn's MLPClassifier with its defaults (but the hidden size) to finish ``fit``:
    its tol rule, or ``max_iter=200`` epochs, where it has not converged (``converged`` False)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X_train, X_test, y_train, y_test = split
    model = MLPClassifier(hidden_layer_sizes=(SETTINGS["hidden"],), random_state=seed, max_iter=200)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # recorded as converged=False instead
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "accuracy": float(model.score(X_test, y_test)), "epochs": int(model.n_iter_),
            "converged": int(model.n_iter_) < model.max_iter}


def sklearn_time_to_target(split, seed: int = 0) -> dict:
    """Seconds for scikit-learn's MLPClassifier with glassnet's settings (``SETTINGS``) to reach ``TARGET``,
    measured as glassnet's: one ``partial_fit`` epoch at a time, test accuracy after each, inside the clock."""
    from sklearn.neural_network import MLPClassifier

    X_train, X_test, y_train, y_test = split
    model = MLPClassifier(hidden_layer_sizes=(SETTINGS["hidden"],), solver="adam", alpha=0.0,
                          learning_rate_init=SETTINGS["lr"], batch_size=SETTINGS["batch_size"], random_state=seed)
    classes = np.unique(y_train)
    started = time.perf_counter()
    accuracy, epochs = 0.0, 0
    while epochs < SETTINGS["max_epochs"] and accuracy < TARGET:
        model.partial_fit(X_train, y_train, classes=classes)
        epochs += 1
        accuracy = float(model.score(X_test, y_test))
    return {"seconds": time.perf_counter() - started, "accuracy": accuracy, "epochs": epochs,
            "reached": accuracy >= TARGET}
