"""Hyper-parameter search: try many settings, keep the ones the *validation* set likes.

The lecture (seed 002) samples the learning rate and the weight decay on a log scale,

    weight_decay = 10 ** np.random.uniform(-8, -4)
    lr = 10 ** np.random.uniform(-6, -2)

trains once per sample, and ranks the results by validation accuracy::

    Best-1 (val acc:0.83) | lr:0.0092, weight decay:3.86e-07

Here that is ``random_search({"lr": LogUniform(1e-6, 1e-2), "weight_decay":
LogUniform(1e-8, 1e-4)}, train_fn, trials=100, seed=0)``. ``train_fn(params, seed)``
trains one model with the hyper-parameters in the dict ``params`` and returns a dict of
its results, e.g. ``{"val_acc": 0.83}``, or the `History` of ``train.fit`` (whose last
epoch is then the result: ``fit(..., metrics=["acc"])`` logs ``val_acc``).

Reproducible and parallel: trial ``i`` draws its hyper-parameters from a generator
seeded with ``(seed, i)`` and gets its own ``seed`` for its weights and batches, and
numpy's and Python's global generators are seeded with it too. So a trial computes the
same thing whichever process runs it, and ``n_jobs=4`` gives exactly the results of
``n_jobs=1``.

Ranking uses the validation metric. A metric whose name mentions the test set is
refused: choosing hyper-parameters by test accuracy makes the test accuracy a lie.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

__all__ = [
    "LogUniform",
    "Uniform",
    "IntUniform",
    "Choice",
    "Trial",
    "SearchResult",
    "random_search",
    "grid_search",
    "trial_seed",
]


# ---- search spaces ----


@dataclass(frozen=True)
class Uniform:
    """A number drawn uniformly from [low, high)."""

    low: float
    high: float

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))


@dataclass(frozen=True)
class LogUniform:
    """``10 ** U(log10 low, log10 high)``: every power of ten between low and high is
    equally likely. ``LogUniform(1e-6, 1e-2)`` is the lecture's ``10 ** U(-6, -2)``."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not 0 < self.low < self.high:
            raise ValueError(f"LogUniform: need 0 < low < high, got {self.low}, {self.high}")

    def sample(self, rng: np.random.Generator) -> float:
        return float(10 ** rng.uniform(math.log10(self.low), math.log10(self.high)))


@dataclass(frozen=True)
class IntUniform:
    """An integer drawn uniformly from low..high, both included (layer sizes, epochs)."""

    low: int
    high: int

    def sample(self, rng: np.random.Generator) -> int:
        return int(rng.integers(self.low, self.high + 1))


@dataclass(frozen=True)
class Choice:
    """One of ``options``, each equally likely (activation names, batch sizes)."""

    options: tuple

    def __init__(self, options: Sequence) -> None:
        object.__setattr__(self, "options", tuple(options))

    def sample(self, rng: np.random.Generator):
        return self.options[int(rng.integers(len(self.options)))]


def _sample(space: Mapping, rng: np.random.Generator) -> dict:
    """One point of the space; a plain value in the space is used as it is."""
    return {name: (dist.sample(rng) if hasattr(dist, "sample") else dist)
            for name, dist in space.items()}


