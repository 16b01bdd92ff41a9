"""One epoch of an MLP with ReLU hidden layers, softmax cross-entropy and plain SGD, many ways.

Every implementation starts from the same weights (W of shape (out, in), as in
PyTorch) and visits the same minibatches in the same order (no shuffling).
Each ``*_epoch(data, weights, batch_size, lr)`` prepares a run and returns the
callable that trains one epoch, so the timer measures training alone.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Data:
    X: np.ndarray
    y: np.ndarray
    classes: int


def make_data(samples: int, features: int, classes: int, seed: int = 0) -> Data:
    """Synthetic float32 inputs and integer labels."""
    rng = np.random.default_rng(seed)
    return Data(rng.standard_normal((samples, features)).astype(np.float32),
                rng.integers(0, classes, samples), classes)


def make_weights(sizes: list, seed: int = 0) -> list:
    """[(W, b), ...] drawn like PyTorch's Linear: U(-1/√fan_in, 1/√fan_in)."""
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        weights.append((rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32),
                        rng.uniform(-bound, bound, fan_out).astype(np.float32)))
    return weights


def flops_per_epoch(sizes: list, samples: int) -> float:
    """Multiply-adds ×2 of the GEMMs an epoch needs: forward, dL/dW, and dL/dh for all but the input."""
    products = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 2.0 * samples * (3 * sum(products) - products[0])


def glassnet_model(weights, lr):
    """The network, its SGD optimizer and its loss in glassnet, from the shared initial weights."""
    import glassnet as gn
    from glassnet import nn

    layers = []
    for i, (W, b) in enumerate(weights):
        layer = nn.Linear(W.shape[1], W.shape[0])
        layer.weight.data[...] = W
        layer.bias.data[...] = b
        layers.append(layer)
        if i < len(weights) - 1:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    return model, gn.optim.SGD(model.parameters(), lr=lr), nn.CrossEntropyLoss()


def with_weights(run, current):
    """Give a prepared ``run`` a ``weights()`` method returning its network's [(W, b), ...] as float32
    NumPy arrays, W of shape (out, in): the tests use it to check that every row does the same training."""
    run.weights = lambda: [(np.array(W, dtype=np.float32), np.array(b, dtype=np.float32)) for W, b in current()]
    return run


def with_loss(run, last):
    """Give a run a ``loss()`` method returning the loss its last step computed (``last[0]``): every
    row but the GEMM floor computes the loss value each step, as the glassnet and PyTorch rows do."""
    run.loss = lambda: float(last[0])
    return run


def glassnet_weights(model):
    """For :func:`with_weights`: a callable giving the [(W, b), ...] of ``model``'s Linear layers."""
    return lambda: [(layer.weight.data, layer.bias.data) for layer in model if hasattr(layer, "weight")]


def glassnet_epoch(data, weights, batch_size, lr):
    """``glassnet.fit``, which on every step also checks the loss and each gradient for divergence and
    records gradient norms and accuracy (the per-step cost of those is this row minus the loop's)."""
    import glassnet as gn

    model, optimizer, loss_fn = glassnet_model(weights, lr)

    def run():
        gn.fit(model, loss_fn, optimizer, data.X, data.y, epochs=1, batch_size=batch_size, shuffle=False,
               progress=False)
    return with_weights(run, glassnet_weights(model))


def glassnet_loop_epoch(data, weights, batch_size, lr):
    """The training loop a PyTorch user writes, in glassnet: exactly the work of ``torch_epoch``."""
    import glassnet as gn

    model, optimizer, loss_fn = glassnet_model(weights, lr)
    X, y = data.X, data.y

    def run():
        for start in range(0, len(X), batch_size):
            optimizer.zero_grad()
            loss_fn(model(gn.Tensor(X[start:start + batch_size])), y[start:start + batch_size]).backward()
            optimizer.step()
    return with_weights(run, glassnet_weights(model))


