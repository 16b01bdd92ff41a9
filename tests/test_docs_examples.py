"""The Python examples of README.md and docs/learning-cycle.md run as a new user would paste them,
one block after another in one session, and print what their comments say."""
import contextlib
import io
import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def run_python_blocks(document: Path) -> tuple:
    """Execute every ```python block of ``document`` in order, in one namespace, in the current
    directory; return the namespace and each block's printed lines."""
    blocks = re.findall(r"```python\n(.*?)```", document.read_text(encoding="utf-8"), re.S)
    assert blocks, f"{document} has no python block"
    namespace, printed = {"__name__": "__docs__"}, []
    for number, block in enumerate(blocks):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"{document.name}, python block {number + 1}", "exec"), namespace)
        printed.append(out.getvalue().splitlines())
    return namespace, printed


def test_readme_examples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write digits.npz, history.png and runs/ where they run
    namespace, printed = run_python_blocks(ROOT / "README.md")
    lines = [line for block in printed for line in block]
    gn = namespace["gn"]

    assert namespace["x"].grad.item() == 12.0  # dP/dx = -4x + 12 at x = 0, by hand
    evaluated = eval(lines[1], {})  # the dict gn.evaluate printed
    assert set(evaluated) == {"loss", "accuracy"} and evaluated["accuracy"] > 0.95
    assert abs(float(lines[2]) - 0.972) <= 0.02  # the pipeline's score the comment quotes
    result = namespace["result"]
    np.testing.assert_allclose(result.final, [3.0], atol=1e-4)  # P'(x) = 0 at x = 3
    assert (tmp_path / "history.png").stat().st_size > 0
    assert lines[3].startswith("One training step of a 2-3-2 network, by hand")

    # the saved files load back into models that predict exactly as the originals did: nothing
    # trains between the evaluate and the save, so the file scores what evaluate printed
    X_test, y_test = namespace["X_test"], namespace["y_test"]
    same = gn.load(tmp_path / "digits.npz")
    assert gn.evaluate(same, gn.nn.CrossEntropyLoss(), X_test, y_test) == evaluated
    estimator = gn.load(tmp_path / "digits-estimator.npz")
    clf = namespace["clf"]
    np.testing.assert_array_equal(estimator.predict(clf[0].transform(X_test)), clf.predict(X_test))
    assert (tmp_path / "runs" / "digits-checkpoint").exists()


def test_learning_cycle_examples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, printed = run_python_blocks(ROOT / "docs" / "learning-cycle.md")
    lines = [line for block in printed for line in block]
    assert lines[0] == "(8, 2)"  # the weight's gradient has the weight's shape
    assert re.fullmatch(r"loss 0\.00\d+ reached the target 0\.01", lines[1])
    assert float(lines[2]) == 1.0


def test_coming_from_pytorch_example(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace, printed = run_python_blocks(ROOT / "docs" / "coming-from-pytorch.md")
    line = printed[0][0]
    assert re.fullmatch(r"test accuracy 0\.\d{3}", line)
    assert float(line.split()[-1]) > 0.95  # the comment says 0.956
    # the loop really trained the model it scored: the same accuracy from the weights it left
    X_test, y_test, model = namespace["X_test"], namespace["y_test"], namespace["model"]
    logits = namespace["gn"].tensor(X_test) @ model[0].weight.T + model[0].bias
    hidden = np.maximum(logits.numpy(), 0)
    scores = hidden @ model[2].weight.numpy().T + model[2].bias.numpy()
    assert abs((scores.argmax(1) == y_test).mean() - float(line.split()[-1])) < 1e-3
