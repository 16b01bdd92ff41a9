"""Shared helpers for the test suite."""
import numpy as np
import pytest


@pytest.fixture
def rng():
    """A fixed generator so every test run draws the same numbers."""
    return np.random.default_rng(1234)
