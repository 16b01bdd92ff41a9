"""Exceptions that glassnet raises on purpose, each naming what went wrong."""
from __future__ import annotations


class ShapeError(ValueError):
    """Shapes that do not fit together; the message names both shapes and the op or layer."""


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with its central-difference estimate."""
