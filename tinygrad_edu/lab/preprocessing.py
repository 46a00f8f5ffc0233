"""Experiment 12 — pre-processing: zero-centring and normalisation.

The notes (CS231n lecture 6, seed 003): zero-centred inputs let the gradient of a
layer's weights take both signs, so the weights can move diagonally instead of
zig-zagging, and dividing by the standard deviation puts every feature on the same
scale: both make training faster. We train the same net on the raw pixel values
(0..16 for digits, all non-negative), on zero-centred pixels and on standardised pixels
(mean 0, std 1 per feature; statistics from the training set only), and count the
steps until the training loss first falls below a target. As the best learning rate
depends on the input scale, each pre-processing gets a small grid of learning rates
and is judged by its best one, as well as lr by lr.
"""

from __future__ import annotations

import numpy as np

from .. import data, optim
from ..autograd import no_grad
from ..nn import functional as F
from ..tensor import Tensor
from .common import Result, RunConfig, plt, save_figure, seeds_for, verdict_of
from .datasets import load
from .models import mlp, train_classifier

NAME = "preprocessing"
TITLE = "Pre-processing: zero-centring and normalisation"
CLAIM = ("Zero-centring the inputs, and normalising them by their standard deviation, make "
         "training faster: fewer steps to reach a target training loss.")
USES_DATASET = True  # takes --dataset digits|mnist and --data-root

TARGET_LOSS, HIDDEN, BATCH, EVAL_EVERY = 0.3, 100, 64, 10
EVAL_SAMPLES = 2000  # the training loss is measured on (at most) this many training samples


