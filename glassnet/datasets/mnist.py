"""MNIST and Fashion-MNIST from the published IDX files, read offline and downloaded only on request.

Where the files are looked for, first to last: the ``path`` argument; the folder
``$GLASSNET_DATA_DIR/<name>`` when that environment variable is set;
``~/.cache/glassnet/<name>``. Each of the four files may be gzip-compressed (as
published, ``train-images-idx3-ubyte.gz``) or not (``train-images-idx3-ubyte``).
The published ``.gz`` files are checked against their published MD5 checksums
(the same values torchvision lists); uncompressed files, for which no checksum is
published, are checked for their structure only. After the first read the arrays
are cached beside the files in ``<name>.npz`` (written atomically) so that later
loads take a fraction of a second.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from glassnet.datasets.dataset import Dataset
from glassnet.datasets.fetch import ChecksumError, check_md5, download_file
from glassnet.datasets.idx import read_idx
from glassnet.dtypes import float_dtype_or_default
from glassnet.files import atomic_write

DATA_DIR_VARIABLE = "GLASSNET_DATA_DIR"
PARTS = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
CACHE_VERSION = 1


@dataclass(frozen=True)
class IDXCollection:
    """What distinguishes MNIST from Fashion-MNIST: names, checksums, mirrors and class names."""

    name: str
    title: str
    md5: dict
    mirrors: tuple
    class_names: tuple
    description: str


MNIST = IDXCollection(
    name="mnist",
    title="MNIST",
    md5={
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    },
    mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"),
    class_names=tuple(str(k) for k in range(10)),
    description="MNIST handwritten digits (Y. LeCun, C. Cortes, C. J. C. Burges): 60000 training and "
                "10000 test images, 28x28 grey levels 0..255.",
)

FASHION_MNIST = IDXCollection(
    name="fashion-mnist",
    title="Fashion-MNIST",
    md5={
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    },
    mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
             "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
    class_names=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                 "Ankle boot"),
    description="Fashion-MNIST (Zalando Research, MIT license): 60000 training and 10000 test images "
                "of clothing in 10 classes, 28x28 grey levels 0..255.",
)


def default_folder(collection: IDXCollection) -> str:
    """``$GLASSNET_DATA_DIR/<name>`` if that variable is set, else ``~/.cache/glassnet/<name>``."""
    root = os.environ.get(DATA_DIR_VARIABLE) or os.path.join(os.path.expanduser("~"), ".cache", "glassnet")
    return os.path.join(root, collection.name)


def _find(folder: str, part: str):
    for name in (part + ".gz", part):
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def _missing_message(collection, folder, missing) -> str:
    function = "load_" + collection.name.replace("-", "_")
    return (
        f"{collection.title} files not found in {folder}: missing {', '.join(name + '.gz' for name in missing)}. "
        f"Put the four files {', '.join(part + '.gz' for part in PARTS)} (from {collection.mirrors[0]}, "
        f"compressed or not) in that folder, or point to another folder with path=... or the "
        f"{DATA_DIR_VARIABLE} environment variable, or download them with {function}(download=True) "
        f"or `glassnet train {collection.name} --download`"
    )


def _checked(checksums) -> str:
    return "unchecked" if checksums is None else ",".join(f"{k}={v}" for k, v in sorted(checksums.items()))


def _fingerprint(paths: list, checksums) -> np.ndarray:
    """File names, sizes and modification times, and the checksums they were checked against.

    The cache is stale when any of them changes, so a cache written with ``checksums=None``
    is not trusted by a later call that asks for the published checksums.
    """
    text = "|".join(f"{os.path.basename(p)}:{os.path.getsize(p)}:{os.stat(p).st_mtime_ns}" for p in paths)
    return np.frombuffer(f"v{CACHE_VERSION}|{text}|{_checked(checksums)}".encode("utf-8"), dtype=np.uint8)


def _checked_as_asked(stored: np.ndarray, checksums) -> bool:
    """Whether a cache's fingerprint says its files were checked as this call asks (any way, for None):
    what stands in for IDX files that are gone, where sizes and times cannot be compared."""
    try:
        text = stored.tobytes().decode("utf-8")
    except (AttributeError, UnicodeDecodeError):
        return False
    return text.startswith(f"v{CACHE_VERSION}|") and (checksums is None or text.endswith("|" + _checked(checksums)))


def _read_cache(cache: str, fingerprint=None, checksums=None):
    """The cached arrays, or None when the cache is unreadable, does not match ``fingerprint`` (when
    given; else it must have been checked as ``checksums`` asks) or holds arrays the IDX files could not."""
    try:
        with np.load(cache, allow_pickle=False) as archive:
            stored = archive["fingerprint"]
            if fingerprint is not None and not np.array_equal(stored, fingerprint):
                return None
            if fingerprint is None and not _checked_as_asked(stored, checksums):
                return None
            arrays = {key: archive[key] for key in ("x_train", "y_train", "x_test", "y_test")}
        for split in ("train", "test"):
            _check_pair(arrays[f"x_{split}"], arrays[f"y_{split}"], f"{cache} x_{split}", f"{cache} y_{split}")
        if arrays["x_train"].shape[1:] != arrays["x_test"].shape[1:]:
            return None
    except (OSError, ValueError, KeyError, EOFError):
        return None  # unreadable cache: parse the IDX files again
    return arrays


def _write_cache(cache: str, arrays: dict, fingerprint) -> None:
    try:
        with atomic_write(cache) as file:
            np.savez(file, fingerprint=fingerprint, **arrays)
    except OSError:
        pass  # a read-only folder only costs the speed-up


def _check_pair(images, labels, images_path, labels_path) -> None:
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"{images_path}: expected uint8 images of shape (n, rows, cols), got {images.dtype} {images.shape}")
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise ValueError(f"{labels_path}: expected uint8 labels of shape (n,), got {labels.dtype} {labels.shape}")
    if len(images) != len(labels):
        raise ValueError(f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels")
    if len(images) == 0:
        raise ValueError(f"{images_path}: holds no images (0 rows); expected a data set of at least one image")
    if labels.size and labels.max() > 9:
        raise ValueError(f"{labels_path}: labels must be 0..9, found {int(labels.max())}")


def _parse(paths: dict, checksums) -> dict:
    for path in paths.values():
        expected = None if checksums is None else checksums.get(os.path.basename(path))
        if expected is not None:
            try:
                check_md5(path, expected)
            except ChecksumError as error:
                if not path.endswith(".gz"):
                    raise
                raise ChecksumError(f"{error}; or, if it is the right data compressed anew, decompress it (gunzip): "
                                    f"an uncompressed IDX file is checked for its structure only") from None
    arrays = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images_path, labels_path = paths[f"{prefix}-images-idx3-ubyte"], paths[f"{prefix}-labels-idx1-ubyte"]
        images, labels = read_idx(images_path), read_idx(labels_path)
        _check_pair(images, labels, images_path, labels_path)
        arrays[f"x_{split}"], arrays[f"y_{split}"] = images, labels
    train_shape, test_shape = arrays["x_train"].shape[1:], arrays["x_test"].shape[1:]
    if train_shape != test_shape:
        raise ValueError(f"{paths['t10k-images-idx3-ubyte']} holds {'x'.join(map(str, test_shape))} images but "
                         f"{paths['train-images-idx3-ubyte']} holds {'x'.join(map(str, train_shape))}: "
                         f"they are not one data set")
    return arrays


def load_idx_collection(collection: IDXCollection, path=None, download: bool = False, *, checksums="published",
                        mirrors=None, normalize: bool = True, dtype=None):
    """Load the train and test splits of ``collection``; see :func:`load_mnist`."""
    dtype = float_dtype_or_default(dtype, f"load_{collection.name.replace('-', '_')}: dtype")
    folder = os.fspath(path) if path is not None else default_folder(collection)
    if checksums == "published":
        checksums = collection.md5
    elif checksums is not None and not isinstance(checksums, dict):
        raise TypeError(f"checksums: expected 'published', None or a dict file name -> MD5, got {checksums!r}")
    found = {part: _find(folder, part) for part in PARTS}
    missing = [part for part, where in found.items() if where is None]
    cache = os.path.join(folder, collection.name + ".npz")
    arrays = None
    if len(missing) == len(PARTS) and not download and os.path.isfile(cache):
        # the IDX files were removed after caching (with some left, they are used)
        arrays = _read_cache(cache, checksums=checksums)
    if arrays is None and missing:
        if not download:
            unused = (f"; {cache} is not used: it was written from files checked otherwise than this load asks "
                      f"(e.g. with checksums=None), or it is damaged" if len(missing) == len(PARTS)
                      and os.path.isfile(cache) else "")
            raise FileNotFoundError(_missing_message(collection, folder, missing) + unused)
        for part in missing:
            name = part + ".gz"
            expected = None if checksums is None else checksums.get(name)
            found[part] = download_file(name, folder, mirrors or collection.mirrors, expected)
    if arrays is None:
        fingerprint = _fingerprint([found[part] for part in PARTS], checksums)
        arrays = _read_cache(cache, fingerprint) if os.path.isfile(cache) else None
        if arrays is None:
            arrays = _parse(found, checksums)
            _write_cache(cache, arrays, fingerprint)
    return (_dataset(collection, arrays, "train", normalize, dtype),
            _dataset(collection, arrays, "test", normalize, dtype))


def _dataset(collection, arrays, split, normalize, dtype) -> Dataset:
    images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
    X = images.reshape(len(images), -1)
    X = X.astype(dtype) / np.array(255.0, dtype=dtype) if normalize else X  # pixel / 255 in dtype itself
    return Dataset(X=X, y=labels.astype(np.int64), name=f"{collection.name}-{split}",
                   class_names=collection.class_names, image_shape=tuple(images.shape[1:]),
                   description=collection.description)


def load_mnist(path=None, download: bool = False, *, checksums="published", mirrors=None, normalize: bool = True,
               dtype=None):
    """The MNIST handwritten digits as ``(train, test)`` :class:`Dataset` pairs.

    ``(X_train, y_train), (X_test, y_test) = load_mnist()`` unpacks it, as in Keras.

    Parameters
    ----------
    path : str or path-like, optional
        Folder holding the four IDX files; default ``$GLASSNET_DATA_DIR/mnist`` or
        ``~/.cache/glassnet/mnist``.
    download : bool
        Fetch missing files from the published mirrors (the only time glassnet uses
        the network); without it, missing files raise FileNotFoundError saying
        where to put which files.
    checksums : 'published', None or dict
        MD5 per file name to verify: the published values (default), None to skip
        the check, or your own dict (e.g. for a re-packed copy).
    mirrors : sequence of URLs, optional
        Where to download from; default the published mirrors.
    normalize : bool
        X as floats in [0, 1] (pixel / 255, the default) or the raw uint8 pixels.
    dtype : None, float32 or float64 (dtype or name)
        The dtype of the normalized X, in which pixel / 255 is computed; None means
        glassnet's default dtype (float32 unless :func:`glassnet.set_default_dtype`
        changed it). With ``normalize=False`` X stays uint8 (dtype is still checked).

    Returns
    -------
    (Dataset, Dataset)
        Train (60000 rows) and test (10000 rows): X (n, 784), y int64 0..9, ``image_shape`` (28, 28).

    Raises
    ------
    FileNotFoundError, glassnet.datasets.ChecksumError, glassnet.datasets.IDXFormatError, OSError
    """
    return load_idx_collection(MNIST, path, download, checksums=checksums, mirrors=mirrors, normalize=normalize,
                               dtype=dtype)


def load_fashion_mnist(path=None, download: bool = False, *, checksums="published", mirrors=None,
                       normalize: bool = True, dtype=None):
    """Fashion-MNIST (clothing images, same layout as MNIST) as ``(train, test)``; see :func:`load_mnist`.

    ``dtype`` as there: the normalized X's dtype (None: glassnet's default, float32 unless set).

    Default folder: ``$GLASSNET_DATA_DIR/fashion-mnist`` or ``~/.cache/glassnet/fashion-mnist``.
    """
    return load_idx_collection(FASHION_MNIST, path, download, checksums=checksums, mirrors=mirrors,
                               normalize=normalize, dtype=dtype)
