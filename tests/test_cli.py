"""The glassnet command, run as a user runs it: a subprocess of ``python -m glassnet``."""
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def glassnet(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=ROOT, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "glassnet", *map(str, args)], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def xor_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("xor")
    result = glassnet("train", "xor", "--out", out, "--no-progress")
    assert result.returncode == 0, result.stderr
    return out, result


def test_train_xor_reaches_full_accuracy_and_writes_the_run(xor_run):
    out, result = xor_run
    for name in ("model.npz", "metrics.json", "manifest.json", "history.png", "decision_boundary.png",
                 "decision_boundary.gif"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["train"]["accuracy"] == 1.0 and metrics["test"]["accuracy"] == 1.0
    assert len(metrics["history"]["loss"]) == metrics["epochs"]
    assert "100.00%" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 0 and manifest["config"]["hidden"] == [8]
    assert manifest["versions"]["numpy"] == np.__version__
    assert len(manifest["dataset"]["sha256_X_y"]) == 64


def test_train_digits_short_run(tmp_path):
    result = glassnet("train", "digits", "--epochs", 2, "--out", tmp_path, "--no-progress", "--no-plots")
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["epochs"] == 2 and len(metrics["history"]["val_accuracy"]) == 2
    assert 0.5 < metrics["test"]["accuracy"] <= 1.0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["split"]["n_test"] == 360 and manifest["preprocessing"]["folded_into_model"]
    # the saved model takes raw pixels: evaluate agrees with the test accuracy recorded in training
    evaluated = glassnet("evaluate", tmp_path / "model.npz", "digits")
    assert evaluated.returncode == 0, evaluated.stderr
    assert f"accuracy {100 * metrics['test']['accuracy']:.2f}%" in evaluated.stdout


def test_predict_one_row_and_a_file(xor_run, tmp_path):
    out, _ = xor_run
    result = glassnet("predict", out / "model.npz", "1,0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "1"
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n0,0\n0,1\n1,1\n")
    result = glassnet("predict", out / "model.npz", rows)
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["0", "1", "0"]
    np.save(tmp_path / "rows.npy", np.array([[1.0, 0.0]]))
    assert glassnet("predict", out / "model.npz", tmp_path / "rows.npy").stdout.split()[0] == "1"


def test_explain_prints_the_step():
    result = glassnet("explain", "--loss", "cross-entropy", "--lr", "0.1")
    assert result.returncode == 0, result.stderr
    assert "dL/dW1 = dL/dz1ᵀ · x" in result.stdout and "finite differences" in result.stdout
    assert "learning rate 0.1" in result.stdout


def test_descend_finds_the_profit_maximum(tmp_path):
    result = glassnet("descend", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ended at x = 3.0000" in result.stdout
    assert (tmp_path / "descent.gif").is_file()


def test_descend_prints_runaway_numbers_in_exponent_form():
    # lr 1e6 on (x - 2)² + 1 multiplies x - 2 by 1 - 2e6 a step: f passes 1e300 within 25 steps
    result = glassnet("descend", "--function", "quadratic", "--lr", "1e6", "--steps", "400", "--no-plots")
    assert result.returncode == 0, result.stderr
    assert "diverged after" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) < 160  # not 150-digit fixed-point numbers
    assert re.search(r"ended at x = -?\d\.\d{4}e\+\d+ \(f = \d\.\d{4}e\+\d+\)", result.stdout)


@pytest.mark.parametrize("patience, held_out", [(None, "test"), (5, "validation")])
def test_a_run_names_what_its_history_was_validated_on(patience, held_out):
    """Without --patience the history's val_ curves are the test part's; the pictures must say "test"."""
    from glassnet.cli.data import prepare
    from glassnet.cli.presets import preset_for
    from glassnet.cli.training_run import train_once
    from glassnet.datasets import load_dataset

    data = prepare(load_dataset("moons", n_samples=200, seed=0), 0.25, 0, "standardize", "float32")
    config = dict(preset_for("moons"), epochs=3, patience=patience)
    result = train_once(config, data, seed=0, dtype="float32", progress=False)
    assert result.held_out == held_out
    test_scores = result.test_scores
    if patience is None:  # the last val_ point is the test part's score at the end
        np.testing.assert_allclose(result.history.history["val_loss"][-1], test_scores["loss"], rtol=1e-5)
    else:  # scored on a part split off the training data, not on the test part
        assert len(result.history.history["val_loss"]) == 3
        assert not np.isclose(result.history.history["val_loss"][-1], test_scores["loss"], rtol=1e-5)


def test_compare_losses_side_by_side(tmp_path):
    result = glassnet("compare", "--dataset", "xor", "--epochs", 20, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "squared error" in result.stdout and "cross-entropy" in result.stdout
    assert (tmp_path / "comparison.png").is_file()


@pytest.mark.parametrize("args, fragment", [
    (["train", "nosuchset"], "valid names"),
    (["train", "xor", "--lr", "-1"], "--lr"),
    (["train", "xor", "--epochs", "0"], "--epochs"),
    (["train", "csv:/no/such/file.csv"], "no file"),
    (["train", "mnist", "--data-dir", "/no/such/folder"], "download"),
    (["evaluate", "/no/such/model.npz", "xor"], "no file"),
    (["predict", "/no/such/model.npz", "1,2"], "no file"),
    (["descend", "--function", "nope"], "invalid choice"),
    (["compare", "--strength", "nan"], "argument --strength: expected a finite number, got 'nan'"),
    # options each run of a comparison sets for itself were silently replaced
    (["compare", "--what", "loss", "--loss", "mse"], "--loss: compare --what loss trains once with each loss"),
    (["compare", "--strength", "5"], "--strength only applies to compare --what regularization"),
    (["compare", "--what", "regularization", "--l2", "0.5"], "--l2: compare --what regularization sets each run's"),
    (["train", "digits", "--samples", "100"], "--samples only applies to the generated data sets"),
    (["evaluate", "/no/such/model.npz", "moons", "--samples", "-3"], "argument --samples"),
])
def test_bad_input_gives_one_line_and_a_non_zero_status(args, fragment):
    result = glassnet(*args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("glassnet: error:"), result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_predict_refuses_rows_of_the_wrong_width(xor_run):
    out, _ = xor_run
    result = glassnet("predict", out / "model.npz", "1,2,3")
    assert result.returncode == 1 and "2 features" in result.stderr


def test_help_everywhere():
    for command in ([], ["train"], ["explain"], ["descend"], ["compare"], ["evaluate"], ["predict"], ["bench"]):
        result = glassnet(*command, "--help")
        assert result.returncode == 0 and "usage: glassnet" in result.stdout


def one_line_error(result, fragment):
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and lines[0].startswith("glassnet: error:"), result.stderr
    assert fragment in lines[0], lines[0]


def test_evaluate_refuses_a_data_set_with_more_classes_than_the_network_has_outputs(xor_run):
    out, _ = xor_run  # 2 inputs, 2 classes; gaussians has 2 features and 3 classes
    one_line_error(glassnet("evaluate", out / "model.npz", "gaussians"),
                   "the model gives 2 outputs a sample, but gaussians has 3 classes")


def test_estimator_files_are_refused_by_predict_and_evaluate_with_the_way_to_use_them(tmp_path):
    code = ("import glassnet, numpy as np; X = np.random.default_rng(0).normal(size=(20, 2)); "
            "glassnet.save(glassnet.MLPClassifier(hidden_layer_sizes=(3,), max_iter=2).fit(X, X[:, 0] > 0), 'e.npz')")
    subprocess.run([sys.executable, "-W", "ignore", "-c", code], cwd=tmp_path, check=True,
                   env=dict(os.environ, PYTHONPATH=ROOT))
    for command in (["predict", "e.npz", "1,2"], ["evaluate", "e.npz", "xor"]):
        one_line_error(glassnet(*command, cwd=tmp_path), "holds an estimator, MLPClassifier, not a network")


def test_a_real_valued_target_trains_with_squared_error_and_says_so(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    table = tmp_path / "r.csv"
    table.write_text("a,b,t\n" + "".join(f"{a:.4f},{b:.4f},{a + 2 * b + 0.5:.4f}\n" for a, b in X))
    result = glassnet("train", f"csv:{table}", "--epochs", 2, "--out", tmp_path / "run", "--no-progress", "--no-plots")
    assert result.returncode == 0, result.stderr
    assert ", mse, " in result.stdout.splitlines()[0]
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["config"]["loss"] == "mse"
    one_line_error(glassnet("train", f"csv:{table}", "--loss", "cross-entropy", "--epochs", 2, "--no-plots",
                            "--out", tmp_path / "run2"), "--loss cross-entropy needs class labels")


def test_output_cut_short_by_the_reader_ends_quietly(tmp_path):
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone before the first line (as `| head` after its lines): every write fails
    try:
        result = subprocess.run([sys.executable, "-m", "glassnet", "descend", "--no-plots"], cwd=tmp_path,
                                env=dict(os.environ, PYTHONPATH=ROOT, MPLBACKEND="Agg"), stdout=writer,
                                stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(writer)
    assert result.stderr == "" and result.returncode == 141


def test_train_on_a_csv_table_with_text_labels(tmp_path):
    rng = np.random.default_rng(0)
    points = rng.normal(size=(60, 2)) + np.repeat([[2.0, 0.0], [-2.0, 0.0]], 30, axis=0)
    lines = ["kind,x1,x2"] + [f"{'left' if i >= 30 else 'right'},{a:.4f},{b:.4f}" for i, (a, b) in enumerate(points)]
    table = tmp_path / "table.csv"
    table.write_text("\n".join(lines) + "\n")
    result = glassnet("train", f"csv:{table}", "--target", "kind", "--epochs", 30, "--out", tmp_path / "run",
                      "--no-progress", "--no-plots")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["dataset"]["class_names"] == ["left", "right"]
    assert glassnet("predict", tmp_path / "run" / "model.npz", "--", "-2,0").stdout.split()[0] == "left"


def test_divergence_is_one_line_naming_the_cure(tmp_path):
    result = glassnet("train", "digits", "--optimizer", "sgd", "--lr", 1000, "--epochs", 2, "--no-plots",
                      "--out", tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Training diverged" in lines[0] and "lower the learning rate" in lines[0]


def test_train_killed_and_resumed_ends_bit_identical(tmp_path):
    """SIGKILL a training run once it has written a checkpoint, resume it, and compare with an unbroken run."""
    import signal
    import time

    options = ["train", "moons", "--epochs", "40", "--batch-size", "8", "--samples", "400", "--seed", "3",
               "--no-progress", "--no-plots"]
    whole = tmp_path / "whole"
    assert glassnet(*options, "--out", whole).returncode == 0
    broken = tmp_path / "broken"
    env = dict(os.environ, PYTHONPATH=ROOT, MPLBACKEND="Agg")
    process = subprocess.Popen([sys.executable, "-m", "glassnet", *options, "--out", str(broken)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not (broken / "checkpoint" / "checkpoint.npz").exists() and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    resumed = glassnet(*options, "--out", broken, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    with np.load(whole / "model.npz") as a, np.load(broken / "model.npz") as b:
        names = [n for n in a.files if not n.startswith("__")]
        assert names
        for name in names:
            np.testing.assert_array_equal(a[name], b[name])


def test_resume_needs_the_run_folder():
    result = glassnet("train", "xor", "--resume")
    assert result.returncode == 1 and "--resume needs --out" in result.stderr
