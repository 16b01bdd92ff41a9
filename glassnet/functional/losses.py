"""Loss functions: how far predictions are from targets, as one number to minimise."""
from __future__ import annotations

import numpy as np

from glassnet.errors import ShapeError
from glassnet.ops import nn_ops
from glassnet.ops.reductions import mean
from glassnet.tensor import Tensor, as_tensor

REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str, function: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{function}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _reduce(losses, reduction: str):
    if reduction == "mean":
        return mean(losses)
    if reduction == "sum":
        return losses.sum()
    return losses


def _same_shape(input, target, function: str) -> None:
    if input.shape == target.shape:
        return
    if target.ndim == 1 and input.ndim == 2 and input.shape[1] == 1 and len(target) == input.shape[0]:
        hint = "make the target a column: y.reshape(-1, 1)"
    elif target.ndim == 1 and input.ndim == 2 and len(target) == input.shape[0]:
        hint = (f"for class labels, one-hot encode them to shape {input.shape} "
                f"(glassnet.datasets.one_hot(y, {input.shape[1]})), or use cross_entropy with integer labels")
    else:
        hint = "give one target value per output value"
    raise ShapeError(
        f"{function}: input of shape {input.shape} and target of shape {target.shape} must have the same shape; {hint}"
    )


def _target_like(target, input) -> Tensor:
    """A target as a constant tensor in the input's float dtype."""
    data = target._data if isinstance(target, Tensor) else np.asarray(target)
    if data.dtype.kind not in "biuf":
        raise TypeError(f"target: expected numbers, got an array of dtype {data.dtype}")
    dtype = input._data.dtype
    if data.dtype != dtype:
        data = data.astype(dtype)
    return Tensor._from_op(data)


def _check_float_input(input: Tensor, loss: str) -> None:
    if input._data.dtype.kind != "f":
        raise TypeError(f"{loss}: input must be a float tensor (the model's outputs), got dtype "
                        f"{input._data.dtype}; convert it with .astype('float32')")


def _target_or_constant(target, input) -> Tensor:
    """A target that requires grad as it is (the loss then differentiates it too, as in PyTorch), any
    other as a constant in the input's float dtype."""
    return target if isinstance(target, Tensor) and target.requires_grad else _target_like(target, input)


def mse_loss(input, target, reduction: str = "mean"):
    """Squared error: mean((input - target)^2)."""
    if reduction not in REDUCTIONS:  # the checks call out only to raise: this runs on every training step
        _check_reduction(reduction, "mse_loss")
    input = as_tensor(input)
    target = _target_or_constant(target, input)
    if input._data.shape != target._data.shape:
        _same_shape(input, target, "mse_loss")
    return nn_ops.mse(input, target, reduction=reduction)