def numpy_epoch(data, weights, batch_size, lr):
    """The hand-written forward and backward pass a NumPy programmer would write, loss value included."""
    params = [(W.copy(), b.copy()) for W, b in weights]
    lr = np.float32(lr)
    last = [np.nan]

    def run():
        X, y = data.X, data.y
        for start in range(0, len(X), batch_size):
            x, labels = X[start:start + batch_size], y[start:start + batch_size]
            n = len(x)
            inputs, pre = [x], []
            h = x
            for i, (W, b) in enumerate(params):
                z = h @ W.T + b
                pre.append(z)
                h = np.maximum(z, 0) if i < len(params) - 1 else z
                inputs.append(h)
            z = pre[-1]
            e = np.exp(z - z.max(axis=1, keepdims=True))
            g = e / e.sum(axis=1, keepdims=True)
            rows = np.arange(n)
            last[0] = -np.log(g[rows, labels]).mean()
            g[rows, labels] -= 1
            g /= n
            for i in range(len(params) - 1, -1, -1):
                W, b = params[i]
                gW = g.T @ inputs[i]
                gb = g.sum(axis=0)
                if i > 0:
                    g = (g @ W) * (pre[i - 1] > 0)
                W -= lr * gW
                b -= lr * gb
    return with_loss(with_weights(run, lambda: params), last)


def numpy_tuned_epoch(data, weights, batch_size, lr, fused=False):
    """The fastest NumPy loop we could write for this network, keeping every gradient as an array.

    It is the GEMM floor plus the work that any library keeping ``.grad`` must also do, done
    the cheapest way we know: every activation, mask and gradient preallocated and written with
    ``out=``, the bias, ReLU and softmax applied in place, W stored column-major from
    ``COLUMN_MAJOR_MIN_SIZE`` elements as in ``glassnet.nn.Linear``, ReLU against a row of zeros (NumPy's fast loop), the bias
    gradient as 1ᵀd, the logits computed transposed (C × N) so that the softmax's reductions over
    the classes are row-wise, the loss value from the same shifted logits and sums (as glassnet's
    cross-entropy computes it), and the update W ← W − lr·dW as one BLAS axpy (``glassnet.blas.axpy_``).
    Its distance from the floor is what no such library can remove; its distance from
    ``numpy_loop`` is what careful NumPy gains over the obvious code.

    With ``fused`` it keeps no gradient at all (see :func:`numpy_fused_epoch`).
    """
    from glassnet.blas import axpy_, gemm_
    from glassnet.nn.linear import COLUMN_MAJOR_MIN_SIZE

    n = batch_size
    Ws = [np.array(W, order="F" if W.size >= COLUMN_MAJOR_MIN_SIZE else "C") for W, _ in weights]
    bs = [b.copy() for _, b in weights]
    outputs = [np.empty((n, W.shape[0]), dtype=np.float32) for W in Ws[:-1]]
    logits_t = np.empty((Ws[-1].shape[0], n), dtype=np.float32)  # (C, N): the last layer's output, transposed
    last_bias = bs[-1][:, None]  # a view: the update of bs[-1] reaches it
    grads_in = [np.empty((n, W.shape[1]), dtype=np.float32) for W in Ws]
    masks = [np.empty((n, W.shape[1]), dtype=bool) for W in Ws]
    grads_W = [] if fused else [np.empty_like(W) for W in Ws]  # the fused loop keeps no gradient
    grads_b = [] if fused else [np.empty_like(b) for b in bs]
    zero_rows = [np.zeros(W.shape[0], dtype=np.float32) for W in Ws[:-1]]  # ReLU follows the hidden layers only
    ones = np.ones(n, dtype=np.float32)
    ones_row, bias_rows = ones[None, :], [b[None, :] for b in bs]  # 1 × n and 1 × out views for gemm_
    rows = np.arange(n)
    last, loss = len(Ws) - 1, [np.nan]

    def run():
        X, y = data.X, data.y
        for start in range(0, len(X), n):
            h = X[start:start + n]
            m = len(h)
            inputs = [h]
            for i, (W, b, out) in enumerate(zip(Ws[:-1], bs, outputs)):
                h = np.matmul(h, W.T, out=out[:m])
                h += b
                np.maximum(h, zero_rows[i], out=h)
                inputs.append(h)
            # the logits come transposed, z^T = W h^T + b, so the reductions over the 10 classes are
            # row-wise elementwise ops (as in glassnet's cross-entropy), and become dL/dz^T in place
            e = np.matmul(Ws[-1], h.T, out=logits_t[:, :m])
            e += last_bias
            e -= np.maximum.reduce(e, axis=0)
            at_labels = (y[start:start + m], rows[:m])
            picked = e[at_labels]  # each sample's shifted logit at its label
            np.exp(e, out=e)
            total = np.add.reduce(e, axis=0)
            loss[0] = np.add.reduce(np.log(total) - picked) / m  # mean of log sum_j e^(z_j - max) - (z_label - max)
            e /= total
            e[at_labels] -= 1
            e *= np.float32(1 / m)
            g = e.T  # (m, C), column-major
            for i in range(last, -1, -1):
                if not fused:
                    np.matmul(g.T, inputs[i], out=grads_W[i])  # into W's own layout, as fast either way
                    np.matmul(ones[:m], g, out=grads_b[i])
                below = None
                if i > 0:  # dL/dh of the layer below, from W before its update
                    mask = np.greater(inputs[i], 0, out=masks[i][:m])
                    below = np.matmul(g, Ws[i], out=grads_in[i][:m])
                    below *= mask
                if fused:  # W ← W − lr·gᵀx and b ← b − lr·1ᵀg, each one BLAS call with β = 1
                    gemm_(Ws[i], -lr, g.T, inputs[i])
                    gemm_(bias_rows[i], -lr, ones_row[:, :m], g)
                g = below
            if not fused:
                for W, b, gW, gb in zip(Ws, bs, grads_W, grads_b):
                    axpy_(W, -lr, gW)
                    axpy_(b, -lr, gb)
    return with_loss(with_weights(run, lambda: list(zip(Ws, bs))), loss)


