"""Timing several implementations fairly: repeats interleaved, median and range reported."""
from __future__ import annotations

import math
import statistics
import time

try:
    import resource
except ImportError:  # Windows has no getrusage
    resource = None

SETTLE_SECONDS = 0.25
"""Pause before each timed run, so the previous library's idle threads have gone to sleep.

After its last call OpenBLAS keeps its worker threads spinning for 2^28 cycles (about
0.1 s here) and OpenMP runtimes spin too; a run of another library that starts inside
that window shares the two cores with them. Measured: a PyTorch epoch over 1,000
samples right after a NumPy run took 0.10 s, alone 0.008 s.
"""


def minor_faults() -> int | None:
    """Minor page faults of this process so far, or None where the platform does not count them.

    A page fault is minor when the page needs no disk, as when freshly mapped memory is first
    touched. An implementation whose arrays glibc serves from memory it had handed back to the
    system pays one for every 4 KiB it writes (``scripts/count_page_faults.py``)."""
    return None if resource is None else resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def interleaved(candidates: dict, repeats: int, warmup: int = 1, settle: float = SETTLE_SECONDS) -> dict:
    """Time each ``name -> setup()`` candidate ``repeats`` times, alternating between them.

    ``setup()`` prepares a fresh run (untimed) and returns the callable to time, so
    every repeat starts from the same weights. Interleaving spreads drift in the
    machine's speed over all candidates alike. Each round starts one candidate further
    along the list, so over as many rounds as candidates each runs once in every
    position, after every other (on this machine the run after a given one was up to 3%
    slower or faster than in another position). Each timed run starts ``settle``
    seconds after the previous one ended (see ``SETTLE_SECONDS``). Returns name -> stats dict,
    with the minor page faults of each timed run (:func:`minor_faults`) beside its time.
    """
    samples = {name: [] for name in candidates}
    faults = {name: [] for name in candidates}
    names = list(candidates)
    for round_index in range(warmup + repeats):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            run = candidates[name]()
            time.sleep(settle)
            faults_before = minor_faults()
            started = time.perf_counter()
            run()
            elapsed = time.perf_counter() - started
            if round_index >= warmup:
                samples[name].append(elapsed)
                if faults_before is not None:
                    faults[name].append(minor_faults() - faults_before)
    return {name: summarize(values, faults[name] or None) for name, values in samples.items()}


def summarize(values: list, faults: list | None = None) -> dict:
    """Median, min, max and the samples of one implementation's times, with its minor page faults per run."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "samples": values,
            "minor_faults": faults}


def median_interval(values: list, confidence: float = 0.95) -> tuple | None:
    """A distribution-free confidence interval for the median: [x₍ₖ₎, x₍ₙ₊₁₋ₖ₎] of the sorted values.

    Each value falls below the true median with probability ½, so the number below it is
    Binomial(n, ½) and P(x₍ₖ₎ ≤ median ≤ x₍ₙ₊₁₋ₖ₎) = 1 − 2·P(B ≤ k − 1). k is the largest order
    with that coverage at least ``confidence``; nothing is assumed about the shape of the
    distribution, which for timings on a shared machine is skewed. None when n is too small
    for any k (fewer than 6 values at 95%).
    """
    if not 0 < confidence < 1:
        raise ValueError(f"median_interval: confidence must be in (0, 1), got {confidence!r}")
    ordered = sorted(values)
    n = len(ordered)
    below, k = 0.0, 0  # below = P(B <= k - 1) for the k reached so far
    while k < n // 2:
        next_below = below + math.comb(n, k) / 2 ** n
        if 2 * next_below > 1 - confidence:
            break
        below, k = next_below, k + 1
    if k == 0:
        return None
    return ordered[k - 1], ordered[n - k]
