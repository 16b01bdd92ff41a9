"""The 8×8 digits: wall time for glassnet to reach 97% test accuracy, and scikit-learn's MLP to finish."""
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


def glassnet_time_to_target(split, max_epochs: int = 100, seed: int = 0) -> dict:
    import glassnet as gn
    from glassnet import nn
    from glassnet.callbacks import Callback

    X_train, X_test, y_train, y_test = split
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(64, 128, generator=rng), nn.ReLU(), nn.Linear(128, 10, generator=rng))
    loss_fn = nn.CrossEntropyLoss()

    class StopAtTarget(Callback):
        def on_epoch_end(self, epoch, logs):
            self.accuracy = gn.evaluate(model, loss_fn, X_test, y_test)["accuracy"]
            if self.accuracy >= TARGET:
                self.run.stop_training = True

    stop = StopAtTarget()
    started = time.perf_counter()
    history = gn.fit(model, loss_fn, gn.optim.Adam(model.parameters(), lr=3e-3), X_train, y_train,
                     epochs=max_epochs, batch_size=32, seed=seed, callbacks=[stop], progress=False)
    return {"seconds": time.perf_counter() - started, "accuracy": stop.accuracy, "epochs": len(history.epoch)}


def sklearn_time_to_finish(split, seed: int = 0) -> dict:
    import warnings

    from sklearn.neural_network import MLPClassifier

    X_train, X_test, y_train, y_test = split
    model = MLPClassifier(hidden_layer_sizes=(128,), random_state=seed, max_iter=200)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "accuracy": float(model.score(X_test, y_test)), "epochs": int(model.n_iter_)}
