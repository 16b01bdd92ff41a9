"""The benchmark suite runs end to end in --quick mode and writes its JSON (no timing is asserted)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_quick_benchmark_runs_and_writes_results(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--only", "mlp", "loader", "xor",
                             "digits", "--out", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["quick"] is True and data["sgemm_gflops"] > 0
    for stats in data["mlp"]["by_batch"].values():
        for name in ("gemm_floor", "gemm_floor_F", "gemm_floor_update", "numpy_loop", "numpy_tuned", "numpy_fused",
                     "glassnet_loop", "glassnet"):
            assert stats[name]["median"] > 0 and len(stats[name]["samples"]) == 2
    for name, stats in data["mlp"]["by_batch"]["128"].items():  # quick mode measures memory at batch 128 only
        if name == "torch_gemm_floor":  # present where torch is installed; its memory is not measured
            assert stats["peak_memory_bytes"] is None
            continue
        # each row's own fresh process, two at a time, ran and reported its rise of peak RSS
        assert isinstance(stats["peak_memory_bytes"], int) and stats["peak_memory_bytes"] >= 0, name
        assert isinstance(stats["peak_memory_second_epoch_bytes"], int), name
    assert data["mlp"]["by_batch"]["32"]["numpy_loop"]["peak_memory_bytes"] is None
    for stats in data["mlp"]["by_batch"].values():
        assert all(row["faults_per_step"] >= 0 and len(row["minor_faults"]) == 2 for row in stats.values())
    for stats in data["loader"]["by_batch"].values():
        assert all(stats[name]["median"] > 0 for name in ("glassnet_pass", "glassnet_train"))
    assert data["xor"]["glassnet"]["microseconds_per_step"] > 0
    assert data["digits"]["glassnet_to_97"]["accuracy"] >= 0.97 and data["digits"]["glassnet_to_97"]["reached"]
    assert isinstance(data["digits"]["sklearn_to_finish"]["converged"], bool)
    sklearn_run = data["digits"]["sklearn_to_97"]
    assert sklearn_run["reached"] == (sklearn_run["accuracy"] >= 0.97) and 1 <= sklearn_run["epochs"] <= 100
    assert data["environment"]["torch_threads"] is None or data["environment"]["torch_threads"]["intra_op"] >= 1
    for heading in ("glassnet / numpy", "glassnet_loop / floor", "glassnet_pass / glassnet_train", "numpy_tuned / floor", "numpy_fused / floor",
                    "Minor page faults per step", "XOR"):
        assert heading in result.stdout


def test_scaling_plot_is_written(tmp_path):
    from glassnet.benchmarks import scaling

    def run(median):
        return {"median": median, "min": 0.9 * median, "max": 1.2 * median}

    result = {"by_width": {64: {"a": run(0.1), "b": run(0.2)}, 128: {"a": run(0.2), "b": run(0.3)}},
              "by_samples": {1000: {"a": run(0.1), "b": run(0.1)}, 2000: {"a": run(0.2), "b": run(0.25)}},
              "batch_size": 128, "samples_for_width": 1000}
    path = tmp_path / "scaling.png"
    scaling.plot(result, str(path))
    from PIL import Image

    assert Image.open(path).size == (1100, 420)


def test_each_timed_run_starts_after_the_settling_pause():
    import time

    from glassnet.benchmarks.timing import interleaved

    events = []

    def candidate(name):
        def setup():
            def run():
                events.append(("start", name, time.perf_counter()))
                events.append(("end", name, time.perf_counter()))
            return run
        return setup

    stats = interleaved({"a": candidate("a"), "b": candidate("b")}, repeats=2, warmup=1, settle=0.03)
    assert [len(s["samples"]) for s in stats.values()] == [2, 2]
    starts = [t for kind, _, t in events if kind == "start"]
    ends = [t for kind, _, t in events if kind == "end"]
    # interleaved, warm-up included, each round starting one candidate further along
    assert [name for kind, name, _ in events if kind == "start"] == ["a", "b", "b", "a", "a", "b"]
    assert all(start - end >= 0.03 for start, end in zip(starts[1:], ends[:-1]))


def test_each_timed_run_counts_the_page_faults_it_caused():
    import mmap

    from glassnet.benchmarks.timing import interleaved

    pages = 2048

    def touch():  # fresh anonymous memory: every page written is a minor fault
        def run():
            memory = mmap.mmap(-1, pages * mmap.PAGESIZE)
            for page in range(pages):
                memory[page * mmap.PAGESIZE] = 1
            memory.close()
        return run

    stats = interleaved({"touch": touch, "idle": lambda: (lambda: None)}, repeats=3, warmup=0, settle=0)
    assert all(count >= pages for count in stats["touch"]["minor_faults"])
    assert all(count < pages // 10 for count in stats["idle"]["minor_faults"])


def test_each_candidate_runs_once_in_every_position():
    from glassnet.benchmarks.timing import interleaved

    order = []

    def candidate(name):
        def setup():
            def run():
                order.append(name)
            return run
        return setup

    names = ["a", "b", "c"]
    stats = interleaved({n: candidate(n) for n in names}, repeats=3, warmup=0, settle=0)
    assert [len(stats[n]["samples"]) for n in names] == [3, 3, 3]
    rounds = [order[i:i + 3] for i in range(0, 9, 3)]
    assert rounds == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]
    for position in range(3):
        assert sorted(r[position] for r in rounds) == names


def test_count_page_faults_script_runs_with_and_without_the_workspace():
    env = dict(os.environ, PYTHONPATH=ROOT)
    for extra in ([], ["--fresh-arrays"]):
        result = subprocess.run([sys.executable, os.path.join("scripts", "count_page_faults.py"), "--batches", "256",
                                 "--samples", "1024", "--repeats", "1", "--rows", "glassnet_loop", "numpy_loop"]
                                + extra, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        rows = [line.split() for line in result.stdout.splitlines()[1:]]
        assert [row[:2] for row in rows] == [["256", "glassnet_loop"], ["256", "numpy_loop"]]
        assert all(float(row[2]) > 0 and float(row[3]) >= 0 for row in rows)


def test_where_the_time_goes_script_runs():
    env = dict(os.environ, PYTHONPATH=ROOT)
    result = subprocess.run([sys.executable, os.path.join("scripts", "where_the_time_goes.py"), "--batch", "64",
                             "--samples", "256", "--repeats", "1"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert [row[0] for row in rows] == ["numpy_loop", "glassnet_bare", "bare+norms", "glassnet_fit"]
    assert all(float(row[1]) > 0 for row in rows) and rows[0][2] == "1.00x"


def _assert_same_training(runs: dict, reference: str, rtol: float, atol: float):
    for name, run in runs.items():
        for (W, b), (W_ref, b_ref) in zip(run.weights(), runs[reference].weights()):
            np.testing.assert_allclose(W, W_ref, rtol=rtol, atol=atol, err_msg=f"{name} W differs from {reference}")
            np.testing.assert_allclose(b, b_ref, rtol=rtol, atol=atol, err_msg=f"{name} b differs from {reference}")


def test_every_mlp_row_does_the_same_training():
    """The benchmark compares like with like only if every implementation computes the same epoch:
    from the same weights over the same batches, each must end at the same weights (the NumPy loop
    is the reference; scikit-learn works in float64, hence the float32-level tolerance)."""
    from glassnet.benchmarks import mlp

    data, weights = mlp.make_data(300, 20, 4, seed=3), mlp.make_weights([20, 16, 8, 4], seed=3)
    runs = {name: mlp.IMPLEMENTATIONS[name](data, weights, 32, 0.5)
            for name in ("numpy_loop", "numpy_tuned", "numpy_fused", "glassnet_loop", "glassnet", "sklearn")}
    for run in runs.values():
        run()
    moved = np.abs(runs["numpy_loop"].weights()[0][0] - weights[0][0]).max()
    assert moved > 1e-2  # an epoch at lr 0.5 really changes the weights, so agreeing means something
    _assert_same_training(runs, "numpy_loop", rtol=1e-4, atol=1e-5)


def test_the_floor_with_the_update_pass_steps_every_parameter_and_leaves_it_as_it_was(monkeypatch):
    """gemm_floor_update's axpys run on every parameter each step, and its tiny step rounds back to W,
    so every round repeats the floor's arithmetic on the same weights."""
    from glassnet.benchmarks import mlp

    data, weights = mlp.make_data(200, 20, 4, seed=1), mlp.make_weights([20, 16, 8, 4], seed=1)
    run = mlp.gemm_floor_update_epoch(data, weights, 32, 0.01)
    run()
    for (W, b), (W0, b0) in zip(run.weights(), weights):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    monkeypatch.setattr(mlp, "FLOOR_UPDATE_STEP", np.float32(-1e-6))
    run = mlp.gemm_floor_update_epoch(data, weights, 32, 0.01)
    run()
    for (W, b), (W0, b0) in zip(run.weights(), weights):  # the bias stand-in gradient is all ones: 7 steps
        assert not np.array_equal(W, W0)
        np.testing.assert_allclose(b, b0 - 7e-6, rtol=0, atol=1e-7)


