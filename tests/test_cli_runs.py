"""Run folders, --resume, evaluate's split and classes: what a command line user relies on not to be lost or mixed up."""
import json
import os
import shutil

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main
from glassnet.cli import plots as cli_plots

QUIET = ["--no-plots", "--no-progress"]


def run(capsys, *argv):
    """Exit status, stdout and stderr of ``glassnet ARGV`` run in this process."""
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def one_line_error(result, fragment):
    status, _, err = result
    lines = err.strip().splitlines()
    assert status == 1 and len(lines) == 1 and lines[0].startswith("glassnet: error:"), err
    assert fragment in lines[0], lines[0]


def write_csv(path, rows, header="a,b,label"):
    path.write_text(header + "\n" + "\n".join(",".join(map(str, row)) for row in rows) + "\n")
    return f"csv:{path}"


def three_blobs(n=90, seed=0, names=("ant", "bee", "cat")):
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 3
    points = rng.normal(size=(n, 2)) * 0.3 + np.array([[0, 0], [3, 0], [0, 3]])[labels]
    return [(f"{x:.4f}", f"{y:.4f}", names[k]) for (x, y), k in zip(points, labels)]


def test_resume_with_other_options_is_refused_naming_them(tmp_path, capsys):
    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "5", *QUIET)[0] == 0
    one_line_error(run(capsys, "train", "xor", "--out", out, "--epochs", "5", "--resume", "--seed", "3", "--lr", "0.5",
                       *QUIET), "--lr 0.5 (the run has 0.05); --seed 3 (the run has 0)")
    status, _, err = run(capsys, "train", "xor", "--out", out, "--epochs", "5", "--resume", "--seed", "3", *QUIET)
    assert status == 1 and "--seed 3 (the run has 0)" in err
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "5", "--resume", *QUIET)[0] == 0


def test_a_folder_holding_a_run_is_refused_unless_overwrite_which_removes_the_old_runs_files(tmp_path, capsys):
    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "3", *QUIET)[0] == 0
    (out / "decision_boundary.gif").write_bytes(b"an older run's picture")
    (out / "notes.txt").write_text("the user's own file")
    one_line_error(run(capsys, "train", "xor", "--out", out, "--epochs", "3", *QUIET), "already holds a finished run")
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "4", "--overwrite", *QUIET)[0] == 0
    assert not (out / "decision_boundary.gif").exists() and (out / "notes.txt").read_text() == "the user's own file"
    assert json.loads((out / "metrics.json").read_text())["epochs"] == 4


def test_runs_started_in_the_same_second_get_folders_of_their_own(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_plots.time, "strftime", lambda pattern: "20261204-013903")
    first, second = cli_plots.run_folder(None, "xor"), cli_plots.run_folder(None, "xor")
    assert first != second and os.path.isdir(first) and os.path.isdir(second)
    assert second == first + "-2"


def test_evaluate_rebuilds_the_split_the_manifest_records(tmp_path, capsys):
    out = tmp_path / "run"
    assert run(capsys, "train", "digits", "--seed", "3", "--epochs", "3", "--out", out, *QUIET)[0] == 0
    test = json.loads((out / "metrics.json").read_text())["test"]
    status, printed, _ = run(capsys, "evaluate", out / "model.npz", "digits")
    assert status == 0
    assert f"accuracy {100 * test['accuracy']:.2f}%" in printed and f"cross-entropy {test['loss']:.4f}" in printed


def test_evaluate_numbers_a_new_files_classes_as_the_model_does(tmp_path, capsys):
    out = tmp_path / "run"
    rows = three_blobs()
    assert run(capsys, "train", write_csv(tmp_path / "train.csv", rows), "--out", out, "--epochs", "30", *QUIET)[0] == 0
    model = gn.load(out / "model.npz")
    known = [row for row in three_blobs(60, seed=1) if row[2] != "ant"]  # a file without one of the classes
    status, printed, _ = run(capsys, "evaluate", out / "model.npz", write_csv(tmp_path / "two.csv", known), "--part", "all")
    assert status == 0, printed
    with gn.no_grad():
        predicted = model(gn.tensor(np.array([[float(a), float(b)] for a, b, _ in known], np.float32))).numpy().argmax(1)
    truth = np.array([("ant", "bee", "cat").index(name) for _, _, name in known])
    assert f"accuracy {100 * np.mean(predicted == truth):.2f}%" in printed
    assert "bee" in printed and "cat" in printed
    unknown = [(a, b, "zebra" if name == "bee" else name) for a, b, name in known]
    one_line_error(run(capsys, "evaluate", out / "model.npz", write_csv(tmp_path / "new.csv", unknown), "--part", "all"),
                   "label 'zebra' is not one of the model's classes ('ant', 'bee', 'cat'")


