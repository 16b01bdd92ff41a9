"""Model files: architecture as JSON plus arrays, in one ``.npz`` that cannot run code on load.

Layout of the zip archive written by :func:`save` (format version 2):

* ``__glassnet__.npy`` — UTF-8 JSON as a uint8 array: ``{"format": "glassnet-model",
  "format_version": 2, "glassnet_version": ..., "kind": "module" | "estimator",
  "module": <spec>, "checksums": {array name: SHA-256}, ...}``, where a spec is
  ``{"type": "Linear", "config": {...}, "children": {name: spec}}``;
* ``__glassnet_sha256__.npy`` — the SHA-256 of those JSON bytes (which hold every
  array's SHA-256 of dtype, shape and bytes), so any flipped bit is found;
* one array per parameter, by its ``state_dict`` name (``module/<name>`` for estimators).

Loading uses ``numpy.load(allow_pickle=False)`` and accepts only plain numeric
``.npy`` entries: a file holding pickled objects is refused, never executed.
Older format versions are upgraded step by step on load (:data:`UPGRADES`).
Writes are atomic (temporary file, fsync, rename).
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import os
import zipfile

import numpy as np

from glassnet.files import atomic_write
from glassnet.random import preserved_default_generator

FORMAT = "glassnet-model"
FORMAT_VERSION = 2
OLDEST_READABLE_VERSION = 1
META_KEY = "__glassnet__"
DIGEST_KEY = "__glassnet_sha256__"

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
        "children": {child: module_spec(sub) for child, sub in module._modules.items()},  # a module used twice, twice
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
    config = spec.get("config") or {}
    if not isinstance(children, dict) or not isinstance(config, dict):
        raise ModelFileError(f"load: the {spec['type']} entry of the architecture is malformed")
    if cls.__name__ in ("Sequential", "ModuleList"):  # their children are their config
        return cls._rebuilt({name: build_module(child) for name, child in children.items()})
    try:
        return cls(**config)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"load: cannot rebuild {spec['type']} from the stored config {config!r:.200}: {error}") from None



def tied_names(model) -> dict:
    """``{alias: name}`` for each parameter reached under more than one name (tied weights, a
    module used twice): ``state_dict`` keeps it once, under the first name."""
    first = {id(parameter): name for name, parameter in model.named_parameters()}
    return {name: first[id(parameter)] for name, parameter in model._every_named_parameter()
            if first[id(parameter)] != name}


def tie(model, tied: dict) -> None:
    """Make each alias in ``tied`` (from :func:`tied_names`) the very parameter of its name again."""
    own = dict(model.named_parameters())
    for alias, name in tied.items():
        *path, leaf = alias.split(".")
        owner = model
        for part in path:
            owner = owner._modules.get(part)
            if owner is None:
                break
        if owner is None or name not in own or leaf not in owner._parameters:
            raise ModelFileError(f"load: the tied parameter {alias!r} = {name!r} does not fit the architecture")
        setattr(owner, leaf, own[name])


def _check_rebuilds(model, spec: dict, tied: dict) -> None:
    """Refuse to save what load could not rebuild: the architecture must give the same parameters."""
    with preserved_default_generator():  # the rebuild's random weights must not change later unseeded draws
        rebuilt = build_module(spec)
    tie(rebuilt, tied)
    shapes = {name: p.shape for name, p in model.named_parameters()}
    again = {name: p.shape for name, p in rebuilt.named_parameters()}
    if shapes != again:
        extra = sorted(set(shapes) - set(again)) or sorted(k for k in shapes if again.get(k) != shapes[k])
        raise ValueError(f"save: {type(model).__name__}'s architecture (its modules' get_config()) rebuilds with "
                         f"parameters {again}, but the model has {shapes}; {extra} cannot be restored: a parameter "
                         f"must be created by its module's constructor (add it in a registered Module subclass)")


def array_sha256(array: np.ndarray) -> str:
    """SHA-256 over an array's dtype, shape and bytes (C order)."""
    digest = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _text_array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def save_arrays(path, meta: dict, arrays: dict) -> None:
    """Write ``arrays`` and the JSON ``meta`` (plus checksums) into one ``.npz`` at ``path``, atomically."""
    arrays = {name: np.asarray(value) for name, value in arrays.items()}
    for name, value in arrays.items():
        if name in (META_KEY, DIGEST_KEY) or name.endswith(".npy"):
            raise ValueError(f"save: the array name {name!r} is reserved")
        if value.dtype.kind not in "biuf":
            raise TypeError(f"save: array {name!r} has dtype {value.dtype}; only numbers and booleans are stored")
    meta = {**meta, "checksums": {name: array_sha256(value) for name, value in arrays.items()}}
    text = json.dumps(meta)
    buffer = io.BytesIO()
    np.savez(buffer, **{META_KEY: _text_array(text), DIGEST_KEY: _text_array(hashlib.sha256(text.encode()).hexdigest())},
             **arrays)
    with atomic_write(path) as file:
        file.write(buffer.getvalue())


