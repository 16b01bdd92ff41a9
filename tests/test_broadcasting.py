"""Property-based: gradients through broadcasting are summed back to each input's shape."""
import autograd.numpy as anp
import numpy as np
from autograd import grad as autograd_grad
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import glassnet as gn

OPERATIONS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "pow": (lambda a, b: a**b, lambda a, b: a**b),
}


@settings(max_examples=60, deadline=None)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4),
       operation=st.sampled_from(sorted(OPERATIONS)), seed=st.integers(0, 2**16))
def test_broadcast_gradients_match_autograd(shapes, operation, seed):
    rng = np.random.default_rng(seed)
    shape_a, shape_b = shapes.input_shapes
    a_data = rng.uniform(0.5, 2.0, size=shape_a)
    b_data = rng.uniform(0.5, 2.0, size=shape_b)
    weights = rng.standard_normal(shapes.result_shape)
    ours, reference = OPERATIONS[operation]
    a = gn.tensor(a_data, requires_grad=True)
    b = gn.tensor(b_data, requires_grad=True)
    (ours(a, b) * weights).sum().backward()
    assert a.grad.shape == shape_a and b.grad.shape == shape_b
    expected_a = autograd_grad(lambda x: anp.sum(reference(x, b_data) * weights))(a_data)
    expected_b = autograd_grad(lambda y: anp.sum(reference(a_data, y) * weights))(b_data)
    np.testing.assert_allclose(a.grad.data, expected_a, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.grad.data, expected_b, rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, max_side=3),
       seed=st.integers(0, 2**16))
def test_unbroadcast_equals_summing_over_broadcast_axes(shapes, seed):
    from glassnet.ops.registry import unbroadcast

    rng = np.random.default_rng(seed)
    shape = shapes.input_shapes[0]
    g = rng.standard_normal(shapes.result_shape)
    # independent reference: gradient of sum(broadcast_to(x) * g) by autograd
    expected = autograd_grad(lambda x: anp.sum((x + np.zeros(g.shape)) * g))(np.zeros(shape))
    np.testing.assert_allclose(unbroadcast(g, shape), expected, rtol=1e-12, atol=1e-12)
