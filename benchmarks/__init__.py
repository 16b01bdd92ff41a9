"""The benchmark suite's entry point; the code lives in ``glassnet.benchmarks``."""
