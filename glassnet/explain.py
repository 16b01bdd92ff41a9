"""``glassnet.explain``: one training step of a small network, written out number by number.

The text walks the learning cycle once, as one would on paper: the input and
the initial weights, the forward pass z = W·x + b and h = f(z), the loss, every
partial derivative along the chain rule from dL/dh2 back to dL/dW1 (each the
value glassnet's autodiff found, shown equal to the hand product, and for every
parameter the finite-difference estimate beside it), and the update
W ← W − lr · dL/dW. The numbers come from :mod:`glassnet.step_by_hand`.
"""
from __future__ import annotations

import numbers

import numpy as np

from glassnet.step_by_hand import HIDDEN_ACTIVATIONS, LOSSES, StepByHand, training_step_by_hand
from glassnet.validation import check_features

FORMATS = ("text", "md")

_ACTIVATION_FORMULAS = {  # (text, LaTeX) of h1 = f(z1) and of its derivative
    "sigmoid": (("h1 = sigmoid(z1) = 1 / (1 + e^(−z1))", r"h_1 = \sigma(z_1) = \frac{1}{1 + e^{-z_1}}"),
                ("dh1/dz1 = h1 ⊙ (1 − h1)", r"\frac{\partial h_1}{\partial z_1} = h_1 \odot (1 - h_1)")),
    "tanh": (("h1 = tanh(z1)", r"h_1 = \tanh(z_1)"),
             ("dh1/dz1 = 1 − h1²", r"\frac{\partial h_1}{\partial z_1} = 1 - h_1^2")),
    "relu": (("h1 = relu(z1) = max(z1, 0)", r"h_1 = \max(z_1, 0)"),
             ("dh1/dz1 = 1 where z1 > 0, else 0", r"\frac{\partial h_1}{\partial z_1} = [z_1 > 0]")),
}

_OUTPUT_FORMULAS = {  # loss name: [(key, text, LaTeX)] for h2, L, dL/dh2, dh2/dz2, dL/dz2
    "mse": [
        ("h2", "h2 = sigmoid(z2)", r"h_2 = \sigma(z_2)"),
        ("L", "L = mean((h2 − t)²), the mean over all N·C entries", r"L = \frac{1}{NC} \sum (h_2 - t)^2"),
        ("dL/dh2", "dL/dh2 = 2 (h2 − t) / (N·C)", r"\frac{\partial L}{\partial h_2} = \frac{2 (h_2 - t)}{NC}"),
        ("dh2/dz2", "dh2/dz2 = h2 ⊙ (1 − h2)", r"\frac{\partial h_2}{\partial z_2} = h_2 \odot (1 - h_2)"),
        ("dL/dz2", "dL/dz2 = dL/dh2 ⊙ dh2/dz2",
         r"\frac{\partial L}{\partial z_2} = \frac{\partial L}{\partial h_2} \odot \frac{\partial h_2}{\partial z_2}"),
    ],
    "cross-entropy": [
        ("h2", "h2 = softmax(z2), each row e^z2 / Σ e^z2", r"h_2 = \mathrm{softmax}(z_2) = \frac{e^{z_2}}{\sum_c e^{z_{2,c}}}"),
        ("L", "L = −(1/N) Σ t ⊙ log h2", r"L = -\frac{1}{N} \sum t \odot \log h_2"),
        ("dL/dh2", "dL/dh2 = −t / (N·h2)", r"\frac{\partial L}{\partial h_2} = -\frac{t}{N h_2}"),
        ("dL/dz2", "dL/dz2 = h2 ⊙ (dL/dh2 − Σ_c h2 ⊙ dL/dh2) = (h2 − t) / N   (softmax's Jacobian applied)",
         r"\frac{\partial L}{\partial z_2} = h_2 \odot \Big(\frac{\partial L}{\partial h_2} - \sum_c h_2 \odot "
         r"\frac{\partial L}{\partial h_2}\Big) = \frac{h_2 - t}{N}"),
    ],
}

_BACKWARD_REST = [  # (name, text, LaTeX), after dL/dz2
    ("dL/dW2", "dL/dW2 = dL/dz2ᵀ · h1",
     r"\frac{\partial L}{\partial W_2} = \Big(\frac{\partial L}{\partial z_2}\Big)^{\top} h_1"),
    ("dL/db2", "dL/db2 = Σ over rows of dL/dz2", r"\frac{\partial L}{\partial b_2} = \sum_n \frac{\partial L}{\partial z_{2,n}}"),
    ("dL/dh1", "dL/dh1 = dL/dz2 · W2", r"\frac{\partial L}{\partial h_1} = \frac{\partial L}{\partial z_2} W_2"),
    ("dh1/dz1", None, None),
    ("dL/dz1", "dL/dz1 = dL/dh1 ⊙ dh1/dz1",
     r"\frac{\partial L}{\partial z_1} = \frac{\partial L}{\partial h_1} \odot \frac{\partial h_1}{\partial z_1}"),
    ("dL/dW1", "dL/dW1 = dL/dz1ᵀ · x", r"\frac{\partial L}{\partial W_1} = \Big(\frac{\partial L}{\partial z_1}\Big)^{\top} x"),
    ("dL/db1", "dL/db1 = Σ over rows of dL/dz1", r"\frac{\partial L}{\partial b_1} = \sum_n \frac{\partial L}{\partial z_{1,n}}"),
]