def test_the_loader_rows_shuffle_every_sample_once_and_train_the_same_epoch():
    """glassnet_train is the MLP loop fed by glassnet's shuffling DataLoader: it must visit every sample once
    per pass, in NumPy's permutation for its seed, and so end where the NumPy loop ends on data in that order."""
    from glassnet.benchmarks import loader, mlp

    data, weights = mlp.make_data(300, 20, 4, seed=3), mlp.make_weights([20, 16, 8, 4], seed=3)
    order = np.random.default_rng(loader.SEED).permutation(300)
    labels = np.concatenate([yb.numpy() for _, yb in loader.glassnet_loader(data, 32)])
    np.testing.assert_array_equal(labels, data.y[order])
    permuted = mlp.Data(X=data.X[order], y=data.y[order], classes=data.classes)
    runs = {"numpy_loop": mlp.numpy_epoch(permuted, weights, 32, 0.5),
            "glassnet_train": loader.glassnet_train(data, weights, 32, 0.5)}
    for run in runs.values():
        run()
    assert np.abs(runs["numpy_loop"].weights()[0][0] - weights[0][0]).max() > 1e-2
    _assert_same_training(runs, "numpy_loop", rtol=1e-4, atol=1e-5)


def test_the_engine_overhead_script_trains_the_same_epoch_without_the_engine():
    """scripts/engine_overhead.py's raw_ops row calls glassnet's ops and VJPs on plain arrays; it is a
    fair bound on the engine's share only if it computes the same epoch. At 256 rows the layers'
    workspaces are in use, and the short last batch of 88 rows changes every shape."""
    import importlib.util

    from glassnet.benchmarks import mlp

    spec = importlib.util.spec_from_file_location("engine_overhead", os.path.join(ROOT, "scripts", "engine_overhead.py"))
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    data, weights = mlp.make_data(600, 784, 10, seed=5), mlp.make_weights([784, 256, 128, 10], seed=5)
    runs = {"numpy_loop": mlp.numpy_epoch(data, weights, 256, 0.5),
            "glassnet_loop": mlp.glassnet_loop_epoch(data, weights, 256, 0.5),
            "raw_ops": script.raw_ops_epoch(data, weights, 256, 0.5)}
    for run in runs.values():
        run()
    assert np.abs(runs["numpy_loop"].weights()[0][0] - weights[0][0]).max() > 1e-3
    _assert_same_training(runs, "numpy_loop", rtol=1e-4, atol=1e-5)
    result = subprocess.run([sys.executable, os.path.join("scripts", "engine_overhead.py"), "--batch", "64",
                             "--samples", "256", "--repeats", "1"], cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "glassnet_loop / raw_ops" in result.stdout


def test_the_numpy_rows_compute_the_loss_value():
    """Like glassnet and PyTorch, the NumPy loops compute the loss each step: on a single batch it is
    the cross-entropy at the initial weights, worked here in float64 from the definition, and over
    an epoch with a short last batch the three loops agree on the last step's loss."""
    from glassnet.benchmarks import mlp

    weights = mlp.make_weights([20, 16, 8, 4], seed=4)
    one = mlp.make_data(32, 20, 4, seed=4)
    h = one.X.astype(np.float64)
    for i, (W, b) in enumerate(weights):
        h = h @ W.T.astype(np.float64) + b
        h = np.maximum(h, 0) if i < len(weights) - 1 else h
    expected = np.mean(np.log(np.exp(h).sum(axis=1)) - h[np.arange(32), one.y])
    names = ("numpy_loop", "numpy_tuned", "numpy_fused")
    for name in names:
        run = mlp.IMPLEMENTATIONS[name](one, weights, 32, 0.5)
        run()
        assert run.loss() == pytest.approx(expected, rel=1e-5), name
    data = mlp.make_data(300, 20, 4, seed=5)  # 9 batches of 32 and one of 12
    losses = {}
    for name in names:
        run = mlp.IMPLEMENTATIONS[name](data, weights, 32, 0.5)
        run()
        losses[name] = run.loss()
    assert losses["numpy_tuned"] == pytest.approx(losses["numpy_loop"], rel=1e-4)
    assert losses["numpy_fused"] == pytest.approx(losses["numpy_loop"], rel=1e-4)
    assert abs(losses["numpy_loop"] - expected) > 1e-3  # the last step's loss, not the first's


def test_every_xor_row_does_the_same_steps():
    """Likewise for the XOR step; micrograd (a test dependency) is an independent scalar autodiff."""
    from glassnet.benchmarks import xor

    runs = {name: xor.IMPLEMENTATIONS[name](50) for name in ("numpy_loop", "glassnet", "micrograd")}
    for run in runs.values():
        run()
    _assert_same_training(runs, "numpy_loop", rtol=1e-4, atol=1e-6)


def test_the_numpy_xor_row_computes_the_loss_value():
    """Like every other XOR row, the NumPy step computes the loss: the mean squared error at the
    weights the step starts from, worked here in float64 from the definition."""
    from glassnet.benchmarks import xor

    def mse_at(weights):
        h = xor.X.astype(np.float64)
        for W, b in weights:
            h = 1 / (1 + np.exp(-(h @ W.T.astype(np.float64) + b)))
        return np.mean((h - xor.TARGETS) ** 2)

    first = xor.IMPLEMENTATIONS["numpy_loop"](1)
    first()
    assert first.loss() == pytest.approx(mse_at(xor.initial_weights()), rel=1e-5)
    before_last, fifty = xor.IMPLEMENTATIONS["numpy_loop"](49), xor.IMPLEMENTATIONS["numpy_loop"](50)
    before_last()
    fifty()
    assert fifty.loss() == pytest.approx(mse_at(before_last.weights()), rel=1e-5)
    assert abs(fifty.loss() - first.loss()) > 1e-4  # the last step's loss, not the first's



def test_ratios_pair_each_round_and_take_the_lower_floor_per_round():
    """Worked by hand: a slow spell in round 2 slows both runs of that round, which the paired ratio
    (the median of per-round ratios) ignores and a ratio of medians would not."""
    from glassnet.benchmarks.cli import _ratio_cell, paired_ratio

    assert paired_ratio([2.0, 8.0, 6.0], [1.0, 4.0, 2.0]) == 2.0  # ratios 2, 2, 3
    stats = {"gemm_floor": {"samples": [1.0, 3.0, 1.0]}, "gemm_floor_F": {"samples": [2.0, 2.0, 0.5]},
             "glassnet": {"samples": [1.5, 4.0, 1.0]}}
    # floors per round: 1.0, 2.0, 0.5 -> ratios 1.5, 2.0, 2.0; minima 1.0 / 0.5
    assert _ratio_cell(stats, "glassnet", "floor") == "2.00 [2.00]"
    assert _ratio_cell(stats, "torch", "glassnet") == "n/a"


def test_median_interval_takes_the_binomial_order_statistics_and_covers_the_median():
    """Hand-worked: with 25 values P(B <= 7) = 0.0216 and P(B <= 8) = 0.0539 for B ~ Binomial(25, 1/2),
    so the 95% interval runs from the 8th to the 18th value; 6 values give the extremes (coverage
    1 - 2/64), 5 give none. Over samples from a skewed distribution with a known median, the
    interval must contain it as often as scipy's binomial says it should (95.7% for 25 values)."""
    from scipy import stats

    from glassnet.benchmarks.timing import median_interval

    assert median_interval(list(range(25, 0, -1))) == (8, 18)
    assert median_interval([6, 1, 5, 2, 4, 3]) == (1, 6)
    assert median_interval([1, 2, 3, 4, 5]) is None
    with pytest.raises(ValueError, match="confidence"):
        median_interval([1, 2, 3], confidence=1.5)
    low = 8  # the 8th of 25 ordered values, and by symmetry the 18th
    exact = 1 - 2 * stats.binom.cdf(low - 1, 25, 0.5)
    assert exact >= 0.95 and 1 - 2 * stats.binom.cdf(low, 25, 0.5) < 0.95  # k = 8 is the largest that covers
    rng = np.random.default_rng(0)
    median = np.log(2)  # of the unit exponential
    covered = [lo <= median <= hi for lo, hi in
               (median_interval(list(rng.exponential(size=25))) for _ in range(4000))]
    assert abs(np.mean(covered) - exact) < 0.01


def test_ratio_summary_reports_the_interval_and_the_rounds_won():
    from glassnet.benchmarks.cli import _ratio_cell, ratio_summary

    top = [0.9, 1.1, 0.8, 0.95, 0.85, 1.2, 0.9]
    stats = {"glassnet": {"samples": top}, "numpy_loop": {"samples": [1.0] * 7}}
    summary = ratio_summary(stats, "glassnet", "numpy_loop")
    assert summary["median"] == 0.9 and summary["interval"] == (0.8, 1.2)  # 7 rounds: the extremes
    assert summary["rounds"] == 7 and summary["rounds_below_one"] == 5 and summary["fastest"] == 0.8
    assert _ratio_cell(stats, "glassnet", "numpy_loop") == "0.90 (0.80-1.20) [0.80]"
    assert ratio_summary(stats, "torch", "glassnet") is None


def test_bench_times_only_the_batches_asked_for_as_many_rounds_as_asked(tmp_path, monkeypatch):
    """--batches and --repeats reach the MLP workload, and the JSON keeps each ratio's interval."""
    import functools

    from glassnet.benchmarks import cli
    from glassnet.benchmarks.timing import interleaved

    monkeypatch.setattr(cli, "interleaved", functools.partial(interleaved, settle=0.0))  # only the plumbing is tested
    assert cli.main(["--quick", "--only", "mlp", "--batches", "64", "--repeats", "6", "--out", str(tmp_path)]) == 0
    mlp_result = json.loads((tmp_path / "results.json").read_text())["mlp"]
    assert list(mlp_result["by_batch"]) == ["64"] and mlp_result["repeats"] == 6
    assert all(len(s["samples"]) == 6 for s in mlp_result["by_batch"]["64"].values())
    summary = mlp_result["ratios"]["64"]["glassnet_loop / numpy_loop"]
    samples = mlp_result["by_batch"]["64"]
    ratios = sorted(a / b for a, b in zip(samples["glassnet_loop"]["samples"], samples["numpy_loop"]["samples"]))
    assert summary["interval"] == [ratios[0], ratios[-1]] and summary["rounds"] == 6


def test_bench_rejects_a_batch_size_that_is_not_a_positive_integer(capsys):
    from glassnet.benchmarks.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--batches", "0"])
    assert exit_info.value.code == 2
    assert "--batches" in capsys.readouterr().err


def test_the_tuned_numpy_loops_train_like_the_plain_one_with_column_major_weights():
    """numpy_tuned stores weights of 4,096 elements or more column-major and writes their gradients
    into that layout (numpy_fused adds the product straight into that layout); with such a layer,
    and a last batch shorter than the rest (its buffers are sliced), each must still end at the
    plain loop's weights."""
    from glassnet.benchmarks import mlp

    data, weights = mlp.make_data(200, 80, 5, seed=4), mlp.make_weights([80, 64, 8, 5], seed=4)
    runs = {name: mlp.IMPLEMENTATIONS[name](data, weights, 48, 0.5)
            for name in ("numpy_loop", "numpy_tuned", "numpy_fused")}
    for run in runs.values():
        run()
    assert np.abs(runs["numpy_loop"].weights()[0][0] - weights[0][0]).max() > 1e-2
    _assert_same_training(runs, "numpy_loop", rtol=1e-4, atol=1e-5)


def test_count_step_cost_child_trains_and_its_arithmetic_is_per_step(tmp_path):
    """The valgrind wrapper itself needs valgrind; its two pieces do not: the child mode trains the
    named implementation, and the per-step cost is (long - short) / 100 with misses summed."""
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    try:
        import count_step_cost as c
    finally:
        sys.path.pop(0)
    env = dict(os.environ, PYTHONPATH=ROOT)

    def script(*args):
        return subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "count_step_cost.py"), *args],
                              env=env, capture_output=True, text=True, timeout=120)
    for child in (["mlp", "numpy_tuned", "2", "4"], ["xor", "numpy_loop", "2", "0"], ["xor", "glassnet", "2", "0"]):
        done = script("--child", *child)
        assert done.returncode == 0, (child, done.stderr[-2000:])
    bad = script("--child", "xor", "no_such_row", "2", "0")
    assert bad.returncode != 0 and "no_such_row" in bad.stderr
    listed = script("--workload", "xor", "--implementations", "numpy_loop", "nope")
    assert listed.returncode == 2 and "no xor row named nope" in listed.stderr and "micrograd" in listed.stderr
    out = tmp_path / "cachegrind.out"
    out.write_text("desc: I1 cache: 32768 B, 64 B, 8-way associative\ncmd: python\n"
                   "events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw\n"
                   "fl=x.c\nfn=f\n1 5 0 0 0 0 0 0 0 0\n"
                   "summary: 1000 1 1 400 40 4 200 20 2\n")
    short = c.read_summary(str(out))
    assert short["Ir"] == 1000 and short["DLmw"] == 2
    long = dict(short)  # 100 more steps, each 7 instructions, 1 + 1 D1 misses and 3 L2 misses dearer
    long["Ir"] += 700
    long["D1mr"] += 100
    long["D1mw"] += 100
    long["DLmr"] += 300
    assert c.LONG - c.SHORT == 100
    assert c.per_step(short, long) == {"instructions": 7.0, "d1_misses": 2.0, "l2_misses": 3.0}
    short_xor, long_xor = c.STEPS["xor"]  # the XOR runs differ by 1,000 steps: a tenth of the cost each
    assert long_xor - short_xor == 1000
    assert c.per_step(short, long, c.STEPS["xor"]) == {"instructions": 0.7, "d1_misses": 0.2, "l2_misses": 0.3}
    assert c.relative(6, 3) == " 2.00x" and c.relative(17, -0.03).strip() == "-"  # no ratio to a count of about 0
    assert [c.cache_bytes(t) for t in ("1024K", "1280K\n", "2M", "512")] == [1 << 20, 1 << 20, 2 << 20, 1 << 16]
    (tmp_path / "empty.out").write_text("nothing here\n")
    with pytest.raises(ValueError, match="not a cachegrind output"):
        c.read_summary(str(tmp_path / "empty.out"))