def test_evaluating_a_classifier_on_a_regression_target_is_a_clear_error(tmp_path, capsys):
    out = tmp_path / "run"
    assert run(capsys, "train", write_csv(tmp_path / "train.csv", three_blobs()), "--out", out, "--epochs", "2", *QUIET)[0] == 0
    rows = [(a, b, f"{float(a) * 0.37 + 0.011:.4f}") for a, b, _ in three_blobs(40, seed=2)]
    one_line_error(run(capsys, "evaluate", out / "model.npz", write_csv(tmp_path / "reg.csv", rows), "--part", "all",
                       "--target", "label"), "the model gives 3 outputs a sample (a classifier), but")


def test_compare_loss_on_a_regression_table_is_refused(tmp_path, capsys):
    rows = [(a, b, f"{float(a) * 0.37 + 0.011:.4f}") for a, b, _ in three_blobs(40)]
    one_line_error(run(capsys, "compare", "--dataset", write_csv(tmp_path / "reg.csv", rows), "--no-plots", "--epochs", "2"),
                   "needs class labels")


def test_a_target_with_one_class_or_with_a_price_per_row_is_refused_and_task_regression_trains_it(tmp_path, capsys):
    one = [(a, b, "1") for a, b, _ in three_blobs(30)]
    one_line_error(run(capsys, "train", write_csv(tmp_path / "one.csv", one), *QUIET), "holds one class ('1')")
    prices = [(a, b, str(1000 + 7 * i)) for i, (a, b, _) in enumerate(three_blobs(60))]
    path = write_csv(tmp_path / "prices.csv", prices)
    one_line_error(run(capsys, "train", path, *QUIET), "60 different whole numbers in 60 rows")
    out = tmp_path / "run"
    status, printed, _ = run(capsys, "train", path, "--task", "regression", "--epochs", "2", "--out", out, *QUIET)
    assert status == 0 and "mse" in printed
    assert json.loads((out / "manifest.json").read_text())["config"]["task"] == "regression"


def test_evaluate_all_of_mnist_includes_its_official_test_set(tmp_path, capsys):
    from glassnet.datasets import write_idx

    rng = np.random.default_rng(0)
    data = tmp_path / "mnist"
    data.mkdir()
    for prefix, n in (("train", 30), ("t10k", 10)):
        write_idx(data / f"{prefix}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(data / f"{prefix}-labels-idx1-ubyte", (np.arange(n) % 10).astype(np.uint8))
    out = tmp_path / "run"
    assert run(capsys, "train", "mnist", "--data-dir", data, "--epochs", "1", "--out", out, *QUIET)[0] == 0
    status, printed, _ = run(capsys, "evaluate", out / "model.npz", "mnist", "--data-dir", data, "--part", "all")
    assert status == 0 and "mnist (all, 40 samples)" in printed


def test_ctrl_c_before_the_first_epoch_says_nothing_was_saved(tmp_path, capsys, monkeypatch):
    import glassnet.cli.train as train_command

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(train_command, "train_once", interrupted)
    status, _, err = run(capsys, "train", "xor", "--out", tmp_path / "my run", *QUIET)
    assert status == 130 and "interrupted before the first epoch finished: nothing was saved" in err
    monkeypatch.chdir(tmp_path)
    saved = []

    def interrupted_after_an_epoch(*args, checkpoint, **kwargs):
        os.makedirs(checkpoint, exist_ok=True)
        open(os.path.join(checkpoint, "checkpoint.npz"), "wb").close()
        saved.append(checkpoint)
        raise KeyboardInterrupt

    monkeypatch.setattr(train_command, "train_once", interrupted_after_an_epoch)
    monkeypatch.setattr(cli_plots.time, "strftime", lambda pattern: "20261204 013903")  # a folder with a space
    status, _, err = run(capsys, "train", "xor", *QUIET)
    folder = os.path.dirname(saved[0])
    assert status == 130 and f"plus --out '{folder}' --resume" in err


def test_the_manifest_records_the_command_main_ran(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.argv", ["/somewhere/glassnet_notebook.py", "--foo"])
    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 0
    command = json.loads((out / "manifest.json").read_text())["command"]
    assert command == ["glassnet", "train", "xor", "--out", str(out), "--epochs", "2", *QUIET]


def test_running_out_of_memory_is_one_line(capsys, monkeypatch):
    import glassnet.cli.train as train_command

    def too_big(args):
        raise MemoryError("Unable to allocate 23.8 GiB for an array with shape (100000000, 64) and data type float32")

    monkeypatch.setattr(train_command, "run", too_big)
    one_line_error(run(capsys, "train", "digits"), "not enough memory: Unable to allocate 23.8 GiB")


def test_overwrite_keeps_the_old_run_when_the_new_command_is_refused(tmp_path, capsys):
    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "3", *QUIET)[0] == 0
    one_line_error(run(capsys, "train", "no-such-set", "--out", out, "--overwrite", *QUIET), "unknown dataset")
    assert (out / "model.npz").is_file() and (out / "manifest.json").is_file()


def test_a_run_first_started_with_resume_is_checked_on_the_next_resume(tmp_path, capsys):
    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "3", "--resume", *QUIET)[0] == 0  # nothing to resume
    one_line_error(run(capsys, "train", "xor", "--out", out, "--epochs", "3", "--resume", "--lr", "0.5", *QUIET),
                   "--lr 0.5 (the run has 0.05)")


