"""Building what the commands train: the network, its loss, its optimizer and its schedule."""
from __future__ import annotations

import numpy as np

from glassnet import functional as F
from glassnet import nn, optim
from glassnet.random import as_generator
from glassnet.training.regularized_loss import RegularizedLoss

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "leaky_relu": nn.LeakyReLU, "gelu": nn.GELU}
LOSSES = ("cross-entropy", "mse")
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop")


def build_network(n_inputs: int, hidden: list, n_outputs: int, activation: str, dtype: str, seed):
    """Linear → activation → ... → Linear, with seeded initial weights."""
    rng = as_generator(seed, "seed")
    layers, width = [], n_inputs
    for size in hidden:
        layers += [nn.Linear(width, size, dtype=dtype, generator=rng), ACTIVATIONS[activation]()]
        width = size
    layers.append(nn.Linear(width, n_outputs, dtype=dtype, generator=rng))
    return nn.Sequential(*layers)


class SoftmaxSquaredError:
    """Squared error between softmax(output) and one-hot targets: mean((softmax(z) − t)²).

    The classic "MSE for classification" of the worked examples; the targets given to
    it are the one-hot rows (``fit`` then counts accuracy by the largest entry).
    """

    def __call__(self, output, target):
        return F.mse_loss(F.softmax(output, dim=1), target)

    def __repr__(self) -> str:
        return "SoftmaxSquaredError()"


def make_loss(name: str, classification: bool):
    if not classification:
        return nn.MSELoss()
    return nn.CrossEntropyLoss() if name == "cross-entropy" else SoftmaxSquaredError()


def targets_for(loss_name: str, y: np.ndarray, n_classes: int | None, dtype) -> np.ndarray:
    """What the loss compares outputs with, in the run's ``dtype``: labels for cross-entropy, one-hot rows
    for squared error, a column of regression targets (read in ``dtype``, so a float64 run keeps their digits)."""
    if n_classes is None:
        return y.reshape(-1, 1).astype(dtype)
    if loss_name == "mse":
        return np.eye(n_classes, dtype=dtype)[y]
    return y


def regularized(loss, model, l1: float, l2: float, n_samples: int):
    """Add L1/L2 penalties on the weight matrices (not the biases) when asked for."""
    if not l1 and not l2:
        return loss
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    return RegularizedLoss(loss, weights, l1=l1, l2=l2, n_samples=n_samples)


def make_optimizer(name: str, parameters, lr: float):
    if name == "sgd":
        return optim.SGD(parameters, lr=lr)
    if name == "momentum":
        return optim.SGD(parameters, lr=lr, momentum=0.9)
    if name == "adam":
        return optim.Adam(parameters, lr=lr)
    return optim.RMSprop(parameters, lr=lr)


def make_scheduler(optimizer, lr_decay):
    """ExponentialLR: lr_epoch = lr · lr_decay^epoch, or None for a constant rate."""
    return None if lr_decay is None else optim.ExponentialLR(optimizer, gamma=lr_decay)


def fold_standardization(model, mean, scale):
    """A copy of ``model`` that takes raw features: the first layer absorbs z = (x − mean) / scale.

    W (x − m) / s + b = (W / s) x + (b − (W / s) m), so W' = W / s and b' = b − W' m.
    """
    from glassnet.serialization import build_module, module_spec

    folded = build_module(module_spec(model))
    state = {name: array.copy() for name, array in model.state_dict().items()}
    first = next(name for name in state if name.endswith("weight"))
    bias = first[: -len("weight")] + "bias"
    weight = state[first].astype(np.float64) / np.asarray(scale, dtype=np.float64)
    state[first] = weight.astype(state[first].dtype)
    if bias in state:
        state[bias] = (state[bias] - weight @ np.asarray(mean, dtype=np.float64)).astype(state[bias].dtype)
    folded.load_state_dict(state)
    return folded
