"""The computation graph of an expression: every value, the op that made it, and its gradient.

A tensor made by an op keeps its inputs in ``_parents`` and the op's name in
``_op``. Walking those links from the output back gives the graph that
``backward()`` runs the chain rule over. ``backward()`` frees the links unless
called with ``retain_graph=True``, so draw the graph before ``backward()`` or
after ``backward(retain_graph=True)``; the gradients shown (d output / d node)
are computed here from the same vector-Jacobian products ``backward()`` uses::

    x = gn.tensor(2.0, requires_grad=True)
    y = gn.tensor(3.0, requires_grad=True)
    z = x * y + x ** 2
    plot_computation_graph(z, names={"x": x, "y": y, "z": z})
"""
from __future__ import annotations

import numpy as np

from glassnet.backward import FREED, propagate
from glassnet.tensor import Tensor
from glassnet.viz._figure import finish, pyplot

COLORS = {"variable": "#c7e9c0", "constant": "#e0e0e0", "operation": "#c6dbef", "output": "#fdd0a2"}


def graph_nodes(root: Tensor) -> list:
    """Every tensor ``root`` was computed from (constants included), inputs before the ops that use them."""
    order, visited = [], {id(root)}
    stack = [(root, iter(root._parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if id(parent) not in visited:
                visited.add(id(parent))
                stack.append((parent, iter(parent._parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def node_gradients(root: Tensor) -> dict:
    """{id(node): d root / d node} for every node that requires grad, by the backward engine's own walk
    (with the graph kept and no ``.grad`` touched)."""
    if not root.requires_grad:
        return {}
    if root.numel() != 1:
        raise ValueError(f"tensor: gradients are drawn for a one-element output; got shape {root.shape} "
                         f"(reduce it first, e.g. z.sum())")
    gradients = {}
    try:
        propagate(root, np.ones(root.shape, dtype=root.dtype), True,
                  lambda node, grad, borrowed: gradients.__setitem__(id(node), grad), visit_all=True)
    except RuntimeError:
        raise RuntimeError("plot_computation_graph: backward() has already freed this graph; draw it before "
                           "backward(), or call backward(retain_graph=True)") from None
    return gradients


def _number(array) -> str:
    array = np.asarray(array)
    if array.size == 1:
        return f"{array.item():.4g}"
    if array.size <= 4:
        return np.array2string(array.ravel(), precision=3, separator=", ")
    return f"shape {array.shape}"


def _layers(nodes: list) -> dict:
    """{id(node): column}: an op one column right of its deepest input; an input just left of its first user."""
    depth = {}
    for node in nodes:
        depth[id(node)] = 1 + max((depth[id(p)] for p in node._parents), default=-1)
    users = {}
    for node in nodes:
        for parent in node._parents:
            users.setdefault(id(parent), []).append(depth[id(node)])
    for node in nodes:
        if not node._parents and id(node) in users:
            depth[id(node)] = min(users[id(node)]) - 1
    return depth


def plot_computation_graph(tensor: Tensor, path=None, names=None, max_nodes: int = 60,
                           title: str | None = None, dpi: int = 100):
    """Draw the graph that produced ``tensor``, inputs on the left and ``tensor`` on the right.

    Each box shows the op (or the input's name), the value and the gradient
    d tensor / d node. Green: inputs that require grad; grey: constants; blue: ops;
    orange: the output.

    Parameters
    ----------
    tensor : glassnet.Tensor
        A one-element result of operations on tensors with ``requires_grad=True``,
        whose graph has not been freed (see the module docstring).
    path : str or path-like, optional
        Save the figure there, atomically.
    names : dict of name -> Tensor, optional
        Labels for inputs (or any node), e.g. ``{"x": x, "w": w}``.
    max_nodes : int
        Refuse graphs larger than this; they are unreadable as a picture.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"tensor: expected a glassnet.Tensor, got {type(tensor).__name__}")
    if tensor._vjp is FREED:
        raise RuntimeError("plot_computation_graph: backward() has already freed this graph; draw it before "
                           "backward(), or call backward(retain_graph=True)")
    labels = {}
    for name, value in (names or {}).items():
        if not isinstance(value, Tensor):
            raise TypeError(f"names[{name!r}]: expected a glassnet.Tensor, got {type(value).__name__}")
        labels[id(value)] = str(name)
    nodes = graph_nodes(tensor)
    if len(nodes) > max_nodes:
        raise ValueError(f"tensor: its graph has {len(nodes)} nodes, more than max_nodes={max_nodes} can show readably")
    gradients = node_gradients(tensor)
    depth = _layers(nodes)
    n_layers = max(depth.values()) + 1
    columns = [[] for _ in range(n_layers)]
    for node in nodes:
        columns[depth[id(node)]].append(node)
    # order each column by where its inputs sit (fewer crossing edges), then centre it
    position = {}
    for column in columns:
        def key(node):
            rows = [position[id(p)] for p in node._parents if id(p) in position]
            return float(np.mean(rows)) if rows else 0.0
        column.sort(key=key)
        for row, node in enumerate(column):
            position[id(node)] = row - (len(column) - 1) / 2
    tallest = max(len(column) for column in columns)

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(2.3 * n_layers + 1.0, 1.25 * tallest + 1.3), layout="constrained")
    ax.set_xlim(-0.6, n_layers - 0.4)
    ax.set_ylim(-tallest / 2 - 0.1, tallest / 2 + 0.1)
    ax.set_axis_off()
    boxes = {}
    for node in nodes:
        if node is tensor:
            kind = "output"
        elif node._op is not None:
            kind = "operation"
        elif node.requires_grad:
            kind = "variable"
        else:
            kind = "constant"
        name = labels.get(id(node))
        head = node._op if node._op is not None else (name or ("input" if node.requires_grad else "constant"))
        if name and node._op is not None:
            head = f"{name} = {node._op}"
        lines = [head, f"value {_number(node.data)}"]
        if id(node) in gradients:
            lines.append(f"grad {_number(gradients[id(node)])}")
        boxes[id(node)] = ax.text(depth[id(node)], -position[id(node)], "\n".join(lines), ha="center",
                                  va="center", fontsize=9, family="monospace", zorder=3,
                                  bbox=dict(boxstyle="round,pad=0.4", facecolor=COLORS[kind], edgecolor="black"))
    for node in nodes:
        for parent in node._parents:
            ax.annotate("", xy=(0, 0.5), xycoords=boxes[id(node)], xytext=(1, 0.5), textcoords=boxes[id(parent)],
                        arrowprops=dict(arrowstyle="-|>", color="#444444", shrinkA=2, shrinkB=2,
                                        connectionstyle="arc3,rad=0.0"), zorder=2)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(facecolor=COLORS[k], edgecolor="black", label=label) for k, label in (
        ("variable", "input (requires grad)"), ("constant", "constant"), ("operation", "operation"),
        ("output", "output"))], loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, fontsize=8, frameon=False)
    fig.suptitle(title or "Computation graph: value and gradient d(output)/d(node) of every node")
    return finish(fig, path, dpi)


__all__ = ["plot_computation_graph"]