def test_evaluate_knows_the_runs_table_by_its_contents_under_another_path(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "t.csv", three_blobs(150))
    out = tmp_path / "run"
    assert run(capsys, "train", "csv:t.csv", "--seed", "7", "--test-size", "0.3", "--epochs", "5", "--out", out, *QUIET)[0] == 0
    test = json.loads((out / "metrics.json").read_text())["test"]
    for name in (f"csv:{tmp_path / 't.csv'}", "csv:./t.csv"):
        status, printed, _ = run(capsys, "evaluate", out / "model.npz", name)
        assert status == 0 and "(test, 45 samples)" in printed and f"cross-entropy {test['loss']:.4f}" in printed


def test_evaluate_redraws_a_generated_set_as_the_run_drew_it(tmp_path, capsys):
    out = tmp_path / "run"
    assert run(capsys, "train", "moons", "--samples", "400", "--noise", "0.4", "--seed", "2", "--epochs", "5",
               "--out", out, *QUIET)[0] == 0
    test = json.loads((out / "metrics.json").read_text())["test"]
    status, printed, _ = run(capsys, "evaluate", out / "model.npz", "moons")
    assert status == 0 and "(test, 80 samples)" in printed and f"cross-entropy {test['loss']:.4f}" in printed


def test_overwrite_puts_the_old_run_back_when_the_new_one_fails_in_training(tmp_path, capsys, monkeypatch):
    import glassnet.cli.train as train_command

    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "3", *QUIET)[0] == 0
    before = {name: (out / name).read_bytes() for name in ("model.npz", "metrics.json", "manifest.json")}

    def out_of_memory(*args, **kwargs):
        raise MemoryError("Unable to allocate 23.8 GiB")

    monkeypatch.setattr(train_command, "train_once", out_of_memory)
    status, _, err = run(capsys, "train", "xor", "--out", out, "--overwrite", *QUIET)
    assert status == 1 and "kept as it was" in err
    assert {name: (out / name).read_bytes() for name in before} == before
    assert not (out / train_command.REPLACED).exists() and (out / "checkpoint").is_dir()


def test_resuming_a_finished_run_says_so_and_changes_nothing(tmp_path, capsys):
    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "3", "--no-progress")[0] == 0  # with pictures
    before = {name: (out / name).read_bytes() for name in ("model.npz", "metrics.json", "manifest.json")}
    one_line_error(run(capsys, "train", "xor", "--out", out, "--epochs", "3", "--no-progress"), "already holds a finished run")
    status, printed, _ = run(capsys, "train", "xor", "--out", out, "--epochs", "3", "--resume", "--no-progress")
    assert status == 0 and "had finished and is kept as it was" in printed
    assert {name: (out / name).read_bytes() for name in before} == before


