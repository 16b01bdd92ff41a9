"""Timing several implementations fairly: repeats interleaved, median and range reported."""
from __future__ import annotations

import statistics
import time


def interleaved(candidates: dict, repeats: int, warmup: int = 1) -> dict:
    """Time each ``name -> setup()`` candidate ``repeats`` times, alternating between them.

    ``setup()`` prepares a fresh run (untimed) and returns the callable to time, so
    every repeat starts from the same weights. Interleaving spreads drift in the
    machine's speed over all candidates alike. Returns name -> stats dict.
    """
    samples = {name: [] for name in candidates}
    for round_index in range(warmup + repeats):
        for name, setup in candidates.items():
            run = setup()
            started = time.perf_counter()
            run()
            elapsed = time.perf_counter() - started
            if round_index >= warmup:
                samples[name].append(elapsed)
    return {name: summarize(values) for name, values in samples.items()}


def summarize(values: list) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "samples": values}
