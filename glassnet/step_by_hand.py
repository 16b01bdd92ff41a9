"""One training step of a two-layer network, worked out three ways that must agree.

For a batch x (N rows), targets t (one-hot, N x C) and a network

    z1 = x W1ᵀ + b1,  h1 = f(z1),  z2 = h1 W2ᵀ + b2,  h2 = g(z2),  L = loss(h2, t)

this module computes every intermediate value and every partial derivative

* by the chain rule, written out as NumPy products (what one does on paper);
* by glassnet's reverse-mode autodiff (``loss.backward()``, with ``retain_grad()``
  on z1, h1, z2 and h2 so their gradients are kept);
* for the parameters, by central finite differences in float64,
  (L(w + ε) − L(w − ε)) / 2ε, one weight at a time;

then takes the step W ← W − lr · dL/dW with ``glassnet.optim.SGD``.
:func:`glassnet.explain` turns the result into text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

HIDDEN_ACTIVATIONS = {
    # name: (f(z), f'(z) written with h = f(z) where that is shorter, formula text)
    "sigmoid": (lambda z: 1.0 / (1.0 + np.exp(-z)), lambda z, h: h * (1.0 - h), "h1 ⊙ (1 − h1)"),
    "tanh": (np.tanh, lambda z, h: 1.0 - h * h, "1 − h1²"),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, h: (z > 0).astype(z.dtype), "1 where z1 > 0, else 0"),
}
"""Hidden-layer activations the explanation can differentiate by hand."""

LOSSES = {
    "mse": "mean squared error of sigmoid outputs: L = mean((h2 − t)²)",
    "cross-entropy": "cross-entropy of softmax outputs: L = −(1/N) Σ t ⊙ log h2",
}
"""Output layer and loss pairs: sigmoid + squared error, or softmax + cross-entropy."""


@dataclass
class StepByHand:
    """Every number of one training step (float64). Gradient names follow ``dL/d<name>``."""

    activation: str
    loss_name: str
    lr: float
    x: np.ndarray
    y: np.ndarray
    t: np.ndarray
    parameters: dict          # W1, b1, W2, b2 before the step
    forward: dict             # z1, h1, z2, h2
    loss: float
    chain_rule: dict          # dL/dh2, dh2/dz2 (sigmoid only), dL/dz2, dL/dW2, ..., dL/db1
    autodiff: dict            # the same names, from glassnet's backward()
    finite_differences: dict  # dL/dW1, dL/db1, dL/dW2, dL/db2
    updated: dict             # W1, b1, W2, b2 after the step
    loss_after: float
    notes: dict = field(default_factory=dict)

    def max_difference(self, reference: str) -> float:
        """Largest |autodiff − chain rule| (``'chain_rule'``) or |autodiff − finite differences|."""
        other = getattr(self, reference)
        shared = [name for name in other if name in self.autodiff]
        return max(float(np.max(np.abs(self.autodiff[name] - other[name]))) for name in shared)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward_numpy(x, t, parameters, activation: str, loss_name: str):
    """(loss, intermediates) of the network, in plain NumPy."""
    f = HIDDEN_ACTIVATIONS[activation][0]
    z1 = x @ parameters["W1"].T + parameters["b1"]
    h1 = f(z1)
    z2 = h1 @ parameters["W2"].T + parameters["b2"]
    if loss_name == "mse":
        h2 = _sigmoid(z2)
        loss = float(np.mean((h2 - t) ** 2))
    else:
        h2 = _softmax(z2)
        loss = float(-np.sum(t * np.log(h2)) / len(x))
    return loss, {"z1": z1, "h1": h1, "z2": z2, "h2": h2}


def chain_rule(x, t, parameters, forward: dict, activation: str, loss_name: str) -> dict:
    """Every dL/d(·) by the chain rule, from the loss back to W1."""
    z1, h1, h2 = forward["z1"], forward["h1"], forward["h2"]
    n = len(x)
    grads = {}
    if loss_name == "mse":
        grads["dL/dh2"] = 2.0 * (h2 - t) / t.size
        grads["dh2/dz2"] = h2 * (1.0 - h2)
        grads["dL/dz2"] = grads["dL/dh2"] * grads["dh2/dz2"]
    else:
        grads["dL/dh2"] = -t / (n * h2)
        # the softmax Jacobian applied to dL/dh2: h2 ⊙ (g − Σ_c h2 g), which equals (h2 − t)/N here
        g = grads["dL/dh2"]
        grads["dL/dz2"] = h2 * (g - np.sum(h2 * g, axis=1, keepdims=True))
    grads["dL/dW2"] = grads["dL/dz2"].T @ h1
    grads["dL/db2"] = grads["dL/dz2"].sum(axis=0)
    grads["dL/dh1"] = grads["dL/dz2"] @ parameters["W2"]
    grads["dh1/dz1"] = HIDDEN_ACTIVATIONS[activation][1](z1, h1)
    grads["dL/dz1"] = grads["dL/dh1"] * grads["dh1/dz1"]
    grads["dL/dW1"] = grads["dL/dz1"].T @ x
    grads["dL/db1"] = grads["dL/dz1"].sum(axis=0)
    return grads


def finite_differences(x, t, parameters, activation, loss_name, epsilon: float = 1e-6) -> dict:
    """dL/dw ≈ (L(w + ε) − L(w − ε)) / 2ε for every weight and bias, in float64."""
    result = {}
    for name, value in parameters.items():
        estimate = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            shifted = {key: array.copy() for key, array in parameters.items()}
            shifted[name][index] = value[index] + epsilon
            up, _ = forward_numpy(x, t, shifted, activation, loss_name)
            shifted[name][index] = value[index] - epsilon
            down, _ = forward_numpy(x, t, shifted, activation, loss_name)
            estimate[index] = (up - down) / (2 * epsilon)
        result[f"dL/d{name}"] = estimate
    return result


def _autodiff(x, t, model, activation: str, loss_name: str):
    """Run the network on glassnet Tensors, keep every intermediate's gradient, return them."""
    from glassnet import functional as F
    from glassnet.tensor import Tensor

    first, second = model[0], model[2]
    inputs = Tensor(x)
    targets = Tensor(t)
    z1 = F.linear(inputs, first.weight, first.bias)
    h1 = {"sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu}[activation](z1)
    z2 = F.linear(h1, second.weight, second.bias)
    if loss_name == "mse":
        h2 = F.sigmoid(z2)
        loss = F.mse_loss(h2, targets)
    else:
        h2 = F.softmax(z2, dim=1)
        loss = -(targets * h2.log()).sum(axis=1).mean()
    for tensor in (z1, h1, z2, h2):
        tensor.retain_grad()
    loss.backward()
    grads = {"dL/dh2": h2.grad.numpy(), "dL/dz2": z2.grad.numpy(), "dL/dh1": h1.grad.numpy(),
             "dL/dz1": z1.grad.numpy(), "dL/dW2": second.weight.grad.numpy(), "dL/db2": second.bias.grad.numpy(),
             "dL/dW1": first.weight.grad.numpy(), "dL/db1": first.bias.grad.numpy()}
    return float(loss.item()), {name: np.array(value, dtype=np.float64) for name, value in grads.items()}


def build_network(n_inputs: int, hidden: int, n_outputs: int, activation: str, seed):
    """The 2-layer glassnet model whose step is explained, in float64 with seeded initial weights."""
    from glassnet import nn
    from glassnet.random import as_generator

    rng = as_generator(seed, "seed")
    layer = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}[activation]
    return nn.Sequential(nn.Linear(n_inputs, hidden, dtype="float64", generator=rng), layer(),
                         nn.Linear(hidden, n_outputs, dtype="float64", generator=rng))


