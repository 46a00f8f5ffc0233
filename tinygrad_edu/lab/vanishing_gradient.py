"""Experiment 3 — the vanishing gradient: XOR through 9 hidden layers.

The notes (lecture 10): with sigmoid in every layer the 9-hidden-layer net stays at
accuracy 0.5, because each sigmoid multiplies the backward signal by σ'(z) ≤ 1/4;
with ReLU in the hidden layers and a sigmoid only at the output it reaches 1.0. The
lecture's lab code: 5 units per hidden layer, weights and biases from U(-1, 1),
gradient descent with learning rate 0.1 for 10,001 steps, the logistic cost.
"""

from __future__ import annotations

import numpy as np

from viz import plots

from .. import optim
from ..nn import functional as F
from ..tensor import Tensor
from ..train import gradient_norms, predict, train_step
from ..train.measures import capture_layer_outputs
from .common import Result, RunConfig, plt, save_figure, seeds_for, verdict_of
from .datasets import xor
from .models import mlp

NAME = "vanishing_gradient"
TITLE = "Vanishing gradient: 9 hidden layers, sigmoid vs ReLU"
CLAIM = ("XOR through 9 hidden layers: with sigmoid everywhere accuracy stays at chance (0.5); "
         "with ReLU hidden layers and a sigmoid output it reaches 1.0, because sigmoid "
         "gradients shrink layer by layer on the way back.")

HIDDEN_LAYERS, WIDTH, LEARNING_RATE = 9, 5, 0.1
CONFIGS = {"sigmoid everywhere": "sigmoid", "ReLU hidden, sigmoid output": "relu"}


def train_deep_xor(activation: str, steps: int, seed: int) -> dict:
    """Train the deep XOR net; returns accuracy, solving step, loss curve and the gradient
    norm of every Linear weight at the first step (input side first)."""
    inputs, targets = xor()
    sizes = [2] + [WIDTH] * HIDDEN_LAYERS + [1]
    model = mlp(sizes, activation=activation, init="uniform:1.0", seed=seed, output="sigmoid")
    optimizer = optim.SGD(model.parameters(), lr=LEARNING_RATE)
    x = Tensor(inputs)
    losses, solved_at, norms_per_step = [], None, []
    weights = [(name, p) for name, p in model.named_parameters() if name.endswith("weight")]
    final = None
    for step in range(steps):
        probabilities, loss = train_step(model, F.binary_cross_entropy, optimizer, x, targets)
        norms_per_step.append(list(gradient_norms(weights).values()))  # this step's ∂L/∂W
        if F.accuracy(probabilities, targets) == 1.0:  # the weights this step started from
            solved_at, final = step, 1.0
            break  # solved: no need to spend the rest of the budget
        losses.append(loss.item())
    if final is None:  # the budget ran out: the accuracy of the last weights
        final = F.accuracy(predict(model, inputs), targets)
    return {"accuracy": final, "solved_at": solved_at, "loss": losses,
            "grad_norms": norms_per_step[0], "grad_norms_per_step": norms_per_step}


FOLLOW_UP_WIDTHS = (2, 3, 5, 8, 16, 32)


def starts_dead(width: int, seed: int) -> bool:
    """Does the 9-hidden-layer ReLU net (U(-1, 1) weights and biases, as the lecture's)
    start with a hidden layer whose every unit is 0 for all four XOR inputs? Then no
    gradient reaches the layers below it, whatever the learning rate."""
    inputs, _ = xor()
    model = mlp([2] + [width] * HIDDEN_LAYERS + [1], activation="relu", init="uniform:1.0",
                seed=seed, output="sigmoid")
    outputs: dict = {}
    handles = capture_layer_outputs(model, outputs)
    predict(model, inputs)
    for handle in handles:
        handle.remove()
    return any(name.endswith("ReLU") and not np.any(values) for name, values in outputs.items())


def dead_start_rates(seeds: list[int]) -> dict[str, float]:
    """The share of seeds whose net starts with a dead layer, by width."""
    return {str(width): float(np.mean([starts_dead(width, seed) for seed in seeds]))
            for width in FOLLOW_UP_WIDTHS}


