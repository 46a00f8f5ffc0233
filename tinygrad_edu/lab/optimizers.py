"""Experiment 7 — optimizers: SGD, Momentum, AdaGrad, RMSProp and Adam.

The notes (seed 002, after Saito's "Deep Learning from Scratch" ch. 6) walk each
optimizer on f(x, y) = x²/20 + y² from (-7, 2): the function is 20 times steeper along
y than along x, so plain SGD zig-zags across the valley; momentum, AdaGrad and Adam
take straighter paths. Then the same optimizers train a ReLU net (their figure 6-9,
MNIST): SGD learns slowest. The learning rates are the book's (SGD 0.95, Momentum 0.1,
AdaGrad 1.5, Adam 0.3 on the function; 0.01/0.01/0.01/0.001 on the net); RMSProp is
not in those figures, its rates (0.1 and 0.001) are our choice.
"""

from __future__ import annotations

import numpy as np

from viz import plots

from .. import optim
from ..tensor import Tensor
from ..train.walks import optimizer_walk
from .common import Result, RunConfig, plt, save_figure, seeds_for, verdict_of
from .datasets import load
from .models import mlp, train_classifier

NAME = "optimizers"
TITLE = "Optimizers on x²/20 + y² and on a 4×100 ReLU net"
CLAIM = ("On f(x, y) = x²/20 + y² from (-7, 2), SGD zig-zags across the steep y direction "
         "while Momentum, AdaGrad, RMSProp and Adam take straighter paths; training a "
         "ReLU net, SGD is the slowest of them.")
USES_DATASET = True  # takes --dataset digits|mnist and --data-root

