"""Data for the lectures: datasets, loaders, splits and scalers.

* `datasets`      -- ``xor()``, ``spiral()``, ``moons()`` (seeded) and the real 8x8 ``digits()``
* `idx`           -- ``mnist(root, download=False)`` and the IDX file format it is stored in
* `fashion`       -- ``fashion_mnist(root=None, download=False)``: Zalando's clothes, as MNIST
* `loader`        -- ``Dataset``, ``TensorDataset``, ``DataLoader``
* `preprocessing` -- train/validation/test splits; scalers fitted on the training split only
"""

from .datasets import digits, moons, spiral, xor
from .fashion import FASHION_MNIST_CLASSES, fashion_mnist
from .idx import IDXError, LabelledImages, download, mnist, read_idx, write_idx
from .loader import DataLoader, Dataset, FullBatch, TensorDataset
from .preprocessing import (
    StandardScaler,
    split_indices,
    standardize,
    train_val_test_split,
    zero_center,
)
from .toy import TOY_DATASETS, circles, toy_dataset

__all__ = [
    "xor",
    "spiral",
    "moons",
    "digits",
    "mnist",
    "fashion_mnist", "FASHION_MNIST_CLASSES", "LabelledImages",
    "read_idx",
    "write_idx",
    "download",
    "IDXError",
    "Dataset",
    "TensorDataset",
    "DataLoader",
    "FullBatch",
    "split_indices",
    "train_val_test_split",
    "StandardScaler",
    "standardize",
    "zero_center",
    "toy_dataset", "TOY_DATASETS", "circles",
]
