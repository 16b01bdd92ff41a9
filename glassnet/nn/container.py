"""Containers: Sequential applies layers one after another; ModuleList holds them in order for a forward of one's own."""
from __future__ import annotations

import itertools

import numpy as np

from glassnet.errors import ShapeError
from glassnet.nn.activation import ReLU, Sigmoid, Tanh
from glassnet.nn.linear import Linear
from glassnet.nn.module import Module

_FUSABLE = {ReLU: "relu", Sigmoid: "sigmoid", Tanh: "tanh"}
"""Activation layers that Sequential fuses into the Linear before them."""


class _NumberedModules(Module):
    """What Sequential and ModuleList share: child modules in order, named "0", "1", ... (a Sequential
    may name them), indexed, sliced, replaced, inserted and deleted as in PyTorch."""

    @classmethod
    def _rebuilt(cls, layers: dict):
        """A container of ``layers`` (name → module) from a file, names taken as written: a file saved
        before the names were checked (a dot, or a method's name) still loads, as it worked then."""
        model = cls()
        for name, layer in layers.items():
            setattr(model, str(name), layer)
        return model

    def _sliced(self, items: list):
        """A new container of ``items`` (name, module), for ``self[start:stop]``."""
        raise NotImplementedError

    def add_module(self, name: str, module: Module) -> None:
        """Register ``module`` under ``name``, a non-empty string without dots that is no attribute of this container."""
        kind = type(self).__name__
        if not isinstance(name, str):
            raise TypeError(f"{kind}: a layer name must be a string, got {name!r}")
        if not name or "." in name:
            raise ValueError(f"{kind}: a layer name must be non-empty and have no dots (they join the names "
                             f"of nested layers), got {name!r}")
        if name not in self._modules and hasattr(self, name):
            raise ValueError(f"{kind}: the layer name {name!r} is taken by an attribute or method of {kind}; "
                             f"choose another")
        if not isinstance(module, Module):
            raise TypeError(f"{kind}: layer {name!r} must be a glassnet.nn.Module, got {type(module).__name__}")
        setattr(self, name, module)

    def append(self, module: Module):
        """Add ``module`` at the end, named by its position (or the next number free, after a slice)."""
        numbers = [int(name) for name in self._modules if name.isdigit()]
        self.add_module(str(max(len(self._modules), max(numbers, default=-1) + 1)), module)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def _name_at(self, index) -> str:
        """The name of the layer at integer ``index`` (negative counts from the end)."""
        kind = type(self).__name__
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"{kind}: index must be an integer or a slice, got {index!r}")
        names = list(self._modules)
        if not -len(names) <= index < len(names):
            raise IndexError(f"{kind}: index {index} is out of range for {len(names)} layers")
        return names[index]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._sliced(list(self._modules.items())[index])
        return self._modules[self._name_at(index)]

    def __setitem__(self, index, module: Module) -> None:
        """Replace the layer at ``index`` in its place: ``model[-1] = nn.Linear(128, 5)``."""
        if isinstance(index, slice):
            raise TypeError(f"{type(self).__name__}: assign one layer at an integer index; slices are not "
                            f"supported for assignment")
        self.add_module(self._name_at(index), module)

    def __delitem__(self, index) -> None:
        """Remove the layer (or slice of layers) at ``index``; layers named by number are numbered afresh."""
        names = list(self._modules)
        doomed = names[index] if isinstance(index, slice) else [self._name_at(index)]
        for name in doomed:
            delattr(self, name)
        self._renumber()

    def insert(self, index: int, module: Module):
        """Put ``module`` before the layer at ``index`` (``len(self)`` appends); numbered names are renumbered."""
        kind = type(self).__name__
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"{kind}.insert: index must be an integer, got {index!r}")
        if not isinstance(module, Module):
            raise TypeError(f"{kind}.insert: the layer must be a glassnet.nn.Module, got {type(module).__name__}")
        count = len(self._modules)
        if not -count <= index <= count:
            raise IndexError(f"{kind}.insert: index {index} is out of range for {count} layers")
        items = list(self._modules.items())
        items.insert(index if index >= 0 else count + index, (None, module))
        self._replace_layers(items)
        return self

    def extend(self, layers):
        """Append each of ``layers`` in turn (all are checked first, so a bad one appends none)."""
        kind = type(self).__name__
        try:
            layers = list(layers)  # also what ``model.extend(model)`` means: its layers as they are now
        except TypeError:
            raise TypeError(f"{kind}.extend: expected an iterable of glassnet.nn.Module, "
                            f"got {type(layers).__name__}") from None
        for position, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"{kind}.extend: item {position} must be a glassnet.nn.Module, got {type(layer).__name__}")
        for layer in layers:
            self.append(layer)
        return self

    def _renumber(self) -> None:
        self._replace_layers(list(self._modules.items()))

    def _replace_layers(self, items: list) -> None:
        """Register ``items`` (name, layer) afresh, in order; when every name is a number (or None, new) they
        become "0", "1", ... as built from positional layers, else the names are kept (a new one gets its position)."""
        numbered = all(name is None or name.isdigit() for name, _ in items)
        kept = {name for name, _ in items if name is not None}
        for name in list(self._modules):
            delattr(self, name)
        for position, (name, layer) in enumerate(items):
            if numbered:
                name = str(position)
            elif name is None:  # a new layer among named ones: its position, or the next number no layer has
                name = next(str(k) for k in itertools.count(position) if str(k) not in kept)
                kept.add(name)
            self.add_module(name, layer)


