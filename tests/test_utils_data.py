"""glassnet.utils.data against hand-worked batches, NumPy's own generators and its sample-by-sample path."""
import collections
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, RandomSampler, SequentialSampler,
                                 Subset, SubsetRandomSampler, TensorDataset, WeightedRandomSampler, default_collate,
                                 default_convert, random_split)


def _data(n=10, features=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, features)).astype(np.float32), rng.integers(0, 4, n)


class SampleBySample(TensorDataset):
    """The same samples, but a __getitem__ of its own sends the loader down the sample-by-sample path."""

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)


def _arrays(batches):
    return [[t.numpy() for t in batch] for batch in batches]


# ---- TensorDataset, Subset, ConcatDataset

def test_tensor_dataset_samples_are_rows_of_every_tensor():
    X, y = _data()
    dataset = TensorDataset(X, y)
    x3, y3 = dataset[3]
    assert len(dataset) == 10
    np.testing.assert_array_equal(x3.numpy(), X[3])
    assert int(y3.item()) == y[3] and y3.dtype == np.int64


def test_tensor_dataset_copies_arrays_and_keeps_tensors():
    X, y = _data()
    dataset = TensorDataset(X, y)
    X[0] = 100.0
    assert dataset.tensors[0].numpy()[0, 0] != 100.0  # copied, as gn.tensor copies
    kept = gn.tensor(X)
    assert TensorDataset(kept).tensors[0] is kept


@pytest.mark.parametrize("tensors, message", [
    ((), "at least one tensor"),
    ((np.zeros((3, 2)), np.zeros(4)), r"same number of rows, got \[3, 4\]"),
    ((np.zeros((3, 2)), np.float32(1.0)), "tensor 1 is a scalar"),
])
def test_tensor_dataset_errors(tensors, message):
    with pytest.raises(ValueError, match=message):
        TensorDataset(*tensors)


def test_subset_and_its_index_errors():
    X, y = _data()
    subset = Subset(TensorDataset(X, y), np.array([7, -1, 2]))
    assert subset.indices == [7, 9, 2] and len(subset) == 3
    np.testing.assert_array_equal(subset[1][0].numpy(), X[9])
    with pytest.raises(IndexError, match="index 10 is out of range for 10 samples"):
        Subset(TensorDataset(X, y), [0, 10])
    with pytest.raises(TypeError, match="an index must be an int, got float"):
        Subset(TensorDataset(X, y), [0.5])


def test_subset_list_index_and_getitems_map_through_indices():
    X, y = _data()
    subset = Subset(TensorDataset(X, y), [7, 9, 2])
    xb, yb = subset[[0, 2]]  # as PyTorch: the dataset indexed once, with the mapped list
    np.testing.assert_array_equal(xb.numpy(), X[[7, 2]])
    np.testing.assert_array_equal(yb.numpy(), y[[7, 2]])
    fetched = Subset(list("abcdefghij"), [3, 1, 4]).__getitems__([2, 0])
    assert fetched == ["e", "d"]
    loader = DataLoader(Subset(list("abcdefghij"), [3, 1, 4]), batch_size=2, collate_fn=list)
    assert list(loader) == [["d", "b"], ["e"]]


def test_concat_dataset_and_plus():
    first, second = TensorDataset(np.arange(3.0)), TensorDataset(np.arange(10.0, 15.0))
    joined = first + second
    assert isinstance(joined, ConcatDataset) and len(joined) == 8
    assert [joined[i][0].item() for i in range(8)] == [0, 1, 2, 10, 11, 12, 13, 14]
    assert joined[-1][0].item() == 14
    with pytest.raises(IndexError, match="index 8 is out of range for 8 samples"):
        joined[8]


def test_dataset_base_names_what_to_define():
    with pytest.raises(NotImplementedError, match="must define __getitem__"):
        Dataset()[0]


# ---- DataLoader: order and batches

def test_sequential_batches_are_the_slices_the_last_shorter():
    X, y = _data()
    batches = _arrays(DataLoader(TensorDataset(X, y), batch_size=4))
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), X)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y)
    assert len(DataLoader(TensorDataset(X, y), batch_size=4)) == 3
    dropped = DataLoader(TensorDataset(X, y), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and [len(b[0]) for b in _arrays(dropped)] == [4, 4]


def test_batches_are_copies_not_views_of_the_dataset():
    X, y = _data()
    dataset = TensorDataset(X, y)
    for xb, _ in DataLoader(dataset, batch_size=4):
        xb.data[...] = 0  # e.g. an in-place augmentation of the batch
    np.testing.assert_array_equal(dataset.tensors[0].numpy(), X)


def test_shuffle_draws_numpys_permutations_from_one_stream_per_loader():
    X, y = _data(n=11)
    loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True, generator=5)
    reference = np.random.default_rng(5)
    for _ in range(3):  # each epoch the next permutation of the same stream
        order = reference.permutation(11)
        np.testing.assert_array_equal(np.concatenate([b[1] for b in _arrays(loader)]), y[order])
    again = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True, generator=5)
    first = np.random.default_rng(5).permutation(11)
    np.testing.assert_array_equal(np.concatenate([b[0] for b in _arrays(again)]), X[first])