START, STEPS = (-7.0, 2.0), 30
FUNCTION_SETTINGS = {  # name -> (optimizer class, keyword arguments)
    "SGD": (optim.SGD, {"lr": 0.95}),
    "Momentum": (optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    "AdaGrad": (optim.Adagrad, {"lr": 1.5}),
    "RMSProp": (optim.RMSprop, {"lr": 0.1}),
    "Adam": (optim.Adam, {"lr": 0.3}),
}
NETWORK_SETTINGS = {
    "SGD": (optim.SGD, {"lr": 0.01}),
    "Momentum": (optim.SGD, {"lr": 0.01, "momentum": 0.9}),
    "AdaGrad": (optim.Adagrad, {"lr": 0.01}),
    "RMSProp": (optim.RMSprop, {"lr": 0.001}),
    "Adam": (optim.Adam, {"lr": 0.001}),
}


def anisotropic(point: Tensor) -> Tensor:
    """f(x, y) = x²/20 + y²: its minimum is 0 at (0, 0)."""
    return (point[0] ** 2) / 20 + point[1] ** 2


def walk(optimizer_class, settings: dict, steps: int = STEPS) -> np.ndarray:
    """The optimizer's path on f from START: an array of shape (steps + 1, 2) (the
    library's `optimizer_walk`: one `train_step` per move)."""
    return optimizer_walk(anisotropic, START, optimizer_class, settings, steps)["points"]


def _describe(settings: dict) -> str:
    return ", ".join(f"{key} {value:g}" for key, value in settings.items())


def run(config: RunConfig) -> Result:
    figures, measured = [], {}

    # 1. the paths on f(x, y) = x²/20 + y²
    paths = {name: walk(cls, kwargs) for name, (cls, kwargs) in FUNCTION_SETTINGS.items()}
    zigzags, final_values = {}, {}
    for name, path in paths.items():
        zigzags[name] = int(np.sum(np.sign(path[1:, 1]) != np.sign(path[:-1, 1])))
        final_values[name] = float(path[-1, 0] ** 2 / 20 + path[-1, 1] ** 2)
        print(f"  {name:8s} ({_describe(FUNCTION_SETTINGS[name][1])}): after {STEPS} steps at "
              f"({path[-1, 0]:+.3f}, {path[-1, 1]:+.3f}), f = {final_values[name]:.4f}, "
              f"y changed sign {zigzags[name]} times")
    figure = plots.optimizer_paths(
        {f"{name} ({_describe(FUNCTION_SETTINGS[name][1])})": path
         for name, path in paths.items()},
        loss=lambda x, y: x**2 / 20 + y**2, xlim=(-10, 10), ylim=(-5, 5), minimum=(0, 0),
        title=f"f(x, y) = x²/20 + y² from {START}, {STEPS} steps each")
    figures.append(save_figure(figure, config, NAME, "paths.png"))
    measured["function"] = {"y_sign_changes": zigzags, "final_f": final_values,
                            "final_point": {name: path[-1] for name, path in paths.items()}}

    # 2. training a 4×100 ReLU net
    split = load(config)
    steps = 100 if config.quick else 1500
    sizes = [split.features] + [100] * 4 + [split.classes]
    seeds = seeds_for(config, full=3, quick=1)
    tail = max(1, steps // 20)  # "final loss": the mean of the last 5% of steps
    curves, final_loss, per_seed = {}, {}, {}
    for name, (cls, kwargs) in NETWORK_SETTINGS.items():
        per_seed[name] = []
        for seed in seeds:
            model = mlp(sizes, activation="relu", init="he", seed=seed)
            history = train_classifier(model, cls(model.parameters(), **kwargs), split.x_train,
                                       split.y_train, steps, batch_size=128, seed=seed)
            per_seed[name].append(float(np.mean(history["loss"][-tail:])))
            if seed == seeds[0]:
                curves[name] = history["loss"]
        final_loss[name] = float(np.mean(per_seed[name]))
    print(f"  {split.name}, net {sizes}, batch 128, {steps} steps: final training loss (mean "
          f"of seeds {seeds}) " + ", ".join(f"{n} {v:.4f}" for n, v in final_loss.items()))
    figure, axis = plt.subplots(figsize=(6.5, 4))
    window = max(1, steps // 50)
    for name, loss in curves.items():
        smooth = np.convolve(loss, np.ones(window) / window, mode="valid")
        axis.plot(smooth, label=f"{name} ({_describe(NETWORK_SETTINGS[name][1])})")
    axis.set(xlabel="step", ylabel="training loss (moving average)", yscale="log",
             title=f"{split.name}: {sizes}, He init, batch 128, seed {seeds[0]}")
    axis.legend()
    figures.append(save_figure(figure, config, NAME, "training_loss.png"))
    measured["network_final_loss"] = final_loss
    measured["network_final_loss_per_seed"] = per_seed

    others = [name for name in FUNCTION_SETTINGS if name != "SGD"]
    checks = {
        "SGD's y changes sign in at least half of the steps": zigzags["SGD"] >= STEPS // 2,
        "every other optimizer changes y's sign less often than SGD":
            all(zigzags[name] < zigzags["SGD"] for name in others),
        "SGD has the highest final training loss on the net":
            final_loss["SGD"] == max(final_loss.values()),
    }
    finding = (
        "On x²/20 + y² (30 steps): y changed sign "
        + ", ".join(f"{name} {count}×" for name, count in zigzags.items())
        + "; final f " + ", ".join(f"{name} {value:.3g}" for name, value in final_values.items())
        + f". Training the net for {steps} steps, final loss (mean of {len(seeds)} seeds) "
        + ", ".join(f"{name} {value:.4f}" for name, value in final_loss.items()) + ".")
    if not checks["every other optimizer changes y's sign less often than SGD"]:
        finding += (" Not every adaptive method zig-zags less than SGD here: with these "
                    "learning rates momentum overshoots and swings across the valley too — "
                    "its path is smoother but still oscillates.")
    return Result(
        name=NAME, title=TITLE, claim=CLAIM, seed=config.seed, quick=config.quick,
        settings={"start": START, "function_steps": STEPS,
                  "function_lr": {n: kw for n, (_, kw) in FUNCTION_SETTINGS.items()},
                  "network": sizes, "network_steps": steps, "network_seeds": seeds,
                  "network_lr": {n: kw for n, (_, kw) in NETWORK_SETTINGS.items()}},
        measured=measured, checks=checks, verdict=verdict_of(checks), finding=finding,
        figures=figures,
    )
