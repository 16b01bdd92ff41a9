"""Samplers: the order in which a DataLoader visits a dataset's samples, as in ``torch.utils.data``.

A sampler is an iterable of sample indices with a length; a batch sampler is an iterable of
lists of them. Each random sampler draws a new order every time it is iterated, from its
``generator`` (an int seed becomes one stream at construction, so that epochs differ and a
run repeats) or, when that is None, from glassnet's default generator at the time.
"""
from __future__ import annotations

import numpy as np

from glassnet.random import as_generator
from glassnet.tensor import Tensor
from glassnet.validation import check_positive_int


def _stream(generator, owner: str):
    """None stays None (the default generator, read at each iteration); a seed or Generator becomes a Generator."""
    return None if generator is None else as_generator(generator, f"{owner}: generator")


class Sampler:
    """The base of a sampler: subclasses define ``__iter__`` (and ``__len__``)."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__ to yield sample indices")


class _OrderedSampler(Sampler):
    """A sampler that draws a whole pass at once, as an int array (``order()``), and yields it."""

    def order(self) -> np.ndarray:
        raise NotImplementedError

    def __iter__(self):
        return iter(self.order().tolist())


def _whole_order(sampler):
    """One pass of ``sampler`` as an int array, drawn at once when it is one of these samplers unchanged."""
    if isinstance(sampler, _OrderedSampler) and type(sampler).__iter__ is _OrderedSampler.__iter__:
        return sampler.order()
    return np.fromiter(sampler, dtype=np.intp)


class SequentialSampler(_OrderedSampler):
    """0, 1, …, len(data_source) − 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def order(self) -> np.ndarray:
        """The indices of one pass, as an int array."""
        return np.arange(len(self.data_source))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(_OrderedSampler):
    """The indices in a random order: a permutation, or with ``replacement`` ``num_samples`` uniform draws.

    Without replacement, a ``num_samples`` above ``len(data_source)`` gives whole permutations
    one after another, the last one cut short, as PyTorch does.
    """

    def __init__(self, data_source, replacement: bool = False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement must be True or False, got {replacement!r}")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = check_positive_int(num_samples, "RandomSampler: num_samples", allow_none=True)
        self.generator = _stream(generator, "RandomSampler")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def order(self) -> np.ndarray:
        """The indices of one pass, drawn afresh, as an int array."""
        rng = as_generator(self.generator)
        n, count = len(self.data_source), self.num_samples
        if self.replacement:
            return rng.integers(0, n, size=count)
        passes = [rng.permutation(n) for _ in range(count // n)]
        if count % n:
            passes.append(rng.permutation(n)[:count % n])
        return np.concatenate(passes) if passes else np.arange(0)

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(_OrderedSampler):
    """The given ``indices`` in a random order, drawn afresh each pass."""

    def __init__(self, indices, generator=None):
        self.indices = list(indices.data.tolist() if isinstance(indices, Tensor) else indices)
        self.generator = _stream(generator, "SubsetRandomSampler")

    def order(self) -> np.ndarray:
        shuffled = as_generator(self.generator).permutation(len(self.indices))
        return np.asarray(self.indices, dtype=np.intp)[shuffled] if self.indices else np.arange(0)

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(_OrderedSampler):
    """``num_samples`` indices drawn with probability weights[i] / sum(weights), with replacement by default.

    The usual answer to an unbalanced data set: weight each sample by one over its class's count.
    """

    def __init__(self, weights, num_samples: int, replacement: bool = True, generator=None):
        weights = np.asarray(weights.data if isinstance(weights, Tensor) else weights, dtype=np.float64)
        if weights.ndim != 1 or weights.size == 0:
            raise ValueError(f"WeightedRandomSampler: weights must be a non-empty 1-D sequence, got shape {weights.shape}")
        if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
            raise ValueError("WeightedRandomSampler: weights must be finite, non-negative and not all zero")
        if not isinstance(replacement, bool):
            raise TypeError(f"WeightedRandomSampler: replacement must be True or False, got {replacement!r}")
        self.num_samples = check_positive_int(num_samples, "WeightedRandomSampler: num_samples")
        if not replacement and self.num_samples > np.count_nonzero(weights):
            raise ValueError(f"WeightedRandomSampler: without replacement num_samples can be at most the "
                             f"{np.count_nonzero(weights)} samples of nonzero weight, got {self.num_samples}")
        self.weights = weights
        self.replacement = replacement
        self.generator = _stream(generator, "WeightedRandomSampler")

    def order(self) -> np.ndarray:
        rng = as_generator(self.generator)
        return rng.choice(len(self.weights), size=self.num_samples, replace=self.replacement,
                          p=self.weights / self.weights.sum())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Lists of ``batch_size`` indices from ``sampler``; the last is shorter unless ``drop_last``."""

    def __init__(self, sampler, batch_size: int, drop_last: bool):
        self.sampler = sampler
        self.batch_size = check_positive_int(batch_size, "BatchSampler: batch_size")
        if not isinstance(drop_last, bool):
            raise TypeError(f"BatchSampler: drop_last must be True or False, got {drop_last!r}")
        self.drop_last = drop_last

    def batches(self):
        """The batches as int arrays (slices for a SequentialSampler), the sampler's pass drawn at once where it can be."""
        if type(self.sampler) is SequentialSampler:
            n, size = len(self.sampler), self.batch_size
            stop = n - n % size if self.drop_last else n
            for start in range(0, stop, size):
                yield slice(start, min(start + size, n))
            return
        order = _whole_order(self.sampler)
        n, size = len(order), self.batch_size
        stop = n - n % size if self.drop_last else n
        for start in range(0, stop, size):
            yield order[start:start + size]

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
