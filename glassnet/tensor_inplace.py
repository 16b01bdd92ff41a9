"""In-place changes of a tensor's values: ``x += y``, ``x.add_(y)``, ``p.grad.zero_()``.

They write into the tensor's own array, so every holder of it (an optimizer, a NumPy array it
wraps) sees the new values, as in PyTorch. What PyTorch refuses is refused here too: changing in
place a leaf tensor that requires grad while the graph is being recorded; update parameters
by hand inside ``with glassnet.no_grad():``, as an optimizer does. glassnet records no in-place
op and keeps no version counter, so while gradients are recorded ``x += y`` (and ``-=``, ``*=``,
``/=``) rebinds x to the recorded ``x + y`` (``total += loss`` works, and no array an op has kept
changes under it), and the ``_`` methods and ``x[i] = v``, which must change x itself, refuse a
tensor made by an op or a value that requires grad. What they still can do: change a constant
tensor after an op has used it and before ``backward()``, which gives that op's gradient the new
values.
"""
from __future__ import annotations

import numpy as np

from glassnet.errors import ShapeError
from glassnet.grad_mode import is_grad_enabled


class InPlaceMethods:
    """The in-place operators and ``_``-suffixed methods of ``Tensor`` (PyTorch's names)."""

    __slots__ = ()

    # x += y changes x's own array inside no_grad (a parameter update). While gradients are recorded it
    # rebinds x to the recorded x + y, as Python does for a type without in-place operators: so
    # total += loss works, and an array an op of the graph has kept is never changed under it (glassnet
    # has no version counter to notice). A leaf that requires grad is refused, as in PyTorch.
    def __iadd__(self, other):
        return self + other if _recorded(self, other) else _write(self, np.add, other, "+=")

    def __isub__(self, other):
        return self - other if _recorded(self, other) else _write(self, np.subtract, other, "-=")

    def __imul__(self, other):
        return self * other if _recorded(self, other) else _write(self, np.multiply, other, "*=")

    def __itruediv__(self, other):
        return self / other if _recorded(self, other) else _write(self, np.true_divide, other, "/=")

    def add_(self, other, *, alpha=1):
        """x ← x + alpha·other, in place."""
        return _write(self, np.add, other, "add_", alpha=alpha)

    def sub_(self, other, *, alpha=1):
        """x ← x − alpha·other, in place."""
        return _write(self, np.subtract, other, "sub_", alpha=alpha)

    def mul_(self, other):
        """x ← x · other, in place."""
        return _write(self, np.multiply, other, "mul_")

    def div_(self, other):
        """x ← x / other, in place."""
        return _write(self, np.true_divide, other, "div_")

    def zero_(self):
        """x ← 0, in place."""
        return _write(self, None, 0, "zero_")

    def fill_(self, value):
        """x ← value everywhere, in place."""
        return _write(self, None, value, "fill_")

    def copy_(self, source):
        """x ← source (broadcast to x's shape and converted to x's dtype), in place."""
        return _write(self, None, source, "copy_", casting="unsafe")

    def clamp_(self, min=None, max=None):
        """x ← clamp(x, min, max), in place."""
        _check_may_change(self, "clamp_", min, max)
        if min is None and max is None:
            raise ValueError("clamp_: give min, max or both")
        if self._data.dtype.kind in "biu" and any(np.asarray(_array(b)).dtype.kind == "f" for b in (min, max)
                                                 if b is not None):
            raise TypeError(f"clamp_: a float bound cannot clamp this tensor of dtype {self._data.dtype} in place "
                            f"(the result would be float); use clamp, or an integer bound")
        low, high = (None if b is None else np.asarray(_array(b), dtype=self._data.dtype) for b in (min, max))
        return _guarded(self, "clamp_", lambda: np.clip(self._data, low, high, out=self._data))

    clip_ = clamp_

    def __setitem__(self, index, value):
        """``x[index] = value``, in place (``x[x < 0] = 0``), with the rule of every in-place change."""
        _check_may_change(self, "item assignment", value)
        data = self._data
        index = tuple(_array(i) for i in index) if isinstance(index, tuple) else _array(index)

        def write():
            data[index] = _array(value)

        try:
            return _guarded(self, "item assignment", write)
        except IndexError as error:
            raise IndexError(f"item assignment: index {index!r} does not fit a tensor of shape {data.shape}: "
                             f"{error}") from None


def _array(value):
    """A Tensor's array, anything else as it is."""
    return getattr(value, "_data", value)


def _recorded(tensor, other) -> bool:
    """Whether ``tensor op= other`` is done out of place: while gradients are recorded, for anything but
    a leaf that requires grad (which the in-place write then refuses, as PyTorch does)."""
    return is_grad_enabled() and not (tensor.requires_grad and tensor._vjp is None)


def _check_may_change(tensor, method: str, *values) -> None:
    """Refuse what PyTorch refuses, and what glassnet cannot record: writing, while gradients are recorded,
    into a tensor that requires grad, or a value that requires grad (its gradient would be lost)."""
    if any(getattr(value, "requires_grad", False) for value in values) and is_grad_enabled():
        raise RuntimeError(
            f"{method}: the value requires grad, and glassnet records no in-place op, so its gradient would be "
            f"lost; build the result out of place (x = x + y, glassnet.where, glassnet.stack or cat)")
    if tensor.requires_grad and is_grad_enabled():
        if tensor._vjp is None:
            raise RuntimeError(
                f"{method}: a leaf tensor that requires grad cannot be changed in place while gradients are "
                f"recorded; do it inside `with glassnet.no_grad():` (as an optimizer's step does)")
        raise RuntimeError(
            f"{method}: this tensor is an output of {tensor._op} in the recorded graph, and changing it in "
            f"place would make backward() wrong; write it out of place (x = x + y)")


def _write(tensor, ufunc, other, method: str, casting: str = "same_kind", alpha=1):
    """Apply ``ufunc(x, alpha·other)`` into x's own array (``ufunc=None``: write ``other`` itself)."""
    _check_may_change(tensor, method, other)
    value = _array(other) if alpha == 1 else _array(other) * alpha
    if isinstance(value, (str, bytes)) or (not isinstance(value, (int, float, complex, np.ndarray, np.generic))
                                           and np.asarray(value).dtype.kind not in "biufc"):
        raise TypeError(f"{method}: expected a number, an array or a Tensor, got {type(other).__name__}")
    if ufunc is None:
        return _guarded(tensor, method, lambda: np.copyto(tensor._data, value, casting=casting))
    return _guarded(tensor, method, lambda: ufunc(tensor._data, value, out=tensor._data, casting=casting))


def _guarded(tensor, method: str, write):
    """Run ``write()``, turning NumPy's errors into ones that name the method and the tensors."""
    data = tensor._data
    try:
        write()
    except ValueError as error:
        if not data.flags.writeable:
            raise ValueError(f"{method}: this tensor's data is read-only (a broadcast view or a read-only "
                             f"array); make a copy first") from None
        raise ShapeError(f"{method}: the other operand does not broadcast to this tensor's shape {data.shape}: "
                         f"{error}") from None
    except TypeError as error:  # NumPy's casting error: a float result into an integer tensor, say
        raise TypeError(f"{method}: the result cannot be stored in place in this tensor of dtype {data.dtype}: "
                        f"{error}") from None
    return tensor
