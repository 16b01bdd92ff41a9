"""How time per epoch grows with layer width and with the number of samples."""
from __future__ import annotations

from glassnet.benchmarks import mlp
from glassnet.benchmarks.timing import SETTLE_SECONDS, interleaved


def epoch_times(implementations: dict, sizes: list, samples: int, batch_size: int, repeats: int,
                settle: float) -> dict:
    """{name: {"median", "min", "max"}}: seconds of an epoch over ``repeats`` interleaved rounds."""
    data = mlp.make_data(samples, sizes[0], sizes[-1])
    weights = mlp.make_weights(sizes)
    candidates = {name: (lambda f=f: f(data, weights, batch_size, 0.01)) for name, f in implementations.items()}
    return {name: {key: stats[key] for key in ("median", "min", "max")}
            for name, stats in interleaved(candidates, repeats, settle=settle).items()}


def sweep(implementations: dict, widths: list, sample_counts: list, batch_size: int, repeats: int,
          base_width: int = 256, base_samples: int = 10_000, settle: float = SETTLE_SECONDS) -> dict:
    """Seconds per epoch of a 784-w-w-10 MLP for each width, and of the 784-256-128-10 one for each sample count."""
    by_width = {w: epoch_times(implementations, [784, w, w, 10], base_samples, batch_size, repeats, settle)
                for w in widths}
    by_samples = {n: epoch_times(implementations, [784, base_width, 128, 10], n, batch_size, repeats, settle)
                  for n in sample_counts}
    return {"by_width": by_width, "by_samples": by_samples, "batch_size": batch_size,
            "samples_for_width": base_samples}


def plot(result: dict, path) -> None:
    """Two log-log panels: seconds per epoch against width, and against samples (median, bars to min and max).

    ``path`` is a file name or a binary file object (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for axis, key, label in ((axes[0], "by_width", "hidden width w (784-w-w-10)"),
                             (axes[1], "by_samples", "samples per epoch (784-256-128-10)")):
        xs = sorted(result[key])
        names = list(result[key][xs[0]])
        for name in names:
            runs = [result[key][x][name] for x in xs]
            medians = [run["median"] for run in runs]
            spread = [[m - run["min"] for m, run in zip(medians, runs)], [run["max"] - m for m, run in zip(medians, runs)]]
            axis.errorbar(xs, medians, yerr=spread, marker="o", capsize=3, label=name)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel(label)
        axis.set_ylabel("time per epoch (s)")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    axes[0].set_title(f"Epoch time vs width ({result['samples_for_width']} samples, batch {result['batch_size']})")
    axes[1].set_title(f"Epoch time vs samples (batch {result['batch_size']})")
    figure.tight_layout()
    figure.savefig(path, dpi=100, format="png")
    plt.close(figure)
