"""Dropout: while training, each element is kept with probability 1 − p, so no unit can count on another."""
from __future__ import annotations

import numbers

import numpy as np

from glassnet.random import as_generator
from glassnet.tensor import Tensor, as_tensor


def check_probability(p, caller: str) -> float:
    """``p`` as a float in [0, 1], or a ValueError naming ``caller``."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:  # NaN fails too
        raise ValueError(f"{caller}: p must be a probability in [0, 1] (the chance that an element is zeroed), "
                         f"got {p!r}")
    return float(p)


def dropout_mask(shape: tuple, p: float, dtype, generator=None) -> np.ndarray:
    """m_i = k_i / (1 − p) with k_i ~ Bernoulli(1 − p): 0 or exactly 1/(1 − p) in ``dtype``; all 0 for p = 1."""
    rng = as_generator(generator)
    if p == 1.0:
        return np.zeros(shape, dtype=dtype)
    mask = (rng.random(shape) >= p).astype(dtype)
    mask /= dtype.type(1.0 - p)  # the survivors' scale rounded once in the input's dtype, as PyTorch's
    return mask


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False, *, generator=None):
    """dropout(x)_i = x_i · k_i / (1 − p), k_i ~ Bernoulli(1 − p), while ``training``; x itself otherwise.

    Inverted dropout, as in PyTorch: the survivors are scaled up during training, so the expected
    output equals the input and evaluation needs no rescaling. The gradient is the same mask,
    dL/dx_i = dL/dy_i · k_i / (1 − p) (dropout is a product with a constant). ``p = 0`` and
    ``training=False`` return the input; ``p = 1`` gives zeros.

    ``inplace`` is taken for PyTorch code and changes nothing (the output is a new array).
    ``generator`` (None: glassnet's default generator, an int seed, or a numpy.random.Generator)
    draws the mask.

    Shape:
        input (*) → output (*), the same.
    """
    p = check_probability(p, "dropout")
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"dropout: training must be True or False, got {training!r}")
    if not isinstance(inplace, (bool, np.bool_)):
        raise TypeError(f"dropout: inplace must be True or False, got {inplace!r}")
    input = as_tensor(input)
    if input._data.dtype.kind != "f":
        raise TypeError(f"dropout: input must be a float tensor, got dtype {input._data.dtype}; "
                        f"convert it with .astype('float32')")
    if not training or p == 0.0:
        return input
    mask = dropout_mask(input.shape, p, input._data.dtype, generator)
    return input * Tensor._from_op(mask)

