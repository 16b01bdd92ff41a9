"""Data sets and the small tools around them (``glassnet.datasets``).

Toy 2-D sets (:func:`xor`, :func:`moons`, :func:`circles`, :func:`spirals`,
:func:`gaussians`) return ``(X, y)``; :func:`load_digits` (bundled),
:func:`load_mnist`, :func:`load_fashion_mnist` (local IDX files, downloaded only
on request) and :func:`load_csv` return a :class:`Dataset`, which also unpacks as
``X, y``. :func:`load_dataset` finds any of them by name.
"""
from glassnet.datasets.batches import minibatches
from glassnet.datasets.csv_table import load_csv
from glassnet.datasets.dataset import Dataset
from glassnet.datasets.digits import load_digits
from glassnet.datasets.fetch import ChecksumError
from glassnet.datasets.idx import IDXFormatError, read_idx, write_idx
from glassnet.datasets.mnist import load_fashion_mnist, load_mnist
from glassnet.datasets.preprocessing import Standardizer, one_hot, standardize
from glassnet.datasets.registry import DATASETS, load_dataset
from glassnet.datasets.split import train_test_split
from glassnet.datasets.synthetic import circles, gaussians, moons, spirals, xor

__all__ = [
    "Dataset", "xor", "moons", "circles", "spirals", "gaussians", "load_digits", "load_mnist",
    "load_fashion_mnist", "load_csv", "read_idx", "write_idx", "IDXFormatError", "ChecksumError",
    "train_test_split", "Standardizer", "standardize", "one_hot", "minibatches", "DATASETS", "load_dataset",
]
