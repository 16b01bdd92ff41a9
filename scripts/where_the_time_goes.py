"""Where glassnet's training time goes, against the hand-written NumPy loop, in one process.

    python scripts/where_the_time_goes.py [--batch 128] [--samples 30000]

Times, interleaved and from the same weights and batches, microseconds per step:
  numpy_loop        the benchmark's hand-written forward/backward/update loop
  glassnet_bare     zero_grad(), model(x), loss.backward(), optimizer.step(): the engine alone
  bare+norms        the same plus the per-parameter gradient norms fit records every step
  glassnet_fit      glassnet.fit for one epoch: also checks X once, counts accuracy, keeps history
The differences say what each layer of the library costs.
"""
from __future__ import annotations

import argparse
import math

import numpy as np

from glassnet.benchmarks import mlp
from glassnet.benchmarks.timing import interleaved
from glassnet.tensor import Tensor
from glassnet.training.fit import _grad_norm

SIZES = [784, 256, 128, 10]


def bare_loop(with_norms: bool):
    def factory(data, weights, batch_size, lr):
        model, optimizer, loss_fn = mlp.glassnet_model(weights, lr)
        parameters = list(model.parameters())
        labels = data.y.astype(np.int64)

        def run():
            for start in range(0, len(data.X), batch_size):
                optimizer.zero_grad()
                loss = loss_fn(model(Tensor._from_op(data.X[start:start + batch_size])), labels[start:start + batch_size])
                math.isfinite(float(loss.data))
                loss.backward()
                if with_norms:
                    math.isfinite(sum(_grad_norm(p) for p in parameters))
                optimizer.step()
        return run
    return factory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--samples", type=int, default=30_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    data, weights = mlp.make_data(args.samples, SIZES[0], SIZES[-1]), mlp.make_weights(SIZES)
    implementations = {"numpy_loop": mlp.numpy_epoch, "glassnet_bare": bare_loop(False),
                       "bare+norms": bare_loop(True), "glassnet_fit": mlp.glassnet_epoch}
    candidates = {name: (lambda f=f: f(data, weights, args.batch, 0.01)) for name, f in implementations.items()}
    steps = -(-args.samples // args.batch)
    stats = interleaved(candidates, args.repeats)
    base = stats["numpy_loop"]["median"]
    print(f"batch {args.batch}, {args.samples} samples, {SIZES}: microseconds per step (median of {args.repeats})")
    for name, s in stats.items():
        print(f"  {name:14s} {1e6 * s['median'] / steps:8.1f}   {s['median'] / base:.2f}x the NumPy loop")


if __name__ == "__main__":
    main()
