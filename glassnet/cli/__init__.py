"""The ``glassnet`` command: train, explain, descend, compare, evaluate, predict and bench from a terminal.

Each subcommand lives in its own module with ``add_parser(commands)`` and ``run(args)``.
Errors a user can fix (a bad option, a missing file, a diverging run) end with one
line ``glassnet: error: ...`` on stderr and a non-zero exit status, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line that points to --help."""

    def error(self, message):
        self.exit(2, f"glassnet: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    from glassnet import __version__
    from glassnet.cli import bench, compare, descend, evaluate, explain_command, predict, train

    parser = _Parser(prog="glassnet", description="glassnet: see a neural network learn, step by step.")
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for module in (train, explain_command, descend, compare, evaluate, predict, bench):
        module.add_parser(commands)
    return parser


def main(argv=None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    from glassnet.serialization import ModelFileError
    from glassnet.training.divergence import TrainingDiverged

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:  # every option after 'bench' belongs to the benchmark suite, --help included
        from glassnet.benchmarks.cli import main as bench

        return bench(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = argv  # the manifest records the command that ran
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    import numpy as np

    try:
        # overflow on the way to a NaN is reported once, as TrainingDiverged, not as NumPy warnings
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return args.run(args)
    except KeyboardInterrupt:
        print("glassnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader (`| head`) has gone: stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the flush at exit does not raise again
        return 141  # 128 + SIGPIPE
    except MemoryError as error:  # e.g. --hidden 100000000; NumPy's message says how much it wanted
        print(f"glassnet: error: not enough memory: {str(error).strip() or 'an array is too large'}", file=sys.stderr)
        return 1
    except (ValueError, OSError, ModelFileError, TrainingDiverged) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"glassnet: error: {message}", file=sys.stderr)
        return 1
