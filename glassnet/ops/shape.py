"""Primitives that move data without arithmetic: reshape, transpose, indexing, joining, casting."""
from __future__ import annotations

import operator

import numpy as np

from glassnet.errors import ShapeError
from glassnet.ops.registry import primitive


@primitive(n_tensors=1)
def reshape(x, shape):
    """The same elements in a new shape."""
    try:
        y = x.reshape(shape)
    except ValueError:
        raise ShapeError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) into {tuple(shape)}") from None
    # the gradient is reshaped back: each element keeps its own derivative
    return y, (lambda g: g.reshape(x.shape),)


@primitive(n_tensors=1)
def transpose(x, axes=None):
    """Permute dimensions: output dimension k is input dimension axes[k] (reversed when ``axes`` is None)."""
    if axes is not None:
        axes = _permutation(axes, x.shape)
    inverse = None if axes is None else tuple(np.argsort(axes))
    # the gradient is permuted back with the inverse permutation
    return x.transpose(axes), (lambda g: g.transpose(inverse),)


def _permutation(axes, shape: tuple) -> tuple:
    """``axes`` with negative dimensions counted from the end, or a ShapeError unless it orders all of 0..ndim-1."""
    ndim = len(shape)
    try:
        result = tuple(operator.index(a) % ndim if -ndim <= operator.index(a) < 0 else operator.index(a) for a in axes)
    except TypeError:
        raise TypeError(f"transpose: the dimensions must be integers, got {tuple(axes)!r}") from None
    if sorted(result) != list(range(ndim)):
        raise ShapeError(f"transpose: the dimensions {tuple(axes)} are not an order of all {ndim} dimensions "
                         f"of a tensor of shape {shape}")
    return result


def _is_basic_index(index) -> bool:
    """Slices, integers, None and Ellipsis select each element at most once."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (slice, int, np.integer)) for p in parts)


@primitive(n_tensors=1)
def getitem(x, index):
    """x[index] with NumPy's basic and advanced indexing."""
    try:
        y = x[index]
    except IndexError as error:
        raise IndexError(f"index {index!r} is out of range for a tensor of shape {x.shape}: {error}") from None

    def grad(g):
        # d x[idx] / dx scatters g back into the selected places (adding where an index repeats)
        full = np.zeros(x.shape, dtype=g.dtype)
        if _is_basic_index(index):
            full[index] = g
        else:
            np.add.at(full, index, g)
        return full

    return y, (grad,)


def _split_points(sizes):
    return np.cumsum(sizes)[:-1]


def _concatenate(*arrays, axis=0):
    """Join along an existing axis."""
    try:
        y = np.concatenate(arrays, axis=axis)
    except ValueError as error:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise ShapeError(f"concatenate: shapes {shapes} cannot be joined along axis {axis}: {error}") from None
    pieces = _split_points([a.shape[axis] for a in arrays])

    def grad_of(i):
        # each input gets back its own slice of the gradient
        return lambda g: np.split(g, pieces, axis=axis)[i]

    return y, tuple(grad_of(i) for i in range(len(arrays)))


_concatenate_op = primitive(_concatenate, name="concatenate")


def _axis_or_dim(axis, dim, function: str) -> int:
    if dim is not None:
        if axis != 0:
            raise TypeError(f"{function}: give axis (NumPy's name) or dim (PyTorch's), not both")
        return dim
    return axis


def concatenate(tensors, axis: int = 0, *, dim=None):
    """Join a sequence of tensors along an existing ``axis`` (``numpy.concatenate``; ``torch.cat`` with ``dim``)."""
    axis = _axis_or_dim(axis, dim, "concatenate")
    tensors = list(tensors)
    if not tensors:
        raise ValueError("concatenate: expected at least one tensor, got an empty sequence")
    return _concatenate_op(*tensors, axis=axis)


def stack(tensors, axis: int = 0, *, dim=None):
    """Join tensors of equal shape along a new ``axis`` (``numpy.stack``; ``dim`` as in ``torch.stack``)."""
    from glassnet.tensor import as_tensor

    axis = _axis_or_dim(axis, dim, "stack")
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: expected at least one tensor, got an empty sequence")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ShapeError(f"stack: all tensors need the same shape, got {sorted(shapes)}")
    position = axis if axis >= 0 else tensors[0].ndim + 1 + axis
    expanded = [t.unsqueeze(position) for t in tensors]
    return concatenate(expanded, axis=position)


@primitive(n_tensors=1)
def astype(x, dtype):
    """Convert to another dtype."""
    # the gradient is converted back to the input's dtype
    return x.astype(dtype), (lambda g: g.astype(x.dtype),)