def test_an_overwrite_that_was_killed_keeps_the_earlier_run_for_the_next_one(tmp_path, capsys, monkeypatch):
    import glassnet.cli.train as train_command

    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "3", *QUIET)[0] == 0
    model = (out / "model.npz").read_bytes()
    aside = out / train_command.REPLACED  # what a killed --overwrite leaves: the earlier run aside, a partial new one
    aside.mkdir()
    for name in ("model.npz", "metrics.json", "manifest.json", "checkpoint"):
        os.replace(out / name, aside / name)
    (aside / train_command.ALL_SET_ASIDE).write_text("")
    (out / "checkpoint").mkdir()
    (out / "checkpoint" / "checkpoint.npz").write_bytes(b"the killed run's partial state")
    one_line_error(run(capsys, "train", "xor", "--out", out, "--resume", *QUIET), "was stopped before it finished")

    def out_of_memory(*args, **kwargs):
        raise MemoryError("Unable to allocate 23.8 GiB")

    monkeypatch.setattr(train_command, "train_once", out_of_memory)
    assert run(capsys, "train", "xor", "--out", out, "--overwrite", *QUIET)[0] == 1
    assert (out / "model.npz").read_bytes() == model and not aside.exists()
    assert (out / "checkpoint" / "checkpoint.npz").read_bytes() != b"the killed run's partial state"  # the earlier run's


@pytest.mark.parametrize("command", ["evaluate", "predict"])
@pytest.mark.parametrize("text, fragment", [
    ('{"dataset": {"name": 7}}', "'dataset.name' should be a data set name (text), got 7"),
    ('{"config": {"seed": "0"}}', "'config.seed' should be a whole number >= 0, got '0'"),
    ('{"config": {"test_size": "0.2"}}', "'config.test_size' should be a fraction strictly between 0 and 1, got '0.2'"),
    ('{"dataset": {"class_names": 3}}', "'dataset.class_names' should be a list of class names, got 3"),
    ('{"dataset": {"class_names": {"a": 1}}}', "'dataset.class_names' should be a list of class names"),
    ('{"dataset": "xor"}', "'dataset' should be an object, got 'xor'"),
    ('["a list"]', "expected a JSON object (what glassnet train writes), got list"),
    ('{"seed": ', "not valid JSON (Expecting value: line 1 column 10"),
])
def test_a_hand_edited_manifest_is_refused_naming_the_file_and_the_entry(tmp_path, capsys, command, text, fragment):
    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 0
    (out / "manifest.json").write_text(text)
    second = "xor" if command == "evaluate" else "0,1"
    one_line_error(run(capsys, command, out / "model.npz", second), f"{out / 'manifest.json'}: {fragment}")


def test_an_overwrite_killed_before_it_wrote_anything_still_puts_the_earlier_run_back(tmp_path, capsys, monkeypatch):
    import glassnet.cli.train as train_command

    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "3", *QUIET)[0] == 0
    model = (out / "model.npz").read_bytes()
    aside = out / train_command.REPLACED
    aside.mkdir()
    for name in ("model.npz", "metrics.json", "manifest.json", "checkpoint"):
        os.replace(out / name, aside / name)  # killed right after setting the earlier run aside

    def out_of_memory(*args, **kwargs):
        raise MemoryError("Unable to allocate 23.8 GiB")

    monkeypatch.setattr(train_command, "train_once", out_of_memory)
    assert run(capsys, "train", "xor", "--out", out, "--overwrite", *QUIET)[0] == 1
    assert (out / "model.npz").read_bytes() == model and not aside.exists()


BIG = "x,price\n16777217,100000000.01\n16777219,100000001.01\n16777221,100000002.01\n"
"""Float32 reads x as 16777216, 16777220, 16777220 and every price as 1e8."""
BIG_X = np.array([[float("16777217")], [float("16777219")], [float("16777221")]])
BIG_Y = np.array([float("100000000.01"), float("100000001.01"), float("100000002.01")])
REGRESSION = ("--target", "price", "--task", "regression")


