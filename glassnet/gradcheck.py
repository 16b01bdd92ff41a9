"""Check analytic gradients against the limit definition of the derivative.

For a random direction v over the output (v = 1 for a scalar output), the scalar s(x) = sum(v · f(x)) has
ds/dx_i = (v^T J)_i, which ``backward()`` computes. Central differences estimate
the same number as (s(x + h e_i) - s(x - h e_i)) / 2h, with error O(h²).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glassnet.errors import GradcheckError
from glassnet.grad_mode import enable_grad
from glassnet.random import as_generator
from glassnet.tensor import Tensor


@dataclass
class InputReport:
    """The worst-agreeing element of one input's gradient."""

    input: int
    shape: tuple
    index: tuple
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    ok: bool


@dataclass
class GradcheckReport:
    """One ``InputReport`` per input that requires grad; truthy when all agree."""

    inputs: list

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.inputs)

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        lines = ["input  shape          worst index   analytic        numeric         abs error   rel error"]
        for r in self.inputs:
            lines.append(
                f"{r.input:<6} {str(r.shape):<14} {str(r.index):<13} {r.analytic:<15.8g} {r.numeric:<15.8g} "
                f"{r.abs_error:<11.3g} {r.rel_error:.3g}{'' if r.ok else '  MISMATCH'}"
            )
        return "\n".join(lines)


def gradcheck(fn, *inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              seed=0, raise_exception: bool = True) -> GradcheckReport:
    """Compare ``backward()`` gradients of ``fn(*inputs)`` with central differences.

    Parameters
    ----------
    fn : callable
        Takes the inputs as Tensors, returns a Tensor of any shape.
    *inputs : Tensor or array_like
        Tensors with ``requires_grad=True`` are checked; others are held constant.
        Use float64: in float32 round-off swamps the differences.
    eps : float
        The step h of the central difference.
    atol, rtol : float
        An element passes when |analytic - numeric| <= atol + rtol * |numeric|.
    seed : int or Generator
        Chooses the random output direction v.
    raise_exception : bool
        Raise :class:`GradcheckError` on a mismatch (else only report it).

    Returns
    -------
    GradcheckReport
        The worst element for each checked input.
    """
    tensors = [x if isinstance(x, Tensor) else Tensor(x) for x in inputs]
    checked = [i for i, t in enumerate(tensors) if t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input has requires_grad=True, so there is nothing to check")
    for t in tensors:
        t.grad = None
    with enable_grad():
        out = fn(*tensors)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    # a scalar output is checked directly (v = 1), so the report shows plain derivatives
    direction = np.ones(out.shape, dtype=out.dtype) if out.data.size == 1 else \
        as_generator(seed).standard_normal(out.shape).astype(out.dtype)

    def projected(array) -> float:
        return float(np.sum(direction * np.asarray(array, dtype=np.float64)))

    if out.requires_grad:
        (out * Tensor(direction)).sum().backward()

    reports = []
    for i in checked:
        tensor = tensors[i]
        analytic = np.zeros(tensor.shape) if tensor.grad is None else np.asarray(tensor.grad.data, dtype=np.float64)
        numeric = np.zeros(tensor.shape)
        data = tensor.data  # perturbed element by element in place, whatever its memory layout
        original = data.copy()
        for k in np.ndindex(data.shape):
            saved = data[k]
            data[k] = saved + eps
            plus = projected(fn(*tensors).data)
            data[k] = saved - eps
            minus = projected(fn(*tensors).data)
            data[k] = saved
            numeric[k] = (plus - minus) / (2 * eps)
        data[...] = original
        error = np.abs(analytic - numeric)
        allowed = atol + rtol * np.abs(numeric)
        if tensor.data.size == 0:
            continue
        worst = np.unravel_index(np.argmax(error - allowed), tensor.shape)
        a, n, e = float(analytic[worst]), float(numeric[worst]), float(error[worst])
        reports.append(InputReport(
            input=i, shape=tensor.shape, index=tuple(int(w) for w in worst), analytic=a, numeric=n,
            abs_error=e, rel_error=e / max(abs(n), 1e-300), ok=bool(np.all(error <= allowed)),
        ))
    report = GradcheckReport(reports)
    if raise_exception and not report.ok:
        raise GradcheckError(f"gradcheck: analytic and numeric gradients disagree\n{report}")
    return report