def numpy_fused_epoch(data, weights, batch_size, lr):
    """The tuned loop with the SGD step fused into the backward pass: it keeps no gradient.

    Each layer's weights are updated as W ← W − lr·gᵀx by one BLAS gemm with β = 1
    (``glassnet.blas.gemm_``), as soon as g, its output's gradient, has given the gradient of
    the layer below; dL/dW is never stored and the separate update pass is gone. A library
    whose parameters keep their ``.grad`` cannot do this, so this row is not a target: its
    distance from the floor is what remains of the step beyond the GEMMs when even the
    gradients are given up, the lowest any NumPy training loop can go.
    """
    return numpy_tuned_epoch(data, weights, batch_size, lr, fused=True)


def _gemm_floor_run(X, Ws, batch_size, matmul, empty, empty_like, after_step=None):
    """The floor's epoch: the 8 products of each batch (3 forward, 3 dL/dW, and dL/dh for the two
    hidden layers; no step needs dL/dX of the input), the last, shorter batch included as every
    other row trains on it, by ``matmul(a, b, out=)`` into outputs made once by ``empty((rows, cols))``
    and ``empty_like(W)`` (NumPy's or PyTorch's); a short batch writes into their first rows.
    ``after_step(grads_w)``, when given, runs at the end of every step."""
    n = batch_size
    activations = [empty((n, W.shape[0])) for W in Ws]
    grads_in = [empty((n, W.shape[1])) for W in Ws]
    grads_w = [empty_like(W) for W in Ws]

    def run():
        for start in range(0, len(X), n):
            h = X[start:start + n]
            m = len(h)
            inputs = [h]
            for W, out in zip(Ws, activations):
                matmul(h, W.T, out=out[:m])
                h = out[:m]
                inputs.append(h)
            g = activations[-1][:m]
            for i in range(len(Ws) - 1, -1, -1):
                matmul(g.T, inputs[i], out=grads_w[i])
                if i > 0:
                    matmul(g, Ws[i], out=grads_in[i][:m])
                    g = grads_in[i][:m]
            if after_step is not None:
                after_step(grads_w)
    return run