def big_csv(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(BIG)
    return f"csv:{path}"


def test_a_float64_regression_run_trains_and_scores_on_the_tables_own_digits(tmp_path, capsys):
    out = tmp_path / "run"
    status, _, err = run(capsys, "train", big_csv(tmp_path), *REGRESSION, "--float64", "--epochs", "3",
                         "--test-size", "0.2", "--out", out, *QUIET)
    assert status == 0, err
    model = gn.load(out / "model.npz")
    assert {p.dtype for p in model.parameters()} == {np.dtype(np.float64)}
    train_rows, test_rows, _, _ = gn.datasets.train_test_split(np.arange(3), np.arange(3), test_size=0.2, seed=0)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["preprocessing"]["mean"] == pytest.approx([BIG_X[train_rows, 0].mean()], rel=1e-15)
    with gn.no_grad():
        predicted = model(gn.Tensor(BIG_X)).numpy()[:, 0]
    metrics = json.loads((out / "metrics.json").read_text())
    for part, rows in (("train", train_rows), ("test", test_rows)):
        expected = np.mean((predicted[rows] - BIG_Y[rows]) ** 2)
        rounded = np.mean((predicted[rows] - 1e8) ** 2)  # what a price read in float32 would give
        assert abs(rounded - expected) > 1e-9 * expected  # the check below can tell them apart
        assert metrics[part]["loss"] == pytest.approx(expected, rel=1e-12)
    status, printed, _ = run(capsys, "evaluate", out / "model.npz", big_csv(tmp_path), "--part", "all")
    assert status == 0 and f"mean squared error {np.mean((predicted - BIG_Y) ** 2):.4f}" in printed


def test_compare_with_float64_fits_the_tables_own_digits(tmp_path, capsys, record_fits):
    from glassnet.cli import training_run

    fitted = record_fits(training_run, "fit")
    status, _, err = run(capsys, "compare", "--what", "regularization", "--dataset", big_csv(tmp_path), *REGRESSION,
                         "--float64", "--epochs", "1", "--test-size", "0.2", "--no-plots")
    assert status == 0, err
    assert len(fitted) == 3
    for X, y in fitted:
        assert X.dtype == y.dtype == np.float64
        assert set(y[:, 0].tolist()) <= set(BIG_Y.tolist()) and len(set(y[:, 0].tolist())) == 2


def test_the_datas_checksum_is_the_same_in_float32_and_float64_runs(tmp_path, capsys):
    from glassnet.cli.data import checksum

    sums = []
    for flags in ((), ("--float64",)):
        out = tmp_path / f"run{len(sums)}"
        assert run(capsys, "train", big_csv(tmp_path), *REGRESSION, *flags, "--epochs", "1", "--out", out, *QUIET)[0] == 0
        sums.append(json.loads((out / "manifest.json").read_text())["dataset"]["sha256_X_y"])
    assert sums[0] == sums[1] == checksum(gn.datasets.load_csv(tmp_path / "big.csv", target="price"))


def test_files_a_run_would_write_are_refused_without_overwrite_naming_them(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "history.png").write_bytes(b"the user's own picture")
    (out / "confusion_matrix.png").write_bytes(b"another of the user's pictures")
    one_line_error(run(capsys, "train", "xor", "--out", out, "--epochs", "2", "--no-progress"),
                   f"--out {out} already holds history.png, confusion_matrix.png, which this command would write; "
                   f"replace them with --overwrite")
    assert (out / "history.png").read_bytes() == b"the user's own picture"
    assert sorted(os.listdir(out)) == ["confusion_matrix.png", "history.png"]
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 0  # --no-plots writes neither
    assert (out / "history.png").read_bytes() == b"the user's own picture"


@pytest.mark.parametrize("command, picture", [(["descend", "--steps", "2"], "descent.gif"),
                                              (["compare", "--epochs", "1", "--dataset", "xor"], "comparison.png")])
def test_descend_and_compare_refuse_a_picture_already_in_out(tmp_path, capsys, command, picture):
    (tmp_path / picture).write_bytes(b"the user's own")
    one_line_error(run(capsys, *command, "--out", tmp_path), f"already holds {picture}, which this command would write")
    assert (tmp_path / picture).read_bytes() == b"the user's own"
    assert run(capsys, *command, "--out", tmp_path, "--overwrite")[0] == 0
    assert (tmp_path / picture).read_bytes() != b"the user's own"


@pytest.mark.parametrize("command", [["train", "xor", *QUIET], ["descend", "--steps", "2"],
                                     ["compare", "--epochs", "1", "--dataset", "xor"]])
def test_an_out_that_is_a_file_is_refused_before_the_work(tmp_path, capsys, monkeypatch, command):
    import glassnet.cli.training_run as training_run
    import glassnet.descent as descent

    def no_work(*args, **kwargs):
        raise AssertionError("the work started")

    monkeypatch.setattr(training_run, "train_once", no_work)
    monkeypatch.setattr(descent, "gradient_descent", no_work)
    (tmp_path / "afile").write_text("x")
    one_line_error(run(capsys, *command, "--out", tmp_path / "afile"),
                   f"--out {tmp_path / 'afile'}: expected a folder, but it is a file")
    one_line_error(run(capsys, *command, "--out", tmp_path / "afile" / "below"),
                   f"cannot make the folder: {tmp_path / 'afile'} is a file, not a folder")


def _snapshot(folder) -> dict:
    """Every file under ``folder`` (relative path -> bytes), the marks of a set-aside run left out."""
    found = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            found[os.path.relpath(path, folder)] = open(path, "rb").read()
    return found


def _earlier_run_in(folder, aside_name) -> dict:
    """The earlier run as it lies now: files beside ``.replaced-run`` and in it, by their path in the run."""
    found = {}
    for relative, data in _snapshot(folder).items():
        parts = relative.split(os.sep)
        if parts[0] == aside_name:
            parts = parts[1:]
        if parts[-1].startswith(".all-set-aside"):
            continue
        found.setdefault(os.path.join(*parts), []).append(data)
    return found


def _out_of_memory(*args, **kwargs):
    raise MemoryError("Unable to allocate 23.8 GiB")


@pytest.mark.parametrize("new_run_fails", [False, True], ids=["while-replacing", "while-putting-back"])
def test_an_overwrite_interrupted_at_any_rename_never_loses_the_earlier_run(tmp_path, capsys, monkeypatch,
                                                                            new_run_fails):
    import glassnet.cli.train as train_command

    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 0
    (out / "history.png").write_bytes(b"a picture of the earlier run")
    earlier = _snapshot(out)
    real_replace = os.replace
    for stop_at in range(1, 40):
        calls = [0]

        def interrupted(source, target, stop_at=stop_at, calls=calls):
            calls[0] += 1
            if calls[0] == stop_at:
                raise KeyboardInterrupt
            return real_replace(source, target)

        if new_run_fails:  # the new run fails in training, so the earlier one is put back: interrupted there
            monkeypatch.setattr(train_command, "train_once", _out_of_memory)
        monkeypatch.setattr(os, "replace", interrupted)
        status = run(capsys, "train", "xor", "--out", out, "--epochs", "3", "--overwrite", *QUIET)[0]
        monkeypatch.undo()
        if calls[0] < stop_at:  # this many renames finish the command: every place has been tried
            assert status == (1 if new_run_fails else 0) and stop_at > 3
            break
        assert status == 130
        now = _earlier_run_in(out, train_command.REPLACED)
        assert all(data in now.get(name, []) for name, data in earlier.items()), stop_at
        # the next --overwrite either replaces the run or refuses, naming both folders; it never loses it
        monkeypatch.setattr(train_command, "train_once", _out_of_memory)
        status, _, err = run(capsys, "train", "xor", "--out", out, "--epochs", "3", "--overwrite", *QUIET)
        monkeypatch.undo()
        assert status == 1
        assert "not enough memory" in err or (str(out) in err and train_command.REPLACED in err), err
        assert _snapshot(out) == earlier, stop_at  # put back as it was


def test_an_overwrite_killed_while_it_set_the_earlier_run_aside_is_finished_by_the_next(tmp_path, capsys, monkeypatch):
    import glassnet.cli.train as train_command

    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 0
    earlier = _snapshot(out)
    aside = out / train_command.REPLACED
    aside.mkdir()
    os.replace(out / "model.npz", aside / "model.npz")  # killed after the first rename: no mark yet
    # what lies beside is the rest of the earlier run: the advice must not be to delete it
    one_line_error(run(capsys, "train", "xor", "--out", out, *QUIET),
                   f"while it moved the earlier run into {aside}: repeat the --overwrite command to replace it, or "
                   f"keep it by moving the files of {aside} back into {out}")

    def out_of_memory(*args, **kwargs):
        raise MemoryError("Unable to allocate 23.8 GiB")

    monkeypatch.setattr(train_command, "train_once", out_of_memory)
    assert run(capsys, "train", "xor", "--out", out, "--overwrite", *QUIET)[0] == 1
    assert _snapshot(out) == earlier  # the rest was not taken for a killed new run's files
    aside.mkdir()
    (aside / "model.npz").write_bytes(b"which one is the earlier run's?")
    one_line_error(run(capsys, "train", "xor", "--out", out, "--overwrite", *QUIET),
                   f"model.npz is both there and in {out}")
    assert (out / "model.npz").read_bytes() == earlier["model.npz"]
    assert (aside / "model.npz").read_bytes() == b"which one is the earlier run's?"


@pytest.mark.parametrize("text, fragment", [
    ("[1, 2]", "should hold a JSON object with 'config' and 'data', got list"),
    ("{}", "'config' should be an object of options, got None"),
    ('{"config": {}, "data": 5}', "'data' should be a SHA-256 (text), got 5"),
    ('{"config": [], "data": "x"}', "'config' should be an object of options, got []"),
    ("{not json", "run.json: not valid JSON (Expecting property name"),
])
def test_resume_refuses_a_hand_edited_run_record_naming_the_file(tmp_path, capsys, text, fragment):
    out = tmp_path / "run"
    with pytest.MonkeyPatch.context() as patch:
        import glassnet.cli.train as train_command

        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        patch.setattr(train_command, "train_once", interrupted)
        assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 130
    (out / "checkpoint" / "run.json").write_text(text)
    one_line_error(run(capsys, "train", "xor", "--out", out, "--epochs", "2", "--resume", *QUIET),
                   f"{out / 'checkpoint' / 'run.json'}")
    one_line_error(run(capsys, "train", "xor", "--out", out, "--epochs", "2", "--resume", *QUIET), fragment)


@pytest.mark.parametrize("make, fragment", [
    (lambda p: np.save(p, np.array([[1 + 2j, 0.5]])), "expected real numbers (float or integer), got an array of "
                                                       "complex128 (complex numbers)"),
    (lambda p: np.save(p, np.array([[True, False]])), "got an array of bool (not numbers)"),
    (lambda p: np.save(p, np.array([["a", "b"]])), "got an array of <U1 (not numbers)"),
    (lambda p: np.save(p, np.array([[1, None]], dtype=object), allow_pickle=True),
     "it holds Python objects (an object array), which glassnet does not load"),
    (lambda p: np.save(p, np.zeros((0, 2))), "holds no rows (an array of shape (0, 2))"),
    (lambda p: p.write_bytes(b"not numpy at all"), "not a .npy array (it does not start with NumPy's header"),
    (lambda p: p.write_bytes(b"\x93NUMPY\x01\x00v\x00{'descr'"), "not a .npy array glassnet can read"),
])
def test_predict_refuses_a_npy_that_does_not_hold_rows_of_real_numbers_naming_it(tmp_path, capsys, make, fragment):
    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 0
    rows = tmp_path / "rows.npy"
    make(rows)
    status, printed, err = run(capsys, "predict", out / "model.npz", rows)
    one_line_error((status, printed, err), fragment)
    assert str(rows) in err and "allow_pickle" not in err and printed == ""


def test_noise_beyond_its_range_is_refused_when_the_options_are_read(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "moons", "--noise", "1e308", *QUIET])
    assert exit_info.value.code == 2
    assert "--noise: expected a noise level between 0 and 1000, got '1e308'" in capsys.readouterr().err


