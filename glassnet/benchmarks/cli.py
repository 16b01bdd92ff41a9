"""``python -m benchmarks`` / ``glassnet bench``: run the workloads, print the tables, write JSON and a plot."""
from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import statistics
import sys

from glassnet.benchmarks import digits, environment, loader, mlp, scaling, xor
from glassnet.benchmarks.memory import measure_in_subprocess
from glassnet.benchmarks.timing import interleaved, median_interval
from glassnet.cli.arguments import positive_int
from glassnet.cli.out_folder import check_out_folder
from glassnet.files import atomic_write

SIZES = [784, 256, 128, 10]
FULL = dict(samples=60_000, batches=(32, 128, 1024), memory_batches=(32, 128, 1024), repeats=7, xor_steps=1000, xor_repeats=61,
            widths=(64, 128, 256, 512, 1024, 2048), sample_counts=(1_000, 3_000, 10_000, 30_000, 100_000),
            scaling_repeats=3, micrograd_steps=100)
QUICK = dict(samples=4_000, batches=(32, 128, 1024), memory_batches=(128,), repeats=2, xor_steps=300, xor_repeats=3,
             widths=(64, 256, 1024), sample_counts=(1_000, 4_000), scaling_repeats=1, micrograd_steps=10)

XOR_SETTLE_SECONDS = 0.0
"""No pause before the XOR runs. The pause (``timing.SETTLE_SECONDS``) is there for the BLAS and
OpenMP worker threads a previous run leaves spinning, and on 4 x 3 arrays none of the four
implementations wakes any: NumPy's XOR step right after PyTorch's took 17.6 µs, after its own 17.2.
On this machine a run that starts after a 0.25 s sleep is slower for every implementation and
noisier: the NumPy step took 26-29 µs against 17-21 without the pause (41 rounds each way)."""


def available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def blas_threads() -> int | None:
    return environment.blas_info().get("threads")


def _candidates(implementations: dict, names: list, data, weights, batch: int, threads) -> dict:
    """{name: setup()} for ``interleaved``: each row's epoch at ``batch`` and lr 0.01, PyTorch's on ``threads`` threads."""
    candidates = {}
    for name in names:
        factory = implementations[name]
        if name.startswith("torch"):
            candidates[name] = lambda f=factory: f(data, weights, batch, 0.01, threads)
        else:
            candidates[name] = lambda f=factory: f(data, weights, batch, 0.01)
    return candidates


