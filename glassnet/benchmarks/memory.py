"""Peak memory of one piece of work, measured in a fresh process as the rise of its peak RSS."""
from __future__ import annotations

import json
import subprocess
import sys


def _read_status(field: str) -> int:
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak() -> int:
    """Reset the kernel's peak-RSS mark (Linux); return the current RSS in bytes."""
    with open("/proc/self/clear_refs", "w") as file:
        file.write("5")
    return _read_status("VmRSS")


def peak_rise(baseline: int) -> int:
    """Bytes the peak RSS rose above ``baseline`` since :func:`reset_peak`."""
    return _read_status("VmHWM") - baseline


def measure_in_subprocess(module: str, function: str, kwargs: dict, timeout: float = 600) -> int | None:
    """Run ``module.function(**kwargs)`` (which returns a peak rise in bytes) in a fresh interpreter."""
    code = (f"import json, sys; from {module} import {function}; "
            f"print(json.dumps({function}(**json.loads(sys.argv[1]))))")
    try:
        result = subprocess.run([sys.executable, "-c", code, json.dumps(kwargs)], capture_output=True,
                                text=True, timeout=timeout, check=True)
    except (subprocess.SubprocessError, OSError):
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])
