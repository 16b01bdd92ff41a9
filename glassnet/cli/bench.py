"""``glassnet bench``: the benchmark suite (glassnet beside NumPy, PyTorch and scikit-learn)."""
from __future__ import annotations

import argparse


def add_parser(commands) -> None:
    parser = commands.add_parser("bench", help="time glassnet against NumPy, PyTorch and scikit-learn",
                                 description="Run the benchmark suite; the same as 'python -m benchmarks'. "
                                             "Options after 'bench' go to it (try 'glassnet bench --help').",
                                 add_help=False)
    parser.add_argument("options", nargs=argparse.REMAINDER, help="--quick, --out DIR, --only WORKLOAD ...")
    parser.set_defaults(run=run)


def run(args) -> int:  # reached only through build_parser(); main() forwards 'bench' before parsing
    from glassnet.benchmarks.cli import main

    return main(args.options)
