"""Optimizer: the STEP of the learning cycle, W ← W − (update computed from dL/dW).

Hyper-parameters live in ``param_groups`` (a list of dicts, as in PyTorch, so
``optimizer.param_groups[0]["lr"]`` reads and sets the learning rate); state such
as momentum buffers lives in ``state[parameter]``. Each subclass's ``step``
calls a plain update function that changes the parameter's array in place.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

from glassnet.errors import ShapeError
from glassnet.tensor import Tensor


def check_hyperparameter(optimizer: str, name: str, value, low: float = 0.0, high: float | None = None,
                         low_inclusive: bool = True, high_inclusive: bool = False) -> None:
    """Raise ValueError naming ``name`` unless ``value`` is a finite number in the range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{optimizer}: {name} must be a finite number, got {value!r}")
    too_low = value < low if low_inclusive else value <= low
    too_high = high is not None and (value > high if high_inclusive else value >= high)
    if too_low or too_high:
        left = "[" if low_inclusive else "("
        right = ("]" if high_inclusive else ")") if high is not None else ")"
        raise ValueError(f"{optimizer}: {name} must be in {left}{low}, {high if high is not None else 'inf'}{right}, got {value!r}")


def _python_number(value):
    """A NumPy scalar (or a tuple/list of them) as Python numbers, which keep a float32 update in float32.

    Under NumPy 2's promotion rules ``np.float64(1e-3) * float32_array`` is float64, while a
    Python float is weak and takes the array's dtype, as PyTorch treats any number it is given.
    """
    if isinstance(value, np.generic) and not isinstance(value, np.bool_):
        return value.item()
    if isinstance(value, (tuple, list)):
        return type(value)(_python_number(v) for v in value)
    return value


class Optimizer:
    """Base class: keeps ``param_groups`` and per-parameter ``state``; subclasses define ``_update``."""

    def __init__(self, params, defaults: dict):
        self.defaults = dict(defaults)
        self.state: dict = {}
        self.param_groups: list = []
        if isinstance(params, Tensor):
            raise TypeError(f"{type(self).__name__}: params must be an iterable of tensors (e.g. model.parameters()), got a single Tensor")
        try:
            groups = list(params)
        except TypeError:
            raise TypeError(f"{type(self).__name__}: params must be an iterable of tensors (e.g. model.parameters()), "
                            f"got {type(params).__name__}") from None
        if not groups:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list; pass model.parameters()")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict) -> None:
        """Add a dict with ``"params"`` and optional overrides of the defaults."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{type(self).__name__}: a parameter group must be a dict with a 'params' entry, "
                            f"got {group!r}"[:300])
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__}: can only optimize Tensors, got {type(p).__name__}")
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: a parameter of shape {p.shape} appears in more than one group")
            seen.add(id(p))
        unknown = set(group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise ValueError(f"{type(self).__name__}: unknown options {sorted(unknown)}; valid: {sorted(self.defaults)}")
        full = {**self.defaults, **group, "params": params}
        self._validate(full)
        self.param_groups.append(full)

    def _validate(self, group: dict) -> None:
        for key, value in group.items():
            if key != "params":
                group[key] = _python_number(value)
        check_hyperparameter(type(self).__name__, "lr", group["lr"])

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter this optimizer updates.

        With ``set_to_none`` (the default) ``.grad`` becomes None and the old array is kept aside for
        the next ``backward()`` to write into, as long as nothing else holds it (to free that memory
        instead, set ``p.grad = None`` yourself). Otherwise the gradients are zeroed.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p._forget_grad()
                else:
                    p.grad.data[...] = 0

    def step(self, closure=None):
        """Update every parameter that has a gradient; ``closure`` re-evaluates and returns the loss."""
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            if type(group["lr"]) is not float:  # an lr set by hand as np.float64 would turn the step float64
                group["lr"] = _python_number(group["lr"])
            with_grad = [p for p in group["params"] if p.grad is not None]
            if with_grad:
                self._update_group(with_grad, group)
        return loss

    def _update_group(self, params: list, group: dict) -> None:
        """Update one group's parameters that have gradients (override to update them together)."""
        state = self.state
        for p in params:
            self._update(p._data, p.grad._data, state.setdefault(p, {}), group)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------ saving
    def state_dict(self) -> dict:
        """Hyper-parameters and per-parameter state, with parameters named by position."""
        index = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index[id(p)] = len(index)
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {
            index[id(p)]: {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in s.items()}
            for p, s in self.state.items() if id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what ``state_dict()`` returned (for the same parameters, in the same order).

        Everything is checked before anything changes: the groups and their parameter counts, that
        each saved group has this optimizer's options with valid values, and that each state array
        has its parameter's shape. A state that does not fit raises and leaves the optimizer as it was.
        """
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping) or not {"state", "param_groups"} <= set(state_dict):
            raise TypeError(f"{name}: expected the dict with 'state' and 'param_groups' that state_dict() "
                            f"returns, got {type(state_dict).__name__}")
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups) or any(
            len(g["params"]) != len(own["params"]) for g, own in zip(groups, self.param_groups)
        ):
            raise ValueError(f"{name}: the saved optimizer has a different number of parameter groups or parameters")
        merged_groups = []
        for i, (saved, own) in enumerate(zip(groups, self.param_groups)):
            foreign = set(saved) - set(own) - {"initial_lr"}  # initial_lr is added by a scheduler
            if foreign:
                raise ValueError(f"{name}: group {i} has options {sorted(foreign)} that {type(self).__name__} does not "
                                 f"have (its options: {sorted(self.defaults)}); was it saved from another optimizer?")
            merged = {**own, **{k: v for k, v in saved.items() if k != "params"}}
            self._validate(merged)
            merged_groups.append(merged)
        params = [p for group in self.param_groups for p in group["params"]]
        state = {}
        for key, values in state_dict["state"].items():
            index = int(key)
            if not 0 <= index < len(params):
                raise ValueError(f"{name}: state for parameter {key!r}, but this optimizer has parameters 0..{len(params) - 1}")
            p, entry = params[index], {}
            for k, v in values.items():
                if isinstance(v, np.ndarray) and v.ndim:  # a 0-d array is a number (a step count, say)
                    if v.shape != p.shape:
                        raise ShapeError(f"{name}: state {k!r} of parameter {index} has shape {v.shape}, "
                                         f"but the parameter has shape {p.shape}")
                    v = np.array(v, dtype=p.dtype)
                entry[k] = v
            state[p] = entry
        for own, merged in zip(self.param_groups, merged_groups):
            own.update(merged)
        self.state = state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)
