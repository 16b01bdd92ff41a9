"""How an operation is declared: forward and vector-Jacobian product in one function.

A primitive receives NumPy arrays and returns ``(output, vjps)``: one
vector-Jacobian product per tensor input. ``vjps[i](g)`` maps the gradient of the
loss with respect to the output, ``g = dL/dy``, to ``dL/dx_i = g · dy/dx_i``
(``None`` in place of a function where an input gets no gradient). The backward
engine calls only the ones whose input requires a gradient, so no work is spent
on, say, dL/dX of a data batch. Gradients that came out in a broadcast shape are
summed back to the input's shape by the engine, once, for every op.

The ``@primitive`` decorator turns such a function into one that takes and
returns :class:`glassnet.Tensor` and records the graph when gradients are needed.
Every primitive lands in ``OPS``, so tests can check that each has a gradient test.
"""
from __future__ import annotations

import functools
import operator

import numpy as np

from glassnet.errors import ShapeError
from glassnet.grad_mode import _GradMode
from glassnet.tensor import Tensor, as_tensor

_data_of = operator.attrgetter("_data")

OPS: dict = {}
"""Every primitive by name: the registry that the gradient tests iterate."""


def primitive(function=None, *, name=None, n_tensors=None):
    """Register ``function(*arrays, **params) -> (out, vjps)`` as a differentiable op.

    The first ``n_tensors`` positional arguments (all of them when ``None``) are
    tensors; the rest are passed through as plain parameters.
    """

    def decorate(forward):
        op_name = name or forward.__name__

        @functools.wraps(forward)
        def op(*args, **params):
            if n_tensors is None or len(args) == n_tensors:
                inputs, rest = args, ()
            else:
                inputs, rest = args[:n_tensors], args[n_tensors:]
            try:
                arrays = tuple(map(_data_of, inputs))
            except AttributeError:  # a plain number or array among the inputs: wrap it as a constant
                inputs = tuple(as_tensor(a) for a in inputs)
                arrays = tuple(map(_data_of, inputs))
            try:
                out, vjps = forward(*arrays, *rest, **params) if rest else forward(*arrays, **params)
            except ValueError as error:
                if isinstance(error, ShapeError):
                    raise
                shapes = ", ".join(str(a.shape) for a in arrays)
                raise ShapeError(f"{op_name}: inputs of shapes {shapes} do not fit: {error}") from None
            if _GradMode.enabled:
                for tensor in inputs:
                    if tensor.requires_grad:
                        return Tensor._from_op(out, inputs, vjps, op_name)
            return Tensor._from_op(out)

        op.forward = forward
        OPS[op_name] = op
        return op

    return decorate(function) if function is not None else decorate


def accepts_out(vjp) -> bool:
    """Whether ``vjp(g, out=None)`` can write dL/dx into ``out``, an array of x's shape and dtype.

    A VJP says so by naming its second parameter ``out`` (as NumPy's ufuncs do). The mark is
    in the code object, shared by every closure an op's forward makes, so it costs nothing per
    call. The backward pass offers ``out`` only for a leaf (a parameter) whose previous gradient
    array is free to reuse, so the VJP's product lands there instead of in new memory.
    """
    code = getattr(vjp, "__code__", None)
    return code is not None and code.co_argcount > 1 and code.co_varnames[1] == "out"


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched, back to ``shape``.

    If y = x broadcast to a larger shape, each x element fed several y elements,
    so dL/dx is the sum of dL/dy over those copies.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad.reshape(shape)
