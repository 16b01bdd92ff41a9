"""gradient_descent against hand-computed iterates, and loss-surface slices against the network itself."""
import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.descent import FUNCTIONS, Objective, gradient_descent, get_function, loss_surface_slice


def test_profit_is_maximised_at_three():
    # P(x) = -2x^2 + 12x - 10, P'(x) = -4x + 12 = 0 at x = 3, P(3) = 8
    result = gradient_descent("profit")
    assert result.maximize
    assert abs(result.final[0] - 3.0) < 1e-4
    assert abs(result.values[-1] - 8.0) < 1e-7
    assert np.all(np.diff(result.values) >= 0)  # ascent climbs every step


def test_profit_iterates_match_hand_computed_ascent():
    x, lr = 0.0, 0.1
    expected = [x]
    for _ in range(5):
        x = x + lr * (-4 * x + 12)
        expected.append(x)
    result = gradient_descent("profit", steps=5)
    np.testing.assert_allclose(result.path[:, 0], expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.gradients[:, 0], [-4 * v + 12 for v in expected], atol=1e-12)


def test_quadratic_matches_closed_form_iterates():
    # f(x) = (x - 2)^2 + 1, f'(x) = 2(x - 2): x_{k+1} - 2 = (1 - 2 lr)(x_k - 2)
    start, lr, steps = -3.0, 0.1, 40
    result = gradient_descent("quadratic", start=start, lr=lr, steps=steps)
    k = np.arange(steps + 1)
    np.testing.assert_allclose(result.path[:, 0], 2 + (start - 2) * (1 - 2 * lr) ** k, atol=1e-12)
    np.testing.assert_allclose(result.values, (result.path[:, 0] - 2) ** 2 + 1, atol=1e-12)


def test_bowl_matches_hand_iterates():
    # f(x, y) = x^2 + 10 y^2, grad = (2x, 20y)
    point, lr = np.array([-4.0, 1.5]), 0.08
    expected = [point]
    for _ in range(40):
        point = point - lr * np.array([2 * point[0], 20 * point[1]])
        expected.append(point)
    result = gradient_descent("bowl")
    np.testing.assert_allclose(result.path, np.array(expected), atol=1e-12)
    assert result.path.shape == (41, 2) and result.gradients.shape == (41, 2) and result.values.shape == (41,)


def test_rosenbrock_moves_toward_one_one():
    result = gradient_descent("rosenbrock")
    distances = np.linalg.norm(result.path - np.array([1.0, 1.0]), axis=1)
    assert distances[-1] < 0.5 * distances[0]
    assert result.values[-1] < 1e-2 * result.values[0]
    # the analytic gradient at the start: (-2(1-x) - 400x(y - x^2), 200(y - x^2))
    x, y = -1.2, 1.0
    np.testing.assert_allclose(result.gradients[0], [-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], rtol=1e-12)


def test_every_registered_function_reaches_its_optimum_neighbourhood():
    for name, objective in FUNCTIONS.items():
        result = gradient_descent(name, steps=20000 if name == "rosenbrock" else None)
        assert np.allclose(result.final, objective.optimum, atol=1e-2), name


def test_plain_python_function_and_errors():
    result = gradient_descent(lambda x, y: (x - 1) ** 2 + 3 * (y + 2) ** 2, start=(0.0, 0.0), lr=0.1, steps=200)
    np.testing.assert_allclose(result.final, [1.0, -2.0], atol=1e-6)
    with pytest.raises(ValueError, match="valid names.*bowl"):
        gradient_descent("nope")
    with pytest.raises(ValueError, match="start="):
        gradient_descent(lambda x: x**2)
    with pytest.raises(TypeError, match="cannot differentiate"):
        gradient_descent(lambda x: np.sin(np.asarray(x, dtype=float)), start=1.0)
    with pytest.raises(ValueError, match="lr"):
        gradient_descent("bowl", lr=-1)
    with pytest.raises(ValueError, match="start"):
        gradient_descent("bowl", start=(1.0,))
    with pytest.raises(TypeError, match="function"):
        get_function(3)