def cross_entropy(input, target, reduction: str = "mean", *, weight=None, ignore_index: int = -100,
                  label_smoothing: float = 0.0):
    """Cross-entropy from logits: -sum_c t_c log softmax(input)_c per row.

    ``target`` is either integer class labels of shape (N,), or class
    probabilities (one-hot or soft) of the input's shape (N, C). With labels the
    log-softmax and the loss are one fused op whose gradient is (softmax - onehot)/N.

    The options are PyTorch's:

    - ``weight`` (C,): a row's loss is multiplied by w[y] (w_c in each term for probabilities);
      with labels the mean divides by the sum of w[y] over the rows counted, not by N.
    - ``ignore_index``: rows with this label count for nothing: loss 0, left out of the mean.
    - ``label_smoothing`` ε in [0, 1]: the target becomes (1 − ε) t + ε/C.
    """
    _check_reduction(reduction, "cross_entropy")
    input = as_tensor(input)
    if input.ndim != 2:
        raise ShapeError(f"cross_entropy: input must be logits of shape (N, C), got shape {input.shape}")
    _check_float_input(input, "cross_entropy")
    classes = input.shape[1]
    plain = weight is None and label_smoothing == 0.0
    if not plain:
        weight, label_smoothing = _class_options(weight, label_smoothing, input)
    _check_ignore_index(ignore_index, "cross_entropy")
    target_data = target.data if isinstance(target, Tensor) else np.asarray(target)
    if target_data.dtype.kind in "iu":  # integer class labels
        _check_label_shape(target_data, input, "cross_entropy")
        # one pass: seen as unsigned, a negative label becomes huge and fails the same test
        unsigned = target_data.view(target_data.dtype.str.replace("i", "u")) if target_data.dtype.kind == "i" else target_data
        in_range = not target_data.size or np.maximum.reduce(unsigned, axis=None) < classes
        ignores_a_class = 0 <= ignore_index < classes and bool(np.any(target_data == ignore_index))
        if plain and in_range and not ignores_a_class:
            return nn_ops.cross_entropy_with_labels(input, target_data, reduction=reduction)
        return _label_cross_entropy(input, target_data, reduction, weight, ignore_index, label_smoothing)
    if target_data.ndim == 1 and len(target_data) == input.shape[0]:
        raise TypeError(
            f"cross_entropy: a target of shape {target_data.shape} must hold integer class labels, got dtype "
            f"{target_data.dtype}; convert them with y.astype(int), or give class probabilities of shape {input.shape}"
        )
    probabilities = _target_or_constant(target, input)
    _same_shape(input, probabilities, "cross_entropy")
    if label_smoothing:
        probabilities = probabilities * (1.0 - label_smoothing) + label_smoothing / classes
    log_p = nn_ops.log_softmax(input, dim=1)
    losses = -((probabilities * log_p if weight is None else probabilities * log_p * weight).sum(axis=1))
    return _reduce(losses, reduction)


def _check_ignore_index(ignore_index, function: str) -> None:
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(f"{function}: ignore_index must be an integer, got {ignore_index!r}")


def _check_label_shape(labels: np.ndarray, input, function: str) -> None:
    """Integer class labels must be one per row of the (N, C) input: shape (N,)."""
    if labels.shape != (input.shape[0],):
        raise ShapeError(
            f"{function}: integer class labels must have shape ({input.shape[0]},) to match input "
            f"{input.shape}, got {labels.shape}"
        )


def _check_labels_in_range(labels: np.ndarray, classes: int, ignore_index: int, function: str) -> np.ndarray:
    """Whether each row counts (its label is not ``ignore_index``); a counted label outside [0, C) is refused."""
    kept = labels != ignore_index
    bad = labels[kept & ((labels < 0) | (labels >= classes))]
    if bad.size:
        raise ValueError(
            f"{function}: class label {bad[0]} is out of range for {classes} classes; labels must be "
            f"integers in [0, {classes - 1}] (or ignore_index={ignore_index})"
        )
    return kept


def _class_options(weight, label_smoothing, input, function: str = "cross_entropy") -> tuple:
    """``weight`` as a constant (C,) tensor in the input's dtype (or None), and ``label_smoothing`` checked."""
    classes = input.shape[1]
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, (int, float, np.floating, np.integer)) \
            or not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{function}: label_smoothing must be a number in [0, 1], got {label_smoothing!r}")
    if weight is not None:
        data = weight._data if isinstance(weight, Tensor) else np.asarray(weight)
        if data.shape != (classes,) or data.dtype.kind not in "biuf" or not np.all(np.isfinite(data)):
            raise ValueError(f"{function}: weight must hold one finite number per class, shape ({classes},), "
                             f"got {getattr(data, 'dtype', '')} of shape {data.shape}")
        weight = _target_like(data, input)
    return weight, float(label_smoothing)


def label_weights(labels: np.ndarray, weight, ignore_index: int) -> np.ndarray:
    """c_i = w[y_i] for each row (1 without ``weight``), 0 where y_i is ``ignore_index``: what a row
    counts for in PyTorch's mean cross-entropy of labels (float64). A label out of range gets w[0];
    the loss is the one to name it."""
    kept = labels != ignore_index
    if weight is None:
        return kept.astype(np.float64)
    weight = np.asarray(weight, dtype=np.float64)
    safe = np.where(kept & (labels >= 0) & (labels < len(weight)), labels, 0)
    return np.where(kept, weight[safe], 0.0)


