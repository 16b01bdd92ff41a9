"""What the numbers were measured on: machine, versions, BLAS library, kernel, threads, sgemm rate."""
from __future__ import annotations

import os
import platform
import time

import numpy as np


def blas_info() -> dict:
    """The BLAS behind NumPy (library, version, kernel architecture, threads), via threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return {"library": "unknown (install threadpoolctl)"}
    blas = [entry for entry in threadpool_info() if entry.get("user_api") == "blas"]
    # SciPy (loaded by scikit-learn) may bring a BLAS of its own; report the one NumPy uses
    numpy_dir = os.path.dirname(os.path.dirname(np.__file__))
    blas.sort(key=lambda entry: "numpy" not in os.path.relpath(entry.get("filepath", ""), numpy_dir))
    for entry in blas:
        return {"library": entry.get("internal_api"), "version": entry.get("version"),
                "kernel": entry.get("architecture"), "threads": entry.get("num_threads"),
                "file": os.path.basename(entry.get("filepath", ""))}
    return {"library": "none found"}


def measure_sgemm_gflops(size: int = 1024, repeats: int = 10) -> float:
    """Best-of-``repeats`` float32 GEMM rate in GFLOP/s for square matrices of ``size``."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size)).astype(np.float32)
    b = rng.standard_normal((size, size)).astype(np.float32)
    out = np.empty((size, size), dtype=np.float32)
    np.matmul(a, b, out=out)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 / best / 1e9


def describe() -> dict:
    """Machine and library versions for the report."""
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    try:
        import glassnet

        versions["glassnet"] = glassnet.__version__
    except ImportError:  # pragma: no cover - the suite lives inside glassnet
        pass
    for name in ("torch", "sklearn", "micrograd"):
        try:
            module = __import__(name)
            versions[name] = getattr(module, "__version__", "installed")
        except ImportError:
            versions[name] = None
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": platform.machine(),
        "processor": _cpu_name(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "versions": versions,
        "blas": blas_info(),
        "environment": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS",
                                                   "OPENBLAS_NUM_THREADS") if k in os.environ},
    }


def torch_threads() -> dict | None:
    """PyTorch's intra-op and inter-op thread counts as the workloads left them (they set intra-op to
    NumPy's BLAS count), or None where no workload imported PyTorch."""
    import sys

    torch = sys.modules.get("torch")
    if torch is None:
        return None
    return {"intra_op": torch.get_num_threads(), "inter_op": torch.get_num_interop_threads()}


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