def prepared_inputs(split) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(train, test) inputs per pre-processing; statistics from the training set only."""
    raw = (split.x_train, split.x_test)
    return {
        "raw": raw,
        "zero-centred": data.zero_center(*raw),
        "standardised": data.standardize(*raw),
    }


def steps_to_target(losses: list[tuple[int, float]]) -> int | None:
    """The first evaluated step at which the training loss is at or below the target."""
    return next((step for step, loss in losses if loss <= TARGET_LOSS), None)


def conditioning(x: np.ndarray) -> dict[str, float]:
    """The spread of the curvature gradient descent meets in the first layer: eigenvalues
    of the inputs' second-moment matrix E[x xᵀ] (the Hessian of a linear least-squares
    layer, up to a factor). Gradient descent diverges once lr × λ_max passes about 2, and
    the direction of λ_min learns λ_max/λ_min times slower than the steepest one."""
    eigenvalues = np.linalg.eigvalsh(x.T.astype(np.float64) @ x / len(x))
    positive = eigenvalues[eigenvalues > 1e-9 * eigenvalues.max()]
    return {"lambda_max": float(positive.max()), "lambda_min": float(positive.min()),
            "condition_number": float(positive.max() / positive.min())}


def usable_rates(x_train, y_train, sizes, rates, steps, seed) -> dict:
    """Train at each rate of ``rates`` for ``steps`` steps and note the steps each took
    until a batch's loss first fell to the target: the largest rate that gets there
    (larger ones diverge or kill the ReLUs), and the fastest rate with its steps."""
    reached = {}
    for lr in rates:
        model = mlp(sizes, activation="relu", init="he", seed=seed)
        with np.errstate(over="ignore", invalid="ignore"):
            history = train_classifier(model, optim.SGD(model.parameters(), lr=lr), x_train,
                                       y_train, steps, batch_size=BATCH, seed=seed)
        reached[f"{lr:g}"] = next((step for step, loss in enumerate(history["loss"])
                                   if loss <= TARGET_LOSS), None)
    usable = [lr for lr, step in reached.items() if step is not None]
    fastest = min(usable, key=lambda lr: reached[lr]) if usable else None
    return {"steps_to_target_by_lr": reached,
            "largest_usable_lr": float(usable[-1]) if usable else None,
            "fastest_lr": None if fastest is None else float(fastest),
            "fastest_steps": None if fastest is None else reached[fastest]}


def why_standardising(inputs: dict, split, sizes: list[int], seed: int, rates: list[float],
                      quick: bool) -> tuple[dict, str]:
    """The follow-up of a partial verdict: the curvature each input gives gradient
    descent and the learning rates it therefore allows, measured; and the sentence that
    says it."""
    probe = [0.01 * 2 ** k for k in range(0, 10, 3 if quick else 1)]  # up to 5.12
    probe_steps = 60 if quick else 300
    follow_up = {}
    for name, (x_train, _) in inputs.items():
        follow_up[name] = {**conditioning(x_train), **usable_rates(
            x_train, split.y_train, sizes, probe, probe_steps, seed)}
        print(f"  follow-up {name:13s} λ_max {follow_up[name]['lambda_max']:.3g}, condition "
              f"number {follow_up[name]['condition_number']:.3g}, largest lr that reaches "
              f"the target {follow_up[name]['largest_usable_lr']}, fastest "
              f"{follow_up[name]['fastest_steps']} steps at lr {follow_up[name]['fastest_lr']}")

    def listed(key: str, form: str = "{:.3g}") -> str:
        return ", ".join(f"{name} " + ("none" if f[key] is None else form.format(f[key]))
                         for name, f in follow_up.items())

    said = (" Follow-up, why: the inputs' second-moment matrix E[x xᵀ] has λ_max "
            f"{listed('lambda_max')} and condition number λ_max/λ_min "
            f"{listed('condition_number')}. Trying learning rates {probe[0]:g}…"
            f"{probe[-1]:g} (doubling) for {probe_steps} steps, the largest that reaches "
            f"the target is {listed('largest_usable_lr', '{:g}')}; the fastest takes "
            f"{listed('fastest_steps', '{:d}')} steps (at lr "
            f"{listed('fastest_lr', '{:g}')}).")
    raw_lr = follow_up["raw"]["largest_usable_lr"] or 0.0
    std_lr = follow_up["standardised"]["largest_usable_lr"] or 0.0
    if std_lr > max(rates) >= raw_lr * 0.5:
        shrink = follow_up["raw"]["lambda_max"] / follow_up["standardised"]["lambda_max"]
        said += (f" Standardising shrinks λ_max by {shrink:.0f}×, "
                 f"so it can take learning rates up to {std_lr:g}, beyond the grid's "
                 f"largest ({max(rates):g}), where the raw pixels are already near their "
                 "limit: compared on the same grid it was held back, not slower.")
    return follow_up, said


def run(config: RunConfig) -> Result:
    split = load(config, normalize=False)
    inputs = prepared_inputs(split)
    steps = 200 if config.quick else 2000
    rates = [0.01] if config.quick else [0.001, 0.01, 0.1]
    seeds = seeds_for(config, full=3, quick=1)
    sizes = [split.features, HIDDEN, split.classes]
    print(f"{split.describe()} (raw pixel values {split.x_train.min():g}..{split.x_train.max():g})"
          f"; net {sizes} ReLU, He init, SGD, batch {BATCH}, up to {steps} steps; target "
          f"training loss {TARGET_LOSS}")

    reached: dict[str, dict[str, list]] = {name: {} for name in inputs}
    curves: dict[str, dict[str, list]] = {name: {} for name in inputs}
    for name, (x_train, _) in inputs.items():
        def training_loss(model, x_seen=x_train[:EVAL_SAMPLES]):
            with no_grad():
                logits = model(Tensor(x_seen))
                loss = F.cross_entropy(logits, split.y_train[:EVAL_SAMPLES]).item()
            return {"loss": loss if np.isfinite(loss) else float("inf")}

        for lr in rates:
            reached[name][f"{lr:g}"] = []
            for seed in seeds:
                model = mlp(sizes, activation="relu", init="he", seed=seed)
                with np.errstate(over="ignore", invalid="ignore"):
                    history = train_classifier(model, optim.SGD(model.parameters(), lr=lr),
                                               x_train, split.y_train, steps, batch_size=BATCH,
                                               seed=seed, eval_every=EVAL_EVERY,
                                               evaluate=training_loss)
                losses = [(step, entry["loss"]) for step, entry in history["evals"]]
                reached[name][f"{lr:g}"].append(steps_to_target(losses))
                if seed == seeds[0]:
                    curves[name][f"{lr:g}"] = losses
            shown = ["—" if s is None else s for s in reached[name][f"{lr:g}"]]
            print(f"  {name:13s} lr {lr:<6g} steps to loss ≤ {TARGET_LOSS}: {shown}")

    def median(values: list) -> float:  # a run that never reached the target counts as ∞
        return float(np.median([np.inf if v is None else v for v in values]))

    medians = {name: {lr: median(values) for lr, values in by_lr.items()}
               for name, by_lr in reached.items()}
    best = {name: min(by_lr.values()) for name, by_lr in medians.items()}
    best_lr = {name: min(by_lr, key=by_lr.get) for name, by_lr in medians.items()}
    checks = {
        "zero-centred needs fewer steps than raw (each at its best lr)":
            best["zero-centred"] < best["raw"],
        "standardised needs fewer steps than raw (each at its best lr)":
            best["standardised"] < best["raw"],
    }

    figure, axes = plt.subplots(1, len(rates), figsize=(5 * len(rates), 3.8), squeeze=False)
    for axis, lr in zip(axes[0], rates, strict=True):
        for name in inputs:
            points = curves[name][f"{lr:g}"]
            finite = [(s, v) for s, v in points if np.isfinite(v)]
            if finite:
                axis.plot(*zip(*finite, strict=True), label=name)
        axis.axhline(TARGET_LOSS, color="grey", linestyle=":", label="target")
        axis.set(yscale="log", xlabel="step", title=f"SGD lr {lr:g}, seed {seeds[0]}")
        axis.legend(fontsize=8)
    axes[0][0].set_ylabel(f"training loss ({min(EVAL_SAMPLES, len(split.x_train))} samples)")
    figure.tight_layout()
    figures = [save_figure(figure, config, NAME, "preprocessing.png")]

    def shown(value: float) -> str:
        return "not reached" if not np.isfinite(value) else f"{value:.0f}"

    finding = (f"Median steps (over {len(seeds)} seeds) until the training loss ≤ {TARGET_LOSS}, "
               f"best learning rate of {rates}: "
               + ", ".join(f"{name} {shown(best[name])} (lr {best_lr[name]})" for name in inputs)
               + ". Per learning rate: "
               + "; ".join(f"lr {lr}: " + ", ".join(f"{name} {shown(medians[name][lr])}"
                                                    for name in inputs)
                           for lr in medians["raw"]) + ".")
    pixel_std = float(split.x_train.std(axis=0).mean())
    finding += (f" Note the input scale: raw pixels have a per-feature std of {pixel_std:.1f} on "
                "average, standardised ones 1, so at one learning rate the raw net takes "
                "steps that are effectively larger; comparing at each input's best learning "
                "rate separates the two effects.")
    follow_up, said = why_standardising(inputs, split, sizes, seeds[0], rates, config.quick)
    finding += said
    return Result(
        name=NAME, title=TITLE, claim=CLAIM, seed=config.seed, quick=config.quick,
        settings={"dataset": split.name, "sizes": sizes, "batch_size": BATCH,
                  "max_steps": steps, "learning_rates": rates, "seeds": seeds,
                  "target_loss": TARGET_LOSS, "evaluated_every": EVAL_EVERY,
                  "loss_measured_on": min(EVAL_SAMPLES, len(split.x_train))},
        measured={"steps_to_target": reached, "median_steps": medians, "best_median": best,
                  "best_lr": best_lr, "follow_up": follow_up},
        checks=checks, verdict=verdict_of(checks), finding=finding, figures=figures,
    )
