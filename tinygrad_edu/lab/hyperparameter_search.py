"""Experiment 10 — random hyper-parameter search on a validation split.

The notes (seed 002, after Saito §6.5): sample ``weight_decay = 10 ** uniform(-8, -4)``
and ``lr = 10 ** uniform(-6, -2)``, train a 6×100 net on 400 samples for 50 epochs,
judge each trial on 100 held-out validation samples (never the test set), print the
best five ("Best-1 (val acc:0.83) | lr:0.0092, weight decay:3.86e-07"). The book reads
off its plot that the good learning rates lie between about 0.001 and 0.01, and that
the weight decay matters much less in this range.
"""

from __future__ import annotations

import numpy as np

from .. import optim
from ..nn import functional as F
from ..search import LogUniform, random_search
from ..train import predict
from .common import Result, RunConfig, plt, save_figure, verdict_of
from .datasets import load
from .models import mlp, train_classifier

NAME = "hyperparameter_search"
TITLE = "Random search over learning rate and weight decay"
CLAIM = ("Random search over lr ∈ 10^U(-6,-2) and weight decay ∈ 10^U(-8,-4), judged on a "
         "validation split, finds the good learning rates near the top of the range "
         "(about 0.001–0.01); the best five are printed as in the notes.")
USES_DATASET = True  # takes --dataset digits|mnist and --data-root

SAMPLES, VALIDATION, DEPTH, WIDTH, BATCH = 500, 100, 6, 100, 100
SPACE = {"lr": LogUniform(1e-6, 1e-2), "weight_decay": LogUniform(1e-8, 1e-4)}


def run(config: RunConfig) -> Result:
    split = load(config)
    order = np.random.default_rng(0).permutation(SAMPLES)
    x, y = split.x_train[:SAMPLES][order], split.y_train[:SAMPLES][order]
    x_val, y_val = x[:VALIDATION], y[:VALIDATION]
    x_train, y_train = x[VALIDATION:], y[VALIDATION:]
    trials = 8 if config.quick else 100
    epochs = 5 if config.quick else 50
    steps = epochs * (len(x_train) // BATCH)
    sizes = [split.features] + [WIDTH] * DEPTH + [split.classes]
    print(f"{len(x_train)} training / {len(x_val)} validation samples of {split.name}; net "
          f"{sizes}, SGD, batch {BATCH}, {epochs} epochs per trial, {trials} trials")

    def train_one(params: dict, seed: int) -> dict:
        model = mlp(sizes, activation="relu", init="he", seed=seed)
        optimizer = optim.SGD(model.parameters(), lr=params["lr"],
                              weight_decay=params["weight_decay"])
        train_classifier(model, optimizer, x_train, y_train, steps, batch_size=BATCH, seed=seed)
        return {"val_acc": F.accuracy(predict(model, x_val), y_val),
                "train_acc": F.accuracy(predict(model, x_train), y_train)}

    search = random_search(SPACE, train_one, trials=trials, seed=config.seed, top=5)
    ranked = search.ranked
    best = ranked[:5]
    learning_rates = np.array([t.params["lr"] for t in search.trials])
    decays = np.array([t.params["weight_decay"] for t in search.trials])
    scores = np.array([t.score("val_acc") for t in search.trials])

    good = scores >= scores.max() - 0.1  # within 10 points of the best trial
    good_lr = (float(learning_rates[good].min()), float(learning_rates[good].max()))
    good_decay = (float(decays[good].min()), float(decays[good].max()))
    checks = {"the best five trials all have lr ≥ 1e-3":
              all(t.params["lr"] >= 1e-3 for t in best)}

    figure, axis = plt.subplots(figsize=(6.5, 4.5))
    points = axis.scatter(learning_rates, decays, c=scores, cmap="viridis", vmin=0, vmax=1)
    axis.scatter([t.params["lr"] for t in best], [t.params["weight_decay"] for t in best],
                 s=150, facecolors="none", edgecolors="red", label="best 5")
    axis.set(xscale="log", yscale="log", xlabel="learning rate", ylabel="weight decay",
             title=f"{trials} random trials on {split.name} (colour: validation accuracy)")
    figure.colorbar(points, ax=axis, label="validation accuracy")
    axis.legend(loc="lower left")
    figures = [save_figure(figure, config, NAME, "search.png")]

    table = search.format_ranking(5)
    finding = (
        f"Best five of {trials} trials (validation accuracy):\n\n```\n{table}\n```\n\n"
        f"The {int(good.sum())} trials within 10 points of the best have lr "
        f"{good_lr[0]:.2g}–{good_lr[1]:.2g} and weight decay {good_decay[0]:.2g}–"
        f"{good_decay[1]:.2g}.")
    small = learning_rates < 1e-4
    if small.any():
        finding += (f" The {int(small.sum())} trials with lr below 1e-4 reach at most "
                    f"{scores[small].max():.2f} validation accuracy in {epochs} epochs.")
    return Result(
        name=NAME, title=TITLE, claim=CLAIM, seed=config.seed, quick=config.quick,
        settings={"dataset": split.name, "train_samples": len(x_train),
                  "validation_samples": len(x_val), "sizes": sizes, "epochs": epochs,
                  "batch_size": BATCH, "trials": trials,
                  "space": "lr 10^U(-6,-2), weight decay 10^U(-8,-4)"},
        measured={"best5": [{"val_acc": t.score("val_acc"), "train_acc": t.result["train_acc"],
                             **t.params} for t in best],
                  "good_lr_range": good_lr, "good_weight_decay_range": good_decay,
                  "trials": [{"val_acc": t.score("val_acc"), **t.params} for t in search.trials]},
        checks=checks, verdict=verdict_of(checks), finding=finding, figures=figures,
    )
