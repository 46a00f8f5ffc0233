"""Seeded 2-D toy problems for watching a classifier learn: xor, moons, circles, spiral.

`toy_dataset(name, n, noise, seed)` returns ``(X, y)`` with ``X`` float32 of shape
(n, 2) and ``y`` int64 labels 0/1, the same arrays for the same seed. ``"xor"`` is the
lecture's four points (no noise, ``n`` ignored); the others are point clouds whose
classes no straight line separates, so a hidden layer has to bend the boundary.
"""

from __future__ import annotations

import numpy as np

from .datasets import moons, spiral, xor

__all__ = ["circles", "toy_dataset", "TOY_DATASETS"]


def circles(n: int = 200, noise: float = 0.08, factor: float = 0.5,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two rings around the origin: class 0 on the unit circle, class 1 on a circle of
    radius ``factor`` inside it, Gaussian noise of std ``noise`` on both coordinates."""
    if n < 2 or not 0 < factor < 1:
        raise ValueError(f"circles: need n >= 2 and 0 < factor < 1, got n={n}, factor={factor}")
    rng = np.random.default_rng(seed)
    outer = (n + 1) // 2
    angle = rng.uniform(0.0, 2 * np.pi, n)
    radius = np.where(np.arange(n) < outer, 1.0, factor)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.normal(0.0, noise, (n, 2))
    y = (np.arange(n) >= outer).astype(np.int64)
    order = rng.permutation(n)
    return X[order].astype(np.float32), y[order]


def _spiral(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return spiral(n=max(1, n // 2), classes=2, noise=noise, seed=seed)


TOY_DATASETS = {
    "xor": lambda n, noise, seed: xor(),
    "moons": lambda n, noise, seed: moons(n=n, noise=noise, seed=seed),
    "circles": lambda n, noise, seed: circles(n=n, noise=noise, seed=seed),
    "spiral": _spiral,
}


def toy_dataset(name: str, n: int = 200, noise: float = 0.1,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One of `TOY_DATASETS` by name: ``toy_dataset("moons", n=100, seed=1)``."""
    if name not in TOY_DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(TOY_DATASETS)}")
    return TOY_DATASETS[name](n, noise, seed)
