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


def run_entries(folder, pictures: bool = True) -> list:
    """The names in ``folder`` that ``glassnet train`` writes there: its files, its checkpoint folder and,
    with ``pictures``, every picture it may draw (whoever made them: a run or the user)."""
    from glassnet.cli.plots import TRAINING_PICTURES

    names = (*RUN_FILES, "checkpoint", *(TRAINING_PICTURES if pictures else ()))
    return [name for name in names if os.path.lexists(os.path.join(folder, name))]


def holds_a_run(folder, pictures: bool = True) -> bool:
    """Whether ``folder`` already holds something a training run writes (see :func:`run_entries`)."""
    return bool(run_entries(folder, pictures))
