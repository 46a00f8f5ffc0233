"""Experiment 8 — batch normalisation over a sweep of initial weight scales.

The notes (seed 002, after Saito's figures 6-18/6-19): a 5×100 ReLU net on 1,000 MNIST
training samples, SGD with learning rate 0.01, batch 100, 20 epochs, weights drawn with
standard deviations from 1 down to 1e-4 (16 values on a log scale). With batch norm the
net learns faster and depends much less on the initial scale.
"""

from __future__ import annotations

import numpy as np

from .. import optim
from ..nn import functional as F
from ..train import predict
from .common import Result, RunConfig, plt, save_figure, seeds_for, verdict_of
from .datasets import load
from .models import linear_layers, mlp, train_classifier

NAME = "batch_norm"
TITLE = "Batch normalisation across initial weight scales"
CLAIM = ("With batch normalisation a deep net learns faster and is far less sensitive to the "
         "initial weight scale (std 1 … 1e-4) than the same net without it.")
USES_DATASET = True  # takes --dataset digits|mnist and --data-root

TRAIN_SAMPLES, DEPTH, WIDTH, LEARNING_RATE, BATCH, EPOCHS = 1000, 5, 100, 0.01, 100, 20


def run(config: RunConfig) -> Result:
    split = load(config)
    x, y = split.x_train[:TRAIN_SAMPLES], split.y_train[:TRAIN_SAMPLES]
    scales = [1.0, 0.1, 0.01, 1e-4] if config.quick else list(np.logspace(0, -4, 16))
    epochs = 3 if config.quick else EPOCHS
    seeds = seeds_for(config, full=3, quick=1)
    steps_per_epoch = len(x) // BATCH
    steps = epochs * steps_per_epoch
    sizes = [split.features] + [WIDTH] * DEPTH + [split.classes]
    print(f"{len(x)} training samples of {split.name}; net {sizes}, SGD lr {LEARNING_RATE}, "
          f"batch {BATCH}, {epochs} epochs, seeds {seeds}")

    def train_accuracy(model):
        return {"train_accuracy": F.accuracy(predict(model, x), y)}

    curves = {"with BN": [], "without BN": []}  # per scale: the seeds' mean accuracy curve
    first_variance, diverged = [], []
    for scale in scales:
        for label, batch_norm in (("with BN", True), ("without BN", False)):
            per_seed = []
            for seed in seeds:
                model = mlp(sizes, activation="relu", init=f"normal:{scale}", seed=seed,
                            batch_norm=batch_norm)
                if batch_norm and seed == seeds[0]:  # what the first BatchNorm sees, against ε
                    first = linear_layers(model)[0]
                    first_variance.append(float((x @ first.weight.data.T).var(axis=0).mean()))
                with np.errstate(over="ignore", invalid="ignore"):  # a blown-up net is a result
                    history = train_classifier(
                        model, optim.SGD(model.parameters(), lr=LEARNING_RATE), x, y, steps,
                        batch_size=BATCH, seed=seed, eval_every=steps_per_epoch,
                        evaluate=train_accuracy)
                if not np.isfinite(history["loss"][-1]):
                    diverged.append((label, f"{scale:.2g}", seed))
                per_seed.append([entry["train_accuracy"] for _, entry in history["evals"]])
            curves[label].append(np.mean(per_seed, axis=0).tolist())
        print(f"  std {scale:8.2e}: final training accuracy (mean of {len(seeds)} seeds) with BN "
              f"{curves['with BN'][-1][-1]:.3f}, without {curves['without BN'][-1][-1]:.3f}")

    final = {label: [curve[-1] for curve in runs] for label, runs in curves.items()}
    # "learns faster": the mean training accuracy over all epochs (area under the curve)
    area = {label: [float(np.mean(curve)) for curve in runs] for label, runs in curves.items()}
    faster = [bool(with_bn > without) for with_bn, without
              in zip(area["with BN"], area["without BN"], strict=True)]
    spread = {label: float(max(values) - min(values)) for label, values in final.items()}
    checks = {
        "BN has the higher mean training accuracy at most scales": sum(faster) > len(scales) / 2,
        "final accuracy varies less across scales with BN":
            spread["with BN"] < spread["without BN"],
    }

    columns = 4
    rows = int(np.ceil(len(scales) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.4 * rows), squeeze=False)
    for index, scale in enumerate(scales):
        axis = axes[index // columns][index % columns]
        axis.plot(curves["with BN"][index], color="tab:blue", label="with BN")
        axis.plot(curves["without BN"][index], color="tab:orange", linestyle="--",
                  label="without BN")
        axis.set_title(f"W std = {scale:.2g}", fontsize=9)
        axis.set_ylim(0, 1.02)
        axis.set_yticks([0, 0.5, 1])
        axis.tick_params(labelsize=7)
    for index in range(len(scales), rows * columns):
        axes[index // columns][index % columns].axis("off")
    axes[0][0].legend(fontsize=7)
    figure.supxlabel("epoch")
    figure.supylabel(f"training accuracy (mean of {len(seeds)} seeds)")
    figure.tight_layout()
    figures = [save_figure(figure, config, NAME, "batch_norm.png")]

    slower = [f"{scale:.2g}" for scale, quicker in zip(scales, faster, strict=True) if not quicker]
    finding = (
        f"Averaged over seeds {seeds}: the mean training accuracy over {epochs} epochs was "
        f"higher with BN at "
        f"{sum(faster)}/{len(scales)} initial scales. Final training accuracy with BN ranged "
        f"{min(final['with BN']):.3f}–{max(final['with BN']):.3f} across scales, without BN "
        f"{min(final['without BN']):.3f}–{max(final['without BN']):.3f}.")
    if diverged:
        runs = {}
        for label, scale, _ in diverged:
            runs[(label, scale)] = runs.get((label, scale), 0) + 1
        finding += " Diverged (loss became inf/NaN): " + ", ".join(
            f"{label} at std {scale} ({count}/{len(seeds)} seeds)"
            for (label, scale), count in runs.items()) + "."
    failed = [i for i, value in enumerate(final["with BN"]) if value < 0.5]
    tiny = [i for i in failed if first_variance[i] < 1e-5]
    if tiny:
        finding += (" BN failed (final accuracy < 0.5) at std "
                    + ", ".join(f"{scales[i]:.2g}" for i in tiny)
                    + ", where the first layer's pre-activations start with variance "
                    + ", ".join(f"{first_variance[i]:.1e}" for i in tiny)
                    + ": below BN's ε = 1e-5, so dividing by √(σ² + ε) no longer restores "
                    "unit variance (the likely reason it fails there).")
    others = [i for i in failed if i not in tiny]
    if others:
        finding += (" With BN, std " + ", ".join(f"{scales[i]:.2g}" for i in others)
                    + f" did not reach 0.5 training accuracy within {epochs} epochs.")
    if slower:
        finding += f" BN was not ahead at std {', '.join(slower)}."
        near_he = [s for s, quicker in zip(scales, faster, strict=True)
                   if not quicker and 0.05 <= s <= 0.5]
        if near_he:
            finding += (" Near std √(2/100) ≈ 0.14 (He's value for 100 inputs) the plain net "
                        "already starts with well-scaled activations and needs no help.")
    return Result(
        name=NAME, title=TITLE, claim=CLAIM, seed=config.seed, quick=config.quick,
        settings={"dataset": split.name, "train_samples": len(x), "sizes": sizes,
                  "learning_rate": LEARNING_RATE, "batch_size": BATCH, "epochs": epochs,
                  "scales": scales, "seeds": seeds, "layer": "Linear → BatchNorm1d → ReLU"},
        measured={"final_train_accuracy": final, "mean_train_accuracy": area,
                  "first_layer_preactivation_variance": first_variance,
                  "diverged": [{"run": label, "std": scale, "seed": seed}
                               for label, scale, seed in diverged],
                  "bn_faster": faster, "final_accuracy_range": spread},
        checks=checks, verdict=verdict_of(checks), finding=finding, figures=figures,
    )
