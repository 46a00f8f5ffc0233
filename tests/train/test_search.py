"""Hyper-parameter search: sampling, reproducibility (serial == parallel), ranking."""

import math
import random

import numpy as np
import pytest

from tinygrad_edu.search import (
    Choice,
    IntUniform,
    LogUniform,
    SearchResult,
    Trial,
    Uniform,
    grid_search,
    random_search,
    trial_seed,
)

LECTURE_SPACE = {"lr": LogUniform(1e-6, 1e-2), "weight_decay": LogUniform(1e-8, 1e-4)}


def toy_train(params: dict, seed: int) -> dict:
    """A stand-in for training: gradient descent on a noisy quadratic. It uses the
    seed *and* numpy's and Python's global generators, as careless user code would."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=3) + np.random.normal(size=3) * 0.01 + random.random() * 0.01
    for _ in range(20):
        w -= params["lr"] * 20 * (2 * w + params["weight_decay"] * w)
    val_loss = float(np.sum(w**2))
    return {"val_acc": 1.0 / (1.0 + val_loss), "val_loss": val_loss, "test_acc": 0.5,
            "seed": seed, "lr": params["lr"]}


def spiral_train(params: dict, seed: int):
    """Real training, as the lecture's search does; returns fit's History. The Linear
    layers draw from numpy's global generator, which the search seeds per trial."""
    import tinygrad_edu.nn as nn
    import tinygrad_edu.nn.functional as F
    import tinygrad_edu.optim as optim
    from tinygrad_edu.data import DataLoader, TensorDataset, spiral, train_val_test_split
    from tinygrad_edu.train import fit

    X, y = spiral(n=30, classes=3, seed=0)
    (X_train, y_train), (X_val, y_val), _ = train_val_test_split(X, y, seed=0)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    optimizer = optim.SGD(model.parameters(), lr=params["lr"],
                          weight_decay=params["weight_decay"])
    train = DataLoader(TensorDataset(X_train, y_train), batch_size=16, shuffle=True, seed=seed)
    val = DataLoader(TensorDataset(X_val, y_val), batch_size=64)
    return fit(model, F.cross_entropy, optimizer, train, val, epochs=3, metrics=["acc"],
               progress=False)


def test_log_uniform_covers_the_powers_of_ten_evenly():
    rng = np.random.default_rng(0)
    samples = np.array([LogUniform(1e-6, 1e-2).sample(rng) for _ in range(4000)])
    assert samples.min() >= 1e-6 and samples.max() <= 1e-2
    counts = np.histogram(np.log10(samples), bins=4, range=(-6, -2))[0]
    assert counts.min() > 850  # about 1000 per decade
    with pytest.raises(ValueError):
        LogUniform(0, 1)


def test_other_distributions():
    rng = np.random.default_rng(1)
    assert all(2 <= IntUniform(2, 4).sample(rng) <= 4 for _ in range(50))
    assert {IntUniform(2, 4).sample(rng) for _ in range(100)} == {2, 3, 4}
    assert {Choice(["relu", "tanh"]).sample(rng) for _ in range(50)} == {"relu", "tanh"}
    assert 0.5 <= Uniform(0.5, 0.6).sample(rng) < 0.6


def test_random_search_is_reproducible_and_seeded_per_trial(capsys):
    first = random_search(LECTURE_SPACE, toy_train, trials=6, seed=3, verbose=False)
    again = random_search(LECTURE_SPACE, toy_train, trials=6, seed=3, verbose=False)
    assert [t.result for t in first.trials] == [t.result for t in again.trials]
    assert [t.seed for t in first.trials] == [trial_seed(3, i) for i in range(6)]
    assert len({t.seed for t in first.trials}) == 6
    other = random_search(LECTURE_SPACE, toy_train, trials=6, seed=4, verbose=False)
    assert [t.params for t in other.trials] != [t.params for t in first.trials]
    # trial i does not depend on how many trials there are
    longer = random_search(LECTURE_SPACE, toy_train, trials=8, seed=3, verbose=False)
    assert [t.result for t in longer.trials[:6]] == [t.result for t in first.trials]
    assert capsys.readouterr().out == ""


def test_parallel_equals_serial():
    serial = random_search(LECTURE_SPACE, toy_train, trials=4, seed=11, n_jobs=1, verbose=False)
    parallel = random_search(LECTURE_SPACE, toy_train, trials=4, seed=11, n_jobs=2, verbose=False)
    assert [t.params for t in parallel.trials] == [t.params for t in serial.trials]
    assert [t.result for t in parallel.trials] == [t.result for t in serial.trials]
    assert [t.index for t in parallel.ranked] == [t.index for t in serial.ranked]


