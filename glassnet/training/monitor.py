"""A monitored value: which logged number a stop rule or a plateau schedule watches, and which way is better."""
from __future__ import annotations

LOWER_IS_BETTER = ("loss", "error", "mse", "mae")
HIGHER_IS_BETTER = ("accuracy", "acc", "auc")


def known_direction(monitor: str) -> str | None:
    """'min' for a loss-like name (``loss``, ``val_loss``, ...), 'max' for an accuracy-like one or a
    negated score in scikit-learn's style (``neg_log_loss``), else None."""
    name = monitor.removeprefix("val_")
    if name.startswith("neg_"):
        return "max" if name.removeprefix("neg_").endswith(LOWER_IS_BETTER) else None
    if name.endswith(LOWER_IS_BETTER):
        return "min"
    if name.endswith(HIGHER_IS_BETTER):
        return "max"
    return None


def improvement_mode(caller: str, monitor: str, mode: str) -> str:
    """The mode, 'min' or 'max', in which ``monitor`` gets better.

    ``mode='auto'`` infers it from the name, as Keras does: a loss gets better downwards, an
    accuracy upwards; another name must say which. An explicit mode that contradicts the
    name (``'min'`` for an accuracy) is refused: it would keep the worst epoch as the best.
    """
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{caller}: mode must be 'auto', 'min' or 'max', got {mode!r}")
    direction = known_direction(monitor)
    if mode == "auto":
        if direction is None:
            raise ValueError(f"{caller}: cannot tell whether {monitor!r} should go down or up; "
                             f"pass mode='min' (lower is better) or mode='max' (higher is better)")
        return direction
    if direction is not None and direction != mode:
        better = "lower" if direction == "min" else "higher"
        raise ValueError(f"{caller}: mode={mode!r} would count a worse {monitor!r} as better "
                         f"({better} is better for it); use mode={direction!r}")
    return mode


def monitored_value(caller: str, logs: dict, monitor: str):
    """``logs[monitor]``, or a KeyError that lists what was logged."""
    if monitor not in logs:
        hint = "; pass validation_data to fit() to get val_ values" if monitor.startswith("val_") else ""
        raise KeyError(f"{caller}: monitor {monitor!r} is not among the logged values {sorted(logs)}{hint}")
    return logs[monitor]
