"""Fused neural-network primitives, each with a hand-derived VJP.

These could be composed from smaller ops; they are primitives because a fused
form is either much faster (one GEMM call and no temporaries for ``linear``) or
numerically safer (log-sum-exp inside ``log_softmax`` and ``cross_entropy``).
"""
from __future__ import annotations

import numpy as np

from glassnet.blas import sum_of_squares
from glassnet.dtypes import constant_row
from glassnet.errors import ShapeError
from glassnet.ops.elementwise import relu_, sigmoid_
from glassnet.ops.registry import primitive
from glassnet.ops.workspace import MIN_SIZE


_dot = np.ndarray.dot
"""a.dot(b): the BLAS product of ``np.dot`` called as the array method, which skips the Python-level
dispatch that ``np.dot`` itself goes through in NumPy 2 (6.6k against 7.8k instructions for a 4 × 3
by 4 × 2 product; the same function underneath, so the same numbers)."""


def _product(a, b):
    """The function that multiplies like a @ b: :data:`_dot` for two 2-D operands, the same BLAS
    product without the gufunc machinery of ``np.matmul`` (0.6 against 0.9 µs for a 4 × 2 by
    2 × 3 product; the same numbers), else ``np.matmul`` (``np.dot`` of a 3-D operand is slow).
    An op picks it once for its forward product and the VJP products of the same shapes."""
    return _dot if a.ndim == 2 and b.ndim == 2 else np.matmul


MATMUL_MIN_SIZE = 32768
"""Products written into an output of at least this many elements are computed by ``np.matmul``
rather than :data:`_dot`. NumPy's ``dot`` zeroes its output with ``memset`` before BLAS writes it
(and BLAS, with beta = 0, clears it again); ``np.matmul`` goes to the same BLAS routine without that
pass. For the 784 × 256 weight gradient at batch 32 that is 48 against 67 µs, for dL/dx of the
128-unit layer at batch 1024 (1024 × 128 by 128 × 256) 342 against 373 µs; at 16,384 elements the
two are even, and below that ``dot``'s smaller overhead wins (0.7 against 1.5 µs for 32 × 32)."""


def _product_into(out):
    """The product function for writing into ``out``: see :data:`MATMUL_MIN_SIZE`."""
    return np.matmul if out.size >= MATMUL_MIN_SIZE else _dot


def _weight_gradient(d, x, weight, out=None):
    """dL/dW = d^T x, summed over all leading dimensions, in ``weight``'s memory layout.

    A column-major weight (see ``Linear``) gets a column-major gradient, computed as
    (x^T d)^T, so the optimizer's update walks both arrays in the same order. The
    product goes into ``out`` when it has the product's dtype. The engine offers only a
    contiguous ``out`` with the weight's strides, so ``out`` (row-major weight) or ``out.T``
    (column-major weight) is row-major, the one layout ``dot`` writes into.
    """
    if d.ndim != 2:
        d, x = d.reshape(-1, d.shape[-1]), x.reshape(-1, x.shape[-1])
    # column-major: the first axis is the one whose neighbours sit closer in memory
    column_major = weight.ndim == 2 and weight.strides[0] < weight.strides[1]
    product = _product_into(weight)  # dL/dW has W's size
    if out is None or not (out.dtype == d.dtype == x.dtype):  # mixed precision: the engine casts once
        if not column_major:
            return product(d.T, x)
        out = np.empty(weight.shape, dtype=np.result_type(d, x), order="F")
    elif not column_major:
        return product(d.T, x, out=out)
    product(x.T, d, out=out.T)  # (x^T d)^T = d^T x, written through the transposed view
    return out


def _bias_gradient(d, out=None):
    """dL/db = sum of d over all but the last axis = 1^T d; into ``out`` when it has b's shape and d's dtype.

    The column sums are taken as one BLAS matrix-vector product with a vector of ones: for
    a 1024 × 256 float32 d, 11 µs against 27 µs for ``np.add.reduce(d, axis=0)``, and for a
    4 × 3 one 6.2k against 9.3k instructions, with the ones kept from the previous step.
    """
    if d.ndim != 2:
        d = d.reshape(-1, d.shape[-1])
    if out is not None and (out.shape != d.shape[1:] or out.dtype != d.dtype or not out.flags.c_contiguous):
        out = None
    dtype = d.dtype
    if dtype.kind != "f" or dtype.itemsize < 4:  # no BLAS for the dtype (float16, integers)
        return np.add.reduce(d, axis=0, out=out)
    return _dot(constant_row(1.0, d.shape[0], dtype), d, out=out)