def test_shuffle_without_a_generator_follows_manual_seed():
    X, y = _data()
    loader = DataLoader(TensorDataset(X, y), batch_size=3, shuffle=True)
    gn.manual_seed(3)
    first = _arrays(loader)
    gn.manual_seed(3)
    second = _arrays(loader)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a[1], b[1])
    assert sorted(np.concatenate([b[1] for b in first]).tolist()) == sorted(y.tolist())


@pytest.mark.parametrize("subset", [False, True])
@pytest.mark.parametrize("shuffle, drop_last", [(False, False), (True, False), (True, True)])
def test_whole_batch_gather_equals_the_sample_by_sample_path(shuffle, drop_last, subset):
    X, y = _data(n=23)
    fast, slow = TensorDataset(X, y), SampleBySample(X, y)
    if subset:
        rows = [5, 0, 22, 7, 7, 13, 1, 2, 9, 10, 11]
        fast, slow = Subset(fast, rows), Subset(slow, rows)
    kwargs = dict(batch_size=4, shuffle=shuffle, drop_last=drop_last)
    gathered = list(DataLoader(fast, generator=1, **kwargs))
    sampled = list(DataLoader(slow, generator=1, **kwargs))
    assert len(gathered) == len(sampled) > 0
    for a, b in zip(gathered, sampled):
        assert type(a) is type(b) is list
        for ta, tb in zip(a, b):
            assert ta.dtype == tb.dtype and ta.shape == tb.shape
            np.testing.assert_array_equal(ta.numpy(), tb.numpy())


def test_a_dataset_that_requires_grad_keeps_the_graph():
    W = gn.tensor(np.arange(12.0).reshape(6, 2), requires_grad=True)
    loader = DataLoader(TensorDataset(W), batch_size=4, shuffle=True, generator=0)
    total = sum(batch[0].sum() for batch in loader)
    total.backward()
    np.testing.assert_array_equal(W.grad.numpy(), np.ones((6, 2)))


def test_batch_size_none_gives_samples_one_at_a_time():
    X, y = _data(n=3)
    samples = list(DataLoader(TensorDataset(X, y), batch_size=None))
    assert len(samples) == 3 and len(DataLoader(TensorDataset(X, y), batch_size=None)) == 3
    np.testing.assert_array_equal(samples[2][0].numpy(), X[2])
    arrays = list(DataLoader([np.ones(2), np.zeros(2)], batch_size=None))
    assert all(isinstance(a, gn.Tensor) for a in arrays)


def test_plain_list_dataset_with_default_collate():
    samples = [(np.full(2, i, dtype=np.float32), i) for i in range(5)]
    (xb, yb), (xc, yc) = list(DataLoader(samples, batch_size=3))
    np.testing.assert_array_equal(xb.numpy(), [[0, 0], [1, 1], [2, 2]])
    assert yb.dtype == np.int64 and yc.numpy().tolist() == [3, 4]


def test_custom_collate_fn_and_getitems():
    class Rows(Dataset):
        def __init__(self):
            self.calls = []

        def __len__(self):
            return 6

        def __getitem__(self, i):
            return i

        def __getitems__(self, indices):
            self.calls.append(list(indices))
            return [10 * i for i in indices]

    rows = Rows()
    batches = list(DataLoader(rows, batch_size=4, collate_fn=sum))
    assert batches == [60, 90] and rows.calls == [[0, 1, 2, 3], [4, 5]]


def test_workers_change_nothing():
    X, y = _data(n=17)
    plain = _arrays(DataLoader(TensorDataset(X, y), batch_size=5, shuffle=True, generator=2))
    workers = _arrays(DataLoader(TensorDataset(X, y), batch_size=5, shuffle=True, generator=2, num_workers=4,
                                 pin_memory=True, prefetch_factor=2, persistent_workers=True, timeout=5))
    for a, b in zip(plain, workers):
        np.testing.assert_array_equal(a[0], b[0])


