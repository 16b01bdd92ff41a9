"""glassnet.explain: every number in the text must equal an independent NumPy computation of the step."""
import re

import numpy as np
import pytest

import glassnet
from glassnet import datasets


def parse_blocks(text):
    """{header: (values, values beside or None)} from the plain-text explanation."""
    blocks, lines = {}, text.splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"^(\S.*?)    \[shape \(([\d, ]*)\)\]", line)
        if not match:
            continue
        main, beside = [], []
        for row in lines[i + 1:]:
            if not row.startswith("    "):
                break
            if "autodiff" in row:
                continue
            left, _, right = row.partition("|")
            main.append([float(v) for v in left.split()])
            if right:
                beside.append([float(v) for v in right.split()])
        shape = tuple(int(s) for s in match.group(2).replace(" ", "").split(",") if s)
        values = np.array(main).reshape(shape)
        blocks[match.group(1)] = (values, np.array(beside).reshape(shape) if beside else None)
    return blocks


def find(blocks, prefix):
    if prefix in blocks:
        return blocks[prefix]
    hits = [key for key in blocks if key.startswith(prefix + " ")]
    assert len(hits) == 1, (prefix, list(blocks))
    return blocks[hits[0]]


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def numpy_step(x, t, W1, b1, W2, b2, lr, loss):
    """The same step, written independently: forward, chain rule, update."""
    n = len(x)
    z1 = x @ W1.T + b1
    h1 = sigmoid(z1)
    z2 = h1 @ W2.T + b2
    if loss == "mse":
        h2 = sigmoid(z2)
        L = np.mean((h2 - t) ** 2)
        dz2 = 2 * (h2 - t) / t.size * h2 * (1 - h2)
    else:
        h2 = np.exp(z2) / np.exp(z2).sum(axis=1, keepdims=True)
        L = -np.sum(t * np.log(h2)) / n
        dz2 = (h2 - t) / n
    dW2, db2 = dz2.T @ h1, dz2.sum(axis=0)
    dh1 = dz2 @ W2
    dz1 = dh1 * h1 * (1 - h1)
    dW1, db1 = dz1.T @ x, dz1.sum(axis=0)
    return dict(z1=z1, h1=h1, z2=z2, h2=h2, L=L, dz2=dz2, dW2=dW2, db2=db2, dh1=dh1, dz1=dz1, dW1=dW1, db1=db1,
                W1_new=W1 - lr * dW1, b1_new=b1 - lr * db1, W2_new=W2 - lr * dW2, b2_new=b2 - lr * db2)


@pytest.mark.parametrize("loss", ["mse", "cross-entropy"])
def test_every_number_equals_a_numpy_computation_of_the_step(loss):
    lr = 0.7
    text = glassnet.explain(loss=loss, lr=lr, seed=3, decimals=12)
    blocks = parse_blocks(text)
    X, y = datasets.xor()
    np.testing.assert_array_equal(find(blocks, "x")[0], X)
    t = np.eye(2)[y]
    np.testing.assert_array_equal(find(blocks, "t")[0], t)
    W1, b1, W2, b2 = (find(blocks, name)[0] for name in ("W1", "b1", "W2", "b2"))
    assert W1.shape == (3, 2) and W2.shape == (2, 3)
    assert np.abs(W1).max() <= 1 / np.sqrt(2) and np.abs(W2).max() <= 1 / np.sqrt(3)  # Linear's initial range
    ref = numpy_step(X.astype(np.float64), t, W1, b1, W2, b2, lr, loss)
    tol = dict(atol=1e-10, rtol=0)
    for name in ("z1", "h1", "z2", "h2"):
        np.testing.assert_allclose(find(blocks, name)[0], ref[name], **tol)
    np.testing.assert_allclose(find(blocks, "L")[0], ref["L"], **tol)
    np.testing.assert_allclose(find(blocks, "dL/dz2")[0], ref["dz2"], **tol)
    np.testing.assert_allclose(find(blocks, "dL/dh1")[0], ref["dh1"], **tol)
    np.testing.assert_allclose(find(blocks, "dL/dz1")[0], ref["dz1"], **tol)
    for name in ("dW2", "db2", "dW1", "db1"):
        autodiff, numeric = find(blocks, f"dL/{name}")
        np.testing.assert_allclose(autodiff, ref[name], **tol)
        np.testing.assert_allclose(numeric, ref[name], atol=1e-8)  # central differences beside it
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(find(blocks, f"{name} ←")[0], ref[f"{name}_new"], **tol)
    after = float(re.search(r"after it: ([\d.]+)", text).group(1))
    assert after == pytest.approx(numpy_step(X, t, ref["W1_new"], ref["b1_new"], ref["W2_new"], ref["b2_new"],
                                             lr, loss)["L"], abs=1e-11)


def test_the_text_walks_the_whole_chain_in_order():
    text = glassnet.explain()
    order = ["z1 =", "h1 =", "z2 =", "h2 =", "L =", "dL/dh2 =", "dh2/dz2 =", "dL/dz2 =", "dL/dW2 =", "dL/db2 =",
             "dL/dh1 =", "dh1/dz1 =", "dL/dz1 =", "dL/dW1 =", "dL/db1 =", "W2 ←", "W1 ←"]
    position = text.index("PREDICT")
    for item in order:  # each one appears after the one before it
        position = text.index(item, position + 1)
    assert "finite differences" in text


def test_markdown_has_latex_and_the_same_numbers():
    text = glassnet.explain(format="md")
    assert r"$$\frac{\partial L}{\partial W_2}" in text and text.startswith("# ")
    plain = parse_blocks(glassnet.explain())
    first_row = "  ".join(f"{v:.6f}" for v in find(plain, "dL/dW2")[0][0])
    assert first_row.split() == text.split("dL/dW2 = ")[1].split("```text\n")[1].splitlines()[1].split("|")[0].split()


def test_user_data_and_options():
    X = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [0.0, 1.0, 1.0]])
    y = np.array([0, 2, 1])
    blocks = parse_blocks(glassnet.explain(X, y, hidden=4, activation="relu", loss="cross-entropy"))
    assert find(blocks, "W1")[0].shape == (4, 3) and find(blocks, "W2")[0].shape == (3, 4)
    z1 = find(blocks, "z1")[0]
    np.testing.assert_allclose(find(blocks, "dh1/dz1")[0], (z1 > 0).astype(float))


@pytest.mark.parametrize("kwargs, match", [
    (dict(format="html"), "format"), (dict(lr=-1), "lr"), (dict(hidden=0), "hidden"),
    (dict(loss="hinge"), "loss"), (dict(activation="swish"), "activation"), (dict(dataset="nope"), "valid names"),
    (dict(decimals=-1), "decimals must be an integer from 0 to 15, got -1"), (dict(decimals="3"), "decimals"),
    (dict(X=np.zeros((0, 2)), y=np.zeros(0, dtype=int)), "X: expected at least one sample"),
    (dict(X=np.array([[np.nan, 1.0]]), y=np.array([0])), "X: contains NaN or infinity"),
])
def test_bad_options_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        glassnet.explain(**kwargs)


def test_numbers_that_round_to_zero_are_printed_without_a_sign():
    # dL/dh2 = -t / (N h2) is exactly -0.0 wherever t = 0 under cross-entropy
    text = glassnet.explain(loss="cross-entropy", decimals=4)
    assert "-0.0000" not in text and " 0.0000" in text
    assert "-0.0000" not in glassnet.explain(X=np.array([[1e-7, -1e-7]]), y=np.array([0]), decimals=4)
