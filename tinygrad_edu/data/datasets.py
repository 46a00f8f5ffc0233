"""Small datasets for the lectures: XOR, spirals, two moons and the 8x8 digits.

Every generator takes a ``seed`` and returns the same arrays for the same seed, so an
experiment can be re-run exactly. Each returns ``(X, y)``: ``X`` float32 of shape
(samples, features), ``y`` int64 class labels of shape (samples,).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["xor", "spiral", "moons", "digits"]

# The digits live inside the package, so a plain `pip install` has them (package data).
DIGITS_FILE = Path(__file__).resolve().parent / "files" / "digits.npz"


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four points of XOR: the problem one perceptron cannot solve (lecture 1).

    >>> X, y = xor()
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


def spiral(
    n: int = 100, classes: int = 3, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms in the plane, ``n`` points per arm.

    Arm ``c`` is the curve ``r (sin t, cos t)`` with the radius ``r`` going from 0 to 1
    and the angle ``t`` turning by 4 radians, rotated by ``c`` times a full turn /
    classes; Gaussian noise of std ``noise`` is added to the angle. No straight line
    separates two arms, which makes it the classic test for a hidden layer.
    """
    if n < 1 or classes < 1:
        raise ValueError(f"spiral: need n >= 1 and classes >= 1, got n={n}, classes={classes}")
    rng = np.random.default_rng(seed)
    X = np.empty((n * classes, 2), dtype=np.float32)
    y = np.empty(n * classes, dtype=np.int64)
    for c in range(classes):
        rows = slice(c * n, (c + 1) * n)
        radius = np.linspace(0.0, 1.0, n)
        start = c * 2 * np.pi / classes
        angle = np.linspace(start, start + 4.0, n) + rng.normal(0.0, noise, n)
        X[rows] = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
        y[rows] = c
    return X, y


def moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, ``n`` points in all (class 0 gets the extra one).

    The upper moon is the half circle of radius 1 around (0, 0), the lower one is the
    same half circle flipped and moved to (1, 0.5); Gaussian noise of std ``noise`` is
    added to both coordinates.
    """
    if n < 2:
        raise ValueError(f"moons: need n >= 2 points, got {n}")
    rng = np.random.default_rng(seed)
    n_upper = (n + 1) // 2
    n_lower = n - n_upper
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.concatenate([upper, lower]) + rng.normal(0.0, noise, (n, 2))
    y = np.concatenate([np.zeros(n_upper), np.ones(n_lower)]).astype(np.int64)
    order = rng.permutation(n)  # mix the classes so a plain slice is not one class
    return X[order].astype(np.float32), y[order]


def digits(normalize: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 real 8x8 handwritten digits of the UCI "Optical Recognition of
    Handwritten Digits" set (its test part, as scikit-learn distributes it), shipped in
    this package as ``data/files/digits.npz`` (45 KB; licence CC BY 4.0, see
    ``data/files/LICENSE-digits.txt``). No download, no extra.

    ``X`` has shape (1797, 64): pixel intensities 0..16, divided by 16 into [0, 1]
    when ``normalize`` is true (what an RBM's visible units expect). ``y`` is 0..9.

    >>> X, y = digits()
    >>> X.shape, y.shape, int(y[0]), float(X.max())
    ((1797, 64), (1797,), 0, 1.0)
    """
    with np.load(DIGITS_FILE) as files:
        X = files["images"].astype(np.float32)
        y = files["labels"].astype(np.int64)
    if normalize:
        X /= 16.0
    return X, y
