"""Experiment 5 — weight initialisation.

Three claims of the notes (lecture 10 and seed 002's "Weight Initialization" slides):

1. Hidden activations of 5 layers × 100 units on 1,000 random inputs: with sigmoid,
   N(0, 1) weights push them to 0 and 1 (gradients vanish), N(0, 0.01) bunches them at
   0.5 (every unit says the same), Xavier (std 1/√n) spreads them; with ReLU, std 0.01
   collapses them to 0, Xavier shrinks them layer by layer, He (std √(2/n)) keeps them.
2. All-zero weights never break the symmetry: the hidden units stay identical.
3. Training a 5-layer ReLU net: std 0.01 does not learn, Xavier learns, He learns fastest.
"""

from __future__ import annotations

import numpy as np

from viz import plots

from .. import nn, optim
from ..autograd import no_grad
from ..nn import functional as F
from ..tensor import Tensor
from ..train import predict
from .common import Result, RunConfig, plt, save_figure, seeds_for, verdict_of
from .datasets import load
from .models import linear_layers, mlp, train_classifier

NAME = "weight_init"
TITLE = "Weight initialisation: histograms, zero init, training curves"
CLAIM = ("Sigmoid activations saturate at 0/1 with N(0,1) weights, bunch at 0.5 with "
         "N(0,0.01) and spread with Xavier; ReLU activations collapse with std 0.01, shrink "
         "with depth with Xavier and keep their spread with He. All-zero weights never "
         "break symmetry. A 5-layer ReLU net with std 0.01 does not learn; He learns "
         "faster than Xavier.")
USES_DATASET = True  # takes --dataset digits|mnist and --data-root

LAYERS, UNITS, SAMPLES = 5, 100, 1000
HISTOGRAM_CASES = [  # (activation, init scheme, label)
    ("sigmoid", "normal:1.0", "sigmoid, N(0, 1)"),
    ("sigmoid", "normal:0.01", "sigmoid, N(0, 0.01²)"),
    ("sigmoid", "xavier", "sigmoid, Xavier"),
    ("relu", "normal:0.01", "ReLU, N(0, 0.01²)"),
    ("relu", "xavier", "ReLU, Xavier"),
    ("relu", "he", "ReLU, He"),
]


def hidden_activations(activation: str, scheme: str, seed: int) -> list[np.ndarray]:
    """The lecture's numpy experiment on our Tensor: 1,000 inputs from N(0, 1) through 5
    layers of 100 units; returns each layer's activations."""
    rng = np.random.default_rng(seed)
    x = Tensor(rng.standard_normal((SAMPLES, UNITS)))
    layers = nn.Sequential(*[nn.Linear(UNITS, UNITS, bias=False) for _ in range(LAYERS)])
    _init(layers, scheme, rng)
    outputs = []
    with no_grad():
        for layer in layers:
            x = getattr(layer(x), activation)()
            outputs.append(x.data.copy())
    return outputs


def _init(model: nn.Module, scheme: str, rng: np.random.Generator) -> None:
    for layer in linear_layers(model):
        if scheme == "xavier":
            nn.init.xavier_(layer.weight, generator=rng)
        elif scheme == "he":
            nn.init.he_(layer.weight, generator=rng)
        else:
            nn.init.normal_(layer.weight, std=float(scheme.split(":")[1]), generator=rng)


def unit_spread(model: nn.Module) -> float:
    """How different the hidden units are: over every hidden unit of every layer, the
    largest difference between its incoming weights (and bias) and those of unit 0 of
    its layer. Exactly 0 while the symmetry is unbroken."""
    worst = 0.0
    for layer in linear_layers(model)[:-1]:
        incoming = np.concatenate([layer.weight.data, layer.bias.data[:, None]], axis=1)
        worst = max(worst, float(np.abs(incoming - incoming[0]).max()))
    return worst


