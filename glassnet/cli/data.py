"""Loading a data set for a command: the split into training and test parts, and the preprocessing."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from glassnet.datasets import Dataset, Standardizer, load_dataset, train_test_split


@dataclass
class PreparedData:
    """The data a command trains and tests on, and how it was derived from the raw data set."""

    dataset: Dataset
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    X_test_raw: np.ndarray
    split: str
    standardizer: Standardizer | None

    @property
    def n_classes(self):
        return self.dataset.n_classes

    @property
    def classification(self) -> bool:
        return self.dataset.n_classes is not None


GENERATED = ("moons", "circles", "spirals", "gaussians")
"""The data sets drawn afresh, whose size and noise --samples and --noise set."""


def dataset_options(name: str, args, dtype=None) -> dict:
    """Keyword arguments for the loader of ``name`` from the command-line options; ``dtype`` (the run's,
    'float32' or 'float64') is the dtype the loader reads the data in, so a float64 run never sees it
    rounded to float32."""
    options = {} if dtype is None else {"dtype": dtype}
    if name.startswith("csv:"):
        if getattr(args, "target", None) is not None:
            options["target"] = args.target
        if getattr(args, "task", None) is not None:
            options["task"] = args.task
        return options
    if name in ("mnist", "fashion-mnist"):
        options["download"] = bool(getattr(args, "download", False))
        if getattr(args, "data_dir", None):
            options["path"] = args.data_dir
        return options
    if name in GENERATED:
        options["seed"] = args.seed
        if getattr(args, "samples", None) is not None:
            options["n_samples"] = args.samples
        if getattr(args, "noise", None) is not None:
            options["noise"] = args.noise
    return options


def load(name: str, args, dtype=None) -> Dataset:
    """The data set ``name`` as the options say, read in ``dtype`` (None: glassnet's default, float32)."""
    for option in ("target", "task"):
        if getattr(args, option, None) is not None and not name.startswith("csv:"):
            raise ValueError(f"--{option} only applies to csv:PATH data sets, not {name!r}")
    for option in ("samples", "noise"):
        if getattr(args, option, None) is not None and name not in GENERATED:
            raise ValueError(f"--{option} only applies to the generated data sets {', '.join(GENERATED)}, not {name!r}")
    return load_dataset(name, **dataset_options(name, args, dtype))


def checksum(dataset: Dataset) -> str:
    """SHA-256 of the bytes of X then y (with their dtypes and shapes), to recognise the exact data.

    Floats are hashed in their float32 form, whatever dtype the command read them in: a float32 and a
    float64 run of the same data record the same checksum, the one manifests have always recorded
    (the loaders round once, so a float64 set cast to float32 is the float32 set bit for bit). The
    price: two data sets that differ only beyond float32's precision have the same checksum.
    """
    digest = hashlib.sha256()
    for array in (dataset.X, dataset.y):
        array = np.ascontiguousarray(array.astype(np.float32) if array.dtype == np.float64 else array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def split(dataset: Dataset, test_size: float, seed):
    """(X_train, X_test, y_train, y_test, description): the official test set, all rows (XOR), or a seeded split."""
    if dataset.test is not None:
        test = dataset.test
        return dataset.X, test.X, dataset.y, test.y, f"the official {len(test.X)}-sample test set"
    if dataset.name == "xor":
        return dataset.X, dataset.X, dataset.y, dataset.y, "all four rows: XOR is its own test set"
    stratify = dataset.y if dataset.n_classes is not None else None
    X_train, X_test, y_train, y_test = train_test_split(dataset.X, dataset.y, test_size=test_size,
                                                        stratify=stratify, seed=seed)
    kind = "stratified " if stratify is not None else ""
    return X_train, X_test, y_train, y_test, f"{kind}held-out {test_size:.0%}, seed {seed}"


def prepare(dataset: Dataset, test_size: float, seed, preprocess: str, dtype) -> PreparedData:
    """Split, then standardize with statistics of the training part only (when asked for); X in ``dtype``.

    Load ``dataset`` in ``dtype`` already (:func:`load`): the cast here only rounds the standardized
    features, which are computed in float64."""
    X_train, X_test, y_train, y_test, description = split(dataset, test_size, seed)
    X_test_raw = X_test
    standardizer = None
    if preprocess == "standardize":
        standardizer = Standardizer().fit(X_train)
        X_train, X_test = standardizer.transform(X_train), standardizer.transform(X_test)
    return PreparedData(dataset=dataset, X_train=X_train.astype(dtype), y_train=y_train,
                        X_test=X_test.astype(dtype), y_test=y_test, X_test_raw=X_test_raw, split=description,
                        standardizer=standardizer)
