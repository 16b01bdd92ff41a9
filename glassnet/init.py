"""Initial values for parameters, filled in place (names and maths as in ``torch.nn.init``).

Every function takes ``generator``: ``None`` (the default generator that
``glassnet.manual_seed`` seeds), an int seed, or a ``numpy.random.Generator``.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from glassnet.random import as_generator
from glassnet.tensor import Tensor

_GAINS = {
    "linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "conv1d": 1.0, "conv2d": 1.0, "conv3d": 1.0,
    "conv_transpose1d": 1.0, "conv_transpose2d": 1.0, "conv_transpose3d": 1.0,
    "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 3.0 / 4,
}


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The factor that keeps activations' variance steady through ``nonlinearity``."""
    if nonlinearity == "leaky_relu":
        if param is not None and (isinstance(param, bool) or not isinstance(param, numbers.Real)):
            raise ValueError(f"calculate_gain: the negative slope of leaky_relu must be a number, got {param!r}")
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity not in _GAINS:
        raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r}; valid: {sorted(_GAINS) + ['leaky_relu']}")
    return _GAINS[nonlinearity]


def _fans(tensor) -> tuple:
    """fan_in, fan_out of a weight shaped (out_features, in_features, *kernel)."""
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a tensor of at least 2 dimensions, got shape {shape}")
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _check_tensor(tensor, function: str) -> None:
    """A Tensor, or the float ndarray behind one (``layer.weight.data``, as PyTorch code passes)."""
    if isinstance(tensor, np.ndarray):
        if tensor.dtype.kind != "f" or not tensor.flags.writeable:
            raise TypeError(f"{function}: an ndarray to fill must be a writeable float array, got dtype "
                            f"{tensor.dtype}{'' if tensor.flags.writeable else ', read-only'}")
        return
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{function}: expected a glassnet Tensor such as layer.weight (or its .data), "
                        f"got {type(tensor).__name__}")


def _check_number(value, name: str, function: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{function}: {name} must be a finite number, got {value!r}")
    return float(value)


def _fill(tensor, values: np.ndarray):
    target = tensor if isinstance(tensor, np.ndarray) else tensor.data
    target[...] = values.astype(target.dtype, copy=False)
    return tensor


def uniform_(tensor, a: float = 0.0, b: float = 1.0, generator=None):
    """Fill with U(a, b)."""
    _check_tensor(tensor, "uniform_")
    a, b = _check_number(a, "a", "uniform_"), _check_number(b, "b", "uniform_")
    if a > b:
        raise ValueError(f"uniform_: the range [a, b) needs a <= b, got a={a!r} > b={b!r}")
    return _fill(tensor, as_generator(generator).uniform(a, b, size=tensor.shape))


def normal_(tensor, mean: float = 0.0, std: float = 1.0, generator=None):
    """Fill with N(mean, std²)."""
    _check_tensor(tensor, "normal_")
    mean, std = _check_number(mean, "mean", "normal_"), _check_number(std, "std", "normal_")
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std!r}")
    return _fill(tensor, as_generator(generator).normal(mean, std, size=tensor.shape))


def constant_(tensor, value: float):
    """Fill with ``value``."""
    _check_tensor(tensor, "constant_")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"constant_: value must be a number, got {value!r}")
    (tensor if isinstance(tensor, np.ndarray) else tensor.data)[...] = value
    return tensor


def zeros_(tensor):
    """Fill with 0."""
    return constant_(tensor, 0.0)


def ones_(tensor):
    """Fill with 1."""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor, gain: float = 1.0, generator=None):
    """Glorot: U(-a, a) with a = gain · sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain: float = 1.0, generator=None):
    """Glorot: N(0, std²) with std = gain · sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def _kaiming_std(tensor, a, mode, nonlinearity) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator=None):
    """He: U(-b, b) with b = gain · sqrt(3 / fan)."""
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator=None):
    """He: N(0, std²) with std = gain / sqrt(fan)."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)
