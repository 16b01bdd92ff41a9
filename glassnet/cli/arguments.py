"""Checked argument types, so that bad values stop argparse with a one-line error naming the option."""
from __future__ import annotations

import argparse
import math

from glassnet.datasets.csv_table import TASKS


def positive_float(text: str) -> float:
    value = _float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    value = _float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


NOISE_LIMIT = 1000.0
"""The largest --noise: the toy sets' points lie within about ±2, so more is noise alone (and far more overflows)."""


def noise_level(text: str) -> float:
    value = _float(text)
    if not 0 <= value <= NOISE_LIMIT:
        raise argparse.ArgumentTypeError(f"expected a noise level between 0 and {NOISE_LIMIT:g}, got {text!r}")
    return value


def decay_factor(text: str) -> float:
    value = _float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"expected a factor in (0, 1], e.g. 0.95, got {text!r}")
    return value


def fraction(text: str) -> float:
    value = _float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction strictly between 0 and 1, got {text!r}")
    return value


def _int_at_least(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    return _int_at_least(text, 1)


def non_negative_int(text: str) -> int:
    return _int_at_least(text, 0)


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def add_training_options(parser) -> None:
    """The options of ``train`` that ``compare`` shares. Unset options take the data set's preset."""
    from glassnet.cli.network import ACTIVATIONS, LOSSES, OPTIMIZERS

    group = parser.add_argument_group("network and training (unset options use the data set's preset)")
    group.add_argument("--hidden", type=positive_int, nargs="+", metavar="N", help="hidden layer sizes, e.g. --hidden 64 32")
    group.add_argument("--activation", choices=sorted(ACTIVATIONS), help="hidden-layer activation")
    group.add_argument("--loss", choices=LOSSES,
                       help="cross-entropy on the logits, or mse: squared error between softmax probabilities and one-hot targets")
    group.add_argument("--optimizer", choices=OPTIMIZERS, help="momentum = SGD with momentum 0.9")
    group.add_argument("--lr", type=positive_float, help="learning rate (default per optimizer and data set)")
    group.add_argument("--lr-decay", type=decay_factor, metavar="GAMMA",
                       help="ExponentialLR: multiply the learning rate by GAMMA after every epoch (lr_k = lr · GAMMA^k)")
    group.add_argument("--epochs", type=positive_int, help="most passes over the training data")
    group.add_argument("--batch-size", type=positive_int, help="samples per gradient step")
    group.add_argument("--l1", type=non_negative_float, help="L1 penalty λ1 · Σ|W| / N on the weight matrices")
    group.add_argument("--l2", type=non_negative_float, help="L2 penalty λ2 · Σ W² / 2N on the weight matrices")
    group.add_argument("--clip", type=positive_float, metavar="NORM", help="clip the gradient norm to NORM")
    group.add_argument("--target-loss", type=non_negative_float, help="stop once the training loss is at most this")
    group.add_argument("--patience", type=positive_int,
                       help="stop after this many epochs without a better loss on a 10%% validation part of the "
                            "training data (best weights restored)")
    group.add_argument("--seed", type=non_negative_int, default=0, help="seed for data, split, weights, order (default 0)")
    group.add_argument("--float64", action="store_true", help="train in float64 instead of float32, the data read in float64 too")
    data = parser.add_argument_group("data")
    data.add_argument("--target", help="csv:PATH only: the target column, by name or index (default: the last)")
    data.add_argument("--task", choices=TASKS, help="csv:PATH only: what the target is (default auto: text "
                                                    "and whole numbers are classes, other numbers regression)")
    data.add_argument("--test-size", type=fraction, default=0.2, help="held-out fraction (default 0.2)")
    data.add_argument("--samples", type=positive_int, help="toy 2-D sets: number of points")
    data.add_argument("--noise", type=noise_level, help="toy 2-D sets: noise level")
    data.add_argument("--download", action="store_true", help="mnist/fashion-mnist: download missing files")
    data.add_argument("--data-dir", help="mnist/fashion-mnist: folder of the IDX files")
