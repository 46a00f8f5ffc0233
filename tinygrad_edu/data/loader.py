"""`Dataset` and `DataLoader`: feeding a model mini-batches, as in PyTorch.

A dataset answers two questions: how many samples (``len``) and what is sample ``i``
(``dataset[i]``). A loader cuts one pass over the dataset -- an *epoch* -- into
mini-batches, in a fresh random order each epoch when ``shuffle=True``. Every sample
appears in exactly one batch per epoch (the last batch may be smaller, unless
``drop_last=True`` drops it).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..tensor import Tensor

__all__ = ["Dataset", "TensorDataset", "DataLoader", "FullBatch"]


class Dataset:
    """Subclass it and define ``__len__`` and ``__getitem__(index)`` returning one
    sample (a tuple such as ``(features, label)``, or a single array)."""

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index: int):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


class TensorDataset(Dataset):
    """Samples are the rows of arrays of the same length: ``TensorDataset(X, y)[i] ==
    (X[i], y[i])``. Indexing with an array of indices returns whole batches at once."""

    def __init__(self, *arrays) -> None:
        if not arrays:
            raise ValueError("TensorDataset: give at least one array")
        self.arrays = tuple(np.asarray(a.data if isinstance(a, Tensor) else a) for a in arrays)
        lengths = {len(a) for a in self.arrays}
        if len(lengths) != 1:
            shapes = ", ".join(str(a.shape) for a in self.arrays)
            raise ValueError(
                f"TensorDataset: arrays must have the same first dimension, got {shapes}"
            )

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index):
        return tuple(a[index] for a in self.arrays)


def _collate(samples: list) -> tuple[np.ndarray, ...]:
    """Stack a list of samples (tuples of arrays/numbers) field by field into a batch."""
    if isinstance(samples[0], tuple | list):
        columns = zip(*samples, strict=True)
        return tuple(np.stack([np.asarray(field) for field in column]) for column in columns)
    return (np.stack([np.asarray(sample) for sample in samples]),)


def _as_dataset(dataset):
    """A Dataset as it is; arrays ``(X, y)`` (a tuple of arrays or Tensors, or one array)
    as the `TensorDataset` they stand for; anything else refused, saying what to pass."""
    if isinstance(dataset, Dataset):
        return dataset
    if isinstance(dataset, np.ndarray | Tensor):
        return TensorDataset(dataset)
    if isinstance(dataset, tuple) and dataset and all(
            isinstance(part, np.ndarray | Tensor) for part in dataset):
        return TensorDataset(*dataset)
    if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
        raise TypeError(f"DataLoader: cannot take samples from a {type(dataset).__name__}; "
                        "pass a Dataset such as TensorDataset(X, y), or the arrays as (X, y)")
    return dataset  # a list of samples, or any object with len() and [i]


class DataLoader:
    """Iterate over ``dataset`` in mini-batches of ``batch_size`` samples.

    ``dataset`` is a `Dataset`, or the arrays themselves: ``DataLoader((X, y))`` is
    ``DataLoader(TensorDataset(X, y))``. Each batch is a tuple of Tensors, one per
    field of a sample (``for x, y in loader``); a Tensor keeps its array's dtype, so
    integer labels stay integers.
    With ``shuffle=True`` every epoch has a new order drawn from a generator seeded
    once with ``seed``: the same seed gives the same sequence of epochs.
    """

    def __init__(self, dataset: Dataset, batch_size: int = 1, shuffle: bool = False,
                 seed: int | None = None, drop_last: bool = False) -> None:
        if (isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer)
                or batch_size < 1):
            raise ValueError(f"DataLoader: batch_size must be a whole number >= 1, "
                             f"got {batch_size!r}")
        dataset = _as_dataset(dataset)
        if len(dataset) == 0:
            raise ValueError("DataLoader: the dataset is empty")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.seed = seed
        self.drop_last = drop_last
        self._rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        """The number of batches in one epoch."""
        full, rest = divmod(len(self.dataset), self.batch_size)
        return full if self.drop_last or rest == 0 else full + 1

    def batch_indices(self) -> Iterator[np.ndarray]:
        """The sample indices of each batch of the next epoch."""
        n = len(self.dataset)
        order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            yield order[start:start + self.batch_size]

    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        for indices in self.batch_indices():
            if isinstance(self.dataset, TensorDataset):  # fancy indexing: the fast path
                fields = self.dataset[indices]
            else:
                fields = _collate([self.dataset[int(i)] for i in indices])
            yield tuple(Tensor(field, dtype=field.dtype) for field in fields)


class FullBatch:
    """The whole data set as one batch, every epoch: gradient descent as the lecture runs
    it (one epoch = one step). ``for x, y in FullBatch(X, y)`` gives ``(Tensor(X),
    Tensor(y))`` once; the Tensors are made once and reused. ``FullBatch(X, y, steps=n)``
    gives that batch n times: n gradient-descent steps in one epoch (what a recording of
    2,000 iterations uses, so it pays for one epoch's bookkeeping, not 2,000)."""

    def __init__(self, X, y, steps: int = 1) -> None:
        X = np.asarray(X.data if isinstance(X, Tensor) else X)
        y = np.asarray(y.data if isinstance(y, Tensor) else y)
        if len(X) == 0:
            raise ValueError("FullBatch: the data set is empty")
        if len(X) != len(y):
            raise ValueError(f"FullBatch: {len(X)} samples in X but {len(y)} targets in y")
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"FullBatch: steps must be a whole number >= 1, got {steps!r}")
        self.X, self.y, self.steps = X, y, steps
        self.batch = (Tensor(X, dtype=X.dtype), Tensor(y, dtype=y.dtype))

    def __len__(self) -> int:
        return self.steps

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        for _ in range(self.steps):
            yield self.batch
