"""Data sets by name, for ``load_dataset("moons")`` and the ``glassnet`` command."""
from __future__ import annotations

from glassnet.datasets import synthetic
from glassnet.datasets.csv_table import load_csv
from glassnet.datasets.dataset import Dataset
from glassnet.datasets.digits import load_digits
from glassnet.datasets.mnist import load_fashion_mnist, load_mnist


def _toy(name: str, generator, description: str):
    def load(**options) -> Dataset:
        X, y = generator(**options)
        return Dataset(X=X, y=y, name=name, class_names=tuple(str(k) for k in range(int(y.max()) + 1)),
                       feature_names=("x1", "x2"), description=description)
    load.__doc__ = f"{description} (see glassnet.datasets.{generator.__name__})."
    return load


def _with_test_split(name: str, loader):
    def load(**options) -> Dataset:
        train, test = loader(**options)
        return Dataset(X=train.X, y=train.y, name=name, class_names=train.class_names,
                       image_shape=train.image_shape, description=train.description, test=test)
    load.__doc__ = f"The {name} training set, with its official test set as ``.test``."
    return load


DATASETS = {
    "xor": _toy("xor", synthetic.xor, "the XOR truth table, 4 points"),
    "moons": _toy("moons", synthetic.moons, "two interleaving half circles"),
    "circles": _toy("circles", synthetic.circles, "a circle inside a circle"),
    "spirals": _toy("spirals", synthetic.spirals, "spiral arms winding out of the origin"),
    "gaussians": _toy("gaussians", synthetic.gaussians, "Gaussian blobs on a circle"),
    "digits": load_digits,
    "mnist": _with_test_split("mnist", load_mnist),
    "fashion-mnist": _with_test_split("fashion-mnist", load_fashion_mnist),
}
"""Name → function returning a :class:`Dataset`; ``csv:PATH`` names a CSV file."""


def load_dataset(name: str, **options) -> Dataset:
    """Load a data set by name (a key of :data:`DATASETS`, or ``"csv:PATH"`` for a CSV file).

    ``options`` go to the loader, e.g. ``load_dataset("moons", n_samples=500, seed=0)`` or
    ``load_dataset("csv:iris.csv", target="species")``.
    """
    if not isinstance(name, str):
        raise TypeError(f"load_dataset: name must be a string, got {type(name).__name__}")
    if name.startswith("csv:"):
        path = name[len("csv:"):]
        if not path:
            raise ValueError("load_dataset: 'csv:' must be followed by a file path, e.g. csv:data/iris.csv")
        return load_csv(path, **options)
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(DATASETS)}, or csv:PATH for your own table")
    return DATASETS[name](**options)
