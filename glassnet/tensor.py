"""The Tensor: an ndarray that remembers how it was made, so gradients can flow back.

A tensor produced by an operation keeps its input tensors (``_parents``) and the
operation's vector-Jacobian product (``_vjp``). ``backward()`` visits that graph
once, in reverse topological order, applying the chain rule
``dL/dx = sum over uses y of dL/dy · dy/dx``.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from glassnet.device import split_to_arguments
from glassnet.dtypes import get_default_dtype, is_floating, resolve_dtype
from glassnet.tensor_inplace import InPlaceMethods


_new_object = object.__new__
"""A tensor made by an op skips ``__init__``: its array needs no conversion."""

_creation_order = itertools.count()
"""Every tensor gets the next number when it is made. An op's output is always made after its
inputs, so visiting tensors from the highest number down is a valid reverse topological order."""


class Tensor(InPlaceMethods):
    """A multi-dimensional array with reverse-mode automatic differentiation.

    Parameters
    ----------
    data : array_like
        Numbers, nested lists, an ndarray or another Tensor. Python floats become
        the default dtype (float32); NumPy arrays keep their dtype.
    requires_grad : bool
        Record operations on this tensor so ``backward()`` fills ``.grad``.
    dtype : NumPy dtype or name, optional
        Convert the data to this dtype (e.g. ``'float64'``).
    """

    __slots__ = ("_data", "grad", "requires_grad", "_parents", "_vjp", "_op", "_retains_grad", "_seq", "_pending", "_spare_grad",
                 "__weakref__")
    __array_priority__ = 1000  # so ndarray <op> Tensor defers to Tensor's reflected op

    def __init__(self, data, requires_grad: bool = False, dtype=None):
        self._data = _to_array(data, resolve_dtype(dtype))
        self.grad = None
        self._parents = ()
        self._vjp = None
        self._op = None
        self._retains_grad = False
        self._seq = next(_creation_order)
        self._pending = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _from_op(cls, data: np.ndarray, parents: tuple = (), vjps=None, op: str | None = None) -> "Tensor":
        """Wrap an op's output array without copying or converting it.

        With ``vjps`` it is a node of the graph: made by ``op`` from ``parents`` and requiring grad.
        """
        tensor = _new_object(cls)
        tensor._data = data if type(data) is np.ndarray else np.asarray(data)
        tensor.grad = None
        tensor.requires_grad = vjps is not None
        tensor._parents = parents
        tensor._vjp = vjps
        tensor._op = op
        tensor._retains_grad = False
        tensor._seq = next(_creation_order)
        tensor._pending = None
        return tensor

    # ----------------------------------------------------------------- data
    @property
    def data(self) -> np.ndarray:
        """The underlying ndarray (assigning replaces it; no gradient is recorded)."""
        return self._data

    @data.setter
    def data(self, value) -> None:
        array = _to_array(value, None)
        if self.requires_grad and not is_floating(array.dtype):
            raise TypeError(f"data: a tensor that requires grad needs floating-point data, got dtype {array.dtype}")
        self._data = array

    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        """Number of elements."""
        return self._data.size

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than by an op that records gradients."""
        return self._vjp is None

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Set ``requires_grad`` in place; only floating tensors can require grad."""
        if requires_grad and not is_floating(self._data.dtype):
            raise TypeError(
                f"requires_grad: only floating-point tensors can require gradients, "
                f"got dtype {self._data.dtype.name}; convert with dtype='float32' or 'float64'"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> "Tensor":
        """Keep ``.grad`` on this intermediate tensor after ``backward()`` (leaves always do)."""
        self._retains_grad = True
        return self

    def _forget_grad(self) -> None:
        """``grad = None``, keeping the old gradient aside for the next ``backward()`` to write into.

        Reusing that memory spares an allocation the size of every parameter on every
        step; the backward pass takes the spare only when nothing else holds it.
        """
        self._spare_grad, self.grad = self.grad, None

    def detach(self) -> "Tensor":
        """A tensor sharing this data but cut from the graph."""
        return Tensor._from_op(self._data)

    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shared, not copied)."""
        return self._data

    def item(self):
        """The single value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(f"item(): only one-element tensors convert to a number, got shape {self.shape}")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(
                f"the truth value of a tensor of shape {self.shape} is ambiguous; use .any() or .all()"
            )
        return bool(self._data.item())

    __hash__ = object.__hash__

    def __format__(self, format_spec: str) -> str:
        """``f"{loss:.4f}"``: a 0-d tensor formats as its number, as in PyTorch."""
        if self._data.ndim == 0:
            return format(self._data.item(), format_spec)
        if not format_spec:
            return str(self)
        raise TypeError(f"format: only a 0-d tensor takes a format spec ({format_spec!r}); this one has shape "
                        f"{self.shape}; format t.item() or t.tolist() instead")

    def size(self, dim=None):
        """The shape, or with ``dim`` the length of that dimension (PyTorch's ``size``)."""
        return self.shape if dim is None else self.shape[_dim(dim, self.ndim, "size")]

    def dim(self) -> int:
        """Number of dimensions (PyTorch's name for ``ndim``)."""
        return self._data.ndim

    def clone(self) -> "Tensor":
        """A copy of the data that stays in the graph: the gradient passes back unchanged."""
        if not self.requires_grad:
            return Tensor._from_op(self._data.copy())
        return shape_ops.astype(self, self._data.dtype)  # NumPy's astype copies; its VJP is the identity here

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False, copy: bool = False) -> "Tensor":
        """PyTorch's ``to(dtype)``, ``to(device)``, ``to(device, dtype)``: the device must be the CPU;
        ``copy=True`` always gives a new tensor, ``non_blocking`` changes nothing on the CPU."""
        dtype = split_to_arguments(args, dtype, device, "Tensor.to")
        if dtype is None or resolve_dtype(dtype) == self._data.dtype:
            return self.clone() if copy else self
        return self.astype(dtype)

    def cpu(self) -> "Tensor":
        """The tensor itself: glassnet computes on the CPU."""
        return self

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(")
        extras = []
        if self._data.dtype != get_default_dtype():
            extras.append(f"dtype={self._data.dtype.name}")
        if self._op is not None:
            extras.append(f"grad_fn={self._op}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"

    # ------------------------------------------------------------- autodiff
    def backward(self, gradient=None, retain_graph: bool = False) -> None:
        """Compute dself/dx for every leaf x that requires grad, adding it into ``x.grad``.

        ``gradient`` is dL/dself; it may be omitted only for a one-element tensor
        (then it is 1). The graph is freed afterwards unless ``retain_graph=True``.
        """
        backward.run_backward(self, gradient, retain_graph)

    # ------------------------------------------------------------ operators
    def __add__(self, other):
        return arithmetic.add(*_operands(self, other))

    def __radd__(self, other):
        mine, theirs = _operands(self, other)
        return arithmetic.add(theirs, mine)

    def __sub__(self, other):
        return arithmetic.sub(*_operands(self, other))

    def __rsub__(self, other):
        mine, theirs = _operands(self, other)
        return arithmetic.sub(theirs, mine)

    def __mul__(self, other):
        return arithmetic.mul(*_operands(self, other))

    def __rmul__(self, other):
        mine, theirs = _operands(self, other)
        return arithmetic.mul(theirs, mine)

    def __truediv__(self, other):
        return arithmetic.div(*_operands(self, other, divide=True))

    def __rtruediv__(self, other):
        mine, theirs = _operands(self, other, divide=True)
        return arithmetic.div(theirs, mine)

    def __matmul__(self, other):
        return arithmetic.matmul(*_operands(self, other))

    def __rmatmul__(self, other):
        mine, theirs = _operands(self, other)
        return arithmetic.matmul(theirs, mine)

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):
            return arithmetic.power(*_operands(self, exponent))
        if isinstance(exponent, (float, np.floating)):  # an integer tensor to a float power is a float, as PyTorch
            return arithmetic.power_scalar(_floating(self), exponent)
        return arithmetic.power_scalar(self, exponent)

    def __rpow__(self, base):
        return arithmetic.power(_operand(base, self), self)

    def __neg__(self):
        return arithmetic.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return elementwise.abs(self)

    def __getitem__(self, index):
        return shape_ops.getitem(self, _plain_index(index))

    # Comparisons give boolean tensors with no gradient, as in PyTorch and NumPy.
    def __eq__(self, other):
        return Tensor._from_op(self._data == _raw(other))

    def __ne__(self, other):
        return Tensor._from_op(self._data != _raw(other))

    def __lt__(self, other):
        return Tensor._from_op(self._data < _raw(other))

    def __le__(self, other):
        return Tensor._from_op(self._data <= _raw(other))

    def __gt__(self, other):
        return Tensor._from_op(self._data > _raw(other))

    def __ge__(self, other):
        return Tensor._from_op(self._data >= _raw(other))

    # -------------------------------------------------------------- methods
    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Sum of elements over ``axis`` (``dim`` is accepted as in PyTorch)."""
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim, self.ndim)
        return reductions.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Mean over ``axis``: sum / number of elements summed."""
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim, self.ndim)
        return reductions.mean(self, axis=axis, keepdims=keepdims)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None,
            ddof=None):
        """Variance sum((x - mean x)^2) / (n - correction) over ``dim``.

        As in PyTorch the default is the sample variance, correction = 1 (``unbiased=False`` or
        ``correction=0`` for the population variance). NumPy's ``axis=`` keeps NumPy's meaning,
        ``x.var(axis=0)`` divides by n, and ``ddof=`` sets the correction.
        """
        if isinstance(dim, (bool, np.bool_)):  # PyTorch's var(unbiased)
            dim, unbiased = None, bool(dim)
        correction = variance_correction(correction, unbiased, ddof, numpy_style=axis is not None)
        axis, keepdims = _axis_args(axis, keepdim if keepdims is None else keepdims, dim, None, self.ndim)
        return reductions.var(self, axis=axis, keepdims=keepdims, ddof=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None,
            ddof=None):
        """Standard deviation √var, with ``var``'s arguments and defaults (sample, as PyTorch)."""
        return self.var(dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims,
                        ddof=ddof).sqrt()

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The largest value; with an integer ``dim``, PyTorch's ``(values, indices)`` along it.

        ``x.max()`` is one value. ``x.max(1)`` or ``x.max(dim=1)`` is a named pair
        ``(values, indices)`` as in PyTorch (``_, predicted = logits.max(1)``); the gradient
        goes to the position ``indices`` names. NumPy's ``x.max(axis=1)`` (and a tuple of
        dimensions) gives the values only, with ties sharing the gradient equally.
        """
        if is_one_dim(dim) and axis is None:
            return extreme_along(self, dim, keepdim if keepdims is None else keepdims, largest=True)
        axis, keepdims = _axis_args(axis, keepdim if keepdims is None else keepdims, dim, None, self.ndim)
        return reductions.max(self, axis=axis, keepdims=keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The smallest value: -max(-x); with an integer ``dim``, ``(values, indices)`` as ``max``."""
        if is_one_dim(dim) and axis is None:
            return extreme_along(self, dim, keepdim if keepdims is None else keepdims, largest=False)
        axis, keepdims = _axis_args(axis, keepdim if keepdims is None else keepdims, dim, None, self.ndim)
        return smallest(self, axis, keepdims)

    def amax(self, dim=None, keepdim=False):
        """The largest values over ``dim`` (an int, a tuple or None), values only, as ``torch.amax``."""
        axis, keepdims = _axis_args(None, keepdim, dim, None, self.ndim)
        return reductions.max(self, axis=axis, keepdims=keepdims)

    def amin(self, dim=None, keepdim=False):
        """The smallest values over ``dim``, values only, as ``torch.amin``."""
        axis, keepdims = _axis_args(None, keepdim, dim, None, self.ndim)
        return smallest(self, axis, keepdims)

    def argmax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Positions of the largest values (no gradient); ``dim=None`` flattens, as in both libraries."""
        return arg_extreme(self, np.argmax, dim, keepdim, axis, keepdims)

    def argmin(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Positions of the smallest values (no gradient)."""
        return arg_extreme(self, np.argmin, dim, keepdim, axis, keepdims)

    def exp(self):
        return elementwise.exp(_floating(self))

    def log(self):
        return elementwise.log(_floating(self))

    def log1p(self):
        return elementwise.log1p(_floating(self))

    def sqrt(self):
        return elementwise.sqrt(_floating(self))

    def abs(self):
        return elementwise.abs(self)

    def relu(self):
        return elementwise.relu(self)

    def sigmoid(self):
        return elementwise.sigmoid(_floating(self))

    def tanh(self):
        return elementwise.tanh(_floating(self))

    def clip(self, min=None, max=None):
        """Limit values to [min, max]; the gradient passes only where x was inside.

        A bound may be a Tensor (element by element, broadcasting); it then gets the gradient
        where it is the value taken, as in PyTorch.
        """
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            result = self if min is None else elementwise.where(self._data < _array_of(min), min, self)
            return result if max is None else elementwise.where(result._data > _array_of(max), max, result)
        return elementwise.clip(self, min, max)

    clamp = clip

    def reshape(self, *shape):
        """Same data in a new shape; one dimension may be -1."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return shape_ops.reshape(self, shape)

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        """Merge dimensions ``start_dim`` to ``end_dim`` (both included) into one, as in PyTorch."""
        ndim = max(self.ndim, 1)
        start, end = _dim(start_dim, ndim, "flatten"), _dim(end_dim, ndim, "flatten")
        if start > end:
            raise ValueError(f"flatten: start_dim ({start_dim}) must not come after end_dim ({end_dim}) "
                             f"for a tensor of {self.ndim} dimensions")
        merged = math.prod(self.shape[start:end + 1])  # not -1: it can be 0
        return self.reshape(self.shape[:start] + (merged,) + self.shape[end + 1:])

    def transpose(self, *axes):
        """Two dimensions exchanged, as in PyTorch: ``x.transpose(0, 1)`` (for 2-D, ``x.T``).

        One tuple, or three or more dimensions, is a full order as in NumPy (see ``permute``); no
        dimensions reverse them.
        """
        if len(axes) == 2:
            return self.swapaxes(*axes)
        return self.permute(*axes) if axes else shape_ops.transpose(self, None)

    def permute(self, *dims):
        """All dimensions in a new order: output dimension k is input dimension ``dims[k]`` (PyTorch's and NumPy's meaning)."""
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        return shape_ops.transpose(self, dims)

    def swapaxes(self, axis1: int, axis2: int):
        """Exchange two dimensions (PyTorch's ``transpose(dim0, dim1)``)."""
        axes = list(range(self.ndim))
        axis1, axis2 = _dim(axis1, self.ndim, "swapaxes"), _dim(axis2, self.ndim, "swapaxes")
        axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
        return shape_ops.transpose(self, tuple(axes))

    @property
    def T(self):
        """The tensor with its dimensions reversed (the matrix transpose for 2-D)."""
        return shape_ops.transpose(self, None)

    def squeeze(self, axis=None):
        """Drop dimensions of size 1: all of them, or those of ``axis`` that are 1 (others stay, as in PyTorch)."""
        if axis is None:
            return self.reshape(tuple(n for n in self.shape if n != 1))
        axes = {_dim(a, self.ndim, "squeeze") for a in (axis if isinstance(axis, (tuple, list)) else (axis,))}
        return self.reshape(tuple(n for k, n in enumerate(self.shape) if not (k in axes and n == 1)))

    def unsqueeze(self, axis: int):
        """Insert a dimension of size 1 at ``axis`` (in [-ndim - 1, ndim])."""
        shape = list(self.shape)
        shape.insert(_dim(axis, len(shape) + 1, "unsqueeze"), 1)
        return self.reshape(tuple(shape))

    def astype(self, dtype):
        """Convert to ``dtype``; the gradient is converted back. An integer or bool result has no
        gradient (rounding has slope 0 almost everywhere), so it leaves the graph, as in PyTorch."""
        dtype = resolve_dtype(dtype)
        if dtype.kind not in "fc":
            return Tensor._from_op(self._data.astype(dtype))
        return shape_ops.astype(self, dtype)

    def float(self):
        return self.astype(np.float32)

    def double(self):
        return self.astype(np.float64)

    def long(self):
        """As int64 (class labels); no gradient."""
        return self.astype(np.int64)

    def matmul(self, other):
        return self @ other

    mm = matmul

    def t(self):
        """The transpose of a matrix (a tensor of at most 2 dimensions), as PyTorch's ``t()``."""
        if self.ndim > 2:
            raise ValueError(f"t: expects a tensor of at most 2 dimensions, got shape {self.shape}; use "
                             f"transpose(dim0, dim1)")
        return shape_ops.transpose(self, None)

    def pow(self, exponent):
        return self ** exponent

    def softmax(self, dim: int = -1):
        return nn_ops.softmax(_floating(self), dim=dim)

    def log_softmax(self, dim: int = -1):
        return nn_ops.log_softmax(_floating(self), dim=dim)

    def any(self):
        return bool(self._data.any())

    def all(self):
        return bool(self._data.all())


def tensor(data, requires_grad: bool = False, dtype=None) -> Tensor:
    """A new tensor holding a copy of ``data`` (``glassnet.tensor([1.0, 2.0], requires_grad=True)``).

    As ``torch.tensor``, it copies: training it never changes the array it came from. To wrap an
    ndarray without copying use ``glassnet.from_numpy`` (or ``Tensor(array)``), as PyTorch's
    ``from_numpy``.
    """
    made = Tensor(data, requires_grad=requires_grad, dtype=dtype)
    if made._data is (data._data if isinstance(data, Tensor) else data):  # wrapped as it was, not converted
        made._data = made._data.copy()
    return made


def as_tensor(value) -> Tensor:
    """Return ``value`` if it is a Tensor, else a constant tensor wrapping it."""
    if isinstance(value, Tensor):
        return value
    return Tensor(value)


def _to_array(data, dtype) -> np.ndarray:
    if isinstance(data, Tensor):
        data = data._data
    elif isinstance(data, np.ndarray) and data.dtype.kind not in "biufc":
        raise TypeError(f"Tensor: expected numbers, got an array of dtype {data.dtype}")
    if isinstance(data, np.ndarray):
        return data if dtype is None or data.dtype == dtype else data.astype(dtype)
    if dtype is None:
        try:
            array = np.asarray(data)
        except ValueError as error:  # ragged nested lists
            raise ValueError(f"Tensor: expected a rectangular nested list of numbers, got {type(data).__name__}: "
                             f"{str(error).splitlines()[0]}") from None
        if array.dtype == np.float64 and not isinstance(data, (np.floating, np.generic)):
            array = array.astype(get_default_dtype())
        elif array.dtype.kind not in "biufc":
            raise TypeError(f"Tensor: expected numbers, got data of dtype {array.dtype} ({type(data).__name__})")
        return array
    try:
        return np.asarray(data, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(f"Tensor: cannot convert {type(data).__name__} to dtype {dtype.name}: {error}") from None


def _operand(value, like: Tensor) -> Tensor:
    """The other side of a binary operator; Python numbers take ``like``'s float dtype."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray):
        return Tensor._from_op(value)
    if isinstance(value, (int, float, bool, np.number)) and is_floating(like._data.dtype):
        return Tensor._from_op(np.asarray(value, dtype=like._data.dtype))
    return Tensor(value)


def _floating(tensor: Tensor) -> Tensor:
    """An integer or bool tensor in the default float dtype, for a function whose result is a float
    (exp, log, sigmoid, ...), as PyTorch gives it; a float tensor as it is."""
    return _cast(tensor, get_default_dtype()) if tensor._data.dtype.kind in "biu" else tensor


def _cast(tensor: Tensor, dtype) -> Tensor:
    """A constant copy of an integer or bool tensor (which has no gradient) in ``dtype``."""
    return Tensor._from_op(tensor._data.astype(dtype))


def _operands(tensor: Tensor, other, divide: bool = False) -> tuple:
    """``(tensor, other)`` ready for a binary op, with PyTorch's promotion where it differs from NumPy's.

    An integer or bool tensor meeting a float (a tensor, or a Python float, which takes the default
    dtype) becomes that float dtype first, and true division of two integers gives the default float
    dtype: ``uint8_pixels / 255`` is float32, as in PyTorch, where NumPy would give float64. Two
    float tensors keep NumPy's rule (float32 with float64 is float64).
    """
    other = _operand(other, tensor)
    mine, theirs = tensor._data.dtype.kind, other._data.dtype.kind
    if mine == "f" == theirs:  # the training path: nothing to do
        return tensor, other
    if mine in "biu" and theirs == "f":
        return _cast(tensor, other._data.dtype), other
    if theirs in "biu" and mine == "f":
        return tensor, _cast(other, tensor._data.dtype)
    if divide and mine in "biu" and theirs in "biu":
        return _floating(tensor), _floating(other)
    return tensor, other


def _raw(value):
    return value._data if isinstance(value, Tensor) else value


def _plain_index(index):
    """Indices may hold tensors (e.g. integer labels); index NumPy with their arrays."""
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, tuple):
        return tuple(_raw(i) for i in index)
    return index


def _axis_args(axis, keepdims, dim, keepdim, ndim: int):
    """Accept both NumPy's ``axis/keepdims`` and PyTorch's ``dim/keepdim``; a 0-d tensor takes
    dimension 0 or -1 as all of it, as in PyTorch."""
    if dim is not None:
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    if isinstance(axis, list):
        axis = tuple(axis)
    if ndim == 0 and axis is not None:
        for a in axis if isinstance(axis, tuple) else (axis,):
            _dim(a, 1, "reduction")  # 0 or -1, else the range error
        axis = None
    return axis, bool(keepdims)


def _array_of(value):
    """A bound's data: a Tensor's array, else the value as given."""
    return value._data if isinstance(value, Tensor) else value


def _dim(axis, ndim: int, method: str) -> int:
    """``axis`` as an index in [0, ndim), or an IndexError naming the method and the valid range."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{method}: a dimension must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise IndexError(f"{method}: dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {axis})")
    return int(axis) % ndim


# The op modules and the backward pass import Tensor from this module, so they are imported after it exists.
from glassnet import backward  # noqa: E402
from glassnet.ops import arithmetic, elementwise, nn_ops, reductions  # noqa: E402
from glassnet.ops import shape as shape_ops  # noqa: E402
from glassnet.tensor_reductions import (  # noqa: E402
    arg_extreme, extreme_along, is_one_dim, smallest, variance_correction,
)