def run(config: RunConfig) -> Result:
    figures, checks, measured = [], {}, {}

    # 1. histograms of hidden activations
    stats, layers_of = {}, {}
    for activation, scheme, label in HISTOGRAM_CASES:
        outputs = hidden_activations(activation, scheme, config.seed)
        layers_of[label] = {f"layer {i + 1}": values for i, values in enumerate(outputs)}
        if activation == "sigmoid":
            stats[label] = {
                "near_0_or_1": [float(((a < 0.05) | (a > 0.95)).mean()) for a in outputs],
                "within_0.05_of_0.5": [float((np.abs(a - 0.5) < 0.05).mean()) for a in outputs],
            }
        else:
            stats[label] = {"std": [float(a.std()) for a in outputs],
                            "zero_fraction": [float((a == 0).mean()) for a in outputs]}
    for activation, filename in (("sigmoid", "sigmoid_histograms.png"),
                                 ("relu", "relu_histograms.png")):
        rows = {label: layers for label, layers in layers_of.items()
                if label.lower().startswith(activation)}
        # one range per figure so rows compare; ReLU's long tail is cut at He's 99th percentile
        top = 1.0 if activation == "sigmoid" else float(
            np.percentile(layers_of["ReLU, He"]["layer 1"], 99))
        figure = plots.activation_histograms(
            rows, bins=30, value_range=(0.0, top),
            title=f"{activation}: {SAMPLES} inputs from N(0, 1) through {LAYERS} layers × {UNITS}")
        figures.append(save_figure(figure, config, NAME, filename))
    for label, values in stats.items():
        print(f"  {label:22s} " + "  ".join(
            f"{key} " + " ".join(f"{v:.3g}" for v in series) for key, series in values.items()))
    saturated = stats["sigmoid, N(0, 1)"]["near_0_or_1"]
    bunched = stats["sigmoid, N(0, 0.01²)"]["within_0.05_of_0.5"]
    xavier = stats["sigmoid, Xavier"]
    relu_ratio = {label: stats[label]["std"][-1] / stats[label]["std"][0]
                  for label in ("ReLU, N(0, 0.01²)", "ReLU, Xavier", "ReLU, He")}
    checks.update({
        "sigmoid, N(0,1): over half of every layer below 0.05 or above 0.95": min(saturated) > 0.5,
        "sigmoid, N(0,0.01): over 90% of every layer within 0.05 of 0.5": min(bunched) > 0.9,
        "sigmoid, Xavier: under 5% saturated and under half near 0.5 in every layer":
            max(xavier["near_0_or_1"]) < 0.05 and max(xavier["within_0.05_of_0.5"]) < 0.5,
        "ReLU, std 0.01: layer-5 std below 1e-3": stats["ReLU, N(0, 0.01²)"]["std"][-1] < 1e-3,
        "ReLU, Xavier: layer-5 std below half of layer 1's": relu_ratio["ReLU, Xavier"] < 0.5,
        "ReLU, He: layer-5 std within ×2 of layer 1's": 0.5 <= relu_ratio["ReLU, He"] <= 2.0,
    })
    measured["histograms"] = stats
    measured["relu_std_layer5_over_layer1"] = relu_ratio

    # 2. all-zero initialisation never breaks the symmetry
    split = load(config)
    zero_steps = 50 if config.quick else 500
    sizes = [split.features, 50, 50, split.classes]
    symmetry = {}
    for activation in ("sigmoid", "relu"):
        for scheme in ("zeros", "xavier"):
            model = mlp(sizes, activation=activation, init=scheme, seed=config.seed)
            train_classifier(model, optim.SGD(model.parameters(), lr=0.1), split.x_train,
                             split.y_train, zero_steps, batch_size=64, seed=config.seed)
            symmetry[f"{activation}, {scheme}"] = {
                "unit_spread": unit_spread(model),
                "test_accuracy": F.accuracy(predict(model, split.x_test), split.y_test)}
    for key, value in symmetry.items():
        print(f"  after {zero_steps} steps, {key:16s}: largest difference between hidden units "
              f"{value['unit_spread']:.3g}, test accuracy {value['test_accuracy']:.3f}")
    checks["zero init, sigmoid: hidden units identical (within 1e-6) after training"] = (
        symmetry["sigmoid, zeros"]["unit_spread"] < 1e-6)
    checks["zero init, ReLU: hidden units identical (within 1e-6) after training"] = (
        symmetry["relu, zeros"]["unit_spread"] < 1e-6)
    measured["zero_init"] = symmetry

    # 3. training curves of a 5-layer ReLU net
    curve_steps = 150 if config.quick else 2000
    deep = [split.features] + [UNITS] * LAYERS + [split.classes]
    curves = {}
    seeds = seeds_for(config, full=3, quick=1)
    tail = max(1, curve_steps // 20)  # "final loss": the mean of the last 5% of steps
    final, final_per_seed = {}, {}
    for scheme, label in (("normal:0.01", "std 0.01"), ("xavier", "Xavier"), ("he", "He")):
        final_per_seed[label] = []
        for seed in seeds:
            model = mlp(deep, activation="relu", init=scheme, seed=seed)
            history = train_classifier(model, optim.SGD(model.parameters(), lr=0.01),
                                       split.x_train, split.y_train, curve_steps,
                                       batch_size=128, seed=seed)
            final_per_seed[label].append(float(np.mean(history["loss"][-tail:])))
            if seed == seeds[0]:
                curves[label] = history["loss"]
        final[label] = float(np.mean(final_per_seed[label]))
    print(f"  5×{UNITS} ReLU net, SGD lr 0.01, {curve_steps} steps: final loss (mean of seeds "
          f"{seeds}) " + ", ".join(f"{label} {value:.3f}" for label, value in final.items()))
    checks["5-layer ReLU net, std 0.01: loss stays above 2.0 (no learning)"] = (
        final["std 0.01"] > 2.0)
    checks["5-layer ReLU net: He ends with a lower loss than Xavier"] = (
        final["He"] < final["Xavier"])
    measured["training_final_loss"] = final
    measured["training_final_loss_per_seed"] = final_per_seed

    figure, axis = plt.subplots(figsize=(6, 4))
    for label, loss in curves.items():
        axis.plot(loss, label=label, alpha=0.8)
    axis.set(xlabel="step", ylabel="training loss",
             title=f"{split.name}: 5×{UNITS} ReLU, SGD lr 0.01, seed {seeds[0]}")
    axis.legend()
    figures.append(save_figure(figure, config, NAME, "training_curves.png"))

    finding = (
        f"Sigmoid: with N(0,1) {min(saturated):.0%}–{max(saturated):.0%} of activations are "
        f"below 0.05 or above 0.95 (layers 1–5); with N(0,0.01) "
        f"{min(bunched):.0%}–{max(bunched):.0%} are within 0.05 of 0.5; with Xavier at most "
        f"{max(xavier['near_0_or_1']):.1%} saturate and at most "
        f"{max(xavier['within_0.05_of_0.5']):.0%} are near 0.5. ReLU, std of layer 5 / layer 1: "
        + ", ".join(f"{label.split(', ', 1)[1]} {value:.3g}" for label, value in relu_ratio.items())
        + f" (layer-5 std with 0.01: {stats['ReLU, N(0, 0.01²)']['std'][-1]:.1e}). "
        f"Zero init after {zero_steps} steps: hidden units differ by "
        f"{symmetry['sigmoid, zeros']['unit_spread']:.2g} (sigmoid) and "
        f"{symmetry['relu, zeros']['unit_spread']:g} (ReLU): identical up to rounding noise "
        "(a learned difference would be of the size of the weights), with test accuracy "
        f"{symmetry['sigmoid, zeros']['test_accuracy']:.3f} and "
        f"{symmetry['relu, zeros']['test_accuracy']:.3f} (Xavier: "
        f"{symmetry['sigmoid, xavier']['test_accuracy']:.3f} and "
        f"{symmetry['relu, xavier']['test_accuracy']:.3f}). Training loss after {curve_steps} "
        f"steps (mean of {len(seeds)} seeds): "
        + ", ".join(f"{label} {value:.3f}" for label, value in final.items()) + ".")
    return Result(
        name=NAME, title=TITLE, claim=CLAIM, seed=config.seed, quick=config.quick,
        settings={"histogram_layers": LAYERS, "units": UNITS, "samples": SAMPLES,
                  "zero_init_net": sizes, "zero_init_steps": zero_steps,
                  "curve_net": deep, "curve_steps": curve_steps, "curve_lr": 0.01,
                  "curve_batch": 128, "curve_seeds": seeds},
        measured=measured, checks=checks, verdict=verdict_of(checks), finding=finding,
        figures=figures,
    )