def _what_it_looks_like(path: str) -> str:
    with open(path, "rb") as file:
        start = file.read(8)
    if not start:
        return "an empty file"
    if start.startswith(b"\x80") or start.startswith(b"(dp") or start.startswith(b"(lp"):
        return "a Python pickle (refused: unpickling can run code)"
    if start.startswith(b"\x93NUMPY"):
        return "a single .npy array"
    if start.lstrip()[:1] in (b"{", b"["):
        return "a JSON or text file"
    if start.startswith(b"PK\x03\x04"):  # a zip archive that cannot be read: cut short or damaged
        return "a zip archive that is truncated or corrupted (an interrupted copy or download?)"
    return "not a zip archive"


DEFLATE_MOST_RATIO = 1032
"""The most that deflate expands: a compressed entry holds at most this many bytes per stored byte."""


def _check_declared_size(archive, info, path: str) -> None:
    """Refuse an entry whose .npy header declares more bytes than the entry holds, before NumPy allocates
    them (a hostile header can declare 10^13 elements in a file of a few bytes)."""
    from numpy.lib import format as npy_format

    name = info.filename[:-len(".npy")]
    # deflate (what save writes) expands at most DEFLATE_MOST_RATIO-fold; for other methods (an archive
    # recompressed with bzip2 or lzma, which compress far more) the zip's own uncompressed size is the bound
    held = min(info.file_size, DEFLATE_MOST_RATIO * info.compress_size) \
        if info.compress_type == zipfile.ZIP_DEFLATED else info.file_size
    try:
        with archive.open(info) as entry:
            version = npy_format.read_magic(entry)
            if version not in ((1, 0), (2, 0)):
                raise ModelFileError(f"load: entry {name!r} of {path!r} is a .npy of version {version}, which "
                                     f"glassnet does not write")
            read_header = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
            shape, _, dtype = read_header(entry)
            header_bytes = entry.tell()
    except ModelFileError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise ModelFileError(f"load: entry {name!r} of {path!r} has an unreadable .npy header ({error})") from None
    if dtype.kind not in "biuf":
        raise ModelFileError(f"load: entry {name!r} of {path!r} has dtype {dtype}; only numeric arrays are accepted")
    declared = math.prod(int(n) for n in shape) * dtype.itemsize
    if header_bytes + declared > held:
        raise ModelFileError(f"load: entry {name!r} of {path!r} declares an array of shape {tuple(shape)} "
                             f"({declared} bytes) but holds {max(held - header_bytes, 0)} bytes: the file is "
                             f"truncated, corrupted or hand-edited")


