"""Split a dataset at random into non-overlapping subsets, as ``torch.utils.data.random_split``."""
from __future__ import annotations

import math
import numbers
import warnings

from glassnet.random import as_generator
from glassnet.utils.data.dataset import Subset


def _lengths_from_fractions(fractions, total: int) -> list:
    """floor(fraction · total) each, the remainder handed out one by one from the first split on (PyTorch's rule)."""
    lengths = [math.floor(total * fraction) for fraction in fractions]
    for i in range(total - sum(lengths)):
        lengths[i % len(lengths)] += 1
    for i, length in enumerate(lengths):
        if length == 0:
            warnings.warn(f"random_split: split {i} is empty ({fractions[i]} of {total} samples)", stacklevel=3)
    return lengths


def random_split(dataset, lengths, generator=None) -> list:
    """Subsets of ``dataset`` of the given ``lengths``, drawn from one random permutation.

    ``lengths`` are sample counts that add up to ``len(dataset)``, or fractions that add up to 1
    (``[0.8, 0.2]``), which become floor(fraction · n) samples each, with what is left over
    given one at a time to the first splits. ``generator``: None (glassnet's default
    generator), an int seed or a ``numpy.random.Generator``.
    """
    total = len(dataset)
    lengths = list(lengths)
    if not lengths:
        raise ValueError("random_split: lengths is empty; give counts or fractions, e.g. [0.8, 0.2]")
    for i, length in enumerate(lengths):
        if isinstance(length, bool) or not isinstance(length, numbers.Real) or not math.isfinite(length) or length < 0:
            raise ValueError(f"random_split: lengths[{i}] must be a count or a fraction >= 0, got {length!r}")
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:  # fractions (PyTorch's test, so [1] is everything)
        lengths = _lengths_from_fractions(lengths, total)
    elif not all(isinstance(length, numbers.Integral) for length in lengths):
        raise ValueError(f"random_split: fractions must add up to 1, got {lengths} (sum {sum(lengths)})")
    elif sum(lengths) != total:
        raise ValueError(f"random_split: the lengths {lengths} add up to {sum(lengths)}, "
                         f"but the dataset has {total} samples")
    order = as_generator(generator, "random_split: generator").permutation(total).tolist()
    subsets, offset = [], 0
    for length in lengths:
        subsets.append(Subset(dataset, order[offset:offset + int(length)]))
        offset += int(length)
    return subsets
