"""Workspace: arrays an op writes into again on its next call, once nothing else holds them.

A training loop calls each layer with batches of one shape, step after step. Every step the
layer's output, its activation's derivative and the gradients its backward pass hands on are
arrays of the same shapes as the step before, and by then the old ones are dead: the graph
that held them was freed by ``backward()``. Writing the new values into the old arrays
instead of fresh ones saves the allocation and, for arrays of a megabyte and more, the page
faults of memory the allocator handed back to the system in between (on the
784-256-128-10 benchmark at batch 1024, up to 900 faults a step; docs/performance.md).

An array is handed out again only when its reference count shows that the workspace alone
holds it. Anything that still uses it (a tensor the caller kept, a graph kept with
``retain_graph=True``, a view, a ``.grad``) holds a reference, and the workspace then makes
a fresh array and keeps that one instead. The values an op returns are therefore never
overwritten while anyone can still read them.
"""
from __future__ import annotations

import sys

import numpy as np

MIN_SIZE = 65536
"""Arrays smaller than this (elements) are cheaper to allocate afresh than to look up."""

MAX_SIZE = 2 ** 22
"""Arrays larger than this (elements; 16 MiB of float32) are handed out but not kept: a training
batch's arrays are far smaller, and one prediction over a whole data set should not leave its
activations behind for as long as the layer lives."""


def _count_when_free() -> int:
    arrays = {"probe": np.empty(1)}
    array = arrays.get("probe")
    return sys.getrefcount(array)


_FREE = _count_when_free()
"""What ``sys.getrefcount`` reports, read as :meth:`Workspace.empty` reads it, for an array that
only the workspace's dict and one local variable hold (3 on CPython 3.11; measured once, since
interpreters differ)."""


class Workspace:
    """Named arrays kept from one call of an op to the next (a layer keeps one per call site)."""

    __slots__ = ("_arrays",)

    def __init__(self):
        self._arrays = {}

    def empty(self, name: str, shape: tuple, dtype: np.dtype) -> np.ndarray:
        """A C-contiguous array of ``shape`` and ``dtype`` with undefined values: the one kept under
        ``name`` when nothing else holds it and it has that shape and dtype, else a new one, kept
        unless it has more than :data:`MAX_SIZE` elements."""
        array = self._arrays.get(name)
        if (array is not None and sys.getrefcount(array) <= _FREE and array.shape == shape
                and array.dtype == dtype):
            return array
        array = np.empty(shape, dtype=dtype)
        if array.size <= MAX_SIZE:
            self._arrays[name] = array
        return array

    def clear(self) -> None:
        """Let go of every kept array (they are made again on the next call)."""
        self._arrays.clear()

    def __len__(self) -> int:
        return len(self._arrays)

    def __reduce__(self):
        return Workspace, ()  # a copied or pickled layer starts with an empty workspace of its own

    def __repr__(self) -> str:
        held = sum(array.nbytes for array in self._arrays.values())
        return f"Workspace({len(self._arrays)} arrays, {held} bytes)"
