"""Putting samples together into a batch, as PyTorch's ``default_collate`` does.

A list of samples becomes one batch of the same structure, each leaf stacked along a new
first axis: tensors and arrays into a tensor of their dtype, Python ints into int64, floats
into float64 and bools into bool (PyTorch's choices), strings into a list; tuples, lists,
named tuples and dicts are collated position by position or key by key (a tuple of fields
becomes a list of batches, as in PyTorch, so ``xb, yb = batch`` unpacks either).
"""
from __future__ import annotations

import collections.abc
import copy

import numpy as np

from glassnet.ops.shape import stack
from glassnet.tensor import Tensor

_NOT_NUMBERS = "SaUO"  # NumPy dtype kinds of text and objects, which do not stack into a tensor


def _wrap(array: np.ndarray) -> Tensor:
    return Tensor._from_op(array)


def _check_alike(batch, kind) -> None:
    """Every sample's leaf must be a ``kind`` of the first one's shape, to stack."""
    first = batch[0].shape
    for position, value in enumerate(batch):
        if not isinstance(value, kind):
            raise TypeError(f"default_collate: sample 0 holds a {kind.__name__} here but sample {position} "
                            f"a {type(value).__name__}")
        if value.shape != first:
            raise RuntimeError(f"default_collate: samples stack only when of equal shape, got {first} in "
                               f"sample 0 and {value.shape} in sample {position}")


def _stack_tensors(batch) -> Tensor:
    _check_alike(batch, Tensor)
    if any(t.requires_grad for t in batch):
        return stack(batch)  # a graph op: the batch keeps its gradient
    return _wrap(np.stack([t._data for t in batch]))


def _error(elem) -> TypeError:
    return TypeError(f"default_collate: a batch must hold tensors, NumPy arrays, numbers, strings, dicts or "
                     f"sequences of them; found {type(elem).__name__}. Pass collate_fn= to the DataLoader "
                     f"to put such samples together yourself")


def default_collate(batch):
    """Stack a list of samples into one batch of the same structure (see the module docstring)."""
    if not isinstance(batch, collections.abc.Sequence) or isinstance(batch, (str, bytes)) or len(batch) == 0:
        raise TypeError(f"default_collate: expected a non-empty list of samples, got {type(batch).__name__}")
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack_tensors(batch)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in _NOT_NUMBERS:
            raise _error(elem)
        _check_alike(batch, np.ndarray)
        return _wrap(np.stack(batch))
    if isinstance(elem, (np.bool_, np.number)):
        return _wrap(np.array(batch))
    if isinstance(elem, bool):
        return _wrap(np.array(batch, dtype=np.bool_))
    if isinstance(elem, int):
        return _wrap(np.array(batch, dtype=np.int64))
    if isinstance(elem, float):
        return _wrap(np.array(batch, dtype=np.float64))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([sample[key] for sample in batch]) for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)  # keeps the mapping's own type and attributes
            clone.update(collated)
            return clone
        return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a named tuple keeps its type
        return type(elem)(*(default_collate(list(field)) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        sizes = {len(sample) for sample in batch}
        if len(sizes) > 1:
            raise RuntimeError(f"default_collate: every sample of a batch needs as many fields, got sizes {sorted(sizes)}")
        return [default_collate(list(field)) for field in zip(*batch)]
    raise _error(elem)


def default_convert(data):
    """One sample as a DataLoader with ``batch_size=None`` gives it: arrays become tensors, the rest stays."""
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind in _NOT_NUMBERS else _wrap(data)
    if isinstance(data, (np.bool_, np.number)):
        return _wrap(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(value) for value in data))
    if isinstance(data, tuple):
        return [default_convert(value) for value in data]
    if isinstance(data, list):
        return [default_convert(value) for value in data]
    return data
