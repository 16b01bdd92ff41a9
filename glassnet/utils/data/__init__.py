"""Datasets, samplers and the DataLoader, with ``torch.utils.data``'s names and behaviour.

    from glassnet.utils.data import DataLoader, TensorDataset, random_split

    train, test = random_split(TensorDataset(X, y), [0.8, 0.2], generator=0)
    for xb, yb in DataLoader(train, batch_size=32, shuffle=True, generator=0):
        ...

A batch of a :class:`TensorDataset` (or of a :class:`Subset` of one) is gathered with one
indexing of each array instead of sample by sample; it is equal, value and dtype, to what the
sample-by-sample path of PyTorch's loader gives.
"""
from glassnet.utils.data.collate import default_collate, default_convert
from glassnet.utils.data.dataloader import DataLoader
from glassnet.utils.data.dataset import ConcatDataset, Dataset, Subset, TensorDataset
from glassnet.utils.data.sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                                         SubsetRandomSampler, WeightedRandomSampler)
from glassnet.utils.data.split import random_split

__all__ = [
    "Dataset", "TensorDataset", "Subset", "ConcatDataset", "DataLoader", "random_split",
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
    "BatchSampler", "default_collate", "default_convert",
]
