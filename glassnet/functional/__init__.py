"""The maths of networks as plain functions (import as ``glassnet.functional as F``)."""
from glassnet.functional.activations import gelu, leaky_relu, linear, log_softmax, relu, sigmoid, softmax, tanh
from glassnet.functional.dropout import dropout
from glassnet.functional.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l1_loss,
    mse_loss,
    nll_loss,
)
from glassnet.functional.regularization import l1_penalty, l2_penalty

__all__ = [
    "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "linear", "dropout",
    "mse_loss", "l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "l1_penalty", "l2_penalty",
]
