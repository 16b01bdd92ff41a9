"""How much of a training step is glassnet's engine, and so the most a recorded-step replay could save.

    python scripts/engine_overhead.py [--batch 128] [--samples 60000] [--repeats 7]

Times, in rotating interleaved rounds (``glassnet.benchmarks.timing.interleaved``) and from the same
weights and batches, one epoch of the 784-256-128-10 MLP:
  glassnet_loop  the benchmark's PyTorch-style loop: zero_grad, forward, loss, backward, step
  raw_ops        the same ops and VJPs (``op.forward`` of ``linear_activation``, ``linear`` and
                 ``cross_entropy_with_labels``) called on plain arrays, in the order the engine
                 calls them, with the layers' workspaces and gradient arrays reused as glassnet
                 does and the same BLAS axpy update, but no Tensor, graph, heap or optimizer
  numpy_tuned    the fastest NumPy loop the benchmark has that keeps every gradient
  numpy_loop     the hand-written NumPy loop
glassnet_loop / raw_ops is the engine's share: what replaying a recorded step into the same
arrays could remove at most. raw_ops / numpy_tuned is what the ops themselves cost beyond the
tuned loop, which a replay would keep.
"""
from __future__ import annotations

import argparse
import statistics

import numpy as np

from glassnet.benchmarks import mlp
from glassnet.benchmarks.cli import paired_ratio
from glassnet.benchmarks.timing import interleaved
from glassnet.blas import axpy_
from glassnet.nn.linear import COLUMN_MAJOR_MIN_SIZE
from glassnet.ops import nn_ops
from glassnet.ops.workspace import Workspace

SIZES = [784, 256, 128, 10]


def raw_ops_epoch(data, weights, batch_size, lr):
    """One epoch of glassnet's own ops and VJPs on arrays, without the engine (see the module doc)."""
    Ws = [np.array(W, order="F" if W.size >= COLUMN_MAJOR_MIN_SIZE else "C") for W, _ in weights]
    bs = [b.copy() for _, b in weights]
    spaces = [Workspace() for _ in Ws]
    spares = [np.empty_like(W) for W in Ws]  # the weight gradients, reused as zero_grad's spares are
    hidden, last, loss = nn_ops.linear_activation.forward, nn_ops.linear.forward, nn_ops.cross_entropy_with_labels.forward
    unit, step = np.float32(1), -lr

    def run():
        X, y = data.X, data.y
        for start in range(0, len(X), batch_size):
            x = X[start:start + batch_size]
            h1, vjps1 = hidden(x, Ws[0], bs[0], "relu", spaces[0])
            h2, vjps2 = hidden(h1, Ws[1], bs[1], "relu", spaces[1])
            z, vjps3 = last(h2, Ws[2], bs[2], workspace=spaces[2])
            _, (grad_logits,) = loss(z, y[start:start + batch_size], reduction="mean")
            g3 = grad_logits(unit)
            g2 = vjps3[0](g3)
            g1 = vjps2[0](g2)
            grads = [(vjps1[1](g1, spares[0]), vjps1[2](g1)), (vjps2[1](g2, spares[1]), vjps2[2](g2)),
                     (vjps3[1](g3, spares[2]), vjps3[2](g3))]
            for W, b, (gW, gb) in zip(Ws, bs, grads):
                axpy_(W, step, gW)
                axpy_(b, step, gb)
    return mlp.with_weights(run, lambda: list(zip(Ws, bs)))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    data = mlp.make_data(args.samples, SIZES[0], SIZES[-1])
    weights = mlp.make_weights(SIZES)
    factories = {"glassnet_loop": mlp.glassnet_loop_epoch, "raw_ops": raw_ops_epoch,
                 "numpy_tuned": mlp.numpy_tuned_epoch, "numpy_loop": mlp.numpy_epoch}
    stats = interleaved({name: lambda f=factory: f(data, weights, args.batch, 0.01)
                         for name, factory in factories.items()}, args.repeats, settle=0.1)
    times = {name: s["samples"] for name, s in stats.items()}
    steps = -(-args.samples // args.batch)

    def ratio(a, b):
        return paired_ratio(times[a], times[b])

    print(f"batch {args.batch}, {args.samples} samples: microseconds per step (median of {args.repeats})")
    for name in times:
        print(f"  {name:<14} {statistics.median(times[name]) / steps * 1e6:8.1f}")
    print(f"  glassnet_loop / raw_ops     {ratio('glassnet_loop', 'raw_ops'):.3f}  (the engine's share)")
    print(f"  raw_ops / numpy_tuned       {ratio('raw_ops', 'numpy_tuned'):.3f}  (the ops beyond the tuned loop)")
    print(f"  glassnet_loop / numpy_tuned {ratio('glassnet_loop', 'numpy_tuned'):.3f}")


if __name__ == "__main__":
    main()
