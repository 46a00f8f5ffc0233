"""Experiment 9 — overfitting, weight decay, dropout and ensembles.

The notes (seed 002, after Saito's figures 6-20 to 6-23): a deep ReLU net (100 units
per layer) trained on only 300 samples fits them perfectly but does worse on unseen
data; weight decay with λ = 0.1 (½λ‖W‖² added to the loss) narrows the gap between
training and test accuracy; so does dropout (the notes show ratio 0.15; the book's
code uses 0.2); and averaging several independently trained models (an ensemble) does
better than one of them. SGD with learning rate 0.01, batch 100, 200 epochs.
"""

from __future__ import annotations

import numpy as np

from viz import plots

from .. import nn, optim
from ..nn import functional as F
from ..train import predict
from .common import Result, RunConfig, plt, save_figure, seeds_for, verdict_of
from .datasets import load
from .models import mlp, train_classifier

NAME = "overfitting"
TITLE = "Overfitting: weight decay, dropout, ensembles"
CLAIM = ("A 6×100 ReLU net trained on 300 samples overfits (train accuracy far above test); "
         "weight decay λ = 0.1 narrows the gap; dropout (0.15 as in the notes, and 0.2) "
         "narrows it; an ensemble of 5 models beats a single one.")
USES_DATASET = True  # takes --dataset digits|mnist and --data-root

TRAIN_SAMPLES, DEPTH, WIDTH, LEARNING_RATE, BATCH = 300, 6, 100, 0.01, 100
VARIANTS = {  # label -> (weight decay, dropout)
    "plain": (0.0, 0.0),
    "weight decay 0.1": (0.1, 0.0),
    "dropout 0.15": (0.0, 0.15),
    "dropout 0.2": (0.0, 0.2),
}


def run(config: RunConfig) -> Result:
    split = load(config)
    x, y = split.x_train[:TRAIN_SAMPLES], split.y_train[:TRAIN_SAMPLES]
    epochs = 20 if config.quick else 200
    steps_per_epoch = len(x) // BATCH
    steps = epochs * steps_per_epoch
    sizes = [split.features] + [WIDTH] * DEPTH + [split.classes]
    print(f"{len(x)} training samples of {split.name}, {len(split.x_test)} test; net {sizes}, "
          f"He init, SGD lr {LEARNING_RATE}, batch {BATCH}, {epochs} epochs")

    def both_accuracies(model):
        return {"train": F.accuracy(predict(model, x), y),
                "test": F.accuracy(predict(model, split.x_test), split.y_test)}

    seeds = seeds_for(config, full=3, quick=1)
    curves, final, per_seed, plain_models = {}, {}, {}, []
    for label, (weight_decay, dropout) in VARIANTS.items():
        per_seed[label] = []
        for seed in seeds:
            model = mlp(sizes, activation="relu", init="he", seed=seed, dropout=dropout)
            optimizer = optim.SGD(model.parameters(), lr=LEARNING_RATE, weight_decay=weight_decay)
            history = train_classifier(model, optimizer, x, y, steps, batch_size=BATCH,
                                       seed=seed, eval_every=steps_per_epoch,
                                       evaluate=both_accuracies)
            per_seed[label].append(history["evals"][-1][1])
            if seed == seeds[0]:
                curves[label] = history["evals"]
            if label == "plain":
                plain_models.append(model)
        final[label] = {split_name: float(np.mean([r[split_name] for r in per_seed[label]]))
                        for split_name in ("train", "test")}
        gap = final[label]["train"] - final[label]["test"]
        print(f"  {label:17s} train {final[label]['train']:.3f}  test {final[label]['test']:.3f}"
              f"  gap {gap:.3f}  (mean of seeds {seeds})")
    gaps = {label: value["train"] - value["test"] for label, value in final.items()}

    # the ensemble: the plain models above plus more, independently initialised and shuffled
    members = list(plain_models)
    for seed in seeds_for(config, full=5, quick=3)[len(members):]:
        member = mlp(sizes, activation="relu", init="he", seed=seed)
        train_classifier(member, optim.SGD(member.parameters(), lr=LEARNING_RATE), x, y, steps,
                         batch_size=BATCH, seed=seed)
        members.append(member)
    singles = [F.accuracy(predict(member, split.x_test), split.y_test) for member in members]
    probabilities = nn.average_probabilities(members, split.x_test)
    ensemble = float((probabilities.argmax(axis=1) == split.y_test).mean())
    print(f"  ensemble of {len(members)}: test {ensemble:.3f}; its members alone: "
          + " ".join(f"{value:.3f}" for value in singles))

    checks = {"the plain net's train-test gap exceeds 5 points": gaps["plain"] > 0.05}
    for label in VARIANTS:
        if label != "plain":
            checks[f"{label} has a smaller gap than the plain net"] = gaps[label] < gaps["plain"]
    checks["the ensemble beats its members' mean test accuracy"] = (
        ensemble > float(np.mean(singles)))

    figure = plots.training_curves(
        {f"{label} (mean gap {gaps[label]:.3f})": {
            "train": [entry["train"] for _, entry in evals[1:]],  # [0] is before training
            "test": [entry["test"] for _, entry in evals[1:]]} for label, evals in curves.items()},
        xlabel="epoch",
        title=f"{len(x)} training samples: train and test accuracy, seed {seeds[0]}")
    figures = [save_figure(figure, config, NAME, "train_test_curves.png")]
    figure, axis = plt.subplots(figsize=(5, 3.5))
    axis.bar(range(len(singles)), singles, color="tab:blue", alpha=0.6, label="single models")
    axis.bar(len(singles), ensemble, color="tab:green", label="ensemble (mean probabilities)")
    axis.set_xticks(range(len(singles) + 1), [str(i + 1) for i in range(len(singles))] + ["all"])
    lowest = min(singles + [ensemble])
    axis.set(title=f"test accuracy: {len(singles)} models and their ensemble",
             ylim=(max(0.0, lowest - 0.05), min(1.0, max(singles + [ensemble]) + 0.03)))
    axis.legend(fontsize=8)
    figures.append(save_figure(figure, config, NAME, "ensemble.png"))

    finding = (
        f"After {epochs} epochs on {len(x)} samples (mean of seeds {seeds}): "
        + "; ".join(f"{label} train {value['train']:.3f} / test {value['test']:.3f} "
                    f"(gap {gaps[label]:.3f})" for label, value in final.items())
        + f". Ensemble of {len(members)}: test {ensemble:.3f} vs single models "
        f"{min(singles):.3f}–{max(singles):.3f} (mean {np.mean(singles):.3f}).")
    narrower_by_hurting = [label for label in VARIANTS if label != "plain"
                           and gaps[label] < gaps["plain"]
                           and final[label]["test"] < final["plain"]["test"]]
    if narrower_by_hurting:
        finding += (" Note: " + ", ".join(narrower_by_hurting) + " narrowed the gap by lowering "
                    "training accuracy without raising test accuracy.")
    return Result(
        name=NAME, title=TITLE, claim=CLAIM, seed=config.seed, quick=config.quick,
        settings={"dataset": split.name, "train_samples": len(x), "sizes": sizes,
                  "learning_rate": LEARNING_RATE, "batch_size": BATCH, "epochs": epochs,
                  "weight_decay_applies_to": "all parameters (SGD weight_decay)",
                  "seeds": seeds, "ensemble_size": len(members)},
        measured={"final": final, "gap": gaps, "per_seed": per_seed, "ensemble_test": ensemble,
                  "single_test": singles},
        checks=checks, verdict=verdict_of(checks), finding=finding, figures=figures,
    )