def gemm_floor_epoch(data, weights, batch_size, lr, order="C"):
    """Only the GEMMs of each step, into preallocated outputs: the floor any NumPy library sits on.

    ``order="C"`` keeps each W row-major as PyTorch does; ``order="F"`` stores it column-major
    as ``glassnet.nn.Linear`` does, which changes which products OpenBLAS sees transposed.
    """
    Ws = [np.array(W, order=order) for W, _ in weights]
    return _gemm_floor_run(data.X, Ws, batch_size, np.matmul,
                           lambda shape: np.empty(shape, dtype=np.float32), np.empty_like)


def torch_model(weights, lr, threads=None):
    """The network, its SGD optimizer and its loss in PyTorch, from the shared initial weights, on ``threads`` threads."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    layers = []
    for i, (W, b) in enumerate(weights):
        layer = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(W))
            layer.bias.copy_(torch.from_numpy(b))
        layers.append(layer)
        if i < len(weights) - 1:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    return model, torch.optim.SGD(model.parameters(), lr=lr), torch.nn.CrossEntropyLoss()


def torch_weights(model):
    """:func:`glassnet_weights` for a PyTorch model."""
    import torch

    return lambda: [(layer.weight.detach().numpy(), layer.bias.detach().numpy())
                    for layer in model if isinstance(layer, torch.nn.Linear)]


def torch_epoch(data, weights, batch_size, lr, threads=None):
    import torch

    model, optimizer, loss_fn = torch_model(weights, lr, threads)
    X, y = torch.from_numpy(data.X), torch.from_numpy(data.y)

    def run():
        for start in range(0, len(X), batch_size):
            optimizer.zero_grad()
            loss_fn(model(X[start:start + batch_size]), y[start:start + batch_size]).backward()
            optimizer.step()
    return with_weights(run, torch_weights(model))


def sklearn_epoch(data, weights, batch_size, lr):
    """scikit-learn's MLPClassifier, one ``partial_fit`` pass from the same weights (it works in float64)."""
    import warnings

    from sklearn.neural_network import MLPClassifier

    hidden = tuple(W.shape[0] for W, _ in weights[:-1])
    model = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="sgd", alpha=0.0,
                          batch_size=batch_size, learning_rate_init=lr, momentum=0.0, nesterovs_momentum=False,
                          shuffle=False, random_state=0)
    classes = np.arange(data.classes)
    with warnings.catch_warnings():  # one row sets up the model without making the batch's buffers, so
        warnings.simplefilter("ignore")  # the epoch's peak memory is measured from the same state as the others'
        model.partial_fit(data.X[:1].astype(np.float64), data.y[:1], classes=classes)
    model.coefs_ = [W.T.astype(np.float64) for W, _ in weights]
    model.intercepts_ = [b.astype(np.float64) for _, b in weights]
    X64 = data.X.astype(np.float64)

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.partial_fit(X64, data.y)
    return with_weights(run, lambda: [(W.T, b) for W, b in zip(model.coefs_, model.intercepts_)])


