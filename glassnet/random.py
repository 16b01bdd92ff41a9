"""Explicit randomness: a seed or a ``numpy.random.Generator`` wherever chance enters.

``manual_seed(n)`` reseeds, in place, the default generator used when a function is
given neither; nothing is seeded at import.
"""
from __future__ import annotations

import numpy as np


class _DefaultGenerator:
    """Holds the generator used when a caller passes no ``generator``/``seed``."""

    generator = None


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the default generator, like ``torch.manual_seed``; returns it.

    As in PyTorch the default generator is reseeded in place: a reference to it taken earlier
    (``default_generator()``) draws the new sequence too.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"manual_seed: seed must be >= 0, got {int(seed)}")
    fresh = np.random.default_rng(int(seed))
    if _DefaultGenerator.generator is None:
        _DefaultGenerator.generator = fresh
    else:
        _DefaultGenerator.generator.bit_generator.state = fresh.bit_generator.state
    return _DefaultGenerator.generator


def default_generator() -> np.random.Generator:
    """The generator behind ``manual_seed`` (unseeded until it is called)."""
    if _DefaultGenerator.generator is None:
        _DefaultGenerator.generator = np.random.default_rng()
    return _DefaultGenerator.generator


def as_generator(generator=None, argument: str = "generator") -> np.random.Generator:
    """Turn ``None`` (the default generator), an int seed or a Generator into a Generator."""
    if generator is None:
        return default_generator()
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
        if generator < 0:
            raise ValueError(f"{argument}: an int seed must be >= 0, got {int(generator)}")
        return np.random.default_rng(int(generator))
    raise TypeError(
        f"{argument}: expected None, an int seed or a numpy.random.Generator, "
        f"got {type(generator).__name__}"
    )


class preserved_default_generator:
    """``with preserved_default_generator(): ...`` leaves the default generator as it found it.

    For work that must not change what later unseeded calls draw (``glassnet.save`` rebuilds a
    model to check its file, which initialises weights).
    """

    def __enter__(self):
        generator = _DefaultGenerator.generator
        self.saved = None if generator is None else (generator, generator.bit_generator.state)
        return self

    def __exit__(self, *exc):
        if self.saved is None:
            _DefaultGenerator.generator = None
        else:
            generator, state = self.saved
            generator.bit_generator.state = state
            _DefaultGenerator.generator = generator
        return False
