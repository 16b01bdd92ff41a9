"""A two-weight slice through a real network's loss surface.

A network's loss L(W) depends on thousands of weights, too many to draw. Fix all
of them but two scalars, w_a and w_b, and L becomes a surface over a plane:

    S(a, b) = L(W with w_a = a and w_b = b)

That surface can be drawn as contours and descended with
:func:`glassnet.descent.gradient_descent`; its gradient (dL/dw_a, dL/dw_b) comes
from the network's own ``backward()``::

    surface = loss_surface_slice(model, nn.CrossEntropyLoss(), X, y,
                                 parameters=[("0.weight", (0, 0)), ("0.weight", (1, 0))])
    result = gradient_descent(surface, lr=0.5, steps=60)
"""
from __future__ import annotations

import numbers

import numpy as np

from glassnet.grad_mode import no_grad
from glassnet.tensor import Tensor
from glassnet.validation import check_features, check_positive_int, check_positive_number, check_targets


class LossSurfaceSlice:
    """S(a, b): the loss of ``model`` on (X, y) with two chosen scalar weights set to a and b.

    It has the interface of :class:`glassnet.descent.Objective` (``start``, ``lr``, ``steps``,
    ``bounds``, ``value_and_gradient``, ``values``), so ``gradient_descent`` and
    ``glassnet.viz.animate_descent_2d`` accept it. Every evaluation puts the model's
    weights back as they were.
    """

    maximize = False
    log_scale = False
    optimum = None

    def __init__(self, model, loss_fn, X, y, parameters, span, resolution, lr, steps):
        self.model, self.loss_fn = model, loss_fn
        named = dict(model.named_parameters())
        if not named:
            raise ValueError("loss_surface_slice: the model has no parameters")
        dtype = next(iter(named.values())).dtype
        self.X = Tensor._from_op(check_features(X, "X", dtype))
        targets = check_targets(y, len(self.X), "y")
        self.y = targets if targets.dtype.kind in "iu" else targets.astype(dtype, copy=False)
        self.targets = [self._resolve(named, choice, position) for position, choice in enumerate(parameters)]
        (first, first_index, _), (second, second_index, _) = self.targets
        if first is second and first_index == second_index:
            raise ValueError(f"parameters: both entries name the same weight {self.targets[0][2]}; choose two different ones")
        self.start = tuple(float(p.data[index]) for p, index, _ in self.targets)
        self.bounds = tuple((c - span, c + span) for c in self.start)
        self.resolution = resolution
        self.lr, self.steps = lr, steps
        self.variable_names = tuple(label for _, _, label in self.targets)
        self.name = "loss slice"
        self.value_name = "loss"
        self.formula = f"loss as a function of {self.variable_names[0]} and {self.variable_names[1]}"
        self.n_variables = 2
        self._grid = None

    @staticmethod
    def _resolve(named, choice, position):
        if not (isinstance(choice, (tuple, list)) and len(choice) == 2 and isinstance(choice[0], str)):
            raise TypeError(f"parameters[{position}]: expected (parameter name, index), e.g. ('0.weight', (0, 1)), got {choice!r}")
        name, index = choice
        if name not in named:
            raise ValueError(f"parameters[{position}]: the model has no parameter {name!r}; it has {sorted(named)}")
        parameter = named[name]
        if isinstance(index, numbers.Integral):
            index = np.unravel_index(int(index), parameter.shape) if 0 <= index < parameter.numel() else None
        else:
            index = tuple(int(i) for i in index)
            if len(index) != parameter.ndim or not all(0 <= i < n for i, n in zip(index, parameter.shape)):
                index = None
        if index is None:
            raise ValueError(f"parameters[{position}]: index {choice[1]!r} is outside {name} of shape {parameter.shape}")
        index = tuple(int(i) for i in index)
        return parameter, index, f"{name}[{', '.join(str(i) for i in index)}]"

    def _set(self, a, b):
        saved = [p.data[index] for p, index, _ in self.targets]
        for (parameter, index, _), value in zip(self.targets, (a, b)):
            parameter.data[index] = value
        return saved

    def _restore(self, saved):
        for (parameter, index, _), value in zip(self.targets, saved):
            parameter.data[index] = value

    def _loss(self):
        return self.loss_fn(self.model(self.X), self.y)

    def __call__(self, a, b) -> float:
        """S(a, b), the loss with the two weights set to a and b."""
        saved = self._set(a, b)
        try:
            with no_grad():
                return float(self._loss().item())
        finally:
            self._restore(saved)

    def value_and_gradient(self, point) -> tuple:
        """(S, (dS/da, dS/db)) at ``point`` from one forward and one ``backward()`` of the network."""
        saved = self._set(*point)
        parameters = list(self.model.parameters())  # backward() reaches all of them; leave their .grad as found
        old_grads = [p.grad for p in parameters]
        try:
            for parameter in parameters:
                parameter.grad = None
            loss = self._loss()
            loss.backward()
            gradient = np.array([float(p.grad.data[index]) for p, index, _ in self.targets], dtype=np.float64)
            return float(loss.item()), gradient
        finally:
            for parameter, grad in zip(parameters, old_grads):
                parameter.grad = grad
            self._restore(saved)

    def values(self, A, B) -> np.ndarray:
        """S evaluated at every (A[i, j], B[i, j]) (one forward pass per point)."""
        A, B = np.asarray(A, dtype=np.float64), np.asarray(B, dtype=np.float64)
        return np.array([self(a, b) for a, b in zip(A.ravel(), B.ravel())]).reshape(A.shape)

    def grid(self):
        """(A, B, S) on a ``resolution`` x ``resolution`` grid over ``bounds`` (computed once)."""
        if self._grid is None:
            (a0, a1), (b0, b1) = self.bounds
            A, B = np.meshgrid(np.linspace(a0, a1, self.resolution), np.linspace(b0, b1, self.resolution))
            self._grid = (A, B, self.values(A, B))
        return self._grid

    def __repr__(self) -> str:
        return f"LossSurfaceSlice({self.variable_names[0]}, {self.variable_names[1]}, start={self.start})"


