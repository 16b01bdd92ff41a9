"""Devices: glassnet computes on the CPU, so ``.to('cpu')`` and ``.cpu()`` are accepted and change nothing.

PyTorch code moves models and batches with ``.to(device)``; accepting the CPU lets it run
unchanged, and any other device gets an error that says why instead of a dtype error.
"""
from __future__ import annotations


def is_device(value) -> bool:
    """True for what PyTorch code passes as a device: a string like 'cpu' or 'cuda:0', or a device object."""
    return isinstance(value, str) and value.split(":")[0] in {"cpu", "cuda", "mps", "xpu", "meta", "hip"} or (
        hasattr(value, "type") and not isinstance(value, type) and isinstance(getattr(value, "type"), str))


def check_device(device, method: str) -> None:
    """Accept the CPU; refuse any other device by name."""
    kind = device if isinstance(device, str) else device.type
    if kind.split(":")[0] != "cpu":
        raise ValueError(f"{method}: glassnet computes on the CPU with NumPy; got device {str(device)!r}. "
                         f"Use 'cpu' (or drop the .to(device) call)")


def split_to_arguments(args: tuple, dtype, device, method: str):
    """PyTorch's ``to(device)``, ``to(dtype)``, ``to(device, dtype)`` and keywords: the dtype asked for, or None."""
    if len(args) > 2:
        raise TypeError(f"{method}: expected at most a device and a dtype, got {len(args)} arguments")
    for value in args:
        if is_device(value):
            if device is not None:
                raise TypeError(f"{method}: the device was given twice")
            device = value
        elif dtype is None:
            dtype = value
        else:
            raise TypeError(f"{method}: the dtype was given twice")
    if device is not None:
        check_device(device, method)
    return dtype