def torch_gemm_floor_epoch(data, weights, batch_size, lr, threads=None):
    """The GEMM floor in PyTorch: the same products as :func:`gemm_floor_epoch`, by ``torch.matmul``.

    PyTorch does not multiply with NumPy's BLAS (its wheels bring their own), so its floor can sit
    below NumPy's; ``torch / torch_gemm_floor`` is then PyTorch's overhead over its own floor, the
    figure to set beside ``glassnet_loop / floor``.
    """
    import torch

    if threads:
        torch.set_num_threads(threads)
    Ws = [torch.from_numpy(np.array(W, order="C")) for W, _ in weights]
    return _gemm_floor_run(torch.from_numpy(data.X), Ws, batch_size, torch.matmul,
                           lambda shape: torch.empty(shape), torch.empty_like)


def gemm_floor_column_major_epoch(data, weights, batch_size, lr):
    """The GEMM floor with every W stored column-major, glassnet's layout."""
    return gemm_floor_epoch(data, weights, batch_size, lr, order="F")


FLOOR_UPDATE_STEP = np.float32(-1e-30)
"""The floor's step size in :func:`gemm_floor_update_epoch`: its products are not a loss's gradients
(no softmax, no ReLU, no 1/N), and a real step along them diverges within the epoch; at 1e-30 every
W + step·dW rounds back to W, so each step does the update's memory traffic and every round the same
arithmetic. (Not 0: OpenBLAS's axpy returns at once when alpha is 0.)"""


def gemm_floor_update_epoch(data, weights, batch_size, lr):
    """The column-major GEMM floor plus the SGD update pass: W ← W + α·dW and b ← b + α·db, one BLAS
    axpy each, after every step, as glassnet's SGD does it (α is :data:`FLOOR_UPDATE_STEP`).

    The update reads W and dW and writes W, about as many bytes as the step's GEMMs move when the
    batch is small; ``gemm_floor_update / floor`` is what any library that keeps ``.grad`` and
    steps after ``backward`` pays at least, before a single activation or loss is computed.
    """
    from glassnet.blas import axpy_

    Ws = [np.array(W, order="F") for W, _ in weights]
    bs = [b.copy() for _, b in weights]
    grads_b = [np.ones_like(b) for b in bs]  # the floor computes no bias gradient: a stand-in of the size

    def update(grads_w):
        for W, b, gW, gb in zip(Ws, bs, grads_w, grads_b):
            axpy_(W, FLOOR_UPDATE_STEP, gW)
            axpy_(b, FLOOR_UPDATE_STEP, gb)
    run = _gemm_floor_run(data.X, Ws, batch_size, np.matmul, lambda shape: np.empty(shape, dtype=np.float32),
                          np.empty_like, after_step=update)
    return with_weights(run, lambda: list(zip(Ws, bs)))


IMPLEMENTATIONS = {
    "gemm_floor": gemm_floor_epoch,
    "gemm_floor_F": gemm_floor_column_major_epoch,
    "gemm_floor_update": gemm_floor_update_epoch,
    "numpy_loop": numpy_epoch,
    "numpy_tuned": numpy_tuned_epoch,
    "numpy_fused": numpy_fused_epoch,
    "glassnet": glassnet_epoch,
    "glassnet_loop": glassnet_loop_epoch,
    "torch": torch_epoch,
    "torch_gemm_floor": torch_gemm_floor_epoch,
    "sklearn": sklearn_epoch,
}


def peak_memory(implementation: str, samples: int, sizes: list, batch_size: int, lr: float = 0.01) -> dict:
    """Rise of peak RSS (bytes) during the first epoch after the model is built, and during a second.

    Call in a fresh process (see memory.py). The first (``"first"``) includes what a library sets
    up on its first step (PyTorch's thread pool and kernel scratch, NumPy's temporaries); the
    second (``"second"``) is what an epoch needs beyond what the first left allocated.
    """
    from glassnet.benchmarks.memory import peak_rise, reset_peak

    data = make_data(samples, sizes[0], sizes[-1])
    run = IMPLEMENTATIONS[implementation](data, make_weights(sizes), batch_size, lr)
    rises = {}
    for epoch in ("first", "second"):
        baseline = reset_peak()
        run()
        rises[epoch] = peak_rise(baseline)
    return rises