def _label_cross_entropy(input, labels, reduction, weight, ignore_index, label_smoothing):
    """Cross-entropy of integer labels with class weights, ignored rows or label smoothing, composed
    from log_softmax and indexing (the fused op covers the plain case).

    Row i counts with c_i = w[y_i] (1 without weights; 0 when y_i is ignore_index):
    L_i = −c_i log p_i[y_i] · (1 − ε) − (ε/C) Σ_c w_c log p_ic (the second term 0 for ignored rows);
    the mean is Σ L_i / Σ c_i, as PyTorch divides.
    """
    classes = input.shape[1]
    kept = _check_labels_in_range(labels, classes, ignore_index, "cross_entropy")
    log_p = nn_ops.log_softmax(input, dim=1)
    losses, counts = _picked_log_probabilities(log_p, labels, weight, ignore_index)
    if label_smoothing:
        spread = log_p if weight is None else log_p * weight
        smooth = -(spread.sum(axis=1) * Tensor._from_op(kept.astype(input._data.dtype)))
        losses = losses * (1.0 - label_smoothing) + smooth * (label_smoothing / classes)
    return _reduce_counted(losses, counts, reduction)


def _picked_log_probabilities(log_p, labels, weight, ignore_index) -> tuple:
    """(−c_i log p_i[y_i] per row, c_i), with c_i = w[y_i] (1 without weights; 0 when y_i is ignore_index)."""
    kept = labels != ignore_index
    safe = np.where(kept, labels, 0).astype(np.intp)
    counts = label_weights(labels, None if weight is None else weight._data, ignore_index).astype(log_p._data.dtype)
    return -(log_p[np.arange(len(labels)), safe] * Tensor._from_op(counts)), counts


def _reduce_counted(losses, counts: np.ndarray, reduction: str):
    """Σ L_i for 'sum', Σ L_i / Σ c_i for 'mean' (PyTorch's weighted mean), the L_i for 'none'."""
    if reduction == "none":
        return losses
    total = losses.sum()
    if reduction == "sum":
        return total
    denominator = float(counts.sum())
    if not denominator:  # no row counts: the mean of nothing is NaN, its gradient 0, as in PyTorch
        return total * 0.0 + float("nan")
    return total * (1.0 / denominator)


def nll_loss(input, target, weight=None, *, ignore_index: int = -100, reduction: str = "mean"):
    """Negative log-likelihood: L_i = −w[y_i] · input[i, y_i], for log-probabilities ``input`` (N, C).

    ``input`` is what ``log_softmax`` gives (``nll_loss(log_softmax(x, 1), y)`` is ``cross_entropy(x, y)``);
    ``target`` holds integer class labels of shape (N,). As in PyTorch, rows labelled
    ``ignore_index`` count for nothing (L_i = 0), ``weight`` (C,) scales row i by w[y_i]
    (1 without it), and the mean is Σ L_i / Σ w[y_i] over the rows not ignored (NaN when none is).
    The gradient is dL/dinput[i, y_i] = −w[y_i] / Σ w[y] for the mean, 0 elsewhere.
    """
    if isinstance(weight, str) and weight in REDUCTIONS:
        raise TypeError(f"nll_loss: the third argument is weight, as in PyTorch, got {weight!r}; give the "
                        f"reduction by name: nll_loss(input, target, reduction={weight!r})")
    _check_reduction(reduction, "nll_loss")
    input = as_tensor(input)
    if input.ndim != 2:
        raise ShapeError(f"nll_loss: input must be log-probabilities of shape (N, C), got shape {input.shape}")
    _check_float_input(input, "nll_loss")
    _check_ignore_index(ignore_index, "nll_loss")
    weight, _ = _class_options(weight, 0.0, input, "nll_loss")
    labels = target.data if isinstance(target, Tensor) else np.asarray(target)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"nll_loss: target must hold integer class labels, got dtype {labels.dtype}; "
                        f"convert them with y.astype(int)")
    _check_label_shape(labels, input, "nll_loss")
    _check_labels_in_range(labels, input.shape[1], ignore_index, "nll_loss")
    losses, counts = _picked_log_probabilities(input, labels, weight, ignore_index)
    return _reduce_counted(losses, counts, reduction)


