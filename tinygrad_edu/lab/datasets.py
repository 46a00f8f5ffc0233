"""The data the lab's experiments train on.

Digits (the 1,797 real 8x8 images bundled with scikit-learn) stands in for MNIST by
default, so that every experiment runs offline in seconds. ``--dataset mnist
--data-root DIR`` switches the data experiments to MNIST read from ``DIR``.
"""

from __future__ import annotations

import numpy as np

from .. import data
from .common import RunConfig

__all__ = ["Split", "load", "xor"]


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR points and their 0/1 targets as a column, as the lecture feeds them."""
    inputs, labels = data.xor()
    return inputs.astype(np.float32), labels.reshape(-1, 1).astype(np.float32)


class Split:
    """A classification task: training and test arrays, features in [0, 1] (or raw)."""

    def __init__(self, name: str, x_train, y_train, x_test, y_test, classes: int) -> None:
        self.name = name
        self.x_train, self.y_train = x_train, y_train
        self.x_test, self.y_test = x_test, y_test
        self.classes = classes

    @property
    def features(self) -> int:
        return self.x_train.shape[1]

    def describe(self) -> str:
        return (f"{self.name}: {len(self.x_train)} training and {len(self.x_test)} test samples, "
                f"{self.features} features, {self.classes} classes")


def load(config: RunConfig, normalize: bool = True, test_size: int = 500) -> Split:
    """The configured dataset, split once with a fixed seed so that every experiment and
    every model seed sees the same training and test samples.

    ``normalize`` divides pixel values into [0, 1]; ``normalize=False`` keeps the raw
    values (0..16 for digits, 0..255 for MNIST) for the pre-processing experiment.
    """
    if config.dataset == "digits":
        x, y = data.digits(normalize=normalize)
        order = np.random.default_rng(0).permutation(len(x))
        test, train = order[:test_size], order[test_size:]
        return Split("digits (8x8)", x[train], y[train], x[test], y[test], 10)
    if config.dataset == "mnist":
        if not config.data_root:
            raise ValueError("lab: --dataset mnist needs --data-root DIR with the MNIST files")
        (x_train, y_train), (x_test, y_test) = data.mnist(
            config.data_root, flatten=True, normalize=normalize)
        x_train, x_test = x_train.astype(np.float32), x_test.astype(np.float32)
        return Split("MNIST (28x28)", x_train, y_train, x_test, y_test, 10)
    raise ValueError(f"lab: unknown dataset {config.dataset!r}; choose digits or mnist")
