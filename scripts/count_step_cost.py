"""Instructions and cache misses per training step, counted by valgrind: numbers that do not drift.

    python scripts/count_step_cost.py [--batch 32] [--implementations gemm_floor_F numpy_loop ...]
    python scripts/count_step_cost.py --workload xor [--implementations numpy_loop glassnet ...]

Timings on a shared machine move by 20-30% from one run to the next; counts do not. For each
implementation of ``glassnet.benchmarks.mlp`` this runs a 20-step and a 120-step epoch under
``valgrind --tool=cachegrind --cache-sim=yes`` and prints the difference divided by 100: the cost
of one step, without imports, set-up or data generation (the data are the same in both runs).
With ``--workload xor`` it does the same for the XOR step of ``glassnet.benchmarks.xor``, with
200 and 1,200 steps, dividing by 1,000 (a step there is about twenty times cheaper in instructions).
It counts instructions (Ir), first-level data-cache misses (D1) and misses of a simulated cache
the size of one core's L2 (read from /sys, else 1 MiB; 8-way) in 64-byte lines.

Caveats: valgrind runs the BLAS on one thread and cannot execute AVX-512, so OpenBLAS picks its
Haswell (AVX2) kernels; the counts compare implementations with each other, not with the
hardware's speed. Needs valgrind (``apt-get install valgrind``); about ten minutes at batch 32 for the
four default implementations on this 2-core machine; about six minutes for the XOR rows, most of
it PyTorch and micrograd.
"""
from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
import tempfile

from glassnet.benchmarks.cli import SIZES, available  # the network the benchmark suite trains

SHORT, LONG = 20, 120
STEPS = {"mlp": (SHORT, LONG), "xor": (200, 1200)}
"""The short and the long run of each workload, in steps."""
DEFAULT_IMPLEMENTATIONS = {"mlp": ["gemm_floor_F", "numpy_loop", "numpy_tuned", "glassnet_loop"],
                           "xor": ["numpy_loop", "glassnet", "torch", "micrograd"]}
OPTIONAL = {"torch", "micrograd", "sklearn"}
"""Default rows that are left out when their library (of the same name) is not installed."""


def benchmark(workload: str):
    """The workload's module in ``glassnet.benchmarks``; its ``IMPLEMENTATIONS`` are the rows."""
    return importlib.import_module(f"glassnet.benchmarks.{workload}")


def train(workload: str, implementation: str, steps: int, batch: int) -> None:
    """``steps`` training steps (the child process valgrind watches): an epoch of ``steps`` batches
    of the MLP, or ``steps`` full-batch XOR steps (``batch`` is then unused)."""
    if workload == "xor":
        benchmark("xor").IMPLEMENTATIONS[implementation](steps)()
        return
    mlp = benchmark("mlp")
    data = mlp.make_data(LONG * batch, SIZES[0], SIZES[-1])  # the same data for both step counts
    data = mlp.Data(data.X[:steps * batch], data.y[:steps * batch], data.classes)
    mlp.IMPLEMENTATIONS[implementation](data, mlp.make_weights(SIZES), batch, 0.01)()


def cache_bytes(text: str) -> int:
    """A cache size as /sys writes it ("1024K", "2M"), rounded down to a power of two: cachegrind
    needs a power-of-two number of sets, so a 1.25 MiB L2 is simulated as 1 MiB (at least 64 KiB)."""
    text = text.strip().upper()
    size = int(text.rstrip("KM")) * {"K": 1 << 10, "M": 1 << 20}.get(text[-1:], 1)
    return 1 << (max(size, 1 << 16).bit_length() - 1)


def l2_bytes() -> int:
    """Size of one core's L2 cache from /sys (index2), else 1 MiB."""
    try:
        with open("/sys/devices/system/cpu/cpu0/cache/index2/size") as f:
            return cache_bytes(f.read())
    except (OSError, ValueError):
        return 1 << 20


