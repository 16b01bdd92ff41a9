"""The DataLoader: a dataset's samples in batches, with ``torch.utils.data.DataLoader``'s arguments."""
from __future__ import annotations

import numbers

from glassnet.utils.data.collate import default_collate, default_convert
from glassnet.utils.data.dataset import _gathers
from glassnet.utils.data.sampler import BatchSampler, RandomSampler, SequentialSampler, _stream


def _check_flag(value, name: str, allow_none: bool = False):
    if not (isinstance(value, bool) or (allow_none and value is None)):
        raise TypeError(f"DataLoader: {name} must be True or False{' or None' if allow_none else ''}, got {value!r}")
    return value


def _check_count(value, name: str, allow_none: bool = False, minimum: int = 0):
    if allow_none and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"DataLoader: {name} must be an int >= {minimum}{' or None' if allow_none else ''}, "
                         f"got {value!r}")
    return int(value)


class DataLoader:
    """Iterate over ``dataset`` in batches: each batch is ``collate_fn([dataset[i] for i in batch_indices])``.

    The indices come from ``batch_sampler``, or else ``batch_size`` at a time from ``sampler``
    (``RandomSampler`` when ``shuffle``, drawing a new order each time the loader is iterated,
    else ``SequentialSampler``); the last batch is shorter unless ``drop_last``. With
    ``batch_size=None`` each sample comes alone, converted by ``default_convert``.

    ``generator`` (None: glassnet's default generator; an int seed; a ``numpy.random.Generator``)
    drives the shuffling: an int becomes one stream when the loader is made, so each epoch gets
    a new order and the whole run repeats.

    glassnet loads in the calling process: ``num_workers``, ``prefetch_factor``,
    ``persistent_workers``, ``worker_init_fn``, ``multiprocessing_context``, ``timeout``,
    ``pin_memory``, ``pin_memory_device`` and ``in_order`` are checked as PyTorch checks them and
    accepted so that a PyTorch script runs as written, and change nothing: the batches are the
    ones PyTorch's loader gives with ``num_workers=0`` (it keeps their order for any number of
    workers). A batch of a :class:`TensorDataset`, or of a :class:`Subset` of one, is taken
    by indexing each of its arrays once, not sample by sample.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if not (hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__")):
            raise TypeError(f"DataLoader: dataset must be a map-style dataset, with __getitem__(index) and "
                            f"__len__() (a Dataset, TensorDataset, list or array), got {type(dataset).__name__}")
        _check_flag(shuffle, "shuffle", allow_none=True)
        _check_flag(drop_last, "drop_last")
        for name, flag in (("pin_memory", pin_memory), ("persistent_workers", persistent_workers),
                           ("in_order", in_order)):
            _check_flag(flag, name)
        self.num_workers = _check_count(num_workers, "num_workers")
        self.prefetch_factor = _check_count(prefetch_factor, "prefetch_factor", allow_none=True)
        if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real) or not timeout >= 0:
            raise ValueError(f"DataLoader: timeout must be a number >= 0, got {timeout!r}")
        if self.num_workers == 0 and prefetch_factor is not None:
            raise ValueError("DataLoader: prefetch_factor applies only with num_workers > 0; leave it None")
        if self.num_workers == 0 and persistent_workers:
            raise ValueError("DataLoader: persistent_workers=True needs num_workers > 0")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got {type(collate_fn).__name__}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler and shuffle=True cannot both be given; "
                             "a sampler sets the order itself (use RandomSampler to shuffle)")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: batch_sampler cannot be combined with batch_size, shuffle, "
                                 "sampler or drop_last; it sets all four itself")
            batch_size, drop_last = None, False
        elif batch_size is None:
            if drop_last:
                raise ValueError("DataLoader: batch_size=None gives samples one at a time, so drop_last "
                                 "cannot apply; leave it False")
        else:
            batch_size = _check_count(batch_size, "batch_size", minimum=1)
        self.dataset = dataset
        self.generator = _stream(generator, "DataLoader")
        if sampler is None:
            sampler = (RandomSampler(dataset, generator=self.generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self.pin_memory, self.pin_memory_device, self.timeout = pin_memory, pin_memory_device, timeout
        self.worker_init_fn, self.multiprocessing_context = worker_init_fn, multiprocessing_context
        self.persistent_workers, self.in_order = persistent_workers, in_order

    def _fetch(self, indices):
        getitems = getattr(self.dataset, "__getitems__", None)
        return getitems(indices) if getitems is not None else [self.dataset[i] for i in indices]

    def __iter__(self):
        if self.batch_sampler is None:  # no automatic batching: one sample at a time
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])
        elif (self.collate_fn is default_collate and _gathers(self.dataset)
              and type(self.batch_sampler) is BatchSampler):
            for rows in self.batch_sampler.batches():
                yield self.dataset._gather(rows)
        else:
            for indices in self.batch_sampler:
                yield self.collate_fn(self._fetch(indices))

    def __len__(self) -> int:
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)
