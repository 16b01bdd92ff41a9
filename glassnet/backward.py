"""Reverse-mode differentiation: walk the graph once, from the output back to the leaves.

For every tensor y made by an op with inputs x_i, the chain rule gives
``dL/dx_i += vjp_i(dL/dy)``. A tensor's gradient is complete only when every
tensor that used it has passed its share back, so tensors are visited in reverse
order of creation (each carries a creation number, ``_seq``; an op's output is
always newer than its inputs). A max-heap on that number yields exactly this
order as the walk discovers the graph, with no separate sort, no recursion and
no limit on depth (PyTorch's engine orders its work the same way). Leaves pass
nothing on, so they skip the heap and are visited once the walk has ended.

:func:`propagate` is that walk; ``backward()`` uses it to fill ``.grad`` and the
computation-graph picture uses it to read every node's gradient.
"""
from __future__ import annotations

import heapq
import sys

import numpy as np

from glassnet.dtypes import cached_constant
from glassnet.ops.registry import accepts_out, unbroadcast
from glassnet.tensor import Tensor

SPARE_MIN_SIZE = 4096
"""Gradients smaller than this (elements) are cheaper to allocate afresh than to check for a spare."""

FREED = "freed"
"""Marks an op whose saved arrays were released by an earlier ``backward()``."""


def _initial_gradient(root, gradient) -> np.ndarray:
    data = root._data
    if gradient is None:
        if data.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for a one-element output, but this "
                f"tensor has shape {root.shape}; pass gradient=<array of that shape> or reduce it "
                f"first, e.g. loss.sum().backward()"
            )
        if data.ndim == 0:  # the usual scalar loss: dL/dL = 1, a read-only 0-d array made once per dtype
            return cached_constant(1, data.dtype)
        return np.ones(data.shape, dtype=data.dtype)
    gradient = np.asarray(getattr(gradient, "_data", gradient), dtype=root.dtype)
    if gradient.shape != root.shape:
        raise ValueError(f"backward: gradient has shape {gradient.shape} but the tensor has shape {root.shape}")
    return gradient


def _count_of_a_local() -> int:
    probe = object()
    return sys.getrefcount(probe)


_LOCAL_ONLY = _count_of_a_local()
"""What ``sys.getrefcount`` reports for an object that one local variable alone holds (2 on
CPython 3.11; interpreters differ, so it is measured once, with the object held the way the
checks below hold theirs)."""


def _store(tensor, grad, borrowed: bool) -> None:
    """Add ``grad`` into ``tensor.grad``; arrays that something else may hold are copied first."""
    if grad.dtype != tensor._data.dtype:
        grad = grad.astype(tensor._data.dtype)
    elif borrowed or type(grad) is not np.ndarray or grad.base is not None or not grad.flags.writeable:
        # a view of, or the same array as, another gradient: take a copy, laid out as the tensor is
        data = tensor._data
        grad = np.array(grad, order="F" if data.flags.f_contiguous and not data.flags.c_contiguous else "C")
    existing = tensor.grad
    if existing is None:
        spare = _free_spare(tensor)
        if spare is None:
            tensor.grad = Tensor._from_op(grad)
        else:  # the .grad tensor zero_grad() set aside, which nothing else holds: no new tensor
            spare._data = grad
            tensor.grad = spare
    elif existing._data.shape == grad.shape and existing._data.flags.writeable:
        existing._data += grad
    else:
        existing._data = existing._data + grad


def _free_spare(tensor):
    """Take the old ``.grad`` tensor that ``zero_grad()`` left in ``tensor._spare_grad``, or None.

    It is handed out only when nothing outside holds it (its reference count no higher than
    that of an object only a local variable holds, :data:`_LOCAL_ONLY`) and it is a plain
    constant tensor.
    """
    spare = getattr(tensor, "_spare_grad", None)
    if spare is not None:
        tensor._spare_grad = None
        if sys.getrefcount(spare) > _LOCAL_ONLY or type(spare) is not Tensor or spare.requires_grad:
            return None
    return spare