def test_a_sampler_and_a_batch_sampler_set_the_order():
    X, y = _data()
    picked = _arrays(DataLoader(TensorDataset(X, y), batch_size=2, sampler=[9, 0, 4]))
    assert [b[1].tolist() for b in picked] == [[y[9], y[0]], [y[4]]]
    batched = _arrays(DataLoader(TensorDataset(X, y), batch_sampler=[[3, 1], [2]]))
    assert [b[1].tolist() for b in batched] == [[y[3], y[1]], [y[2]]]


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(batch_size=0), ValueError, "batch_size must be an int >= 1, got 0"),
    (dict(batch_size=2.0), ValueError, "batch_size must be an int >= 1"),
    (dict(shuffle="yes"), TypeError, "shuffle must be True or False or None, got 'yes'"),
    (dict(drop_last=1), TypeError, "drop_last must be True or False"),
    (dict(sampler=[0, 1], shuffle=True), ValueError, "sampler and shuffle=True"),
    (dict(batch_sampler=[[0]], batch_size=2), ValueError, "batch_sampler cannot be combined"),
    (dict(batch_size=None, drop_last=True), ValueError, "drop_last cannot apply"),
    (dict(num_workers=-1), ValueError, "num_workers must be an int >= 0, got -1"),
    (dict(prefetch_factor=2), ValueError, "prefetch_factor applies only with num_workers > 0"),
    (dict(persistent_workers=True), ValueError, "persistent_workers=True needs num_workers > 0"),
    (dict(timeout=-1), ValueError, "timeout must be a number >= 0"),
    (dict(collate_fn="stack"), TypeError, "collate_fn must be callable"),
    (dict(generator="seed"), TypeError, "DataLoader: generator: expected None, an int seed"),
])
def test_dataloader_errors_name_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        DataLoader(TensorDataset(np.zeros((4, 2))), **kwargs)


def test_dataloader_refuses_what_is_not_a_dataset():
    with pytest.raises(TypeError, match="map-style dataset, with __getitem__"):
        DataLoader(iter([1, 2, 3]))


# ---- training through the loader

def test_training_through_the_loader_equals_the_same_loop_over_numpy_slices():
    X, y = _data(n=50, features=4, seed=3)

    def trained(batches):
        gn.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4))
        optimizer = gn.optim.SGD(model.parameters(), lr=0.1)
        for xb, yb in batches:
            optimizer.zero_grad()
            nn.CrossEntropyLoss()(model(xb), yb).backward()
            optimizer.step()
        return [p.numpy() for p in model.parameters()]

    loader = DataLoader(TensorDataset(X, y), batch_size=8, shuffle=True, generator=7)
    rng = np.random.default_rng(7)
    by_hand = []
    for _ in range(3):
        order = rng.permutation(50)
        by_hand += [(gn.tensor(X[order[s:s + 8]]), gn.tensor(y[order[s:s + 8]])) for s in range(0, 50, 8)]
    with_loader = [batch for _ in range(3) for batch in loader]
    for a, b in zip(trained(with_loader), trained(by_hand)):
        np.testing.assert_array_equal(a, b)


# ---- samplers

def test_random_sampler_with_replacement_and_more_samples_than_rows():
    draws = list(RandomSampler(range(5), replacement=True, num_samples=7, generator=4))
    assert draws == np.random.default_rng(4).integers(0, 5, size=7).tolist()
    passes = list(RandomSampler(range(4), num_samples=10, generator=4))
    reference = np.random.default_rng(4)
    expected = np.concatenate([reference.permutation(4), reference.permutation(4), reference.permutation(4)[:2]])
    assert passes == expected.tolist() and len(RandomSampler(range(4), num_samples=10)) == 10


def test_sequential_and_subset_random_sampler():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    drawn = list(SubsetRandomSampler([10, 20, 30], generator=0))
    assert drawn == np.array([10, 20, 30])[np.random.default_rng(0).permutation(3)].tolist()


def test_weighted_random_sampler_draws_by_weight():
    weights = [0.0, 1.0, 3.0]
    draws = np.array(list(WeightedRandomSampler(weights, 4000, generator=0)))
    assert 0 not in draws  # weight zero is never drawn
    assert abs(np.mean(draws == 2) - 0.75) < 0.03
    once_each = sorted(WeightedRandomSampler([1, 1, 1], 3, replacement=False, generator=0))
    assert once_each == [0, 1, 2]
    with pytest.raises(ValueError, match="at most the 2 samples of nonzero weight, got 3"):
        WeightedRandomSampler(weights, 3, replacement=False)
    with pytest.raises(ValueError, match="non-negative and not all zero"):
        WeightedRandomSampler([1, -1], 2)


def test_weighted_sampler_balances_classes_in_a_loader():
    y = np.array([0] * 90 + [1] * 10)
    weights = 1.0 / np.bincount(y)[y]
    loader = DataLoader(TensorDataset(np.zeros((100, 1)), y), batch_size=50,
                        sampler=WeightedRandomSampler(weights, 2000, generator=1))
    labels = np.concatenate([batch[1].numpy() for batch in loader])
    assert len(labels) == 2000 and abs(labels.mean() - 0.5) < 0.05


