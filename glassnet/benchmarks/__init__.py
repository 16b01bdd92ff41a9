"""Benchmarks: glassnet side by side with a hand-written NumPy loop, the bare GEMMs, PyTorch and scikit-learn.

Run ``python -m benchmarks`` (or ``glassnet bench``); ``--quick`` for a one-minute run.
Nothing here is imported by ``import glassnet``.
"""
