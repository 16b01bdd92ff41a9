"""Catching divergence at the step it happens, and saying where it started and what to do."""
from __future__ import annotations

import numpy as np

from glassnet.grad_mode import no_grad


class TrainingDiverged(RuntimeError):
    """A NaN or infinity appeared in the loss, an activation or a gradient.

    Attributes: ``epoch`` and ``step`` (counted from 1), ``kind`` ('parameter',
    'activation', 'loss' or 'gradient'), ``layer`` and ``parameter`` (names, or
    None), ``grad_norm`` (the total gradient norm of that step, or None) and ``lr``.
    """

    def __init__(self, message, *, epoch, step, kind, layer=None, parameter=None, grad_norm=None, lr=None):
        super().__init__(message)
        self.epoch, self.step, self.kind = epoch, step, kind
        self.layer, self.parameter, self.grad_norm, self.lr = layer, parameter, grad_norm, lr


def _cure(lr, clip_grad_norm) -> str:
    lower = f"lower the learning rate (now {lr:g}, try {lr / 10:g})" if lr else "lower the learning rate"
    clip = "clip gradients (e.g. clip_grad_norm=1.0)" if clip_grad_norm is None else f"clip gradients harder (now {clip_grad_norm:g})"
    return f"Likely cure: {lower}, or {clip}; check the inputs are standardized."


def first_nonfinite_layer(model, x) -> tuple:
    """Run ``model(x)`` once more, recording each layer's output; return (name, module, output) with
    the first layer (in execution order) whose output holds NaN or infinity, or (None, None, output)."""
    found = []
    handles = []

    def watch(name):
        def hook(module, inputs, output):
            data = getattr(output, "data", output)
            if not found and isinstance(data, np.ndarray) and not np.isfinite(data).all():
                found.append((name, module))
        return hook

    for name, module in model.named_modules():
        if name and not module._modules:
            handles.append(module.register_forward_hook(watch(name)))
    try:
        with no_grad():
            output = model(x)
    finally:
        for handle in handles:
            handle.remove()
    return (*found[0], output) if found else (None, None, output)


def _parameter_of(model, layer_name):
    """The first parameter at or before ``layer_name`` in the model (the weights that fed it)."""
    names = [name for name, _ in model.named_parameters()]
    preceding = None
    for name in names:
        if name.startswith(layer_name + "."):
            return name
        module_path = name.rsplit(".", 1)[0]
        if _comes_before(module_path, layer_name):
            preceding = name
    return preceding


def _comes_before(a: str, b: str) -> bool:
    def key(path):
        return [int(p) if p.isdigit() else p for p in path.split(".")]
    try:
        return key(a) < key(b)
    except TypeError:
        return False


def diagnose_loss(model, x, loss_value, *, epoch, step, lr, clip_grad_norm) -> TrainingDiverged:
    """The loss is NaN or infinite: find the first parameter or layer output that went non-finite."""
    where = f"at epoch {epoch}, step {step}"
    for name, parameter in model.named_parameters():
        if not np.isfinite(parameter.data).all():
            return TrainingDiverged(
                f"Training diverged {where}: parameter '{name}' became non-finite after the previous "
                f"update, so the loss is {loss_value}. {_cure(lr, clip_grad_norm)}",
                epoch=epoch, step=step, kind="parameter", parameter=name, lr=lr)
    layer, module, output = first_nonfinite_layer(model, x)
    if layer is not None:
        parameter = _parameter_of(model, layer)
        return TrainingDiverged(
            f"Training diverged {where}: the output of layer '{layer}' ({type(module).__name__}) "
            f"contains NaN or infinity (weights feeding it: '{parameter}'), so the loss is {loss_value}. "
            f"{_cure(lr, clip_grad_norm)}",
            epoch=epoch, step=step, kind="activation", layer=layer, parameter=parameter, lr=lr)
    largest = float(np.max(np.abs(getattr(output, "data", output))))
    name, weight = max(model.named_parameters(), key=lambda item: float(np.max(np.abs(item[1].data))))
    if largest > 1e15:
        reason = (f"the network's outputs are finite but as large as {largest:.3g}, so the loss overflowed; "
                  f"the largest weights are in parameter '{name}' (max |w| = {np.max(np.abs(weight.data)):.3g})")
    else:
        reason = ("every activation is finite, so the loss itself produced it (e.g. log(0): give cross_entropy "
                  "logits, or use BCEWithLogitsLoss)")
        name = None
    return TrainingDiverged(f"Training diverged {where}: the loss is {loss_value}: {reason}. {_cure(lr, clip_grad_norm)}",
                            epoch=epoch, step=step, kind="loss", parameter=name, lr=lr)


def diagnose_gradients(names, norms, *, epoch, step, lr, clip_grad_norm) -> TrainingDiverged:
    """Some gradient is NaN or infinite: name where it started (nearest the output) and all others."""
    bad = [name for name, norm in zip(names, norms) if not np.isfinite(norm)]
    total = float(np.sqrt(np.sum(np.square(np.asarray(norms, dtype=np.float64)))))
    started = bad[-1]
    return TrainingDiverged(
        f"Training diverged at epoch {epoch}, step {step}: the gradient of parameter '{started}' is not "
        f"finite (gradient norm {total}); non-finite gradients: {bad}. {_cure(lr, clip_grad_norm)}",
        epoch=epoch, step=step, kind="gradient", parameter=started, grad_norm=total, lr=lr)
