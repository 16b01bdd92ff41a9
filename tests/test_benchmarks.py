"""The benchmark suite runs end to end in --quick mode and writes its JSON (no timing is asserted)."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_quick_benchmark_runs_and_writes_results(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--only", "mlp", "xor", "digits",
                             "--out", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["quick"] is True and data["sgemm_gflops"] > 0
    for stats in data["mlp"]["by_batch"].values():
        for name in ("gemm_floor", "gemm_floor_F", "numpy_loop", "glassnet_loop", "glassnet"):
            assert stats[name]["median"] > 0 and len(stats[name]["samples"]) == 2
    assert data["xor"]["glassnet"]["microseconds_per_step"] > 0
    assert data["digits"]["glassnet_to_97"]["accuracy"] >= 0.97
    assert "glassnet / numpy" in result.stdout and "glassnet_loop / floor" in result.stdout and "XOR" in result.stdout


def test_scaling_plot_is_written(tmp_path):
    from glassnet.benchmarks import scaling

    result = {"by_width": {64: {"a": 0.1, "b": 0.2}, 128: {"a": 0.2, "b": 0.3}},
              "by_samples": {1000: {"a": 0.1, "b": 0.1}, 2000: {"a": 0.2, "b": 0.25}},
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
    assert [name for kind, name, _ in events if kind == "start"] == ["a", "b"] * 3  # interleaved, warm-up included
    assert all(start - end >= 0.03 for start, end in zip(starts[1:], ends[:-1]))


def test_where_the_time_goes_script_runs():
    env = dict(os.environ, PYTHONPATH=ROOT)
    result = subprocess.run([sys.executable, os.path.join("scripts", "where_the_time_goes.py"), "--batch", "64",
                             "--samples", "256", "--repeats", "1"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert [row[0] for row in rows] == ["numpy_loop", "glassnet_bare", "bare+norms", "glassnet_fit"]
    assert all(float(row[1]) > 0 for row in rows) and rows[0][2] == "1.00x"
