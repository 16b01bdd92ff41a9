"""Batches from a DataLoader: one shuffled pass over a TensorDataset, and the MLP epoch trained from it.

The rows, each from the same arrays (wrapped, not copied) and with the same batch size:
  glassnet_pass  iterate ``glassnet.utils.data.DataLoader(TensorDataset(X, y), shuffle=True)`` once
  torch_pass     the same with ``torch.utils.data``
  glassnet_train the MLP workload's PyTorch-style loop, its batches drawn from glassnet's loader
  torch_train    the same loop in PyTorch, from PyTorch's loader
Each loader shuffles with its own generator seeded at 0, so the orders differ and the work does
not. PyTorch's loader collates a batch sample by sample; glassnet's takes it by indexing each
array once (``glassnet/utils/data``): the pass rows measure that difference, the train rows what
it is worth in a whole epoch.
"""
from __future__ import annotations

from glassnet.benchmarks.mlp import glassnet_model, glassnet_weights, torch_model, torch_weights, with_weights

SEED = 0


def glassnet_loader(data, batch_size: int, seed: int = SEED):
    """glassnet's shuffling DataLoader over ``data``'s arrays, which it shares."""
    import glassnet as gn
    from glassnet.utils.data import DataLoader, TensorDataset

    dataset = TensorDataset(gn.from_numpy(data.X), gn.from_numpy(data.y))
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=seed)


def torch_loader(data, batch_size: int, seed: int = SEED):
    """PyTorch's shuffling DataLoader over ``data``'s arrays, which it shares."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    dataset = TensorDataset(torch.from_numpy(data.X), torch.from_numpy(data.y))
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))


def _pass(loader):
    def run():
        for _ in loader:
            pass
    return run


def glassnet_pass(data, weights, batch_size, lr):
    return _pass(glassnet_loader(data, batch_size))


def torch_pass(data, weights, batch_size, lr, threads=None):
    import torch

    if threads:
        torch.set_num_threads(threads)
    return _pass(torch_loader(data, batch_size))


def glassnet_train(data, weights, batch_size, lr):
    model, optimizer, loss_fn = glassnet_model(weights, lr)
    loader = glassnet_loader(data, batch_size)

    def run():
        for xb, yb in loader:
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()
    return with_weights(run, glassnet_weights(model))


def torch_train(data, weights, batch_size, lr, threads=None):
    model, optimizer, loss_fn = torch_model(weights, lr, threads)
    loader = torch_loader(data, batch_size)

    def run():
        for xb, yb in loader:
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()
    return with_weights(run, torch_weights(model))


IMPLEMENTATIONS = {"glassnet_pass": glassnet_pass, "torch_pass": torch_pass, "glassnet_train": glassnet_train,
                   "torch_train": torch_train}

RATIOS = [("torch_pass", "glassnet_pass"), ("torch_train", "glassnet_train"), ("glassnet_pass", "glassnet_train"),
          ("torch_pass", "torch_train")]
"""numerator / denominator of each reported ratio; a pass over a train row is the loader's share of the epoch."""