def run_mlp(settings: dict, report) -> dict:
    threads = blas_threads()
    names = ["gemm_floor", "gemm_floor_F", "gemm_floor_update", "numpy_loop", "numpy_tuned", "numpy_fused", "glassnet_loop", "glassnet"] + [
        n for n in ("torch", "torch_gemm_floor", "sklearn") if available(n.split("_")[0])]
    data = mlp.make_data(settings["samples"], SIZES[0], SIZES[-1])
    weights = mlp.make_weights(SIZES)
    flops = mlp.flops_per_epoch(SIZES, settings["samples"])
    results = {}
    for batch in settings["batches"]:
        report(f"MLP epoch, batch {batch} ...")
        stats = interleaved(_candidates(mlp.IMPLEMENTATIONS, names, data, weights, batch, threads), settings["repeats"])
        memory = {}
        if batch in settings["memory_batches"]:  # a floor's memory says nothing, and importing torch costs seconds
            memory = peak_memories([n for n in names if n != "torch_gemm_floor"], settings["samples"], batch)
        steps = -(-settings["samples"] // batch)
        for name in names:
            stats[name]["gflops"] = flops / stats[name]["median"] / 1e9
            rises = memory.get(name) or {}
            stats[name]["peak_memory_bytes"] = rises.get("first")  # the first epoch after the model is built
            stats[name]["peak_memory_second_epoch_bytes"] = rises.get("second")
            faults = stats[name]["minor_faults"]
            stats[name]["faults_per_step"] = None if faults is None else statistics.median(faults) / steps
        results[str(batch)] = stats
    ratios = {batch: {f"{a} / {b}": ratio_summary(stats, a, b) for a, b in MLP_RATIOS} for batch, stats in results.items()}
    return {"samples": settings["samples"], "sizes": SIZES, "flops_per_epoch": flops, "repeats": settings["repeats"],
            "by_batch": results, "ratios": ratios}


MEMORY_WORKERS = 2
"""Fresh processes measuring peak memory at once. Each measures only its own peak RSS, so they do
not disturb one another, and no timing runs meanwhile; two of them keep the quick run near a minute."""


def peak_memories(names: list, samples: int, batch: int) -> dict:
    """{name: {"first", "second"}: rise of peak RSS in bytes in a first and a second epoch, or None} of each
    MLP row, each in a fresh process (see ``mlp.peak_memory``)."""
    from concurrent.futures import ThreadPoolExecutor

    def measure(name):
        return measure_in_subprocess("glassnet.benchmarks.mlp", "peak_memory",
                                     dict(implementation=name, samples=samples, sizes=SIZES, batch_size=batch))

    with ThreadPoolExecutor(max_workers=MEMORY_WORKERS) as pool:
        return dict(zip(names, pool.map(measure, names)))


def run_xor(settings: dict, report) -> dict:
    report("XOR step ...")
    names = ["numpy_loop", "glassnet"] + [n for n in ("torch", "micrograd") if available(n)]
    steps = {name: settings["micrograd_steps"] if name == "micrograd" else settings["xor_steps"] for name in names}
    threads = blas_threads()  # PyTorch gets NumPy's BLAS thread count here too, as in the MLP workload
    candidates = {name: (lambda f=xor.IMPLEMENTATIONS[name], s=steps[name]: f(s, threads) if name == "torch" else f(s))
                  for name in names}
    stats = interleaved(candidates, settings["xor_repeats"], settle=XOR_SETTLE_SECONDS)
    return {name: {"microseconds_per_step": 1e6 * s["median"] / steps[name],
                   "min": 1e6 * s["min"] / steps[name], "max": 1e6 * s["max"] / steps[name],
                   "samples": [1e6 * t / steps[name] for t in s["samples"]]}
            for name, s in stats.items()}


def run_digits(report) -> dict:
    if not available("sklearn"):
        return {"skipped": "scikit-learn is not installed"}
    report("digits to 97% ...")
    split = digits.load_split()
    return {"glassnet_to_97": digits.glassnet_time_to_target(split),
            "sklearn_to_finish": digits.sklearn_time_to_finish(split),
            "sklearn_to_97": digits.sklearn_time_to_target(split), "settings": digits.SETTINGS}


def run_loader(settings: dict, report) -> dict:
    """A shuffled DataLoader pass and the MLP epoch trained from it, glassnet's and PyTorch's (``loader.py``)."""
    threads = blas_threads()
    names = ["glassnet_pass", "glassnet_train"] + (["torch_pass", "torch_train"] if available("torch") else [])
    data = mlp.make_data(settings["samples"], SIZES[0], SIZES[-1])
    weights = mlp.make_weights(SIZES)
    results = {}
    for batch in settings["batches"]:
        report(f"DataLoader, batch {batch} ...")
        results[str(batch)] = interleaved(_candidates(loader.IMPLEMENTATIONS, names, data, weights, batch, threads),
                                          settings["repeats"])
    ratios = {batch: {f"{a} / {b}": ratio_summary(stats, a, b) for a, b in loader.RATIOS}
              for batch, stats in results.items()}
    return {"samples": settings["samples"], "repeats": settings["repeats"], "by_batch": results, "ratios": ratios}


def run_scaling(settings: dict, report) -> dict:
    report("scaling sweep ...")
    names = ["numpy_loop", "glassnet"] + (["torch"] if available("torch") else [])
    threads = blas_threads()
    implementations = {name: (functools.partial(mlp.IMPLEMENTATIONS[name], threads=threads) if name == "torch"
                              else mlp.IMPLEMENTATIONS[name]) for name in names}
    return scaling.sweep(implementations, list(settings["widths"]), list(settings["sample_counts"]), 128,
                         settings["scaling_repeats"])


MLP_RATIOS = [("glassnet_loop", "numpy_loop"), ("glassnet", "numpy_loop"), ("glassnet_loop", "floor"),
              ("glassnet", "floor"), ("gemm_floor_update", "floor"), ("numpy_tuned", "floor"), ("numpy_fused", "floor"),
              ("glassnet_loop", "numpy_tuned"), ("torch", "glassnet_loop"), ("torch", "glassnet"),
              ("torch_gemm_floor", "floor"), ("torch", "torch_gemm_floor")]
"""The ratios the MLP table reports, numerator / denominator; "floor" is the lower of the two GEMM floors.
torch_gemm_floor / floor compares PyTorch's BLAS with NumPy's on the same products; torch / torch_gemm_floor
is PyTorch's overhead over its own floor, to set beside glassnet_loop / floor.
gemm_floor_update / floor is what the SGD update pass alone adds to the floor;
numpy_tuned / floor is how close to the floor a loop that keeps its gradients can get at all;
numpy_fused / floor, how close one that gives up its gradients (SGD fused into the backward pass) can."""


def paired_ratio(numerator: list, denominator: list) -> float:
    """The median over rounds of numerator[i] / denominator[i].

    Each round runs every implementation once, back to back, so a slow spell of the machine
    (they last seconds here) tends to slow both runs of a pair alike: the per-round ratio
    keeps what a ratio of medians can lose when the spells fall on one side more often.
    """
    return statistics.median(a / b for a, b in zip(numerator, denominator))


def ratio_summary(stats: dict, numerator: str, denominator: str) -> dict | None:
    """The paired ratio of two implementations' epoch times, with what tells whether it is real.

    Returns ``median`` (of the per-round ratios), ``interval`` (a 95% distribution-free interval
    for that median, or None with fewer than 6 rounds), ``fastest`` (the ratio of the two minima:
    noise on a shared machine only adds time), ``rounds`` and ``rounds_below_one`` (rounds in which
    the numerator was the faster); None when either implementation did not run.
    """
    def samples_of(name):
        if name == "floor":
            return [min(a, b) for a, b in zip(stats["gemm_floor"]["samples"], stats["gemm_floor_F"]["samples"])]
        return stats[name]["samples"] if name in stats else None

    top, bottom = samples_of(numerator), samples_of(denominator)
    if top is None or bottom is None:
        return None
    ratios = [a / b for a, b in zip(top, bottom)]
    return {"median": paired_ratio(top, bottom), "interval": median_interval(ratios),
            "fastest": min(top) / min(bottom), "rounds": len(ratios),
            "rounds_below_one": sum(r < 1 for r in ratios)}


def _ratio_cell(stats: dict, numerator: str, denominator: str) -> str:
    """"median (interval) [ratio of the minima]" of two implementations' epoch times, or n/a."""
    summary = ratio_summary(stats, numerator, denominator)
    if summary is None:
        return "n/a"
    interval = "" if summary["interval"] is None else " ({:.2f}-{:.2f})".format(*summary["interval"])
    return f"{summary['median']:.2f}{interval} [{summary['fastest']:.2f}]"


def _time_table(by_batch: dict, names: list) -> list:
    """Markdown lines: one row per batch size, each implementation's "median [min-max]" seconds."""
    lines = ["| batch | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for batch, stats in by_batch.items():
        cells = [f"{stats[n]['median']:.3f} [{stats[n]['min']:.3f}-{stats[n]['max']:.3f}]" for n in names]
        lines.append(f"| {batch} | " + " | ".join(cells) + " |")
    return lines + [""]


def _ratio_table(by_batch: dict, ratios: list) -> list:
    """Markdown lines: one row per batch size, a :func:`_ratio_cell` for each (numerator, denominator)."""
    lines = ["| batch | " + " | ".join(f"{a} / {b}" for a, b in ratios) + " |", "|---" * (len(ratios) + 1) + "|"]
    for batch, stats in by_batch.items():
        lines.append(f"| {batch} | " + " | ".join(_ratio_cell(stats, a, b) for a, b in ratios) + " |")
    return lines + [""]


def format_tables(result: dict) -> str:
    lines = []
    if "mlp" in result:
        m = result["mlp"]
        names = list(next(iter(m["by_batch"].values())))
        lines.append(f"MLP {'-'.join(map(str, m['sizes']))} epoch over {m['samples']} samples, seconds "
                     f"(median [min-max]); gemm_floor: only the GEMMs, W row-major as in PyTorch; gemm_floor_F: "
                     f"the same with W column-major as in glassnet; gemm_floor_update: that floor plus the SGD update pass "
                     f"(one BLAS axpy per parameter per step); torch_gemm_floor: the same products in PyTorch "
                     f"(its own BLAS); numpy_tuned: the fastest NumPy loop we could write "
                     f"(preallocated, in place, BLAS axpy update); numpy_fused: the same with "
                     f"the SGD step fused into the backward pass (W -= lr g^T x as one gemm, no dL/dW kept). "
                     f"glassnet_loop is the loop torch runs; glassnet is fit(), which also checks every "
                     f"gradient for divergence and records norms and accuracy")
        lines += _time_table(m["by_batch"], names)
        lines.append("Ratios: the median over rounds of each round's ratio, in parentheses a 95% confidence interval "
                     "for that median (distribution-free; 6 rounds or more), and in brackets the ratio of the fastest "
                     "runs (noise on a shared machine only adds time); floor = the lower GEMM floor in each round")
        lines += _ratio_table(m["by_batch"], MLP_RATIOS)
        lines.append("| batch | " + " | ".join(f"{n} GFLOP/s" for n in names) + " | " +
                     " | ".join(f"{n} peak MiB, epoch 1 / 2" for n in names) + " |")
        lines.append("|---" * (2 * len(names) + 1) + "|")
        for batch, stats in m["by_batch"].items():
            memory = [f"{stats[n]['peak_memory_bytes'] / 2**20:.1f} / {stats[n]['peak_memory_second_epoch_bytes'] / 2**20:.1f}"
                      if stats[n]["peak_memory_bytes"] is not None else "n/a" for n in names]
            lines.append(f"| {batch} | " + " | ".join(f"{stats[n]['gflops']:.1f}" for n in names) + " | " +
                         " | ".join(memory) + " |")
        lines.append(f"(sgemm 1024³ rate on this machine: {result['sgemm_gflops']:.1f} GFLOP/s)")
        lines.append("")
        if any(stats[n].get("faults_per_step") is not None for stats in m["by_batch"].values() for n in names):
            lines.append("Minor page faults per step, median over rounds (memory the allocator had handed back to "
                         "the system, faulted in again page by page; see scripts/count_page_faults.py)")
            lines.append("| batch | " + " | ".join(names) + " |")
            lines.append("|---" * (len(names) + 1) + "|")
            for batch, stats in m["by_batch"].items():
                cells = ["n/a" if stats[n].get("faults_per_step") is None else f"{stats[n]['faults_per_step']:.0f}"
                         for n in names]
                lines.append(f"| {batch} | " + " | ".join(cells) + " |")
            lines.append("")
    if "loader" in result:
        d = result["loader"]
        names = list(next(iter(d["by_batch"].values())))
        lines.append(f"DataLoader over a TensorDataset of the same {d['samples']} samples, shuffled, seconds (median "
                     f"[min-max]): *_pass iterates it once; *_train is the MLP workload's epoch (the PyTorch-style loop), "
                     f"its batches drawn from it")
        lines += _time_table(d["by_batch"], names)
        lines.append("Ratios, as above; a pass over a train row is the loader's share of the epoch")
        lines += _ratio_table(d["by_batch"], loader.RATIOS)
    if "xor" in result:
        x = result["xor"]
        g = x["glassnet"]["microseconds_per_step"]
        fastest = x["glassnet"]["min"]
        lines.append("XOR 2-3-2 sigmoid net, one full-batch step, microseconds (median [min-max]); time relative to "
                     "glassnet's: the median over rounds of each round's ratio [the ratio of the fastest runs]")
        lines.append("| implementation | µs/step | relative time |")
        lines.append("|---|---|---|")
        for name, s in x.items():
            relative = (f"{paired_ratio(s['samples'], x['glassnet']['samples']):.2f}" if "samples" in s
                        else f"{s['microseconds_per_step'] / g:.2f}")
            lines.append(f"| {name} | {s['microseconds_per_step']:.1f} [{s['min']:.1f}-{s['max']:.1f}] | "
                         f"{relative} [{s['min'] / fastest:.2f}] |")
        lines.append("")
    if "digits" in result and "skipped" not in result["digits"]:
        d = result["digits"]
        s = d.get("settings", digits.SETTINGS)
        lines.append(f"8x8 digits, 64-{s['hidden']}-10 ReLU: seconds to 97% test accuracy (checked after every epoch, "
                     f"inside the clock) with Adam lr {s['lr']:g}, batch {s['batch_size']}, no L2, at most "
                     f"{s['max_epochs']} epochs; and scikit-learn's MLPClassifier with its defaults (lr 0.001, "
                     f"batch 200, alpha 1e-4, max_iter 200) to its own finish")
        lines.append("| run | seconds | test accuracy | epochs | |")
        lines.append("|---|---|---|---|---|")
        for label, key in (("glassnet, to 97%", "glassnet_to_97"), ("scikit-learn, same settings, to 97%", "sklearn_to_97")):
            if key in d:
                row = d[key]
                lines.append(f"| {label} | {row['seconds']:.2f} | {row['accuracy']:.3f} | {row['epochs']} | "
                             f"{'reached' if row['reached'] else 'NOT reached'} |")
        row = d["sklearn_to_finish"]
        lines.append(f"| scikit-learn, defaults, to its finish | {row['seconds']:.2f} | {row['accuracy']:.3f} | "
                     f"{row['epochs']} | {'converged' if row.get('converged') else 'stopped at max_iter, not converged'} |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="glassnet bench", description=__doc__.replace("``", "'"))  # plain quotes in --help
    parser.add_argument("--quick", action="store_true", help="a one-minute run with smaller workloads")
    parser.add_argument("--out", default="benchmark-results", help="folder for results.json and scaling.png")
    parser.add_argument("--only", nargs="+", choices=["mlp", "loader", "xor", "digits", "scaling"],
                        help="run only these workloads")
    parser.add_argument("--batches", nargs="+", type=positive_int, metavar="N",
                        help="MLP batch sizes (default: 32 128 1024)")
    parser.add_argument("--repeats", type=positive_int, metavar="N",
                        help="timed rounds of each MLP row (default: 7, --quick 2); 25 rounds narrow the "
                             "95%% interval of a ratio to its 8th..18th per-round value")
    args = parser.parse_args(argv)
    settings = dict(QUICK if args.quick else FULL)
    if args.batches:
        settings["batches"] = tuple(args.batches)
        # a full run measures the memory of every batch size it times; a quick one of those it would anyway
        settings["memory_batches"] = tuple(b for b in args.batches if not args.quick or b in settings["memory_batches"])
    if args.repeats:
        settings["repeats"] = args.repeats
    workloads = args.only or ["mlp", "loader", "xor", "digits", "scaling"]
    try:
        check_out_folder(args.out)  # before the benchmarks, which take minutes
    except ValueError as error:
        print(f"glassnet: error: {error}", file=sys.stderr)
        return 1

    def report(message):
        print(message, file=sys.stderr, flush=True)

    result = {"environment": environment.describe(), "quick": args.quick}
    sgemm_before = environment.measure_sgemm_gflops()
    if "mlp" in workloads:
        result["mlp"] = run_mlp(settings, report)
    if "loader" in workloads:
        result["loader"] = run_loader(settings, report)
    if "xor" in workloads:
        result["xor"] = run_xor(settings, report)
    if "digits" in workloads:
        result["digits"] = run_digits(report)
    if "scaling" in workloads:
        result["scaling"] = run_scaling(settings, report)
    # the machine's speed drifts; the best of a measurement before and after is the reference rate
    result["sgemm_gflops"] = max(sgemm_before, environment.measure_sgemm_gflops())
    result["environment"]["torch_threads"] = environment.torch_threads()
    os.makedirs(args.out, exist_ok=True)
    if "scaling" in result and available("matplotlib"):
        with atomic_write(os.path.join(args.out, "scaling.png"), "wb") as file:
            scaling.plot(result["scaling"], file)
    with atomic_write(os.path.join(args.out, "results.json"), "w") as file:
        json.dump(result, file, indent=2, default=str)
    print(format_tables(result))
    env = result["environment"]
    print(f"{env['date']} · {env['processor']} · {env['cpus']} CPUs · BLAS {env['blas']} · versions {env['versions']}")
    if "OPENBLAS_CORETYPE" in env["environment"]:
        print(f"note: OPENBLAS_CORETYPE={env['environment']['OPENBLAS_CORETYPE']} forces NumPy's OpenBLAS onto that "
              f"kernel, which can be far slower than the one it would pick; unset it (and OPENBLAS_L2_SIZE) for this "
              f"command to measure the library as shipped")
    print(f"wrote {os.path.join(args.out, 'results.json')}")
    return 0