def read_summary(path: str) -> dict:
    """{event: total} from a cachegrind output file's ``events:`` and ``summary:`` lines."""
    events = totals = None
    with open(path) as f:
        for line in f:
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("summary:"):
                totals = [int(v) for v in line.split()[1:]]
    if events is None or totals is None:
        raise ValueError(f"{path}: not a cachegrind output file (no events: or summary: line)")
    return dict(zip(events, totals))


def per_step(short: dict, long: dict, steps: tuple = (SHORT, LONG)) -> dict:
    """The cost of one step: (long run − short run) / (steps in the long − steps in the short), with
    the misses summed."""
    step = {k: (long[k] - short[k]) / (steps[1] - steps[0]) for k in short}
    return {"instructions": step["Ir"], "d1_misses": step["D1mr"] + step["D1mw"],
            "l2_misses": step["DLmr"] + step["DLmw"]}


def count(workload: str, implementation: str, batch: int, workdir: str) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONHASHSEED="0")
    summaries = []
    for steps in STEPS[workload]:
        out = os.path.join(workdir, f"{implementation}-{steps}.out")
        command = ["valgrind", "--tool=cachegrind", "--cache-sim=yes", f"--LL={l2_bytes()},8,64",
                   f"--cachegrind-out-file={out}", sys.executable, os.path.abspath(__file__),
                   "--child", workload, implementation, str(steps), str(batch)]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"valgrind failed for {implementation}:\n{done.stderr[-2000:]}")
        summaries.append(read_summary(out))
    return per_step(*summaries, STEPS[workload])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", choices=sorted(STEPS), default="mlp")
    parser.add_argument("--batch", type=int, default=32, help="MLP batch size (the XOR step is full-batch)")
    parser.add_argument("--implementations", nargs="+",
                        help="rows of the workload's benchmark, the first the base of the ratios "
                             "(default: " + "; ".join(f"{w}: {' '.join(n)}" for w, n in DEFAULT_IMPLEMENTATIONS.items()) + ")")
    parser.add_argument("--child", nargs=4, metavar=("WORKLOAD", "IMPLEMENTATION", "STEPS", "BATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        workload, implementation, steps, batch = args.child
        train(workload, implementation, int(steps), int(batch))
        return
    names = args.implementations or [n for n in DEFAULT_IMPLEMENTATIONS[args.workload] if n not in OPTIONAL or available(n)]
    valid = list(benchmark(args.workload).IMPLEMENTATIONS)
    unknown = [n for n in names if n not in valid]
    if unknown:
        parser.error(f"--implementations: no {args.workload} row named {', '.join(unknown)}; "
                     f"valid names: {', '.join(valid)}")
    if shutil.which("valgrind") is None:
        sys.exit("count_step_cost: valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as workdir:
        counts = {name: count(args.workload, name, args.batch, workdir) for name in names}
    base = counts[names[0]]
    network = f"batch {args.batch}, {SIZES}" if args.workload == "mlp" else "XOR 2-3-2 sigmoid net, full batch"
    print(f"{network}, one BLAS thread: per step, and relative to {names[0]}")
    print(f"{'implementation':16s} {'instructions':>14s} {'':>6s} {'D1 misses':>11s} {'L2 misses':>11s} {'':>6s}")
    for name, c in counts.items():
        print(f"{name:16s} {c['instructions']:14,.0f} {relative(c['instructions'], base['instructions'])} "
              f"{c['d1_misses']:11,.0f} {c['l2_misses']:11,.0f} {relative(c['l2_misses'], base['l2_misses'])}")


def relative(value: float, base: float) -> str:
    """``value / base`` as "1.23x"; a dash where the base is under one event a step (the XOR step
    misses L2 about never, and a difference of two runs can then come out as -0.03)."""
    return f"{value / base:5.2f}x" if base >= 1 else f"{'-':>6s}"


if __name__ == "__main__":
    main()
