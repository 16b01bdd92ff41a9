"""Identity: a layer that returns its input, a placeholder where a layer may or may not be."""
from __future__ import annotations

from glassnet.nn.module import Module


class Identity(Module):
    """y = x.

    Any constructor arguments are accepted and ignored, as in PyTorch, so ``nn.Identity`` can
    stand in for another layer's class. The input itself is returned.

    Shape:
        input (*) → output (*), the same.
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x
