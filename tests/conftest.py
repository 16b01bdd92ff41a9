"""Shared helpers for the test suite."""
import os

# scikit-learn's estimator checks include array-API checks that run only when SciPy is
# imported with this set; set it before anything imports SciPy so none of them is skipped.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def rng():
    """A fixed generator so every test run draws the same numbers."""
    return np.random.default_rng(1234)


@pytest.fixture
def default_float64():
    """glassnet's default dtype set to float64 for one test, and put back afterwards."""
    import glassnet

    before = glassnet.get_default_dtype()
    glassnet.set_default_dtype("float64")
    try:
        yield
    finally:
        glassnet.set_default_dtype(before)
