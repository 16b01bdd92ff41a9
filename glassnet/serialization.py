"""Model files: architecture as JSON plus arrays, in one ``.npz`` that cannot run code on load.

Layout of the zip archive written by :func:`save`:

* ``__glassnet__.npy`` — UTF-8 JSON as a uint8 array: ``{"format": "glassnet-model",
  "format_version": 1, "glassnet_version": ..., "module": <spec>}``, where a spec is
  ``{"type": "Linear", "config": {...}, "children": {name: spec}}``;
* one array per parameter, by its ``state_dict`` name.

Loading uses ``numpy.load(allow_pickle=False)``: a file holding pickled objects is
refused, never executed. Writes are atomic (temporary file, fsync, rename).
"""
from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np

from glassnet.files import atomic_write

FORMAT = "glassnet-model"
FORMAT_VERSION = 1
META_KEY = "__glassnet__"

MODULES: dict = {}
"""Module classes that can be rebuilt from a file, by class name."""


class ModelFileError(ValueError):
    """A model file that is truncated, corrupted, from another program or of an unknown version."""


def register_module(cls):
    """Make a Module subclass loadable by name. Its ``get_config()`` must return its constructor keywords."""
    MODULES[cls.__name__] = cls
    return cls


def _register_builtin_modules() -> None:
    if MODULES:
        return
    from glassnet import nn

    for name in nn.__all__:
        cls = getattr(nn, name)
        if isinstance(cls, type) and issubclass(cls, nn.Module) and cls is not nn.Module:
            MODULES.setdefault(name, cls)


def module_spec(module) -> dict:
    """The architecture of ``module`` as JSON-ready data."""
    _register_builtin_modules()
    name = type(module).__name__
    if MODULES.get(name) is not type(module):
        raise TypeError(
            f"save: cannot describe the architecture of {name}: register it with "
            f"glassnet.serialization.register_module and give it get_config(); known: {sorted(MODULES)}"
        )
    return {
        "type": name,
        "config": module.get_config(),
        "children": {child: module_spec(sub) for child, sub in module.named_children()},
    }


def build_module(spec: dict):
    """Rebuild an untrained module (random initial weights) from :func:`module_spec` output."""
    _register_builtin_modules()
    if not isinstance(spec, dict) or "type" not in spec:
        raise ModelFileError(f"load: the architecture entry is malformed: {spec!r:.200}")
    cls = MODULES.get(spec["type"])
    if cls is None:
        raise ModelFileError(f"load: unknown module type {spec['type']!r}; known: {sorted(MODULES)}")
    children = spec.get("children") or {}
    config = dict(spec.get("config") or {})
    if cls.__name__ == "Sequential":
        return cls({name: build_module(child) for name, child in children.items()})
    return cls(**config)


def _meta_array(meta: dict) -> np.ndarray:
    return np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)


def save_arrays(path, meta: dict, arrays: dict) -> None:
    """Write ``arrays`` and the JSON ``meta`` into one ``.npz`` at ``path``, atomically."""
    if META_KEY in arrays:
        raise ValueError(f"save: {META_KEY!r} is reserved")
    buffer = io.BytesIO()
    np.savez(buffer, **{META_KEY: _meta_array(meta)}, **arrays)
    with atomic_write(path) as file:
        file.write(buffer.getvalue())


def load_arrays(path, expected_format: str = FORMAT) -> tuple:
    """Read ``(meta, arrays)`` written by :func:`save_arrays`, refusing anything else."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no file at {path!r}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if not isinstance(archive, np.lib.npyio.NpzFile):
                raise ModelFileError(f"load: {path!r} is a single .npy array, not a glassnet model file")
            names = list(archive.files)
            if META_KEY not in names:
                raise ModelFileError(f"load: {path!r} is an .npz archive but not a glassnet file (no {META_KEY} entry)")
            meta = json.loads(archive[META_KEY].tobytes().decode("utf-8"))
            arrays = {name: archive[name] for name in names if name != META_KEY}
    except ModelFileError:
        raise
    except ValueError as error:
        if "pickle" in str(error).lower():
            raise ModelFileError(f"load: {path!r} holds pickled Python objects; glassnet refuses to load them (they could run code)") from None
        raise ModelFileError(f"load: {path!r} is not a readable glassnet file: {error}") from None
    except (OSError, EOFError, zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"load: {path!r} is truncated, corrupted or not a glassnet file ({type(error).__name__}: {error})") from None
    if not isinstance(meta, dict) or meta.get("format") != expected_format:
        raise ModelFileError(f"load: {path!r} is not a {expected_format} file (format {meta.get('format') if isinstance(meta, dict) else None!r})")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelFileError(
            f"load: {path!r} has format version {version!r}; this glassnet reads versions up to "
            f"{FORMAT_VERSION}: upgrade glassnet to open it"
        )
    return meta, arrays


def save(model, path) -> None:
    """Save a ``glassnet.nn`` module (architecture and parameters) to ``path`` (an ``.npz`` file).

    The write is atomic: a crash mid-save leaves the previous file intact.
    """
    from glassnet import __version__
    from glassnet.nn import Module

    if not isinstance(model, Module):
        raise TypeError(f"save: expected a glassnet.nn.Module, got {type(model).__name__}")
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "glassnet_version": __version__,
            "kind": "module", "module": module_spec(model)}
    save_arrays(path, meta, model.state_dict())


def load(path):
    """Load what :func:`save` wrote; refuses truncated, corrupted, foreign and pickle-bearing files."""
    meta, arrays = load_arrays(path)
    if meta.get("kind", "module") != "module":
        raise ModelFileError(f"load: {os.fspath(path)!r} holds a {meta.get('kind')!r}, not a module")
    model = build_module(meta.get("module"))
    try:
        model.load_state_dict(arrays, strict=True)
    except (KeyError, ValueError) as error:
        raise ModelFileError(f"load: the arrays in {os.fspath(path)!r} do not fit its architecture: {error}") from None
    return model
