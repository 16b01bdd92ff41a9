"""What kind of loss ``fit`` was given: which known loss it is, and how it reduces over samples.

``fit`` needs to know two things about a loss it only calls: whether its targets are class
labels (integers) or numbers, and whether it averages or adds its samples' losses, so that
the epoch's loss is the loss of the whole data set. Wrappers are looked through: a
``RegularizedLoss`` names what it wraps as ``base_loss``, and a ``functools.partial`` its
function and keyword arguments.
"""
from __future__ import annotations

import functools

import numpy as np


def _layers(loss_fn):
    """``loss_fn``, then what each ``functools.partial`` or ``RegularizedLoss`` wraps, outermost first."""
    while True:
        yield loss_fn
        if isinstance(loss_fn, functools.partial):
            loss_fn = loss_fn.func
        elif hasattr(loss_fn, "base_loss"):
            loss_fn = loss_fn.base_loss
        else:
            return


def underlying_loss(loss_fn):
    """``loss_fn`` with ``RegularizedLoss`` and ``functools.partial`` wrappers taken off."""
    *_, base = _layers(loss_fn)
    return base


def loss_reduction(loss_fn) -> str:
    """'mean', 'sum' or 'none': the reduction ``loss_fn`` applies ('mean', the default, when unknown)."""
    for layer in _layers(loss_fn):
        if isinstance(layer, functools.partial) and "reduction" in layer.keywords:
            return layer.keywords["reduction"]
    return getattr(layer, "reduction", "mean")


def is_loss(loss_fn, module_class, function) -> bool:
    """Whether ``loss_fn``, its wrappers taken off, is the loss module ``module_class`` or ``function``."""
    base = underlying_loss(loss_fn)
    return isinstance(base, module_class) or base is function


def takes_float_targets(loss_fn) -> bool:
    """Whether ``loss_fn`` is one of glassnet's losses of numeric targets (squared error, binary cross-entropy)."""
    from glassnet import functional as F
    from glassnet import nn

    return (is_loss(loss_fn, nn.MSELoss, F.mse_loss) or is_loss(loss_fn, nn.L1Loss, F.l1_loss)
            or is_loss(loss_fn, nn.BCELoss, F.binary_cross_entropy)
            or is_loss(loss_fn, nn.BCEWithLogitsLoss, F.binary_cross_entropy_with_logits))


def ignored_label(loss_fn):
    """The label a cross-entropy or NLL loss leaves out (its ``ignore_index``), or None for other losses."""
    from glassnet import functional as F
    from glassnet import nn

    for layer in _layers(loss_fn):
        if isinstance(layer, functools.partial) and "ignore_index" in layer.keywords:
            return layer.keywords["ignore_index"]
    if isinstance(layer, (nn.CrossEntropyLoss, nn.NLLLoss)):
        return layer.ignore_index
    return -100 if layer is F.cross_entropy or layer is F.nll_loss else None


def row_weights(loss_fn, y):
    """What each row counts for in a mean loss that is not a plain mean over rows, else None.

    PyTorch's cross-entropy (and NLL loss) of labels with ``weight`` or ``ignore_index`` divides by the sum of
    w[y_i] over the rows it counts (0 for an ignored row), so a data set's loss is
    Σ_b mean_b · C_b / Σ_b C_b over its batches b, with C_b that sum in the batch.
    """
    from glassnet.functional.losses import label_weights

    ignored = ignored_label(loss_fn)
    if ignored is None or y.ndim != 1 or y.dtype.kind not in "iu":
        return None
    weight = getattr(underlying_loss(loss_fn), "weight", None)  # a CrossEntropyLoss's or NLLLoss's class weights
    if weight is None and not np.any(y == ignored):
        return None
    return label_weights(y, weight, ignored)