def trial_seed(seed: int, index: int) -> int:
    """The seed of trial ``index``: a function of the master seed and the index only."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


# ---- results ----


@dataclass
class Trial:
    """One training run: its hyper-parameters, seed and what ``train_fn`` returned."""

    index: int
    params: dict
    seed: int
    result: dict

    def score(self, metric: str) -> float:
        value = self.result.get(metric) if isinstance(self.result, Mapping) else None
        if value is None:
            raise KeyError(f"search: train_fn returned {self.result!r} for trial {self.index}, "
                           f"which has no {metric!r}")
        return float(value)


def _format_number(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


@dataclass
class SearchResult:
    """All trials in the order they were defined, and the ranking by ``metric``."""

    trials: list[Trial]
    metric: str
    mode: str

    def __post_init__(self) -> None:
        for trial in self.trials:
            trial.score(self.metric)  # fail now, with a clear message, if it is missing

    @property
    def ranked(self) -> list[Trial]:
        """Best first. A failed trial (NaN: the loss blew up) ranks last; ties keep the
        trial order."""

        def key(trial: Trial):
            value = trial.score(self.metric)
            if math.isnan(value):
                return (1, 0.0, trial.index)
            return (0, -value if self.mode == "max" else value, trial.index)

        return sorted(self.trials, key=key)

    @property
    def best(self) -> Trial:
        return self.ranked[0]

    def format_ranking(self, top: int | None = 5, metric_label: str | None = None,
                       metric_format: str = ".2f") -> str:
        """The lecture's table, one line per trial::

            Best-1 (val acc:0.83) | lr:0.0092, weight decay:3.86e-07
        """
        label = metric_label or self.metric.replace("_", " ").replace("accuracy", "acc")
        lines = []
        for rank, trial in enumerate(self.ranked[:top], start=1):
            settings = ", ".join(f"{name.replace('_', ' ')}:{_format_number(value)}"
                                 for name, value in trial.params.items())
            score = format(trial.score(self.metric), metric_format)
            lines.append(f"Best-{rank} ({label}:{score}) | {settings}")
        return "\n".join(lines)

    def print_ranking(self, top: int | None = 5, **format_options) -> None:
        print(self.format_ranking(top, **format_options))


# ---- running trials ----


def _as_result(value) -> dict:
    """What ``train_fn`` returned, as a dict: a `train.History` becomes the last value
    of each per-epoch number (``{"val_accuracy": 0.83, ...}``)."""
    epochs = getattr(value, "epochs", None)
    if isinstance(epochs, Mapping):
        return {name: values[-1] for name, values in epochs.items() if values}
    return value


def _run_trial(train_fn: Callable, index: int, params: dict, seed: int) -> Trial:
    """Run one trial with every global generator seeded from the trial's own seed, so
    that it computes the same in any process."""
    np.random.seed(seed % 2**32)
    random.seed(seed)
    return Trial(index, params, seed, _as_result(train_fn(dict(params), seed)))


def _run_all(train_fn: Callable, points: list[dict], seed: int, n_jobs: int) -> list[Trial]:
    seeds = [trial_seed(seed, index) for index in range(len(points))]
    if n_jobs == 1:
        saved_numpy, saved_python = np.random.get_state(), random.getstate()
        try:
            return [_run_trial(train_fn, i, p, s) for i, (p, s) in enumerate(zip(points, seeds,
                                                                                 strict=True))]
        finally:
            np.random.set_state(saved_numpy)
            random.setstate(saved_python)
    if n_jobs < 1:
        raise ValueError(f"search: n_jobs must be >= 1, got {n_jobs}")
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        futures = [pool.submit(_run_trial, train_fn, i, p, s)
                   for i, (p, s) in enumerate(zip(points, seeds, strict=True))]
        return [future.result() for future in futures]  # in trial order, not finish order


def _check_metric(metric: str, mode: str) -> None:
    if "test" in metric.lower():
        raise ValueError(
            f"search: refusing to rank by {metric!r}: hyper-parameters are chosen on the "
            "validation set; the test set is for the one final measurement"
        )
    if mode not in ("max", "min"):
        raise ValueError(f"search: mode must be 'max' or 'min', got {mode!r}")


def random_search(space: Mapping, train_fn: Callable[[dict, int], dict], trials: int = 20,
                  seed: int = 0, n_jobs: int = 1, metric: str = "val_acc", mode: str = "max",
                  verbose: bool = True, top: int = 5) -> SearchResult:
    """Train ``trials`` times with hyper-parameters drawn from ``space`` and rank them.

    ``space`` maps a name to a distribution (`LogUniform`, `Uniform`, `IntUniform`,
    `Choice`) or a fixed value. ``train_fn(params, seed)`` returns a dict holding
    ``metric``; with ``n_jobs > 1`` it must be picklable (a module-level function).
    ``mode`` is "max" for accuracies, "min" for losses. Prints the best ``top`` trials
    unless ``verbose`` is false.
    """
    _check_metric(metric, mode)
    points = [_sample(space, np.random.default_rng([seed, index])) for index in range(trials)]
    result = SearchResult(_run_all(train_fn, points, seed, n_jobs), metric, mode)
    if verbose:
        result.print_ranking(top)
    return result


def grid_search(space: Mapping[str, Sequence], train_fn: Callable[[dict, int], dict],
                seed: int = 0, n_jobs: int = 1, metric: str = "val_acc", mode: str = "max",
                verbose: bool = True, top: int = 5) -> SearchResult:
    """Train once for every combination of the listed values (the first name varies
    slowest), e.g. ``{"lr": [0.1, 0.01], "hidden": [10, 50]}`` is four trials."""
    _check_metric(metric, mode)
    names = list(space)
    values = [list(space[name]) for name in names]
    points = [dict(zip(names, combination, strict=True))
              for combination in itertools.product(*values)]
    result = SearchResult(_run_all(train_fn, points, seed, n_jobs), metric, mode)
    if verbose:
        result.print_ranking(top)
    return result