def _features_mismatch(x, weight):
    """Raise the ShapeError of an input whose last dimension does not fit the weight."""
    features = x.shape[-1] if x.shape else "no"
    raise ShapeError(
        f"linear: input of shape {x.shape} has {features} features in its last dimension, "
        f"but the weight of shape {weight.shape} expects {weight.shape[-1]}"
    )


def _forward(x, weight, workspace):
    """(x W^T, the product function for W's VJPs, workspace for dL/dx or None).

    With a ``workspace``, x W^T is written into its "output" array and dL/dx later into its
    "grad_input" array, each when it has at least :data:`~glassnet.ops.workspace.MIN_SIZE`
    elements (smaller ones are cheaper to allocate than to look up) and x and W are two matrices
    of one dtype; otherwise they are made afresh.
    """
    product = _product(x, weight)
    if workspace is None or product is not _dot or x.dtype != weight.dtype:
        return product(x, weight.T), product, None
    input_space = workspace if x.size >= MIN_SIZE else None
    if x.shape[0] * weight.shape[0] < MIN_SIZE:
        return product(x, weight.T), product, input_space
    out = workspace.empty("output", (x.shape[0], weight.shape[0]), x.dtype)
    return _product_into(out)(x, weight.T, out=out), product, input_space


def _input_gradient(d, weight, product, x_shape, input_space):
    """dL/dx = d W, into the "grad_input" array of ``input_space`` when there is one and d has W's dtype."""
    if input_space is None or d.dtype != weight.dtype:
        return product(d, weight)
    out = input_space.empty("grad_input", x_shape, d.dtype)
    return _product_into(out)(d, weight, out=out)


@primitive
def linear(x, weight, bias=None, workspace=None):
    """y = x W^T + b, with W of shape (out_features, in_features).

    With a ``workspace`` (``Linear`` passes its own) y and dL/dx are written into the arrays of
    the previous call when nothing holds those any more.
    """
    if not x.shape or x.shape[-1] != weight.shape[-1]:
        _features_mismatch(x, weight)
    y, product, input_space = _forward(x, weight, workspace)
    if bias is not None:
        y += bias

    def grad_x(g):
        # dL/dx = g W
        return _input_gradient(g, weight, product, x.shape, input_space)

    def grad_weight(g, out=None):
        # dL/dW = g^T x  (summed over all leading dimensions)
        return _weight_gradient(g, x, weight, out)

    def grad_bias(g, out=None):
        # dL/db = sum of g over all but the last axis
        return _bias_gradient(g, out)

    return y, ((grad_x, grad_weight) if bias is None else (grad_x, grad_weight, grad_bias))


def _relu_slope(h, out=None):
    # d/dz max(z, 0) = 1 where h > 0, else 0
    return h > 0 if out is None else np.greater(h, 0, out=out)


def _sigmoid_slope(h, out=None):
    # d/dz sigmoid(z) = h (1 - h) = h - h^2
    if out is None:  # operators: a ufunc called with keywords parses them more slowly (tiny arrays notice)
        return h - h * h
    return np.subtract(h, np.multiply(h, h, out=out), out=out)


def _tanh_slope(h, out=None):
    # d/dz tanh(z) = 1 - h^2
    if out is None:
        return 1 - h * h
    return np.subtract(1, np.multiply(h, h, out=out), out=out)


ACTIVATIONS_IN_PLACE = {
    # name: (f(z, out=z) computes h = f(z) in z's memory, f'(z) from h (into out), whether f' is 0 or 1)
    "relu": (relu_, _relu_slope, True),
    "sigmoid": (sigmoid_, _sigmoid_slope, False),
    "tanh": (np.tanh, _tanh_slope, False),
}
"""Activations that ``linear_activation`` can fuse, by name."""