def _read_archive(path: str) -> tuple:
    """(meta text, digest text or None, arrays) from the archive, refusing anything but numeric .npy entries."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                raise ModelFileError(f"load: {path!r} holds {info.filename!r}, which is not an .npy array; not a glassnet file")
            _check_declared_size(archive, info, path)
    with np.load(path, allow_pickle=False) as archive:
        if META_KEY not in archive.files:
            raise ModelFileError(f"load: {path!r} is an .npz archive but not a glassnet file (no {META_KEY} entry)")
        entries = {name: archive[name] for name in archive.files}
    for name, value in entries.items():
        if not isinstance(value, np.ndarray):
            raise ModelFileError(f"load: entry {name!r} of {path!r} is not an .npy array (raw or pickled bytes are refused)")
        if value.dtype.kind not in "biuf":
            raise ModelFileError(f"load: entry {name!r} of {path!r} has dtype {value.dtype}; only numeric arrays are accepted")
    text = entries.pop(META_KEY).tobytes().decode("utf-8")
    digest = entries.pop(DIGEST_KEY, None)
    return text, None if digest is None else digest.tobytes().decode("ascii"), entries


def _verify(path: str, text: str, digest, meta: dict, arrays: dict) -> None:
    if digest is None or hashlib.sha256(text.encode()).hexdigest() != digest:
        raise ModelFileError(f"load: {path!r} is corrupted: the SHA-256 of its metadata does not match the stored one")
    checksums = meta.get("checksums")
    if not isinstance(checksums, dict) or set(checksums) != set(arrays):
        raise ModelFileError(f"load: {path!r} is corrupted: its arrays {sorted(arrays)} do not match the checksum list")
    for name, value in arrays.items():
        if array_sha256(value) != checksums[name]:
            raise ModelFileError(f"load: {path!r} is corrupted: array {name!r} does not match its SHA-256")


def _upgrade_1_to_2(meta: dict, arrays: dict) -> tuple:
    """Version 1 (glassnet 0.1 before checksums) held a module and no checksums; nothing else changed."""
    return {**meta, "format_version": 2, "kind": meta.get("kind", "module")}, arrays


UPGRADES = {1: _upgrade_1_to_2}
"""format version → function turning (meta, arrays) of that version into the next version's."""


def _check_path(path, function: str) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{function}: path must be a file path (str or os.PathLike), got {type(path).__name__}")
    return os.fspath(path)


def load_arrays(path, expected_format: str = FORMAT) -> tuple:
    """Read ``(meta, arrays)`` written by :func:`save_arrays`, verified and upgraded; refuse anything else."""
    path = _check_path(path, "load")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load: no file at {path!r}")
    if not zipfile.is_zipfile(path):
        raise ModelFileError(f"load: {path!r} is not a glassnet file: it is {_what_it_looks_like(path)}")
    try:
        text, digest, arrays = _read_archive(path)
        meta = json.loads(text)
    except ModelFileError:
        raise
    except ValueError as error:
        if "pickle" in str(error).lower():
            raise ModelFileError(f"load: {path!r} holds pickled Python objects; glassnet refuses to load them (they could run code)") from None
        raise ModelFileError(f"load: {path!r} is truncated, corrupted or not a glassnet file ({error})") from None
    except (OSError, EOFError, zipfile.BadZipFile, KeyError, UnicodeDecodeError, zipfile.LargeZipFile) as error:
        raise ModelFileError(f"load: {path!r} is truncated, corrupted or not a glassnet file ({type(error).__name__}: {error})") from None
    if not isinstance(meta, dict) or meta.get("format") != expected_format:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise ModelFileError(f"load: {path!r} is not a {expected_format} file (format {found!r})")
    version = meta.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelFileError(
            f"load: {path!r} has format version {version!r}; this glassnet reads versions "
            f"{OLDEST_READABLE_VERSION} to {FORMAT_VERSION}: upgrade glassnet to open it")
    if version < OLDEST_READABLE_VERSION:
        raise ModelFileError(
            f"load: {path!r} has format version {version}, older than any glassnet release writes "
            f"(the oldest readable is {OLDEST_READABLE_VERSION}); there is no upgrade path: re-create the model")
    if version >= 2:
        _verify(path, text, digest, meta, arrays)
    while meta["format_version"] < FORMAT_VERSION:
        meta, arrays = UPGRADES[meta["format_version"]](meta, arrays)
    return meta, arrays


def _is_estimator(obj) -> bool:
    return type(obj).__module__.startswith("glassnet.estimators")


