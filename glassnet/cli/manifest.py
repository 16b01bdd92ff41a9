"""The record a run keeps beside its model (manifest.json), read back by the commands that use the model."""
from __future__ import annotations

import json
import os

RUN_FILES = ("model.npz", "metrics.json", "manifest.json")
"""What ``glassnet train`` writes into a run folder besides pictures and its checkpoint folder."""


def manifest_beside(model_path) -> dict | None:
    """The manifest.json in the folder of ``model_path``, or None when there is none or it is unreadable."""
    path = os.path.join(os.path.dirname(os.path.abspath(model_path)), "manifest.json")
    try:
        with open(path, encoding="utf-8") as file:
            manifest = json.load(file)
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def recorded(manifest: dict | None, *keys):
    """``manifest[k1][k2]...``, or None where any step is missing."""
    value = manifest
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def holds_a_run(folder) -> bool:
    """Whether ``folder`` already holds a run's files or its checkpoint."""
    return any(os.path.exists(os.path.join(folder, name)) for name in (*RUN_FILES, "checkpoint"))
