"""Write glassnet/datasets/data/digits.npz from scikit-learn's copy of the UCI 8x8 digits (run once).

    python scripts/bundle_digits.py

The pixels (integers 0..16) and labels (0..9) fit in uint8; ``savez_compressed``
keeps the file near 45 kB. glassnet itself never needs scikit-learn to read it.
"""
import io
import pathlib

import numpy as np
from sklearn.datasets import load_digits

from glassnet.files import atomic_write

TARGET = pathlib.Path(__file__).resolve().parents[1] / "glassnet" / "datasets" / "data" / "digits.npz"

digits = load_digits()
images = digits.data.reshape(-1, 8, 8)
assert np.array_equal(images, images.astype(np.uint8)), "digits pixels are expected to be integers 0..16"
buffer = io.BytesIO()
np.savez_compressed(buffer, images=images.astype(np.uint8), target=digits.target.astype(np.uint8))
with atomic_write(TARGET) as file:
    file.write(buffer.getvalue())
print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")
