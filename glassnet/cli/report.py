"""What the commands print and write: tables, JSON files, the versions that made a run."""
from __future__ import annotations

import json
import math
import platform
import sys

import numpy as np

from glassnet.files import atomic_write


def percent(value) -> str:
    return "-" if value is None else f"{100 * value:.2f}%"


def number(value) -> str:
    return "-" if value is None else f"{value:.4f}"


def table(headers: list, rows: list) -> str:
    """Rows of cells as left-aligned text columns under a header and a rule."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(headers))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _plain(value):
    """JSON-ready copies of NumPy numbers and arrays; non-finite floats become None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(path, data) -> None:
    with atomic_write(path, "w") as file:
        json.dump(_plain(data), file, indent=2)
        file.write("\n")


def versions() -> dict:
    from glassnet import __version__

    return {"glassnet": __version__, "numpy": np.__version__, "python": sys.version.split()[0],
            "platform": platform.platform()}
