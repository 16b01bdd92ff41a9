"""Instructions and cache misses per MLP training step, counted by valgrind: numbers that do not drift.

    python scripts/count_step_cost.py [--batch 32] [--implementations gemm_floor_F numpy_loop ...]

Timings on a shared machine move by 20-30% from one run to the next; counts do not. For each
implementation of ``glassnet.benchmarks.mlp`` this runs a 20-step and a 120-step epoch under
``valgrind --tool=cachegrind --cache-sim=yes`` and prints the difference divided by 100: the cost
of one step, without imports, set-up or data generation (the data are the same in both runs).
It counts instructions (Ir), first-level data-cache misses (D1) and misses of a simulated cache
the size of one core's L2 (read from /sys, else 1 MiB; 8-way) in 64-byte lines.

Caveats: valgrind runs the BLAS on one thread and cannot execute AVX-512, so OpenBLAS picks its
Haswell (AVX2) kernels; the counts compare implementations with each other, not with the
hardware's speed. Needs valgrind (``apt-get install valgrind``); about ten minutes at batch 32 for the
four default implementations on this 2-core machine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from glassnet.benchmarks.cli import SIZES  # the network the benchmark suite trains

SHORT, LONG = 20, 120
DEFAULT_IMPLEMENTATIONS = ["gemm_floor_F", "numpy_loop", "numpy_tuned", "glassnet_loop"]


def train(implementation: str, steps: int, batch: int) -> None:
    """One epoch of ``steps`` batches (the child process valgrind watches)."""
    from glassnet.benchmarks import mlp

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


def per_step(short: dict, long: dict) -> dict:
    """The cost of one step: (long run − short run) / (LONG − SHORT), with the misses summed."""
    step = {k: (long[k] - short[k]) / (LONG - SHORT) for k in short}
    return {"instructions": step["Ir"], "d1_misses": step["D1mr"] + step["D1mw"],
            "l2_misses": step["DLmr"] + step["DLmw"]}


def count(implementation: str, batch: int, workdir: str) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONHASHSEED="0")
    summaries = []
    for steps in (SHORT, LONG):
        out = os.path.join(workdir, f"{implementation}-{steps}.out")
        command = ["valgrind", "--tool=cachegrind", "--cache-sim=yes", f"--LL={l2_bytes()},8,64",
                   f"--cachegrind-out-file={out}", sys.executable, os.path.abspath(__file__),
                   "--child", implementation, str(steps), str(batch)]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"valgrind failed for {implementation}:\n{done.stderr[-2000:]}")
        summaries.append(read_summary(out))
    return per_step(*summaries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--implementations", nargs="+", default=DEFAULT_IMPLEMENTATIONS)
    parser.add_argument("--child", nargs=3, metavar=("IMPLEMENTATION", "STEPS", "BATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        implementation, steps, batch = args.child
        train(implementation, int(steps), int(batch))
        return
    if shutil.which("valgrind") is None:
        sys.exit("count_step_cost: valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as workdir:
        counts = {name: count(name, args.batch, workdir) for name in args.implementations}
    base = counts[args.implementations[0]]
    print(f"batch {args.batch}, {SIZES}, one BLAS thread: per step, and relative to {args.implementations[0]}")
    print(f"{'implementation':16s} {'instructions':>14s} {'':>6s} {'D1 misses':>11s} {'L2 misses':>11s} {'':>6s}")
    for name, c in counts.items():
        print(f"{name:16s} {c['instructions']:14,.0f} {c['instructions'] / base['instructions']:5.2f}x "
              f"{c['d1_misses']:11,.0f} {c['l2_misses']:11,.0f} {c['l2_misses'] / base['l2_misses']:5.2f}x")


if __name__ == "__main__":
    main()
