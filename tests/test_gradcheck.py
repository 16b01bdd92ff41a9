"""gradcheck itself: it passes correct gradients and catches wrong ones."""
import numpy as np
import pytest

import glassnet as gn
from glassnet.ops.registry import OPS, primitive


@primitive(name="_wrong_square_for_test")
def wrong_square(x):
    # deliberately wrong: d/dx x² is 2x, not 3x
    return x * x, (lambda g: g * 3 * x,)


OPS.pop("_wrong_square_for_test")  # keep the registry to the real ops


def test_gradcheck_catches_a_wrong_derivative():
    x = gn.tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True)
    with pytest.raises(gn.GradcheckError, match="MISMATCH"):
        gn.gradcheck(wrong_square, x)
    report = gn.gradcheck(lambda v: wrong_square(v).sum(), x, raise_exception=False)
    assert not report.ok
    worst = report.inputs[0]
    assert worst.index == (1,)  # the largest |x|, where 3x and 2x differ most
    assert worst.analytic == pytest.approx(-6.0) and worst.numeric == pytest.approx(-4.0, abs=1e-6)


def test_gradcheck_reports_each_input():
    a = gn.tensor(np.array([[1.0, 2.0]]), requires_grad=True)
    b = gn.tensor(np.array([[3.0], [4.0]]), requires_grad=True)
    c = gn.tensor(np.array([5.0]))  # constant: not checked
    report = gn.gradcheck(lambda a, b, c: (a @ b) * c, a, b, c)
    assert report.ok and [r.input for r in report.inputs] == [0, 1]
    assert "input" in str(report)


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="requires_grad"):
        gn.gradcheck(lambda a: a * 2, gn.tensor(np.ones(2)))
