"""Page faults per training step and the epoch time of the MLP benchmark's rows, in one process.

    python scripts/count_page_faults.py [--batches 128 1024] [--rows glassnet_loop numpy_loop numpy_tuned]
                                        [--repeats 3] [--samples 60000] [--fresh-arrays]

Each row runs one untimed epoch, then ``--repeats`` timed epochs; the script prints the fastest
epoch and the minor page faults per step of the last one (``ru_minflt``; Linux and macOS). The
rows run in the order given, batch size after batch size, all in this process, so they share
one allocator, as in ``glassnet bench``. An array that glibc serves from memory it had handed
back to the system is faulted in again page by page. Whether that happens depends on what the
process allocated and freed before, so running the same rows in another order can change the
counts. ``--fresh-arrays`` makes every glassnet layer allocate afresh, as before its workspace
(``glassnet.ops.workspace``).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from glassnet.benchmarks import mlp
from glassnet.benchmarks.timing import minor_faults

SIZES = [784, 256, 128, 10]


def measure(run, steps: int, repeats: int) -> tuple:
    """(fastest epoch in seconds, minor page faults per step in the last epoch) after a warm-up epoch."""
    run()
    fastest, faults = float("inf"), 0
    for _ in range(repeats):
        before = minor_faults()
        started = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - started)
        faults = minor_faults() - before
    return fastest, faults / steps


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[128, 1024])
    parser.add_argument("--rows", nargs="+", default=["glassnet_loop", "numpy_loop", "numpy_tuned"],
                        choices=sorted(mlp.IMPLEMENTATIONS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--fresh-arrays", action="store_true", help="switch glassnet's layer workspaces off")
    args = parser.parse_args(argv)
    if args.fresh_arrays:
        from glassnet.ops.workspace import Workspace

        Workspace.empty = lambda self, name, shape, dtype: np.empty(shape, dtype=dtype)
    data = mlp.make_data(args.samples, SIZES[0], SIZES[-1])
    weights = mlp.make_weights(SIZES)
    print(f"{'batch':>6} {'row':<16} {'epoch s':>8} {'faults/step':>12}")
    for batch in args.batches:
        steps = -(-args.samples // batch)
        for name in args.rows:
            seconds, faults = measure(mlp.IMPLEMENTATIONS[name](data, weights, batch, 0.01), steps, args.repeats)
            print(f"{batch:>6} {name:<16} {seconds:>8.3f} {faults:>12.1f}", flush=True)


if __name__ == "__main__":
    main()