def training_step_by_hand(x, y, *, hidden: int = 3, activation: str = "sigmoid", loss: str = "mse",
                          lr: float = 0.5, seed=0, n_classes: int | None = None) -> StepByHand:
    """Compute one full-batch gradient-descent step on (x, y) three ways; see the module docstring."""
    from glassnet.optim import SGD

    if activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(f"explain: activation must be one of {sorted(HIDDEN_ACTIVATIONS)}, got {activation!r}")
    if loss not in LOSSES:
        raise ValueError(f"explain: loss must be one of {sorted(LOSSES)}, got {loss!r}")
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    n_classes = int(y.max()) + 1 if n_classes is None else n_classes
    n_classes = max(n_classes, 2)
    t = np.eye(n_classes)[y]
    model = build_network(x.shape[1], hidden, n_classes, activation, seed)
    parameters = {"W1": model[0].weight.numpy().copy(), "b1": model[0].bias.numpy().copy(),
                  "W2": model[2].weight.numpy().copy(), "b2": model[2].bias.numpy().copy()}
    loss_value, forward = forward_numpy(x, t, parameters, activation, loss)
    by_hand = chain_rule(x, t, parameters, forward, activation, loss)
    autodiff_loss, by_autodiff = _autodiff(x, t, model, activation, loss)
    numeric = finite_differences(x, t, parameters, activation, loss)
    SGD(model.parameters(), lr=lr).step()
    updated = {"W1": model[0].weight.numpy().copy(), "b1": model[0].bias.numpy().copy(),
               "W2": model[2].weight.numpy().copy(), "b2": model[2].bias.numpy().copy()}
    loss_after, _ = forward_numpy(x, t, updated, activation, loss)
    return StepByHand(activation=activation, loss_name=loss, lr=float(lr), x=x, y=y, t=t, parameters=parameters,
                      forward=forward, loss=loss_value, chain_rule=by_hand, autodiff=by_autodiff,
                      finite_differences=numeric, updated=updated, loss_after=loss_after,
                      notes={"autodiff_loss": autodiff_loss})