@primitive(n_tensors=3)
def linear_activation(x, weight, bias, activation, workspace=None):
    """h = f(x W^T + b) as one op: z is never kept, f is applied in its memory.

    ``Sequential`` uses it for a Linear followed by ReLU, Sigmoid or Tanh: one graph node
    and one array instead of two, the same numbers as the two ops. With a ``workspace``
    (the Linear's own) h, f'(z), dL/dz and dL/dx are written into the arrays of the previous
    call when nothing holds those any more.
    """
    if not x.shape or x.shape[-1] != weight.shape[-1]:
        _features_mismatch(x, weight)
    apply, derivative, is_mask = ACTIVATIONS_IN_PLACE[activation]
    h, product, input_space = _forward(x, weight, workspace)
    h += bias
    h = apply(h, out=h)
    output_space = workspace if workspace is not None and h.size >= MIN_SIZE else None
    last = [None, None]  # the g seen last and its dz

    def dz(g):
        # dL/dz = dL/dh * f'(z), shared by the three inputs' VJPs below
        if last[0] is not g:
            if output_space is None or g.dtype != h.dtype:
                d = g * derivative(h)
            else:
                shape = h.shape
                slope = derivative(h, out=output_space.empty("slope", shape, bool if is_mask else h.dtype))
                # a float f'(z) lies in this op's own array, so dL/dz takes its memory; a mask cannot
                d = np.multiply(g, slope, out=output_space.empty("grad_output", shape, h.dtype) if is_mask else slope)
            last[0], last[1] = g, d
        return last[1]

    def grad_weight(g, out=None):
        return _weight_gradient(dz(g), x, weight, out)

    def grad_bias(g, out=None):
        return _bias_gradient(dz(g), out)

    # dL/dx = dz W ;  dL/dW = dz^T x ;  dL/db = sum of dz over rows
    return h, (lambda g: _input_gradient(dz(g), weight, product, x.shape, input_space), grad_weight, grad_bias)


def _mean_of(total, count: int, dtype):
    """total / count, or NaN of ``dtype`` for no elements (the mean of an empty batch, as in PyTorch)."""
    return total / count if count else dtype.type(np.nan)


@primitive(n_tensors=2)
def mse(input, target, reduction="mean"):
    """Squared error (input - target)^2, fused: one op instead of four on every training step."""
    diff = input - target
    if reduction == "mean":  # Σ (x - t)² as one dot product, without the squared array
        out, scale = _mean_of(sum_of_squares(diff), diff.size, diff.dtype), 2.0 / max(diff.size, 1)
    elif reduction == "sum":
        out, scale = sum_of_squares(diff), 2.0
    else:
        out, scale = diff * diff, None

    def grad(g):
        # d/dx (x - t)^2 = 2 (x - t), times g (a scalar for mean and sum)
        return diff * (float(g) * scale) if scale is not None else 2 * diff * g

    return out, (grad, lambda g: -grad(g))


BCE_LOG_FLOOR = -100.0
"""log p and log(1 - p) are clamped here, as PyTorch does, so that p = 0 or 1 gives a finite loss."""


@primitive(n_tensors=2)
def binary_cross_entropy(p, t):
    """-(t log p + (1 - t) log(1 - p)) per element, each log clamped at -100 (unreduced).

    A primitive rather than log, clip and products, because the composite's gradient is
    0 · (1/0) = NaN where p is exactly 0 or 1, which float32 sigmoid outputs reach from |x| ≈ 17.
    """
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), BCE_LOG_FLOOR)
        log_q = np.maximum(np.log1p(-p), BCE_LOG_FLOOR)
    losses = -(t * log_p + (1 - t) * log_q)
    # dL/dp = (p - t) / (p (1 - p)), the denominator kept >= 1e-12 as PyTorch does;  dL/dt = log(1 - p) - log p
    return losses, (lambda g: g * (p - t) / np.maximum(p * (1 - p), 1e-12), lambda g: g * (log_q - log_p))


@primitive(n_tensors=2)
def binary_cross_entropy_with_logits(x, t):
    """max(x, 0) − x t + log(1 + e^−|x|) per element: −(t log σ(x) + (1 − t) log(1 − σ(x))) without
    forming σ(x), so that no log of 0 occurs (unreduced).

    A primitive rather than the composite of relu, abs and log1p, whose slopes at x = 0 are both
    taken as 0 and so gave −t there instead of σ(0) − t = ½ − t.
    """
    losses = np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))
    # dL/dx = σ(x) − t ;  dL/dt = −x
    return losses, (lambda g: g * (sigmoid_(x) - t), lambda g: -g * x)