class Sequential(_NumberedModules):
    """output = layer_n(... layer_2(layer_1(x))).

    Build from modules (``Sequential(Linear(2, 3), Sigmoid())``) or from a dict of
    name → module. Layers are named ``"0"``, ``"1"``, ... and indexable.
    """

    def __init__(self, *layers):
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], dict):
            items = list(layers[0].items())
        else:
            items = [(str(i), layer) for i, layer in enumerate(layers)]
        for name, layer in items:
            self.add_module(name, layer)

    def _sliced(self, items: list) -> "Sequential":
        return Sequential(dict(items))  # the layers keep their names, so the slice's state_dict lines up with this one's

    def forward(self, x):
        layers = tuple(self._modules.values())
        count, index = len(layers), 0
        try:
            while index < count:
                layer = layers[index]
                fused = _fusable_activation(layer, layers[index + 1]) if index + 1 < count else None
                if fused:
                    x = layer.forward_with_activation(x, fused)
                    index += 2
                else:
                    x = layer(x)
                    index += 1
        except ShapeError as error:
            if str(error).startswith("layer "):
                raise
            raise ShapeError(f"layer {tuple(self._modules)[index]!r}: {error}") from None
        return x


def _fusable_activation(layer, following):
    """The activation name when ``layer`` is a plain Linear with a bias followed by a plain ReLU, Sigmoid
    or Tanh and neither has forward hooks (hooks must see each output), else None."""
    if type(layer) is not Linear or layer.bias is None or layer._forward_hooks or following._forward_hooks:
        return None
    return _FUSABLE.get(type(following))


class ModuleList(_NumberedModules):
    """A list of modules whose parameters the enclosing module sees: ``self.layers = ModuleList([...])``
    gives ``state_dict`` keys ``"layers.0.weight"``, ... as in PyTorch.

    It has no ``forward``: the module holding it decides how its layers are called, e.g.
    ``for layer in self.layers: x = layer(x)``. ``append``, ``extend``, ``insert``, ``pop``, ``+=``,
    indexing, slices (a new ModuleList, numbered from 0), assignment and ``del`` (which
    renumbers) work as on a list.
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _sliced(self, items: list) -> "ModuleList":
        return ModuleList([module for _, module in items])

    def pop(self, index):
        """Remove the module at ``index`` (the later ones are renumbered) and return it."""
        module = self[index]
        del self[index]
        return module

    def __iadd__(self, modules) -> "ModuleList":
        return self.extend(modules)

    def __add__(self, other) -> "ModuleList":
        """A new ModuleList of these modules and then ``other``'s (any iterable of modules, as PyTorch)."""
        return ModuleList(list(self)).extend(other)
