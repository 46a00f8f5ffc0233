"""Splitting data into train / validation / test, and scaling features.

The lecture's rule (seed 002): the training set fits the weights, the validation set
picks the hyper-parameters, the test set is looked at once, at the end. Scalers follow
from it: their mean and standard deviation are *fitted on the training split only*
and then applied unchanged to the other splits -- otherwise the validation and test
numbers would leak into training.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "split_indices",
    "train_val_test_split",
    "StandardScaler",
    "standardize",
    "zero_center",
]


def _count(size: float | int, n: int, name: str) -> int:
    """A split size given as a fraction of ``n`` (float) or a number of samples (int)."""
    if isinstance(size, float):
        if not 0.0 <= size < 1.0:
            raise ValueError(f"{name} as a fraction must be in [0, 1), got {size}")
        return int(round(size * n))
    if size < 0 or size > n:
        raise ValueError(f"{name} must be between 0 and {n} samples, got {size}")
    return int(size)


def split_indices(n: int, val_size: float | int = 0.15, test_size: float | int = 0.15,
                  shuffle: bool = True, seed: int | None = 0,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices of the train, validation and test samples: disjoint, covering 0..n-1.

    Sizes are fractions of ``n`` (floats) or numbers of samples (ints).
    """
    n_val, n_test = _count(val_size, n, "val_size"), _count(test_size, n, "test_size")
    if n_val + n_test >= n:
        raise ValueError(
            f"split: {n_val} validation + {n_test} test samples leave none of {n} to train on"
        )
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    test = order[:n_test]
    val = order[n_test:n_test + n_val]
    train = order[n_test + n_val:]
    return train, val, test


def train_val_test_split(*arrays, val_size: float | int = 0.15, test_size: float | int = 0.15,
                         shuffle: bool = True, seed: int | None = 0):
    """Split arrays of equal length the same way into train, validation and test.

    >>> (X_train, y_train), (X_val, y_val), (X_test, y_test) = train_val_test_split(X, y)

    With a single array, each split is that array's part rather than a 1-tuple.
    """
    if not arrays:
        raise ValueError("train_val_test_split: give at least one array")
    arrays = [np.asarray(a) for a in arrays]
    lengths = {len(a) for a in arrays}
    if len(lengths) != 1:
        raise ValueError(f"train_val_test_split: arrays of different lengths {sorted(lengths)}")
    parts = split_indices(len(arrays[0]), val_size, test_size, shuffle, seed)
    if len(arrays) == 1:
        return tuple(arrays[0][indices] for indices in parts)
    return tuple(tuple(a[indices] for a in arrays) for indices in parts)


class StandardScaler:
    """``(x - mean) / std`` per feature, with mean and std learned by `fit`.

    ``with_std=False`` only zero-centres. A feature that is constant in the training
    data keeps a scale of 1 (dividing by 0 would make it NaN).
    """

    def __init__(self, with_mean: bool = True, with_std: bool = True) -> None:
        self.with_mean = with_mean
        self.with_std = with_std
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, X) -> StandardScaler:
        """Learn the per-feature mean and standard deviation of ``X`` (the training split)."""
        X = np.asarray(X, dtype=np.float64)
        self.mean_ = X.mean(axis=0) if self.with_mean else np.zeros(X.shape[1:])
        std = X.std(axis=0) if self.with_std else np.ones(X.shape[1:])
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def _check_fitted(self, who: str) -> None:
        if self.mean_ is None:
            raise RuntimeError(f"StandardScaler.{who}: call fit(X_train) first")

    def transform(self, X) -> np.ndarray:
        """Scale ``X`` with the statistics learned by `fit` (float32 out unless float64 in)."""
        self._check_fitted("transform")
        X = np.asarray(X)
        dtype = X.dtype if X.dtype.kind == "f" else np.float32
        return ((X - self.mean_) / self.scale_).astype(dtype)

    def fit_transform(self, X) -> np.ndarray:
        return self.fit(X).transform(X)

    def inverse_transform(self, X) -> np.ndarray:
        """Undo `transform`."""
        self._check_fitted("inverse_transform")
        X = np.asarray(X)
        return (X * self.scale_ + self.mean_).astype(X.dtype)


def standardize(train, *others) -> tuple[np.ndarray, ...]:
    """Zero mean, unit variance per feature, with the statistics of ``train`` only.

    >>> X_train, X_val, X_test = standardize(X_train, X_val, X_test)
    """
    scaler = StandardScaler().fit(train)
    return tuple(scaler.transform(X) for X in (train, *others))


def zero_center(train, *others) -> tuple[np.ndarray, ...]:
    """Subtract the per-feature mean of ``train`` from every split."""
    scaler = StandardScaler(with_std=False).fit(train)
    return tuple(scaler.transform(X) for X in (train, *others))
