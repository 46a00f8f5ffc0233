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

Nothing finished is thrown away: a trial whose ``train_fn`` raises is kept as *failed*
(``trial.error`` says why; it ranks last) and the other trials go on; Ctrl-C (or
SIGTERM) stops the search -- and the worker processes -- and returns the trials that
finished, with ``result.interrupted`` set.

Ranking uses the validation metric. A metric whose name mentions the test set is
refused: choosing hyper-parameters by test accuracy makes the test accuracy a lie.
"""

from __future__ import annotations

import itertools
import math
import numbers
import random
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass

import numpy as np

from .interrupts import sigterm_as_interrupt

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
    """One training run: its hyper-parameters, seed and what ``train_fn`` returned, or
    -- for a failed trial -- ``error``, the exception it raised as one line."""

    index: int
    params: dict
    seed: int
    result: dict
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def score(self, metric: str) -> float:
        if self.failed:
            return math.nan
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
    interrupted: bool = False  # Ctrl-C stopped the search: ``trials`` are those that ended

    def __post_init__(self) -> None:
        for trial in self.trials:
            trial.score(self.metric)  # fail now, with a clear message, if it is missing

    @property
    def ranked(self) -> list[Trial]:
        """Best first. A diverged trial (NaN: the loss blew up) ranks after the others, a
        failed one (it raised) last; ties keep the trial order."""

        def key(trial: Trial):
            value = trial.score(self.metric)
            if math.isnan(value):
                return (2 if trial.failed else 1, 0.0, trial.index)
            return (0, -value if self.mode == "max" else value, trial.index)

        return sorted(self.trials, key=key)

    @property
    def failed(self) -> list[Trial]:
        """The trials whose ``train_fn`` raised, in trial order."""
        return [trial for trial in self.trials if trial.failed]

    @property
    def best(self) -> Trial:
        """The best trial (a failed one only when every trial failed)."""
        if not self.trials:
            raise ValueError("search: no trial finished, so there is no best one (was the "
                             "search interrupted before the first trial ended?)")
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
            if trial.failed:
                lines.append(f"Failed ({trial.error}) | {settings}")
                continue
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
    that it computes the same in any process. An exception becomes a failed trial;
    Ctrl-C is not an exception here: it stops the whole search."""
    np.random.seed(seed % 2**32)
    random.seed(seed)
    try:
        return Trial(index, params, seed, _as_result(train_fn(dict(params), seed)))
    except Exception as error:
        return Trial(index, params, seed, {}, error=_one_line(error))


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _run_all(train_fn: Callable, points: list[dict], seed: int,
             n_jobs: int) -> tuple[list[Trial], bool]:
    """The trials that ended, in trial order, and whether Ctrl-C cut the search short."""
    if n_jobs < 1:
        raise ValueError(f"search: n_jobs must be >= 1, got {n_jobs}")
    seeds = [trial_seed(seed, index) for index in range(len(points))]
    jobs = list(enumerate(zip(points, seeds, strict=True)))
    finished: list[Trial] = []
    with sigterm_as_interrupt():
        try:
            if n_jobs == 1:
                saved_numpy, saved_python = np.random.get_state(), random.getstate()
                try:
                    for index, (params, trial_seed_) in jobs:
                        finished.append(_run_trial(train_fn, index, params, trial_seed_))
                finally:
                    np.random.set_state(saved_numpy)
                    random.setstate(saved_python)
            else:
                _run_in_pool(train_fn, jobs, n_jobs, finished)
        except KeyboardInterrupt:
            return sorted(finished, key=lambda trial: trial.index), True
    return sorted(finished, key=lambda trial: trial.index), False


def _run_in_pool(train_fn: Callable, jobs: list, n_jobs: int, finished: list[Trial]) -> None:
    """Run the jobs in ``n_jobs`` processes, appending each trial as it ends. On Ctrl-C
    the waiting trials are cancelled and the running ones stopped before re-raising."""
    pool = ProcessPoolExecutor(max_workers=n_jobs, initializer=_quiet_worker)
    try:
        futures = {pool.submit(_run_trial, train_fn, index, params, trial_seed_):
                   (index, params, trial_seed_) for index, (params, trial_seed_) in jobs}
        pending = set(futures)
        while pending:
            # Wake up often: Ctrl-C may reach one of the executor's threads instead of
            # this one, and only a waking main thread notices it (a plain wait would
            # sleep until the next trial ends, minutes later).
            done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    finished.append(future.result())
                except Exception as error:  # could not reach the worker, or it died
                    index, params, trial_seed_ = futures[future]
                    finished.append(Trial(index, params, trial_seed_, {},
                                          error=_one_line(error)))
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown()


def _quiet_worker() -> None:
    """Workers ignore Ctrl-C: the terminal sends it to every process, and the main
    process is the one that stops the search (and then the workers). SIGTERM gets its
    default back (a forked worker inherits the main process's handler)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the worker processes now: ``shutdown``
    alone would wait for every running trial to finish."""
    # Python 3.14 has pool.terminate_workers(); before it the processes are only
    # reachable through the executor's own table, which shutdown() empties.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()  # SIGKILL: a trial has nothing worth saving and must not linger
    for process in processes:
        process.join(timeout=5)


def _check_metric(metric: str, mode: str) -> None:
    if "test" in metric.lower():
        raise ValueError(
            f"search: refusing to rank by {metric!r}: hyper-parameters are chosen on the "
            "validation set; the test set is for the one final measurement"
        )
    if mode not in ("max", "min"):
        raise ValueError(f"search: mode must be 'max' or 'min', got {mode!r}")


def _check_counts(**counts) -> None:
    """``trials``, ``n_jobs``: whole numbers of at least 1; ``top``: None or at least 1."""
    for name, value in counts.items():
        if name == "top" and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"search: {name} must be a whole number of at least 1, got "
                             f"{value!r}")


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
    _check_counts(trials=trials, n_jobs=n_jobs, top=top)
    points = [_sample(space, np.random.default_rng([seed, index])) for index in range(trials)]
    return _finish(_run_all(train_fn, points, seed, n_jobs), len(points), metric, mode,
                   verbose, top)


def grid_search(space: Mapping[str, Sequence], train_fn: Callable[[dict, int], dict],
                seed: int = 0, n_jobs: int = 1, metric: str = "val_acc", mode: str = "max",
                verbose: bool = True, top: int = 5) -> SearchResult:
    """Train once for every combination of the listed values (the first name varies
    slowest), e.g. ``{"lr": [0.1, 0.01], "hidden": [10, 50]}`` is four trials."""
    _check_metric(metric, mode)
    _check_counts(n_jobs=n_jobs, top=top)
    names = list(space)
    values = [list(space[name]) for name in names]
    points = [dict(zip(names, combination, strict=True))
              for combination in itertools.product(*values)]
    return _finish(_run_all(train_fn, points, seed, n_jobs), len(points), metric, mode,
                   verbose, top)


def _finish(outcome: tuple[list[Trial], bool], planned: int, metric: str, mode: str,
            verbose: bool, top: int) -> SearchResult:
    trials, interrupted = outcome
    result = SearchResult(trials, metric, mode, interrupted=interrupted)
    if verbose:
        if interrupted:
            print(f"search: interrupted; {len(trials)} of {planned} trials finished",
                  file=sys.stderr)
        if result.failed:
            print(f"search: {len(result.failed)} of {len(trials)} trials failed "
                  f"(see trial.error)", file=sys.stderr)
        if trials:
            result.print_ranking(top)
    return result
