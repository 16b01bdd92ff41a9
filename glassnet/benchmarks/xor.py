"""One full-batch training step of the 2-3-2 sigmoid XOR network with squared error, four ways."""
from __future__ import annotations

import math

import numpy as np

from glassnet.benchmarks.mlp import with_loss, with_weights

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
TARGETS = np.eye(2, dtype=np.float32)[[0, 1, 1, 0]]
LR = 0.5


def initial_weights(seed: int = 0):
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-1, 1, (3, 2)).astype(np.float32), rng.uniform(-1, 1, 3).astype(np.float32)),
            (rng.uniform(-1, 1, (2, 3)).astype(np.float32), rng.uniform(-1, 1, 2).astype(np.float32))]


def glassnet_steps(steps: int):
    import glassnet as gn
    from glassnet import nn

    (W1, b1), (W2, b2) = initial_weights()
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 2), nn.Sigmoid())
    for layer, W, b in ((model[0], W1, b1), (model[2], W2, b2)):
        layer.weight.data[...] = W
        layer.bias.data[...] = b
    optimizer = gn.optim.SGD(model.parameters(), lr=LR)
    loss_fn = nn.MSELoss()
    x = gn.Tensor(X)

    def run():
        for _ in range(steps):
            optimizer.zero_grad()
            loss_fn(model(x), TARGETS).backward()
            optimizer.step()
    return with_weights(run, lambda: [(model[i].weight.data, model[i].bias.data) for i in (0, 2)])


def numpy_steps(steps: int):
    """The step a NumPy programmer writes by hand, loss value included (as in the MLP loop).

    The loss is a dot product, as in glassnet's ``mse``: ``(diff ** 2).mean()`` would add 40k
    instructions to a step of 200k (callgrind), all NumPy's Python-level reduction, and so
    make this row slower than the arithmetic requires."""
    (W1, b1), (W2, b2) = [(W.copy(), b.copy()) for W, b in initial_weights()]
    lr = np.float32(LR)
    scale = np.float32(2 / TARGETS.size)
    last = [np.nan]

    def run():
        nonlocal W1, b1, W2, b2
        for _ in range(steps):
            h = 1 / (1 + np.exp(-(X @ W1.T + b1)))
            out = 1 / (1 + np.exp(-(h @ W2.T + b2)))
            diff = out - TARGETS
            flat = diff.ravel()  # the loss value, which every other row computes too: mean (out - t)²,
            last[0] = flat.dot(flat) / flat.size  # as one dot product, the way glassnet's mse does it
            g2 = scale * diff * out * (1 - out)
            g1 = (g2 @ W2) * h * (1 - h)
            W2 -= lr * (g2.T @ h)
            b2 -= lr * g2.sum(axis=0)
            W1 -= lr * (g1.T @ X)
            b1 -= lr * g1.sum(axis=0)
    return with_loss(with_weights(run, lambda: [(W1, b1), (W2, b2)]), last)


def torch_steps(steps: int, threads=None):
    import torch

    if threads:
        torch.set_num_threads(threads)
    (W1, b1), (W2, b2) = initial_weights()
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 2), torch.nn.Sigmoid())
    with torch.no_grad():
        for layer, W, b in ((model[0], W1, b1), (model[2], W2, b2)):
            layer.weight.copy_(torch.from_numpy(W))
            layer.bias.copy_(torch.from_numpy(b))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.MSELoss()
    x, t = torch.from_numpy(X), torch.from_numpy(TARGETS)

    def run():
        for _ in range(steps):
            optimizer.zero_grad()
            loss_fn(model(x), t).backward()
            optimizer.step()
    return with_weights(run, lambda: [(model[i].weight.detach().numpy(), model[i].bias.detach().numpy()) for i in (0, 2)])


def micrograd_steps(steps: int):
    """micrograd (Karpathy's scalar engine); it has no sigmoid, so one is added its own way: a Value
    whose _backward adds s(1 - s)·grad, exactly as micrograd defines relu."""
    from micrograd.engine import Value

    def sigmoid(v):
        s = 1 / (1 + math.exp(-v.data))
        out = Value(s, (v,), "sigmoid")

        def _backward():
            v.grad += s * (1 - s) * out.grad
        out._backward = _backward
        return out

    (W1, b1), (W2, b2) = initial_weights()
    W1 = [[Value(float(w)) for w in row] for row in W1]
    W2 = [[Value(float(w)) for w in row] for row in W2]
    b1 = [Value(float(b)) for b in b1]
    b2 = [Value(float(b)) for b in b2]
    params = [w for row in W1 + W2 for w in row] + b1 + b2
    rows = [[float(v) for v in x] for x in X]
    targets = [[float(v) for v in t] for t in TARGETS]

    def run():
        for _ in range(steps):
            loss = Value(0.0)
            for x, t in zip(rows, targets):
                h = [sigmoid(sum((w * xi for w, xi in zip(row, x)), b)) for row, b in zip(W1, b1)]
                out = [sigmoid(sum((w * hi for w, hi in zip(row, h)), b)) for row, b in zip(W2, b2)]
                loss = loss + sum((o - ti) ** 2 for o, ti in zip(out, t))
            loss = loss * (1.0 / 8)
            for p in params:
                p.grad = 0.0
            loss.backward()
            for p in params:
                p.data -= LR * p.grad
    return with_weights(run, lambda: [([[w.data for w in row] for row in W], [v.data for v in b])
                                      for W, b in ((W1, b1), (W2, b2))])


IMPLEMENTATIONS = {"numpy_loop": numpy_steps, "glassnet": glassnet_steps, "torch": torch_steps,
                   "micrograd": micrograd_steps}
