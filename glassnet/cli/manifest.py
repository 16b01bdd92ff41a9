"""The record a run keeps beside its model (manifest.json), read back by the commands that use the model."""
from __future__ import annotations

import json
import os

from glassnet.datasets.csv_table import TASKS
from glassnet.validation import is_finite_number, is_whole_number

RUN_FILES = ("model.npz", "metrics.json", "manifest.json")
"""What ``glassnet train`` writes into a run folder besides pictures and its checkpoint folder."""


def manifest_beside(model_path) -> dict | None:
    """The manifest.json in the folder of ``model_path``, or None when there is none.

    One that is there but cannot be read, is not JSON, or holds an entry the commands read with the wrong
    type (e.g. a hand-edited ``"seed": "0"``) is refused with a one-line ValueError naming the file and entry.
    """
    path = os.path.join(os.path.dirname(os.path.abspath(model_path)), "manifest.json")
    if not os.path.exists(path):
        return None
    manifest = read_json_file(path, "fix or remove it")
    check_manifest(manifest, path)
    return manifest


def read_json_file(path: str, remedy: str):
    """The JSON in ``path``, or a one-line ValueError naming the file, what is wrong and ``remedy``."""
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot read it ({error}); {remedy}") from None
    except ValueError as error:
        raise ValueError(f"{path}: not valid JSON ({error}); {remedy}") from None


MANIFEST_ENTRIES = {
    ("dataset", "name"): (lambda v: isinstance(v, str), "a data set name (text)"),
    ("dataset", "sha256_X_y"): (lambda v: isinstance(v, str), "a SHA-256 (text)"),
    ("dataset", "class_names"): (lambda v: isinstance(v, list) and all(
        isinstance(n, (str, int)) and not isinstance(n, bool) for n in v), "a list of class names"),
    ("config", "seed"): (lambda v: is_whole_number(v, 0), "a whole number >= 0"),
    ("config", "test_size"): (lambda v: is_finite_number(v) and 0 < v < 1, "a fraction strictly between 0 and 1"),
    ("config", "target"): (lambda v: isinstance(v, str), "a column name (text)"),
    ("config", "task"): (lambda v: v in TASKS, f"one of {list(TASKS)}"),
    ("config", "samples"): (lambda v: is_whole_number(v, 1), "a whole number >= 1"),
    ("config", "noise"): (lambda v: is_finite_number(v) and v >= 0, "a number >= 0"),
}
"""The entries of manifest.json that evaluate and predict read, and what each must be (null: not recorded)."""


def check_manifest(manifest, path) -> None:
    """Refuse a manifest whose entries the commands read have the wrong type, naming ``path`` and the entry."""
    if not isinstance(manifest, dict):
        raise ValueError(f"{path}: expected a JSON object (what glassnet train writes), got {type(manifest).__name__}")
    for section in ("dataset", "config"):
        if manifest.get(section) is not None and not isinstance(manifest[section], dict):
            raise ValueError(f"{path}: '{section}' should be an object, got {manifest[section]!r:.60}; fix or remove it")
    for (section, key), (valid, expected) in MANIFEST_ENTRIES.items():
        value = recorded(manifest, section, key)
        if value is not None and not valid(value):
            raise ValueError(f"{path}: '{section}.{key}' should be {expected}, got {value!r:.60}; fix or remove it")


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