def _log_softmax(x, dim):
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


@primitive(n_tensors=1)
def softmax(x, dim=-1):
    """softmax(x)_i = e^(x_i) / sum_j e^(x_j) along ``dim``, shifted by the max for stability."""
    if x.size == 0:  # nothing to normalise (NumPy's max of nothing would raise)
        return x.copy(), (lambda g: np.zeros_like(x),)
    shifted = np.exp(x - x.max(axis=dim, keepdims=True))
    s = shifted / shifted.sum(axis=dim, keepdims=True)
    # dL/dx = s * (g - sum(g * s))
    return s, (lambda g: s * (g - (g * s).sum(axis=dim, keepdims=True)),)


@primitive(n_tensors=1)
def log_softmax(x, dim=-1):
    """log softmax(x) = x - log sum_j e^(x_j), by the log-sum-exp trick."""
    if x.size == 0:
        return x.copy(), (lambda g: np.zeros_like(x),)
    y = _log_softmax(x, dim)
    # dL/dx = g - softmax(x) * sum(g)
    return y, (lambda g: g - np.exp(y) * g.sum(axis=dim, keepdims=True),)


FEW_CLASSES = 64
"""Up to this many classes ``cross_entropy_with_labels`` works on the transposed logits (see there)."""


@primitive(n_tensors=1)
def cross_entropy_with_labels(logits, labels, reduction="mean"):
    """-log softmax(logits)[label] per row, fused: the gradient is (softmax - onehot) / N.

    The maximum and the sum run over the classes, the last axis of the (N, C) logits. NumPy
    reduces a row-major array along its last axis one row at a time, which is slow for few
    classes: for 1024 × 10 float32 logits the row maxima take 50 µs and the row sums 19 µs.
    With at most :data:`FEW_CLASSES` classes the op therefore works on a (C, N) row-major copy,
    where a reduction over classes is C - 1 elementwise operations on rows of N (the same maxima
    in 3 µs, plus 4 µs for the copy), and returns the gradient as the column-major (N, C) view
    of a (C, N) array, which the products of the layer below take as it is. Forward and backward
    together took 44 against 113 µs at 1024 × 10, 75 against 140 at 1024 × 32, 123 against 184
    at 1024 × 64, 14 against 22 at 128 × 10 and the same at 4 × 2; with 128 classes the
    transposed layout was no faster (792 against 762 µs at 1024 × 128), so more classes than
    :data:`FEW_CLASSES` keep the row-major one.
    """
    n, classes = logits.shape
    rows = np.arange(n)
    few = classes <= FEW_CLASSES
    axis = 0 if few else 1  # the axis of classes in e
    at_labels = (labels, rows) if few else (rows, labels)
    e = np.array(logits.T, order="C") if few else logits.copy()  # a copy: logits stays as it was
    e -= np.maximum.reduce(e, axis=axis, keepdims=True)  # shifted by each sample's maximum
    picked = e[at_labels]  # the shifted logit at each sample's label
    np.exp(e, out=e)
    total = np.add.reduce(e, axis=axis, keepdims=True)
    # -log softmax at the label = log sum_j e^(x_j - max) - (x_label - max)
    losses = np.log(total.reshape(n)) - picked
    e /= total  # softmax, kept for the gradient
    if reduction == "mean":
        out, scale = _mean_of(np.add.reduce(losses), n, losses.dtype), 1.0 / max(n, 1)
    elif reduction == "sum":
        out, scale = np.add.reduce(losses), 1.0
    else:
        out, scale = losses, None

    def grad(g):
        # dL/dlogits = g * (softmax(logits) - onehot(labels))
        d = e.copy()  # e stays intact for a second backward(retain_graph=True)
        d[at_labels] -= 1
        if scale is None:
            d *= g if few else g[:, None]  # g holds one number per sample
        else:
            d *= g * scale
        return d.T if few else d

    return out, (grad,)
