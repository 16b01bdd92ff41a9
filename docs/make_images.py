"""Draw the pictures in docs/images/ for the README tour (about a minute on a laptop).

    python docs/make_images.py            # writes docs/images/*.png and *.gif

Every model here is small and trained from a fixed seed, so the pictures are the
same on every run.
"""
from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the glassnet of this checkout

import glassnet as gn  # noqa: E402
from glassnet import nn  # noqa: E402
from glassnet import viz  # noqa: E402
from glassnet.descent import gradient_descent, loss_surface_slice  # noqa: E402

IMAGES = os.path.join(HERE, "images")


def out(name: str) -> str:
    return os.path.join(IMAGES, name)


def noisy_xor(n_per_corner: int = 30, noise: float = 0.15, seed: int = 0):
    """Points scattered around the four corners of the XOR truth table, labelled x1 XOR x2."""
    rng = np.random.default_rng(seed)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    X = np.repeat(corners, n_per_corner, axis=0) + rng.normal(0, noise, (4 * n_per_corner, 2)).astype(np.float32)
    y = np.repeat([0, 1, 1, 0], n_per_corner)
    return X, y


def xor_pictures():
    X, y = noisy_xor()
    model = nn.Sequential(nn.Linear(2, 8, generator=0), nn.Tanh(), nn.Linear(8, 2, generator=1))
    recorder = viz.DecisionBoundaryRecorder(X, y, every=2, resolution=80)
    gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9), X, y,
           epochs=100, batch_size=len(X), callbacks=[recorder], progress=False, seed=0)
    viz.plot_decision_boundary(model, X, y, path=out("xor_decision_boundary.png"), resolution=200)
    viz.animate_decision_boundary(recorder, out("xor_decision_boundary.gif"), fps=8)


def load_digits():
    """The bundled 8x8 digits with pixels scaled from 0..16 to 0..1."""
    from glassnet.datasets import load_digits as bundled_digits

    X, y = bundled_digits()
    return X / np.float32(16.0), y


def digits_pictures():
    X, y = load_digits()
    rng = np.random.default_rng(0)
    order = rng.permutation(len(X))
    train, test = order[:1400], order[1400:]
    model = nn.Sequential(nn.Linear(64, 32, generator=0), nn.ReLU(), nn.Linear(32, 16, generator=1), nn.ReLU(),
                          nn.Linear(16, 10, generator=2))
    weights = viz.WeightHistogramRecorder(every=5)
    history = gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.02, momentum=0.9),
                     X[train], y[train], epochs=30, batch_size=32, validation_data=(X[test], y[test]),
                     callbacks=[weights], progress=False, seed=0)
    viz.plot_history(history, path=out("digits_history.png"), loss_label="loss (cross-entropy)",
                     title="Digits: a 64-32-16-10 ReLU network learning")
    viz.plot_gradient_norms(history, path=out("digits_gradient_norms.png"))
    viz.plot_weight_histograms(weights, path=out("digits_weight_histograms.png"))
    with gn.no_grad():
        predicted = model(X[test]).argmax(axis=1).numpy()
    # show the first mistakes among ordinary hits, so the red frames have something to stand out from
    wrong = np.flatnonzero(predicted != y[test])[:4]
    right = np.flatnonzero(predicted == y[test])[:24 - len(wrong)]
    shown = np.sort(np.concatenate([wrong, right]))
    viz.plot_digits(X[test][shown], y[test][shown], predicted[shown], path=out("digits_grid.png"), n=24, columns=8)
    viz.plot_confusion_matrix(y[test], predicted, path=out("digits_confusion_matrix.png"))


def loss_comparison_picture():
    X, y = load_digits()
    histories = {}
    for name in ("cross-entropy", "squared error"):
        model = nn.Sequential(nn.Linear(64, 32, generator=0), nn.Sigmoid(), nn.Linear(32, 10, generator=1))
        if name == "cross-entropy":
            loss_fn, targets = nn.CrossEntropyLoss(), y
        else:
            loss_fn, targets = nn.MSELoss(), np.eye(10, dtype=np.float32)[y]
        histories[name] = gn.fit(model, loss_fn, gn.optim.SGD(model.parameters(), lr=0.5), X[:1200], targets[:1200],
                                 epochs=25, batch_size=32, validation_data=(X[1200:], targets[1200:]),
                                 progress=False, seed=0)
    viz.plot_comparison(histories, path=out("loss_comparison.png"), loss_label="loss (each run's own)",
                        title="Digits, same network: cross-entropy vs squared error")


def descent_pictures():
    viz.animate_descent_1d(gradient_descent("profit", steps=15), out("profit_descent.gif"), fps=3)
    viz.animate_descent_2d(gradient_descent("bowl"), out("bowl_descent.gif"), fps=6, max_frames=41)
    viz.animate_descent_2d(gradient_descent("rosenbrock", steps=6000), out("rosenbrock_descent.gif"), fps=6,
                           max_frames=40, resolution=100)
    # a real network's loss over two of its output weights, the other 32 held where 15 epochs of training left them
    X, y = noisy_xor()
    model = nn.Sequential(nn.Linear(2, 8, generator=0), nn.Tanh(), nn.Linear(8, 2, generator=1))
    gn.fit(model, nn.CrossEntropyLoss(), gn.optim.SGD(model.parameters(), lr=0.5, momentum=0.9), X, y,
           epochs=15, batch_size=len(X), progress=False, seed=0)
    surface = loss_surface_slice(model, nn.CrossEntropyLoss(), X, y,
                                 parameters=[("2.weight", (0, 0)), ("2.weight", (0, 1))], span=3.0, resolution=40)
    start = (surface.start[0] + 2.5, surface.start[1] + 2.5)  # set the two weights off, let descent bring them back
    viz.animate_descent_2d(gradient_descent(surface, start=start, lr=1.0, steps=40), out("network_loss_slice.gif"),
                           fps=6)


def graph_and_derivative_pictures():
    x = gn.tensor(2.0, requires_grad=True, dtype="float64")
    w = gn.tensor(-1.5, requires_grad=True, dtype="float64")
    b = gn.tensor(0.5, requires_grad=True, dtype="float64")
    prediction = (w * x + b).sigmoid()
    loss = (prediction - 1.0) ** 2
    loss.backward(retain_graph=True)  # keep the graph so it can be drawn after backward()
    viz.plot_computation_graph(loss, names={"x": x, "w": w, "b": b, "loss": loss},
                               path=out("computation_graph.png"),
                               title="loss = (sigmoid(w·x + b) - 1)²: values and gradients d loss / d node")
    viz.plot_finite_difference_error(path=out("finite_difference_error.png"))


def main():
    os.makedirs(IMAGES, exist_ok=True)
    for draw in (xor_pictures, digits_pictures, loss_comparison_picture, descent_pictures,
                 graph_and_derivative_pictures):
        draw()
    for name in sorted(os.listdir(IMAGES)):
        print(f"{name:34s} {os.path.getsize(out(name)) / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
