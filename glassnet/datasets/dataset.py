"""Dataset: features, labels and what is known about them, unpackable as ``X, y = dataset``."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Dataset:
    """A table of samples: ``X`` (n_samples, n_features) and their targets ``y``.

    Unpacks like a pair, so ``X, y = load_digits()`` works, while the attributes
    keep what a plot or a report needs.

    Attributes
    ----------
    X : ndarray (n_samples, n_features), float32 or float64 (the loader's ``dtype``)
    y : ndarray (n_samples,), int64 class labels (regression targets in X's dtype)
    name : str
    class_names : tuple of str or None
        ``class_names[k]`` is what label ``k`` means (None for regression).
    feature_names : tuple of str or None
    image_shape : tuple or None
        (height, width) when each row is a flattened image.
    description : str
        Where the data comes from, its license and its shape.
    test : Dataset or None
        The official test split, for data that comes with one (MNIST).
    """

    X: np.ndarray
    y: np.ndarray
    name: str = "dataset"
    class_names: tuple | None = None
    feature_names: tuple | None = None
    image_shape: tuple | None = None
    description: str = ""
    test: "Dataset | None" = None

    def __iter__(self):
        yield self.X
        yield self.y

    def __len__(self) -> int:
        return len(self.X)

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int | None:
        """Number of classes, or None for regression targets."""
        if self.y.dtype.kind not in "iu":
            return None
        if self.class_names is not None:
            return len(self.class_names)
        return int(self.y.max()) + 1 if len(self.y) else 0

    @property
    def images(self) -> np.ndarray:
        """The rows of X as images of shape (n_samples, *image_shape)."""
        if self.image_shape is None:
            raise AttributeError(f"dataset {self.name!r} holds no images (image_shape is None)")
        return self.X.reshape(len(self.X), *self.image_shape)

    def __repr__(self) -> str:
        classes = f", n_classes={self.n_classes}" if self.n_classes is not None else ""
        test = f", test={len(self.test)} samples" if self.test is not None else ""
        return f"Dataset({self.name!r}, n_samples={len(self)}, n_features={self.n_features}{classes}{test})"