def _default_parameters(model):
    for name, parameter in model.named_parameters():
        if parameter.numel() >= 2:
            return [(name, 0), (name, 1)]
    raise ValueError("loss_surface_slice: no parameter has two entries; pass parameters= explicitly")


def loss_surface_slice(model, loss_fn, X, y, parameters=None, span: float = 3.0, resolution: int = 41,
                       lr: float = 0.5, steps: int = 50) -> LossSurfaceSlice:
    """The loss of ``model`` on (X, y) as a function of two of its scalar weights, the rest fixed.

    S(a, b) = loss_fn(model(X), y) with w_a = a, w_b = b.

    Parameters
    ----------
    model : glassnet.nn.Module
    loss_fn : callable ``(output, target) -> scalar Tensor``
    X, y : arrays
        The data the loss is measured on.
    parameters : pair of (name, index), optional
        The two weights to vary, e.g. ``[("0.weight", (0, 0)), ("2.weight", (1, 2))]``; an
        index may be a tuple or a flat int. Default: the first two entries of the first
        parameter with at least two.
    span : float
        The drawn region reaches this far either side of each weight's current value.
    resolution : int
        Grid points per side for drawing.
    lr, steps :
        Defaults for ``gradient_descent`` on this slice; it starts at the current weights.
    """
    parameters = _default_parameters(model) if parameters is None else list(parameters)
    if len(parameters) != 2:
        raise ValueError(f"parameters: expected exactly two (name, index) pairs, got {len(parameters)}")
    return LossSurfaceSlice(model, loss_fn, X, y, parameters,
                            span=check_positive_number(span, "span"),
                            resolution=check_positive_int(resolution, "resolution", minimum=2),
                            lr=check_positive_number(lr, "lr"), steps=check_positive_int(steps, "steps", minimum=0))


__all__ = ["LossSurfaceSlice", "loss_surface_slice"]