def save(model, path) -> None:
    """Save a ``glassnet.nn`` module or a glassnet scikit-learn estimator to ``path`` (an ``.npz`` file).

    A module is stored as its architecture and parameters; an estimator as its
    hyper-parameters, fitted attributes, ``classes_``, network and optimizer state.
    The write is atomic: a crash mid-save leaves the previous file intact.
    """
    from glassnet import __version__
    from glassnet.nn import Module

    _check_path(path, "save")
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "glassnet_version": __version__}
    if isinstance(model, Module):
        spec, tied = module_spec(model), tied_names(model)
        _check_rebuilds(model, spec, tied)
        save_arrays(path, {**meta, "kind": "module", "module": spec, **({"tied": tied} if tied else {})},
                    model.state_dict())
        return
    if _is_estimator(model):
        from glassnet.estimators.files import estimator_payload

        content, arrays = estimator_payload(model)
        save_arrays(path, {**meta, "kind": "estimator", **content}, arrays)
        return
    raise TypeError(f"save: expected a glassnet.nn.Module or a glassnet estimator (MLPClassifier, MLPRegressor), "
                    f"got {type(model).__name__}")


def _declared_parameters(spec, where: str):
    """(count, where) of the largest layer an architecture entry declares, counted from its config before
    anything is allocated (Linear layers; others count 0), or None when the entry is malformed (the
    rebuild then says how)."""
    if not isinstance(spec, dict):
        return None
    config, children = spec.get("config") or {}, spec.get("children") or {}
    if not isinstance(config, dict) or not isinstance(children, dict):
        return None
    largest = (0, where)
    if spec.get("type") == "Linear":
        n_in, n_out = config.get("in_features"), config.get("out_features")
        if all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in (n_in, n_out)):
            largest = (n_in * n_out + (n_out if config.get("bias", True) else 0),
                       f"{where} as Linear({n_in}, {n_out})")
    for name, child in children.items():
        found = _declared_parameters(child, f"layer {name}")
        if found is None:
            return None
        largest = max(largest, found, key=lambda pair: pair[0])
    return largest


def module_from_file(meta: dict, arrays: dict, path, prefix: str = ""):
    """Rebuild the module described in ``meta["module"]`` and load its arrays (named ``prefix + name``)."""
    stored = sum(value.size for name, value in arrays.items() if name.startswith(prefix))
    declared = _declared_parameters(meta.get("module"), "the network")
    if declared is not None and declared[0] > stored:
        raise ModelFileError(f"load: the architecture in {os.fspath(path)!r} declares {declared[1]} with "
                             f"{declared[0]} parameters, but the file holds {stored} numbers: it does not fit its "
                             f"arrays (a damaged or hand-edited file)")
    with preserved_default_generator():  # building draws initial weights; loading must not move later draws
        model = build_module(meta.get("module"))
    tied = meta.get("tied") or {}
    if not isinstance(tied, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tied.items()):
        raise ModelFileError(f"load: the tied-parameter entry of {os.fspath(path)!r} is malformed: {tied!r:.200}")
    tie(model, tied)
    own = {name[len(prefix):]: value for name, value in arrays.items() if name.startswith(prefix)}
    try:
        model.load_state_dict(own, strict=True)
    except (KeyError, ValueError, TypeError) as error:
        raise ModelFileError(f"load: the arrays in {os.fspath(path)!r} do not fit its architecture: {error}") from None
    return model


def load(path):
    """Load what :func:`save` wrote; refuses truncated, corrupted, foreign and pickle-bearing files."""
    meta, arrays = load_arrays(path)
    kind = meta.get("kind")
    if kind == "module":
        try:
            return module_from_file(meta, arrays, path)
        except TypeError as error:
            raise ModelFileError(f"load: the architecture in {os.fspath(path)!r} is malformed: {error}") from None
    if kind == "estimator":
        from glassnet.estimators.files import estimator_from_payload

        return estimator_from_payload(meta, arrays, path)
    raise ModelFileError(f"load: {os.fspath(path)!r} holds a {kind!r}; glassnet.load reads 'module' and 'estimator' files")
