"""The UCI 8x8 handwritten digits, bundled with glassnet (no download, no scikit-learn needed).

Source: "Optical Recognition of Handwritten Digits" by E. Alpaydin and C. Kaynak,
UCI Machine Learning Repository
(https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits),
licensed CC BY 4.0. The bundled file holds the same 1797 images as
``sklearn.datasets.load_digits()`` (the UCI test set): 32x32 bitmaps from 43
writers, cut into 4x4 blocks whose "on" pixels were counted, giving 8x8 images of
integers 0..16. ``scripts/bundle_digits.py`` wrote ``data/digits.npz`` from
scikit-learn's copy; ``tests/test_datasets_digits.py`` checks it is identical.
"""
from __future__ import annotations

import os

import numpy as np

from glassnet.datasets.dataset import Dataset
from glassnet.dtypes import float_dtype_or_default

_FILE = os.path.join(os.path.dirname(__file__), "data", "digits.npz")

DESCRIPTION = (
    "UCI ML hand-written digits (E. Alpaydin, C. Kaynak; CC BY 4.0): 1797 grey 8x8 images of the "
    "digits 0-9, pixel values 0..16, about 180 per class."
)


def load_digits(dtype=None) -> Dataset:
    """The 1797 8x8 digit images as a :class:`Dataset`.

    Parameters
    ----------
    dtype : None, float32 or float64 (dtype or name)
        X's dtype; None means glassnet's default dtype (float32 unless
        :func:`glassnet.set_default_dtype` changed it). The pixel counts 0..16 are
        exact in either.

    Returns
    -------
    Dataset
        ``X`` (1797, 64) in ``dtype`` with pixel values 0..16 (row-major 8x8), ``y`` int64
        labels 0..9, ``images`` (1797, 8, 8), ``class_names`` "0".."9".
        ``X, y = load_digits()`` unpacks it.
    """
    dtype = float_dtype_or_default(dtype, "load_digits: dtype")
    with np.load(_FILE, allow_pickle=False) as archive:
        images, target = archive["images"], archive["target"]
    return Dataset(
        X=images.reshape(len(images), 64).astype(dtype),
        y=target.astype(np.int64),
        name="digits",
        class_names=tuple(str(k) for k in range(10)),
        feature_names=tuple(f"pixel_{row}_{col}" for row in range(8) for col in range(8)),
        image_shape=(8, 8),
        description=DESCRIPTION,
    )
