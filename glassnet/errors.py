"""Exceptions that glassnet raises on purpose, each naming what went wrong."""
from __future__ import annotations


class ShapeError(ValueError):
    """Shapes that do not fit together; the message names both shapes and the op or layer."""


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with its central-difference estimate."""


class StateDictError(KeyError, RuntimeError):
    """A state dict whose names do not match the module's (missing or unexpected keys).

    A RuntimeError, as PyTorch raises for it, and a KeyError, as glassnet raised before; its
    message is printed as written (a plain KeyError would print it quoted).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