def _spare_gradient(leaf):
    """The leaf's previous gradient array to write the new one into, or None.

    It is the array of the tensor :func:`_free_spare` hands out, reused only when it still has
    the leaf's shape, dtype and memory layout (strides) and nothing outside holds the array
    either. The tensor itself is put back for :func:`_store` to reuse.
    """
    spare = _free_spare(leaf)
    if spare is None:
        return None
    leaf._spare_grad = spare
    array = spare._data
    if (sys.getrefcount(array) > _LOCAL_ONLY + 1  # held here and by the spare tensor
            or array.shape != leaf._data.shape or array.dtype != leaf._data.dtype
            or array.strides != leaf._data.strides or not array.flags.writeable
            or not (array.flags.c_contiguous or array.flags.f_contiguous)):
        return None
    return array


def propagate(root, root_grad: np.ndarray, retain_graph: bool, visit, visit_all: bool = False,
              reuse_spares: bool = False) -> None:
    """Walk the graph below ``root`` newest tensor first, passing each its complete d root / d tensor.

    ``visit(tensor, grad, borrowed)`` is called, once every use of the tensor has contributed,
    for each leaf and each tensor marked with ``retain_grad()`` (for every tensor that requires
    grad with ``visit_all``); ``borrowed`` says ``grad`` is an array another tensor also holds.
    Unless ``retain_graph``, each op's saved arrays are released once it has been passed.
    With ``reuse_spares``, a leaf's first gradient is written into its spare array (see
    :func:`_spare_gradient`) by VJPs that can (see :func:`~glassnet.ops.registry.accepts_out`).
    """
    # A tensor's gradient so far waits in its ``_pending`` slot until the tensor is visited.
    root._pending = root_grad
    borrowed = None  # a set, once some tensor's pending gradient is the very array another tensor received
    leaves = []  # leaves have nothing to pass on, so they wait outside the heap until the walk ends
    heap = [(-root._seq, root)]
    pop, push = heapq.heappop, heapq.heappush
    try:
        while heap:
            node = pop(heap)[1]
            g, node._pending = node._pending, None
            vjps = node._vjp
            if vjps is FREED:
                raise RuntimeError(
                    f"backward: the graph through this {node._op} result was already freed by an earlier "
                    f"backward(); call backward(retain_graph=True) the first time to go through it twice"
                )
            if vjps is None:
                visit(node, g, borrowed is not None and id(node) in borrowed)
                continue
            if visit_all or node._retains_grad:
                visit(node, g, borrowed is not None and id(node) in borrowed)
            for parent, vjp in zip(node._parents, vjps):
                if vjp is None or not parent.requires_grad:
                    continue
                earlier, data = parent._pending, parent._data
                if (reuse_spares and earlier is None and parent._vjp is None and data.size >= SPARE_MIN_SIZE
                        and accepts_out(vjp)):
                    parent_grad = vjp(g, out=_spare_gradient(parent))
                else:
                    parent_grad = vjp(g)
                if parent_grad.shape != data.shape:
                    parent_grad = unbroadcast(parent_grad, data.shape)
                if earlier is None:
                    parent._pending = parent_grad
                    if parent._vjp is None:
                        leaves.append(parent)
                    else:
                        push(heap, (-parent._seq, parent))
                    if parent_grad is g:
                        borrowed = borrowed or set()
                        borrowed.add(id(parent))
                else:
                    parent._pending = earlier + parent_grad
                    if borrowed:
                        borrowed.discard(id(parent))
            if not retain_graph:
                node._vjp = FREED
                node._parents = ()
        for leaf in leaves:
            g, leaf._pending = leaf._pending, None
            visit(leaf, g, borrowed is not None and id(leaf) in borrowed)
    except BaseException:  # leave no half-passed gradient behind for the next backward() to add to
        for _, node in heap:
            node._pending = None
        for leaf in leaves:
            leaf._pending = None
        raise


def run_backward(root, gradient=None, retain_graph: bool = False) -> None:
    """Fill ``.grad`` of every leaf (and retained tensor) that ``root`` depends on."""
    if not root.requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad and has no graph; create the inputs "
            "with requires_grad=True (and not inside glassnet.no_grad())"
        )
    root_grad = _initial_gradient(root, gradient)
    if gradient is not None:  # the caller still holds this array: never store it as a .grad as it is
        root_grad = np.array(root_grad)
    propagate(root, root_grad, retain_graph, _store, reuse_spares=True)