def test_batch_sampler_lists_and_lengths():
    assert list(BatchSampler(range(5), 2, drop_last=False)) == [[0, 1], [2, 3], [4]]
    assert list(BatchSampler(range(5), 2, drop_last=True)) == [[0, 1], [2, 3]]
    assert len(BatchSampler(range(5), 2, False)) == 3 and len(BatchSampler(range(5), 2, True)) == 2


# ---- collate

def test_default_collate_follows_pytorchs_dtypes():
    assert default_collate([1, 2]).dtype == np.int64
    assert default_collate([1.0, 2.0]).dtype == np.float64
    assert default_collate([True, False]).dtype == np.bool_
    assert default_collate([np.float32(1), np.float32(2)]).dtype == np.float32
    assert default_collate([np.int32(1)]).dtype == np.int32
    assert default_collate(["a", "b"]) == ["a", "b"]


def test_default_collate_structures():
    Pair = collections.namedtuple("Pair", "x y")
    pairs = default_collate([Pair(np.zeros(2), 1), Pair(np.ones(2), 0)])
    assert isinstance(pairs, Pair) and pairs.x.shape == (2, 2) and pairs.y.numpy().tolist() == [1, 0]
    mapped = default_collate([{"x": np.zeros(3), "label": 1}, {"x": np.ones(3), "label": 2}])
    assert set(mapped) == {"x", "label"} and mapped["x"].numpy()[1].tolist() == [1, 1, 1]
    fields = default_collate([(gn.tensor([1.0]), 3), (gn.tensor([2.0]), 4)])
    assert type(fields) is list and fields[0].numpy().tolist() == [[1.0], [2.0]]


@pytest.mark.parametrize("batch, error, message", [
    ([np.zeros(2), np.zeros(3)], RuntimeError, r"equal shape, got \(2,\) in sample 0 and \(3,\) in sample 1"),
    ([gn.tensor([1.0]), np.zeros(1)], TypeError, "sample 0 holds a Tensor here but sample 1 a ndarray"),
    ([(1, 2), (1,)], RuntimeError, "as many fields"),
    ([object()], TypeError, "found object. Pass collate_fn="),
    ([np.array(["a"])], TypeError, "found ndarray"),
    ([], TypeError, "non-empty list of samples"),
])
def test_default_collate_errors(batch, error, message):
    with pytest.raises(error, match=message):
        default_collate(batch)


def test_default_convert():
    assert isinstance(default_convert(np.zeros(2)), gn.Tensor)
    assert default_convert(np.float32(2)).dtype == np.float32
    converted = default_convert((np.zeros(1), "name"))
    assert isinstance(converted, list) and converted[1] == "name"


# ---- random_split

def test_random_split_by_counts_is_a_partition_drawn_from_the_generator():
    dataset = TensorDataset(np.arange(10.0))
    first, second = random_split(dataset, [7, 3], generator=0)
    order = np.random.default_rng(0).permutation(10).tolist()
    assert first.indices == order[:7] and second.indices == order[7:]


def test_random_split_by_fractions_hands_out_the_remainder_from_the_first():
    # floor(10 * 0.33) = 3, 3, floor(10 * 0.34) = 3: one left over, to the first split
    parts = random_split(TensorDataset(np.arange(10.0)), [0.33, 0.33, 0.34], generator=1)
    assert [len(p) for p in parts] == [4, 3, 3]
    assert sorted(sum((p.indices for p in parts), [])) == list(range(10))
    assert [len(p) for p in random_split(range(5), [1], generator=0)] == [5]  # [1] is everything, as in PyTorch


def test_random_split_warns_of_an_empty_split_and_refuses_bad_lengths():
    with pytest.warns(UserWarning, match="split 1 is empty"):
        random_split(range(2), [0.9, 0.1], generator=0)
    with pytest.raises(ValueError, match=r"add up to 9, but the dataset has 10 samples"):
        random_split(range(10), [5, 4])
    with pytest.raises(ValueError, match=r"lengths\[1\] must be a count or a fraction >= 0, got -1"):
        random_split(range(10), [11, -1])
    with pytest.raises(ValueError, match="fractions must add up to 1"):
        random_split(range(10), [0.5, 0.4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [len(p) for p in random_split(range(10), [0.5, 0.5], generator=0)] == [5, 5]


def test_random_split_then_loader_uses_the_whole_batch_path():
    X, y = _data(n=20)
    train, _ = random_split(TensorDataset(X, y), [0.75, 0.25], generator=0)
    xs = np.concatenate([b[0] for b in _arrays(DataLoader(train, batch_size=4))])
    np.testing.assert_array_equal(xs, X[train.indices])