def test_divergence_stops_the_path():
    result = gradient_descent(lambda x: x.exp(), start=0.0, lr=1e3, steps=10, maximize=True)
    assert result.diverged
    assert np.isfinite(result.values).all() and len(result.path) < 11


def test_objective_values_work_on_grids():
    grid = np.linspace(-1, 1, 5)
    np.testing.assert_allclose(FUNCTIONS["bowl"].values(grid, grid), grid**2 + 10 * grid**2)
    assert isinstance(FUNCTIONS["bowl"], Objective)


def _xor_model():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0])
    model = nn.Sequential(nn.Linear(2, 3, generator=0), nn.Sigmoid(), nn.Linear(3, 2, generator=1))
    return model, X, y


def test_loss_surface_slice_value_gradient_and_restore():
    model, X, y = _xor_model()
    model = model.double() if hasattr(model, "double") else model
    loss_fn = nn.CrossEntropyLoss()
    before = {name: p.data.copy() for name, p in model.named_parameters()}
    surface = loss_surface_slice(model, loss_fn, X, y, parameters=[("0.weight", (1, 0)), ("2.weight", 3)])
    assert surface.variable_names == ("0.weight[1, 0]", "2.weight[1, 0]")
    a, b = surface.start
    assert a == before["0.weight"][1, 0] and b == before["2.weight"][1, 0]
    # the value at the start is the network's loss; the slope agrees with central differences
    assert surface(a, b) == pytest.approx(gn.evaluate(model, loss_fn, X, y)["loss"], rel=1e-6)
    value, gradient = surface.value_and_gradient(np.array([a + 0.3, b - 0.2]))
    h = 1e-2
    numeric = [(surface(a + 0.3 + h, b - 0.2) - surface(a + 0.3 - h, b - 0.2)) / (2 * h),
               (surface(a + 0.3, b - 0.2 + h) - surface(a + 0.3, b - 0.2 - h)) / (2 * h)]
    np.testing.assert_allclose(gradient, numeric, rtol=2e-2, atol=1e-4)
    result = gradient_descent(surface, lr=1.0, steps=30)
    assert result.values[-1] < result.values[0]
    A, B, S = surface.grid()
    assert S.shape == (surface.resolution, surface.resolution) and np.isfinite(S).all()
    for name, p in model.named_parameters():  # every evaluation put the weights back
        np.testing.assert_array_equal(p.data, before[name])
        assert p.grad is None


def test_loss_surface_slice_errors():
    model, X, y = _xor_model()
    loss_fn = nn.CrossEntropyLoss()
    with pytest.raises(ValueError, match="no parameter 'nope'.*0.weight"):
        loss_surface_slice(model, loss_fn, X, y, parameters=[("nope", 0), ("0.weight", 1)])
    with pytest.raises(ValueError, match="outside"):
        loss_surface_slice(model, loss_fn, X, y, parameters=[("0.weight", (5, 0)), ("0.weight", 1)])
    with pytest.raises(ValueError, match="same weight"):
        loss_surface_slice(model, loss_fn, X, y, parameters=[("0.weight", (0, 1)), ("0.weight", 1)])
    with pytest.raises(ValueError, match="exactly two"):
        loss_surface_slice(model, loss_fn, X, y, parameters=[("0.weight", 0)])


def test_a_function_of_star_args_takes_any_start_and_messages_name_plain_numbers():
    result = gradient_descent(lambda *p: p[0] ** 2 + p[1] ** 2, start=(1.0, 1.0), lr=0.25, steps=3)
    np.testing.assert_allclose(result.final, [0.125, 0.125])  # x ← x − 0.25 · 2x halves x each step
    with pytest.raises(ValueError, match="the function takes 1 variable but start has 2"):
        gradient_descent(lambda x: x ** 2, start=(1.0, 1.0))
    with pytest.raises(ValueError, match=r"quadratic is not finite at the start \(1e\+200\)$"):
        gradient_descent("quadratic", start=(1e200,))