def test_parallel_equals_serial_for_real_training():
    space = {"lr": LogUniform(1e-3, 1.0), "weight_decay": LogUniform(1e-8, 1e-4)}
    serial = random_search(space, spiral_train, trials=3, seed=2, n_jobs=1, verbose=False)
    parallel = random_search(space, spiral_train, trials=3, seed=2, n_jobs=2, verbose=False)
    assert sorted(serial.trials[0].result) == ["acc", "loss", "val_acc", "val_loss"]
    assert [t.result for t in parallel.trials] == [t.result for t in serial.trials]
    assert len({t.result["val_loss"] for t in serial.trials}) == 3


def test_serial_search_leaves_the_global_generators_alone():
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    random_search(LECTURE_SPACE, toy_train, trials=2, seed=0, verbose=False)
    assert np.random.random() == expected


def test_ranking_is_by_the_validation_metric(capsys):
    result = random_search(LECTURE_SPACE, toy_train, trials=8, seed=0, top=3)
    scores = [t.result["val_acc"] for t in result.ranked]
    assert scores == sorted(scores, reverse=True)
    assert result.best.result["val_acc"] == max(t.result["val_acc"] for t in result.trials)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 3
    best = result.best
    lr, weight_decay = best.params["lr"], best.params["weight_decay"]
    assert printed[0] == (f"Best-1 (val acc:{best.result['val_acc']:.2f}) | "
                          f"lr:{lr:.3g}, weight decay:{weight_decay:.3g}")
    by_loss = random_search(LECTURE_SPACE, toy_train, trials=8, seed=0, metric="val_loss",
                            mode="min", verbose=False)
    assert [t.index for t in by_loss.ranked] == [t.index for t in result.ranked]


def test_ranking_by_test_metric_is_refused():
    with pytest.raises(ValueError, match="validation"):
        random_search(LECTURE_SPACE, toy_train, trials=2, metric="test_acc")
    with pytest.raises(ValueError, match="validation"):
        grid_search({"lr": [0.1]}, toy_train, metric="test_acc")


def test_printed_like_the_lecture():
    trials = [
        Trial(0, {"lr": 0.00571, "weight_decay": 1.27e-06}, 0, {"val_acc": 0.77}),
        Trial(1, {"lr": 0.0092, "weight_decay": 3.86e-07}, 1, {"val_acc": 0.83}),
        Trial(2, {"lr": 0.1, "weight_decay": 1e-5}, 2, {"val_acc": math.nan}),
        Trial(3, {"lr": 0.00956, "weight_decay": 6.04e-07}, 3, {"val_acc": 0.78}),
    ]
    assert SearchResult(trials, "val_acc", "max").format_ranking(top=4).splitlines() == [
        "Best-1 (val acc:0.83) | lr:0.0092, weight decay:3.86e-07",
        "Best-2 (val acc:0.78) | lr:0.00956, weight decay:6.04e-07",
        "Best-3 (val acc:0.77) | lr:0.00571, weight decay:1.27e-06",
        "Best-4 (val acc:nan) | lr:0.1, weight decay:1e-05",  # a diverged run ranks last
    ]


def test_grid_search_tries_every_combination():
    result = grid_search({"lr": [1e-3, 1e-4], "weight_decay": [0.0, 1e-6, 1e-5]}, toy_train,
                         seed=5, verbose=False)
    assert [(t.params["lr"], t.params["weight_decay"]) for t in result.trials] == [
        (1e-3, 0.0), (1e-3, 1e-6), (1e-3, 1e-5), (1e-4, 0.0), (1e-4, 1e-6), (1e-4, 1e-5)]
    assert result.best.params["lr"] == 1e-3  # the larger step gets closer to the minimum


def test_missing_metric_is_explained():
    with pytest.raises(KeyError, match="no 'val_accuracy'"):
        random_search(LECTURE_SPACE, toy_train, trials=1, metric="val_accuracy", verbose=False)


def test_no_trial_is_a_clear_error_not_an_index_error():
    from tinygrad_edu.search import grid_search, random_search

    def train(params, seed):
        return {"val_acc": 0.5}

    for trials in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="trials must be a whole number of at least 1") as e:
            random_search({}, train, trials=trials)
        assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="n_jobs must be a whole number"):
        random_search({}, train, trials=2, n_jobs=0)
    empty = grid_search({"lr": []}, train, verbose=False)
    with pytest.raises(ValueError, match="no trial finished, so there is no best one"):
        print(empty.best)