def _fixed(value: float, decimals: int) -> str:
    """``value`` to ``decimals`` places, without the sign of a number that rounds to zero (no -0.000)."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def _rows(array: np.ndarray, decimals: int) -> list:
    """The array as lines of aligned numbers (a vector is one line)."""
    matrix = np.atleast_2d(array)
    cells = [[_fixed(value, decimals) for value in row] for row in matrix]
    width = max(len(cell) for row in cells for cell in row)
    return ["  ".join(cell.rjust(width) for cell in row) for row in cells]


class _Writer:
    """Collects the explanation as plain text or Markdown with LaTeX."""

    def __init__(self, format: str, decimals: int):
        self.format, self.decimals, self.lines = format, decimals, []

    def heading(self, text: str) -> None:
        if self.format == "md":
            self.lines += [f"## {text}", ""]
        else:
            self.lines += [text, "-" * len(text), ""]

    def say(self, text: str) -> None:
        self.lines += [text, ""]

    def block(self, text: str, latex: str | None, array, beside=None, note: str = "") -> None:
        """A formula, the array's shape, then its values (and a second array beside them)."""
        array = np.asarray(array)
        shape = f"shape {array.shape}"
        rows = _rows(array, self.decimals)
        if beside is not None:
            width = max(len(row) for row in rows)
            other = _rows(np.asarray(beside), self.decimals)
            rows = [f"{'autodiff'.ljust(width)}  |  finite differences"] + [
                f"{row.ljust(width)}  |  {side}" for row, side in zip(rows, other)]
        if self.format == "md":
            self.lines += [f"$${latex}$$" if latex else "", f"`{text}`, {shape}{note}", "", "```text", *rows, "```", ""]
        else:
            self.lines += [f"{text}    [{shape}]{note}", *("    " + row for row in rows), ""]

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"


def _check_options(format, hidden, lr, activation, loss, samples, decimals):
    if format not in FORMATS:
        raise ValueError(f"explain: format must be one of {FORMATS}, got {format!r}")
    if isinstance(hidden, bool) or not isinstance(hidden, numbers.Integral) or not 1 <= hidden <= 64:
        raise ValueError(f"explain: hidden must be an integer from 1 to 64, got {hidden!r}")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"explain: lr must be a finite number > 0, got {lr!r}")
    if activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(f"explain: activation must be one of {sorted(HIDDEN_ACTIVATIONS)}, got {activation!r}")
    if loss not in LOSSES:
        raise ValueError(f"explain: loss must be one of {sorted(LOSSES)}, got {loss!r}")
    if isinstance(samples, bool) or not isinstance(samples, numbers.Integral) or samples < 1:
        raise ValueError(f"explain: samples must be a positive integer, got {samples!r}")
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or not 0 <= decimals <= 15:
        raise ValueError(f"explain: decimals must be an integer from 0 to 15, got {decimals!r}")


def _data(X, y, dataset: str, samples: int):
    if (X is None) != (y is None):
        raise ValueError("explain: pass both X and y, or neither (to use the named dataset)")
    if X is None:
        from glassnet.datasets import load_dataset

        X, y = load_dataset(dataset)
    X, y = check_features(X, "explain: X"), np.asarray(y)
    if len(X) != len(y) or y.ndim != 1:
        raise ValueError(f"explain: expected X of shape (n, features) and y of shape (n,), got {X.shape} and {y.shape}")
    if y.dtype.kind not in "iu" or (y.size and y.min() < 0):
        raise ValueError("explain: y must hold integer class labels 0, 1, ...")
    return X[:samples], y[:samples], int(y.max()) + 1


