"""``glassnet compare``: the same network trained two or three ways, side by side."""
from __future__ import annotations

from glassnet.cli import plots, report
from glassnet.cli.arguments import add_training_options, non_negative_float
from glassnet.cli.data import load, prepare
from glassnet.cli.presets import resolve
from glassnet.cli.training_run import train_once

VARIANTS = {
    "loss": {"squared error": {"loss": "mse"}, "cross-entropy": {"loss": "cross-entropy"}},
    "regularization": {"none": {"l1": 0.0, "l2": 0.0}, "L1": {"l1": None, "l2": 0.0},
                       "L2": {"l1": 0.0, "l2": None}},
}


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "compare", help="train the same network with squared error vs cross-entropy, or with L1 vs L2",
        description="Train the same network (same data, split, initial weights and order) several ways and "
                    "show the runs side by side: --what loss compares squared error with cross-entropy, "
                    "--what regularization compares no penalty, L1 and L2 (strength --strength).")
    parser.add_argument("--what", choices=sorted(VARIANTS), default="loss")
    parser.add_argument("--dataset", default="moons", help="data set name or csv:PATH (default moons)")
    parser.add_argument("--strength", type=non_negative_float, help="λ for the L1 and L2 runs of --what regularization (default 1.0)")
    add_training_options(parser)
    parser.add_argument("--out", metavar="DIR", help="folder for comparison.png (default runs/compare-<what>-<time>)")
    parser.add_argument("--no-plots", action="store_true")
    parser.add_argument("--overwrite", action="store_true", help="replace a comparison.png already in --out DIR "
                                                                  "(without it such a folder is refused)")
    parser.set_defaults(run=run)


def _refuse_options_the_variants_set(args) -> None:
    """An option that every run of the comparison sets for itself would be silently replaced: refuse it."""
    if args.what == "loss":
        if args.loss is not None:
            raise ValueError("--loss: compare --what loss trains once with each loss; leave out --loss")
        if args.strength is not None:
            raise ValueError("--strength only applies to compare --what regularization")
    for option in ("l1", "l2"):
        if args.what == "regularization" and getattr(args, option) is not None:
            raise ValueError(f"--{option}: compare --what regularization sets each run's l1 and l2 from --strength; "
                             f"leave out --{option}")


def run(args) -> int:
    _refuse_options_the_variants_set(args)
    plots.check_picture_out(args, "comparison.png")
    strength = 1.0 if args.strength is None else args.strength
    base = resolve(args, args.dataset)
    dtype = "float64" if args.float64 else "float32"
    data = prepare(load(args.dataset, args, dtype), args.test_size, args.seed, base["preprocess"], dtype)
    if args.what == "loss" and not data.classification:
        raise ValueError(f"compare --what loss compares squared error with cross-entropy, which needs class labels, "
                         f"but {args.dataset} has a real-valued target (regression); try --what regularization")
    results = {}
    for name, change in VARIANTS[args.what].items():
        config = dict(base, **{k: (strength if v is None else v) for k, v in change.items()})
        print(f"training with {name} ...", flush=True)
        results[name] = train_once(config, data, seed=args.seed, dtype=dtype, progress=False)
    rows = []
    for name, result in results.items():
        weights = [p.numpy() for n, p in result.model.named_parameters() if n.endswith("weight")]
        small = sum(int((abs(w) < 1e-3).sum()) for w in weights) / sum(w.size for w in weights)
        rows.append([name, report.number(result.train_scores["loss"]), report.percent(result.train_scores.get("accuracy")),
                     report.percent(result.test_scores.get("accuracy")), len(result.history.epoch),
                     f"{result.seconds:.1f}", f"{100 * small:.1f}%"])
    print()
    print(report.table(["run", "train loss", "train acc", "test acc", "epochs", "seconds", "|w| < 1e-3"], rows))
    path = plots.picture_path(args, f"compare-{args.what}", "comparison.png", "picture")
    if path is None:
        return 0
    from glassnet.viz import plot_comparison

    plot_comparison({name: result.history for name, result in results.items()}, path=path,
                    title=f"{args.dataset}: " + " vs ".join(results),
                    held_out=next(iter(results.values())).held_out)
    print(f"picture saved to {path}")
    return 0