def l1_loss(input, target, reduction: str = "mean"):
    """Absolute error: mean(|input − target|); its gradient is sign(input − target) / n (0 where they are equal)."""
    _check_reduction(reduction, "l1_loss")
    input = as_tensor(input)
    _check_float_input(input, "l1_loss")
    target = _target_or_constant(target, input)
    _same_shape(input, target, "l1_loss")
    return _reduce(abs(input - target), reduction)


def _elementwise_weight(weight, input: Tensor, name: str, function: str):
    """``weight`` as a constant in the input's dtype that broadcasts to the input's shape, or None."""
    if weight is None:
        return None
    try:
        data = np.asarray(weight._data if isinstance(weight, Tensor) else weight)
    except ValueError:  # a ragged list
        raise ValueError(f"{function}: {name} must be an array of numbers, got {weight!r:.200}") from None
    with np.errstate(over="ignore"):
        cast = data.astype(input._data.dtype) if data.dtype.kind in "biuf" else None
    if cast is None or not np.all(np.isfinite(cast)):
        raise ValueError(f"{function}: {name} must hold finite numbers in the input's dtype "
                         f"({input._data.dtype.name}), got {data!r:.200}")
    try:
        fits = np.broadcast_shapes(data.shape, input.shape) == input.shape
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{function}: {name} of shape {data.shape} does not broadcast to the input's shape {input.shape}")
    return Tensor._from_op(cast)


def binary_cross_entropy(input, target, reduction: str = "mean", *, weight=None):
    """-w (t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1]; logs are clamped at -100 as in PyTorch.

    ``weight`` (broadcast to the input's shape) rescales each element's loss; the mean is still
    over the elements, as in PyTorch.
    """
    _check_reduction(reduction, "binary_cross_entropy")
    input = as_tensor(input)
    _check_float_input(input, "binary_cross_entropy")
    target = _target_or_constant(target, input)
    _same_shape(input, target, "binary_cross_entropy")
    if input.data.size and (input.data.min() < 0 or input.data.max() > 1):
        raise ValueError(
            "binary_cross_entropy: input must be probabilities in [0, 1] (apply sigmoid first, or use "
            "binary_cross_entropy_with_logits)"
        )
    losses = nn_ops.binary_cross_entropy(input, target)
    weight = _elementwise_weight(weight, input, "weight", "binary_cross_entropy")
    return _reduce(losses if weight is None else losses * weight, reduction)


def binary_cross_entropy_with_logits(input, target, reduction: str = "mean", *, weight=None, pos_weight=None):
    """Binary cross-entropy of sigmoid(x), stably: max(x, 0) - x t + log(1 + e^-|x|).

    With ``pos_weight`` p (one per class, the last dimension) the positive term counts p times,
    -[p t log σ(x) + (1 - t) log(1 - σ(x))] = bce(x, t) + (p - 1) t softplus(-x), where
    softplus(-x) = bce(x, 1); ``weight`` rescales each element's loss; both as in PyTorch.
    """
    _check_reduction(reduction, "binary_cross_entropy_with_logits")
    input = as_tensor(input)
    _check_float_input(input, "binary_cross_entropy_with_logits")
    target = _target_or_constant(target, input)
    _same_shape(input, target, "binary_cross_entropy_with_logits")
    losses = nn_ops.binary_cross_entropy_with_logits(input, target)
    pos_weight = _elementwise_weight(pos_weight, input, "pos_weight", "binary_cross_entropy_with_logits")
    if pos_weight is not None:
        ones = Tensor._from_op(np.ones_like(input._data))
        losses = losses + (pos_weight - 1) * target * nn_ops.binary_cross_entropy_with_logits(input, ones)
    weight = _elementwise_weight(weight, input, "weight", "binary_cross_entropy_with_logits")
    return _reduce(losses if weight is None else losses * weight, reduction)