def test_predict_reads_only_plain_numbers_in_a_row(tmp_path, capsys):
    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 0
    one_line_error(run(capsys, "predict", out / "model.npz", "1_0,1"), "is neither a file nor comma-separated numbers")
    assert run(capsys, "predict", out / "model.npz", "1e0,.5")[0] == 0


def test_checking_a_new_out_folder_leaves_nothing_behind_when_the_command_then_fails(tmp_path, capsys):
    one_line_error(run(capsys, "train", "no-such-set", "--out", tmp_path / "new" / "run", *QUIET), "unknown dataset")
    assert os.listdir(tmp_path) == []


def _stopped_overwrite(out, train_command) -> None:
    """What an --overwrite killed during training leaves: the earlier run set aside and marked, and the
    stopped new run's checkpoint beside it."""
    aside = out / train_command.REPLACED
    aside.mkdir()
    names = train_command.run_entries(out)
    for name in names:
        os.replace(out / name, aside / name)
    (aside / train_command.ALL_SET_ASIDE).write_text("".join(name + "\n" for name in names))
    (out / "checkpoint").mkdir()
    (out / "checkpoint" / "checkpoint.npz").write_bytes(b"the stopped run's partial state")


def test_an_earlier_run_moved_back_by_hand_is_never_taken_for_the_stopped_one(tmp_path, capsys, monkeypatch):
    # a reviewer followed the refusal's advice (mv .replaced-run/* back, which leaves the hidden mark), then
    # ran --overwrite again, which failed: the mark made it delete the run just put back, saying it was kept
    import glassnet.cli.train as train_command

    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 0
    (out / "notes.txt").write_text("mine")
    earlier = _snapshot(out)
    _stopped_overwrite(out, train_command)
    status, _, err = run(capsys, "train", "xor", "--out", out, *QUIET)
    assert status == 1 and "deleting what the stopped run wrote beside it (checkpoint)" in err
    shutil.rmtree(out / "checkpoint")
    for name in os.listdir(out / train_command.REPLACED):
        if name != train_command.ALL_SET_ASIDE:
            os.replace(out / train_command.REPLACED / name, out / name)
    one_line_error(run(capsys, "train", "xor", "--out", out, *QUIET), "already holds a finished run")  # not the aside
    assert not (out / train_command.REPLACED).exists()
    _stopped_overwrite(out, train_command)
    shutil.rmtree(out / "checkpoint")
    for name in os.listdir(out / train_command.REPLACED):
        if name != train_command.ALL_SET_ASIDE:
            os.replace(out / train_command.REPLACED / name, out / name)
    monkeypatch.setattr(train_command, "train_once", _out_of_memory)
    assert run(capsys, "train", "xor", "--out", out, "--overwrite", *QUIET)[0] == 1
    assert _snapshot(out) == earlier and not (out / train_command.REPLACED).exists()