def run(config: RunConfig) -> Result:
    steps = 1000 if config.quick else 10001
    seeds = seeds_for(config, full=5, quick=1)
    runs = {}
    for name, activation in CONFIGS.items():
        runs[name] = [train_deep_xor(activation, steps, seed) for seed in seeds]
        print(f"  {name:28s} accuracy per seed {[r['accuracy'] for r in runs[name]]}  "
              f"steps to 100%: {[r['solved_at'] for r in runs[name]]}")

    # median over seeds of each layer's gradient norm at the first step; a seed whose net
    # passes no gradient at all (every ReLU dead) is counted apart
    norms, ratios, dead = {}, {}, {}
    for name in CONFIGS:
        alive = [r["grad_norms"] for r in runs[name] if r["grad_norms"][0] > 0]
        dead[name] = len(seeds) - len(alive)
        norms[name] = np.median(alive, axis=0) if alive else np.zeros(HIDDEN_LAYERS + 1)
        ratios[name] = float(np.median([n[0] / n[-1] for n in alive])) if alive else float("nan")
        shown = " ".join(f"{value:.1e}" for value in norms[name])
        print(f"  ‖∂L/∂W‖ per layer, input side first, median of live seeds ({name}): {shown}")
        print(f"    first layer / last layer = {ratios[name]:.1e} (median over seeds that pass "
              f"a gradient); seeds with no gradient at all: {dead[name]}")

    sigmoid_runs, relu_runs = runs["sigmoid everywhere"], runs["ReLU hidden, sigmoid output"]
    sigmoid_best = max(r["accuracy"] for r in sigmoid_runs)
    relu_solved = sum(r["accuracy"] == 1.0 for r in relu_runs)
    checks = {
        "sigmoid everywhere stays at or below 0.75 in every seed": sigmoid_best <= 0.75,
        "ReLU hidden layers reach 1.0 in every seed": relu_solved == len(seeds),
        "the first/last layer gradient ratio is 100× smaller with sigmoid":
            ratios["sigmoid everywhere"] < 0.01 * ratios["ReLU hidden, sigmoid output"],
    }

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    layer_numbers = range(1, HIDDEN_LAYERS + 2)
    for (name, color) in zip(CONFIGS, ("tab:red", "tab:green"), strict=True):
        for r in runs[name]:
            if r["grad_norms"][0] > 0:
                left.plot(layer_numbers, r["grad_norms"], color=color, alpha=0.25)
        left.plot(layer_numbers, norms[name], marker="o", color=color, label=name)
        right.plot(runs[name][0]["loss"], color=color, label=name)
    left.set(yscale="log", xlabel="layer (1 = next to the input)", ylabel="‖∂L/∂W‖ at step 0",
             title="Gradient norm per layer: seeds (thin), median (dots)")
    right.set(xlabel="step", ylabel="logistic cost",
              title=f"Training, seed {seeds[0]} (ReLU curve stops when solved)")
    left.legend()
    right.legend()
    figures = [save_figure(figure, config, NAME, "gradient_norms.png")]
    for name, activation in CONFIGS.items():  # how each layer's gradient evolves, seed 0
        per_step = np.array(runs[name][0]["grad_norms_per_step"])
        figure = plots.gradient_norms(
            {f"layer {i + 1}": np.maximum(per_step[:, i], 1e-30) for i in range(per_step.shape[1])},
            title=f"{name}, seed {seeds[0]}: ‖∂L/∂W‖ of each layer during training")
        figures.append(save_figure(figure, config, NAME, f"gradient_norms_{activation}.png"))

    finding = (
        f"Sigmoid everywhere: accuracy {[r['accuracy'] for r in sigmoid_runs]} after {steps} "
        f"steps (seeds {seeds}). ReLU hidden: {relu_solved}/{len(seeds)} seeds reach 1.0, at "
        f"steps {[r['solved_at'] for r in relu_runs]}. At the first step the first layer's "
        f"gradient is {ratios['sigmoid everywhere']:.1e} times the last layer's with sigmoid, "
        f"{ratios['ReLU hidden, sigmoid output']:.1e} times with ReLU.")
    if relu_solved < len(seeds):
        finding += (f" The unsolved ReLU seeds ({dead['ReLU hidden, sigmoid output']} of them pass "
                    "no gradient at all): with only 5 units per layer and U(-1, 1) weights, some "
                    "layer starts with every unit dead (negative for all four inputs), so the "
                    "net outputs a constant and nothing learns: the 'dead ReLU' of the CS231n "
                    "notes. The lecture's single run did not meet it; wider layers make an "
                    "all-dead layer much less likely.")
    follow_seeds = list(range(config.seed, config.seed + (20 if config.quick else 200)))
    rates = dead_start_rates(follow_seeds)
    rate_text = ", ".join(f"width {width} {rate:.0%}" for width, rate in rates.items())
    print(f"  follow-up: 9-layer ReLU nets that start with a dead layer ({len(follow_seeds)} "
          f"seeds): {rate_text}")
    finding += (f" Follow-up, how often the lecture's ReLU net starts dead: over "
                f"{len(follow_seeds)} seeds (U(-1, 1) weights and biases), the share of "
                f"9-hidden-layer nets with a layer that is 0 for all four inputs before any "
                f"training is {rate_text}; the lecture's width of {WIDTH} units is "
                f"{rates[str(WIDTH)]:.0%}, so about "
                f"{rates[str(WIDTH)] * len(seeds):.1f} of our {len(seeds)} seeds were "
                f"expected to start dead, and "
                f"{dead['ReLU hidden, sigmoid output']} did.")
    safe = next((width for width, rate in rates.items() if rate <= 0.01), None)
    if safe is not None:
        finding += f" From width {safe} on, at most 1 % of the nets start dead."
    return Result(
        name=NAME, title=TITLE, claim=CLAIM, seed=config.seed, quick=config.quick,
        settings={"hidden_layers": HIDDEN_LAYERS, "width": WIDTH, "learning_rate": LEARNING_RATE,
                  "max_steps": steps, "seeds": seeds, "init": "weights and biases U(-1, 1)",
                  "follow_up": {"widths": list(FOLLOW_UP_WIDTHS), "seeds": len(follow_seeds)}},
        measured={"accuracy": {name: [r["accuracy"] for r in runs[name]] for name in CONFIGS},
                  "steps_to_100": {name: [r["solved_at"] for r in runs[name]] for name in CONFIGS},
                  "grad_norm_per_layer_step0": norms, "first_over_last_layer": ratios,
                  "seeds_without_gradient": dead, "follow_up_dead_at_start": rates},
        checks=checks, verdict=verdict_of(checks), finding=finding, figures=figures,
    )