def explain(X=None, y=None, *, dataset: str = "xor", hidden: int = 3, activation: str = "sigmoid", loss: str = "mse",
            lr: float = 0.5, seed=0, samples: int = 4, format: str = "text", decimals: int = 6) -> str:
    """One full-batch training step of an input–hidden–output network, explained; returns the text.

    z1 = x W1ᵀ + b1,  h1 = f(z1),  z2 = h1 W2ᵀ + b2,  h2 = sigmoid(z2) with squared error
    (``loss='mse'``) or softmax(z2) with cross-entropy (``loss='cross-entropy'``);
    then every dL/d(·) by the chain rule and W ← W − lr · dL/dW.

    Parameters
    ----------
    X, y : arrays, optional
        Samples and integer class labels; default the ``dataset`` by name (XOR).
    dataset : str
        A name from :data:`glassnet.datasets.DATASETS`, used when X and y are not given.
    hidden : int
        Neurons in the hidden layer (3, as in the classic XOR example).
    activation : 'sigmoid', 'tanh' or 'relu'
        The hidden layer's f.
    loss : 'mse' or 'cross-entropy'
    lr : float
        Learning rate of the update.
    seed : None, int or numpy.random.Generator
        Initial weights (Linear's U(−1/√in, 1/√in)).
    samples : int
        Use the first ``samples`` rows (the whole XOR table by default).
    format : 'text' or 'md'
        Aligned plain text, or Markdown with LaTeX formulas.
    decimals : int
        Digits after the decimal point.
    """
    _check_options(format, hidden, lr, activation, loss, samples, decimals)
    X, y, n_classes = _data(X, y, dataset, samples)
    step = training_step_by_hand(X, y, hidden=int(hidden), activation=activation, loss=loss, lr=float(lr),
                                 seed=seed, n_classes=n_classes)
    return render(step, format=format, decimals=decimals)


def render(step: StepByHand, format: str = "text", decimals: int = 6) -> str:
    """The text of :func:`explain` for an already computed :class:`StepByHand`."""
    out = _Writer(format, decimals)
    n, n_in = step.x.shape
    n_hidden, n_out = step.parameters["W1"].shape[0], step.parameters["W2"].shape[0]
    title = f"One training step of a {n_in}-{n_hidden}-{n_out} network, by hand"
    out.lines += ([f"# {title}", ""] if format == "md" else [title, "=" * len(title), ""])
    out.say(f"{n} samples, {step.activation} hidden layer, {LOSSES[step.loss_name]}; learning rate {step.lr:g}; "
            f"float64. Rows are samples: z = x·Wᵀ + b is z = W·x + b for every sample at once.")
    output = {key: (text, latex) for key, text, latex in _OUTPUT_FORMULAS[step.loss_name]}
    hidden_formula, hidden_derivative = _ACTIVATION_FORMULAS[step.activation]

    out.heading("1. INIT: the data and the initial weights")
    out.block("x (input)", "x", step.x)
    out.block("t = one_hot(y) (target)", r"t = \mathrm{onehot}(y)", step.t)
    for name, latex in (("W1", "W_1"), ("b1", "b_1"), ("W2", "W_2"), ("b2", "b_2")):
        out.block(name, latex, step.parameters[name])

    out.heading("2. PREDICT: the forward pass")
    out.block("z1 = x · W1ᵀ + b1", r"z_1 = x W_1^{\top} + b_1", step.forward["z1"])
    out.block(*hidden_formula, step.forward["h1"])
    out.block("z2 = h1 · W2ᵀ + b2", r"z_2 = h_1 W_2^{\top} + b_2", step.forward["z2"])
    out.block(*output["h2"], step.forward["h2"])

    out.heading("3. LOSS")
    out.block(*output["L"], np.array(step.loss))

    out.heading("4. GRADIENT: the chain rule, from the loss back to W1")
    out.say("Each dL/d(·) below is the .grad that glassnet's autodiff left on the tensor (retain_grad() keeps "
            "it on z1, h1, z2, h2); the note gives its largest difference from the hand product in the formula.")
    backward = [(key, *output[key]) for key in ("dL/dh2", "dh2/dz2", "dL/dz2") if key in output]
    backward += [(name, *(hidden_derivative if name == "dh1/dz1" else (text, latex))) for name, text, latex in _BACKWARD_REST]
    for name, text, latex in backward:
        if name not in step.autodiff:  # a local derivative, not a gradient of L
            out.block(text, latex, step.chain_rule[name])
            continue
        difference = float(np.max(np.abs(step.autodiff[name] - step.chain_rule[name])))
        beside = step.finite_differences.get(name)
        out.block(text, latex, step.autodiff[name], beside=beside, note=f"  (autodiff − chain rule: {difference:.1e})")
    out.say(f"Autodiff equals the chain-rule products to {step.max_difference('chain_rule'):.1e}, and the "
            f"central finite differences (L(w+ε) − L(w−ε))/2ε, ε = 1e-6, to "
            f"{step.max_difference('finite_differences'):.1e}.")

    out.heading("5. STEP: W ← W − lr · dL/dW")
    for name, latex in (("W2", "W_2"), ("b2", "b_2"), ("W1", "W_1"), ("b1", "b_1")):
        out.block(f"{name} ← {name} − {step.lr:g} · dL/d{name}",
                  rf"{latex} \leftarrow {latex} - {step.lr:g} \cdot \frac{{\partial L}}{{\partial {latex}}}",
                  step.updated[name])

    out.heading("6. STOP? the loss after one step")
    change = "lower" if step.loss_after < step.loss else "not lower: try a smaller learning rate"
    out.say(f"L before the step: {step.loss:.{decimals}f}; after it: {step.loss_after:.{decimals}f} ({change}). "
            f"Training repeats steps 2 to 5 until the loss is small enough or stops improving.")
    return out.text()
