"""Choosing how many BLAS threads a training run uses, by the size of its matrix products.

Splitting a small GEMM over threads costs more in synchronisation than it saves.
Measured on 2 cores (OpenBLAS 0.3.31, SkylakeX kernel, idle machine), the three GEMMs
of a layer's step ran as fast or faster on one thread up to about 1M multiply-adds
(64×128×128: 63 µs on one thread, 71 µs on two) and faster on two from about 2M
(32×256×256: 154 µs against 127 µs). ``fit`` therefore limits BLAS to one thread when
the largest product of a step is below 2M multiply-adds, through threadpoolctl
(imported only then). On a machine whose other core is busy two threads do far worse.
"""
from __future__ import annotations

import contextlib
import numbers

SMALL_GEMM = 2_000_000
"""Multiply-adds below which one BLAS thread is at least as fast as two (measured above)."""


def largest_gemm(model, batch_size: int) -> int:
    """Multiply-adds of the largest matrix product in one step: batch × in × out of the biggest weight."""
    sizes = [p.numel() for p in model.parameters() if p.ndim >= 2]
    return batch_size * max(sizes, default=0)


def blas_threads_for(model, batch_size: int, threads="auto"):
    """The BLAS thread count to use: ``threads`` if given as an int, 1 for small products, else None (keep)."""
    if threads is None:
        return None
    if isinstance(threads, numbers.Integral) and not isinstance(threads, bool):
        if threads < 1:
            raise ValueError(f"blas_threads: expected 'auto', None or an integer >= 1, got {threads!r}")
        return int(threads)
    if threads != "auto":
        raise ValueError(f"blas_threads: expected 'auto', None or an integer >= 1, got {threads!r}")
    return 1 if largest_gemm(model, batch_size) < SMALL_GEMM else None


def limit_blas_threads(threads):
    """A context limiting BLAS to ``threads`` (no-op for None or without threadpoolctl)."""
    if threads is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")