@pytest.mark.parametrize("samples,batch", [(1000, 128), (700, 300), (64, 1024)])
def test_the_gemm_floor_does_the_products_of_every_batch_the_short_last_one_included(samples, batch):
    from glassnet.benchmarks import mlp

    sizes = [784, 256, 128, 10]
    data = mlp.make_data(samples, sizes[0], sizes[-1])
    weights = [np.array(W, order="C") for W, _ in mlp.make_weights(sizes)]
    done = []

    def counting_matmul(a, b, out):
        done.append(2 * a.shape[0] * a.shape[1] * b.shape[1])  # 2·m·k·n multiply-adds counted as FLOPs
        return np.matmul(a, b, out=out)

    run = mlp._gemm_floor_run(data.X, weights, batch, counting_matmul,
                              lambda shape: np.empty(shape, dtype=np.float32), np.empty_like)
    run()
    assert sum(done) == mlp.flops_per_epoch(sizes, samples)
    assert len(done) == 8 * -(-samples // batch)  # 3 forward, 3 dL/dW, 2 dL/dh a batch


def test_bench_refuses_an_out_that_is_a_file_before_it_measures_anything(tmp_path, capsys, monkeypatch):
    from glassnet.benchmarks import cli

    def no_work(*args, **kwargs):
        raise AssertionError("the benchmark started")

    monkeypatch.setattr(cli.environment, "measure_sgemm_gflops", no_work)
    (tmp_path / "afile").write_text("x")
    assert cli.main(["--quick", "--only", "xor", "--out", str(tmp_path / "afile")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"glassnet: error: --out {tmp_path / 'afile'}: expected a folder, but it is a file; "
                   f"give a folder (new or existing)"]
