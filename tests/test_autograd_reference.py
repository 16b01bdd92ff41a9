"""Whole networks: glassnet's gradients agree with HIPS autograd to 1e-6 relative."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad as autograd_grad

import glassnet as gn
from glassnet import nn

ACTIVATIONS = {
    "relu": (nn.ReLU, lambda z: anp.maximum(z, 0)),
    "tanh": (nn.Tanh, anp.tanh),
    "sigmoid": (nn.Sigmoid, lambda z: 1 / (1 + anp.exp(-z))),
    "leaky_relu": (lambda: nn.LeakyReLU(0.05), lambda z: anp.where(z > 0, z, 0.05 * z)),
}


def _reference_loss(params, X, labels, activation, l2):
    h = X
    for i, (W, b) in enumerate(params):
        h = anp.dot(h, W.T) + b
        if i < len(params) - 1:
            h = activation(h)
    shifted = h - anp.max(h, axis=1, keepdims=True)
    log_p = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
    loss = -anp.mean(log_p[np.arange(len(labels)), labels])
    return loss + l2 * sum(anp.sum(W * W) for W, _ in params) / (2 * len(labels))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_random_network_gradients_match_autograd(seed, activation):
    rng = np.random.default_rng(seed)
    sizes = [int(rng.integers(2, 7)) for _ in range(int(rng.integers(2, 5)))] + [int(rng.integers(2, 5))]
    module_cls, reference_activation = ACTIVATIONS[activation]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], dtype="float64", generator=rng))
        if i < len(sizes) - 2:
            layers.append(module_cls())
    model = nn.Sequential(*layers)
    X = rng.standard_normal((9, sizes[0]))
    labels = rng.integers(0, sizes[-1], size=9)
    l2 = 0.3
    weights = [m.weight for m in model if isinstance(m, nn.Linear)]
    loss = gn.functional.cross_entropy(model(X), labels) + gn.functional.l2_penalty(weights, l2, n_samples=9)
    loss.backward()

    params = [(m.weight.data.copy(), m.bias.data.copy()) for m in model if isinstance(m, nn.Linear)]
    expected = autograd_grad(_reference_loss)(params, X, labels, reference_activation, l2)
    assert loss.item() == pytest.approx(_reference_loss(params, X, labels, reference_activation, l2), rel=1e-12)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    for layer, (gW, gb) in zip(linears, expected):
        np.testing.assert_allclose(layer.weight.grad.data, gW, rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(layer.bias.grad.data, gb, rtol=1e-6, atol=1e-12)


def test_mse_sigmoid_network_matches_autograd():
    rng = np.random.default_rng(7)
    model = nn.Sequential(nn.Linear(2, 3, dtype="float64", generator=1), nn.Sigmoid(),
                          nn.Linear(3, 2, dtype="float64", generator=2), nn.Sigmoid())
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    Y = np.eye(2)[[0, 1, 1, 0]]
    gn.functional.mse_loss(model(X), Y).backward()

    def reference(p):
        (W1, b1), (W2, b2) = p
        h = 1 / (1 + anp.exp(-(anp.dot(X, W1.T) + b1)))
        out = 1 / (1 + anp.exp(-(anp.dot(h, W2.T) + b2)))
        return anp.mean((out - Y) ** 2)

    params = [(model[0].weight.data, model[0].bias.data), (model[2].weight.data, model[2].bias.data)]
    (gW1, gb1), (gW2, gb2) = autograd_grad(reference)(params)
    np.testing.assert_allclose(model[0].weight.grad.data, gW1, rtol=1e-6)
    np.testing.assert_allclose(model[2].bias.grad.data, gb2, rtol=1e-6)
    assert rng is not None