def test_an_earlier_run_partly_moved_out_of_its_folder_is_refused_naming_what_is_missing(tmp_path, capsys):
    import glassnet.cli.train as train_command

    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 0
    _stopped_overwrite(out, train_command)
    os.replace(out / train_command.REPLACED / "model.npz", out / "model.npz")
    model = (out / "model.npz").read_bytes()
    one_line_error(run(capsys, "train", "xor", "--out", out, "--overwrite", *QUIET),
                   "no longer holds all of the earlier run (model.npz moved out of it)")
    assert (out / "model.npz").read_bytes() == model


def test_a_set_aside_folder_left_empty_by_a_kill_does_not_block_the_next_command(tmp_path, capsys):
    import glassnet.cli.train as train_command

    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 0
    (out / train_command.REPLACED).mkdir()  # killed right after making it
    one_line_error(run(capsys, "train", "xor", "--out", out, *QUIET), "already holds a finished run")
    assert not (out / train_command.REPLACED).exists()


def test_overwrite_removes_the_temporary_files_of_writes_a_kill_stopped(tmp_path, capsys):
    out = tmp_path / "run"
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 0
    (out / ".tmp-model.npz-uxxj4vx6").write_bytes(b"half a model")
    (out / ".tmp-notes.txt-keep").write_bytes(b"not a file glassnet writes")
    assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", "--overwrite", *QUIET)[0] == 0
    assert not (out / ".tmp-model.npz-uxxj4vx6").exists() and (out / ".tmp-notes.txt-keep").exists()


def test_resume_names_float64_by_its_option_and_out_messages_are_plain(tmp_path, capsys, monkeypatch):
    import glassnet.cli.train as train_command

    out = tmp_path / "run"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(train_command, "train_once", interrupted)
        assert run(capsys, "train", "xor", "--out", out, "--epochs", "2", *QUIET)[0] == 130
    one_line_error(run(capsys, "train", "xor", "--out", out, "--epochs", "2", "--resume", "--float64", *QUIET),
                   "--float64 (the run has float32)")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    one_line_error(run(capsys, "train", "xor", "--out", tmp_path / "dangling", *QUIET),
                   f"a symbolic link to {tmp_path / 'nowhere'}, which does not exist")
    status, printed, _ = run(capsys, "train", "xor", "--out", f"{tmp_path / 'slash'}/", "--epochs", "1", *QUIET)
    assert status == 0 and f"saved to {tmp_path / 'slash'}/: model.npz" in printed
