"""Reverse-mode differentiation: walk the graph once, from the output back to the leaves.

For every tensor y made by an op with inputs x_i, the chain rule gives
``dL/dx_i += vjp_i(dL/dy)``. Visiting tensors in reverse topological order means
dL/dy is complete (every use of y has contributed) before it is passed on.
The order is found with an explicit stack, so graphs of any depth work.
"""
from __future__ import annotations

import numpy as np

from glassnet.ops.registry import unbroadcast

FREED = "freed"
"""Marks an op whose saved arrays were released by an earlier ``backward()``."""


def topological_order(root) -> list:
    """Tensors that ``root`` depends on through recorded ops, each after all of its inputs."""
    order = []
    visited = {id(root)}
    stack = [(root, iter(root._parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent.requires_grad and id(parent) not in visited:
                visited.add(id(parent))
                stack.append((parent, iter(parent._parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def _initial_gradient(root, gradient) -> np.ndarray:
    if gradient is None:
        if root._data.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for a one-element output, but this "
                f"tensor has shape {root.shape}; pass gradient=<array of that shape> or reduce it "
                f"first, e.g. loss.sum().backward()"
            )
        return np.ones(root.shape, dtype=root.dtype)
    gradient = np.asarray(getattr(gradient, "_data", gradient), dtype=root.dtype)
    if gradient.shape != root.shape:
        raise ValueError(f"backward: gradient has shape {gradient.shape} but the tensor has shape {root.shape}")
    return gradient


def _store(tensor, grad: np.ndarray, borrowed: bool) -> None:
    """Add ``grad`` into ``tensor.grad``; arrays that something else may hold are copied first."""
    from glassnet.tensor import Tensor

    if grad.dtype != tensor._data.dtype:
        grad = grad.astype(tensor._data.dtype)
    elif borrowed or not grad.flags.owndata or not grad.flags.writeable:
        grad = grad.copy()
    if tensor.grad is None:
        tensor.grad = Tensor._from_op(grad)
    else:
        tensor.grad._data = tensor.grad._data + grad


def run_backward(root, gradient=None, retain_graph: bool = False) -> None:
    """Fill ``.grad`` of every leaf (and retained tensor) that ``root`` depends on."""
    if not root.requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad and has no graph; create the inputs "
            "with requires_grad=True (and not inside glassnet.no_grad())"
        )
    pending = {id(root): _initial_gradient(root, gradient)}
    # ids whose pending gradient is the very array another tensor also receives (a pass-through)
    borrowed = {id(root)} if gradient is not None else set()
    for node in reversed(topological_order(root)):
        key = id(node)
        g = pending.pop(key, None)
        if g is None:
            continue
        vjps = node._vjp
        if vjps is FREED:
            raise RuntimeError(
                f"backward: the graph through this {node._op} result was already freed by an earlier "
                f"backward(); call backward(retain_graph=True) the first time to go through it twice"
            )
        if vjps is None or node._retains_grad:
            _store(node, g, borrowed=key in borrowed)
        if vjps is None:
            continue
        for parent, vjp in zip(node._parents, vjps):
            if vjp is None or not parent.requires_grad:
                continue
            parent_grad = vjp(g)
            if parent_grad.shape != parent._data.shape:
                parent_grad = unbroadcast(parent_grad, parent._data.shape)
            parent_key = id(parent)
            earlier = pending.get(parent_key)
            if earlier is None:
                pending[parent_key] = parent_grad
                if parent_grad is g:
                    borrowed.add(parent_key)
            else:
                pending[parent_key] = earlier + parent_grad
                borrowed.discard(parent_key)
        if not retain_graph:
            node._vjp = FREED
            node._parents = ()
