"""Sequential: layers applied one after another."""
from __future__ import annotations

import numpy as np

from glassnet.errors import ShapeError
from glassnet.nn.activation import ReLU, Sigmoid, Tanh
from glassnet.nn.linear import Linear
from glassnet.nn.module import Module

_FUSABLE = {ReLU: "relu", Sigmoid: "sigmoid", Tanh: "tanh"}
"""Activation layers that Sequential fuses into the Linear before them."""


class Sequential(Module):
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

    def add_module(self, name: str, module: Module) -> None:
        if not isinstance(module, Module):
            raise TypeError(f"Sequential: layer {name!r} must be a glassnet.nn.Module, got {type(module).__name__}")
        setattr(self, name, module)

    def append(self, module: Module) -> "Sequential":
        self.add_module(str(len(self._modules)), module)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        layers = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*layers[index])
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"Sequential: index must be an integer or a slice, got {index!r}")
        if not -len(layers) <= index < len(layers):
            raise IndexError(f"Sequential: index {index} is out of range for {len(layers)} layers")
        return layers[index]

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
