"""Map-style datasets: ``dataset[i]`` is sample i and ``len(dataset)`` counts them, as in ``torch.utils.data``."""
from __future__ import annotations

import bisect
import numbers

import numpy as np

from glassnet.tensor import Tensor, tensor


class Dataset:
    """The base of a map-style dataset: subclasses define ``__getitem__(i)`` and ``__len__()``.

    ``a + b`` is ``ConcatDataset([a, b])``.
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index) to return sample index")

    def __add__(self, other):
        return ConcatDataset([self, other])


def _check_index(index, length: int, owner: str) -> int:
    """A plain int index into ``length`` samples, negative from the end, or an IndexError/TypeError."""
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise TypeError(f"{owner}: an index must be an int, got {type(index).__name__}")
    if not -length <= index < length:
        raise IndexError(f"{owner}: index {index} is out of range for {length} samples")
    return int(index) + length if index < 0 else int(index)


class TensorDataset(Dataset):
    """Sample i is ``(t[i] for t in tensors)``: the i-th row of every tensor, as a tuple.

    Arrays and nested lists are copied into tensors as ``glassnet.tensor`` copies them (a
    float64 array stays float64); tensors are kept as they are. Every tensor needs the same
    number of rows.
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset: expected at least one tensor, got none")
        converted = []
        for position, value in enumerate(tensors):
            made = value if isinstance(value, Tensor) else tensor(value)
            if made.ndim == 0:
                raise ValueError(f"TensorDataset: tensor {position} is a scalar; each needs one row per sample")
            converted.append(made)
        rows = [len(t) for t in converted]
        if len(set(rows)) > 1:
            raise ValueError(f"TensorDataset: every tensor needs the same number of rows, got {rows}")
        self.tensors = tuple(converted)

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return len(self.tensors[0])

    def _gather(self, rows) -> list:
        """Rows ``rows`` (a slice or an int array) of every tensor, copied: one batch, as a list.

        A tensor that requires grad is indexed as a graph op, so the batch keeps its gradient.
        """
        batch = []
        for t in self.tensors:
            if t.requires_grad:
                batch.append(t[rows])
            elif isinstance(rows, slice):
                batch.append(Tensor._from_op(t._data[rows].copy()))
            else:
                batch.append(Tensor._from_op(np.take(t._data, rows, axis=0)))
        return batch


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order: ``subset[i] = dataset[indices[i]]``."""

    def __init__(self, dataset, indices):
        length = len(dataset)
        if isinstance(indices, Tensor):
            indices = indices.data
        if isinstance(indices, np.ndarray):
            indices = indices.tolist()
        self.dataset = dataset
        self.indices = [_check_index(i, length, "Subset: indices") for i in indices]

    @property
    def indices(self) -> list:
        return self._indices

    @indices.setter
    def indices(self, indices) -> None:
        self._indices = list(indices)
        self._positions = np.asarray(self._indices, dtype=np.intp)  # for gathering whole batches

    def __getitem__(self, index):
        if isinstance(index, list):  # as PyTorch: the dataset indexed once by the mapped list
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices) -> list:
        """The samples at ``indices``, a list: what a DataLoader fetches for one batch."""
        getitems = getattr(self.dataset, "__getitems__", None)
        mapped = [self.indices[i] for i in indices]
        return getitems(mapped) if callable(getitems) else [self.dataset[i] for i in mapped]

    def __len__(self) -> int:
        return len(self.indices)

    def _gather(self, rows) -> list:
        """A batch of a Subset of a TensorDataset (see :meth:`TensorDataset._gather`)."""
        return self.dataset._gather(self._positions[rows])


class ConcatDataset(Dataset):
    """The samples of several datasets one after the other."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: expected at least one dataset, got none")
        self.cumulative_sizes = []
        total = 0
        for dataset in self.datasets:
            total += len(dataset)
            self.cumulative_sizes.append(total)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        index = _check_index(index, len(self), "ConcatDataset")
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][index - start]


def _gathers(dataset) -> bool:
    """True when whole batches of ``dataset`` can be taken by indexing its arrays (``_gather``).

    Only a TensorDataset, or a Subset of one, whose ``__getitem__`` is the one defined here
    (a subclass that changes samples goes sample by sample).
    """
    if isinstance(dataset, Subset):
        return type(dataset).__getitem__ is Subset.__getitem__ and _gathers(dataset.dataset)
    return isinstance(dataset, TensorDataset) and type(dataset).__getitem__ is TensorDataset.__getitem__
