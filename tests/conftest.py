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


@pytest.fixture
def record_fits(monkeypatch):
    """``record_fits(module, name)`` wraps the fit function ``module.name`` so each call's (X, y) is kept
    in the list it returns, and the fit still runs."""
    def install(module, name: str) -> list:
        fitted, real_fit = [], getattr(module, name)

        def recording_fit(model, loss, optimizer, X, y, **options):
            fitted.append((X, y))
            return real_fit(model, loss, optimizer, X, y, **options)

        monkeypatch.setattr(module, name, recording_fit)
        return fitted

    return install
