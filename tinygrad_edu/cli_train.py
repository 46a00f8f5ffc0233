"""``tinygrad-edu train DATASET --html out.html``: train a small net and write the page
that replays it (loss, decision boundary, gradient norms, weights, graphs and steps).

``tinygrad-edu train xor`` tells the course's XOR story: one layer stuck at 0.75, the
2-2-1 net learning it, and the notes' hand-set weights already computing XOR.
"""

from __future__ import annotations

import math
import sys

from .cli import CliError

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")
# SGD's default learning rate per activation: 1 moves sigmoid and tanh nets briskly, but
# kills every ReLU of a deep net within ~200 steps (measured: 9 layers of 8, seeds 0-3);
# 0.1 trains them to accuracy 1.0 while a sigmoid net still shows vanishing gradients
SGD_LR = {"sigmoid": 1.0, "tanh": 1.0, "relu": 0.1, "leaky_relu": 0.1, "elu": 0.1}
MAX_STEPS, MAX_LAYERS, MAX_WIDTH = 100_000, 50, 256  # a page stays openable, a run finishes
ENGINES = ("tensor", "value")
HAND_SET = {"W1": [[5.0, -7.0], [5.0, -7.0]], "b1": [-8.0, 3.0], "W2": [[-11.0], [-11.0]],
            "b2": [6.0]}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train", help="train a small net on a 2-D toy problem and write a page that replays it",
        description="Train a small classifier with full-batch gradient descent and write one "
                    "offline page: loss, decision boundary, gradient norms, weights, and the "
                    "graph of recorded iterations opening into forward, backward and update.")
    parser.add_argument("dataset", metavar="DATASET",
                        help="xor, moons, circles or spiral; or paths: the optimizers on "
                             "x²/20 + y², each update narrated")
    parser.add_argument("--html", metavar="PATH", help="write the page here")
    parser.add_argument("--model", metavar="SIZES", help="layer sizes, e.g. 2-4-1")
    parser.add_argument("--layers", metavar="N",
                        help=f"N Linear layers of --width units (at most {MAX_LAYERS})")
    parser.add_argument("--width", metavar="N", default="8",
                        help=f"hidden units for --layers (default 8, at most {MAX_WIDTH})")
    parser.add_argument("--activation", default=None, help=", ".join(ACTIVATIONS))
    parser.add_argument("--optimizer", default="sgd",
                        help="sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamw")
    parser.add_argument("--lr", default=None, help="learning rate (default for sgd: 1 with "
                                                   "sigmoid or tanh, 0.1 with the ReLU family; "
                                                   "0.05 for the other optimizers)")
    parser.add_argument("--steps", default="2000",
                        help=f"iterations (default 2000, at most {MAX_STEPS:,})")
    parser.add_argument("--seed", default="0", help="random seed for data and weights")
    parser.add_argument("--engine", default="tensor", help="tensor (nn) or value (scalar Values)")
    parser.add_argument("--lang", default="en", help="en or ko")
    parser.set_defaults(run=run)


def _number(text: str, name: str, kind=float, most: float | None = None):
    try:
        value = kind(text)
    except ValueError:
        raise CliError(f"--{name} {text!r} is not a number" + (
            " (a whole number)" if kind is int else "")) from None
    if not value > 0 or (kind is float and not math.isfinite(value)):
        raise CliError(f"--{name} must be positive, got {text}")
    if most is not None and value > most:
        raise CliError(f"--{name} {text} is more than this page can show; at most {most:,}")
    return value


def _choice(value: str, allowed, what: str) -> str:
    if value not in allowed:
        raise CliError(f"unknown {what} {value!r}; choose one of {', '.join(allowed)}")
    return value


def _sizes(options) -> list[int]:
    if options.model and options.layers:
        raise CliError("give --model or --layers, not both")
    if options.layers:
        layers = _number(options.layers, "layers", int, MAX_LAYERS)
        width = _number(options.width, "width", int, MAX_WIDTH)
        return [2] + [width] * (layers - 1) + [1]
    text = options.model or ("2-2-1" if options.dataset == "xor" else "2-8-1")
    parts = text.split("-")
    if len(parts) < 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise CliError(f"--model {text!r} is not layer sizes like 2-4-1 (positive whole numbers "
                       "joined by -)")
    sizes = [int(p) for p in parts]
    if len(sizes) - 1 > MAX_LAYERS or max(sizes) > MAX_WIDTH:
        raise CliError(f"--model {text!r} is more than this page can show; at most "
                       f"{MAX_LAYERS} layers of {MAX_WIDTH} units")
    if sizes[0] != 2 or sizes[-1] != 1:
        raise CliError(f"--model {text!r}: the data has 2 inputs and 1 output, so it must start "
                       "with 2 and end with 1 (e.g. 2-4-1)")
    return sizes


def _hand_set_section(lang: str) -> dict:
    """The notes' weights as scalar Values: XOR's four forward passes, drawn."""
    from tinygrad_edu import Value
    from viz import draw, svg_text
    from viz.words import words_of

    lines, svgs, captions = [], [], []
    w1, b1, w2, b2 = (HAND_SET[k] for k in ("W1", "b1", "W2", "b2"))
    lines.append("W1 = [[5, -7], [5, -7]], b1 = [-8, 3], W2 = [[-11], [-11]], b2 = [6]")
    for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        inputs = [Value(float(x1), label="x1"), Value(float(x2), label="x2")]
        hidden = []
        for j in range(2):  # the lecture's X @ W layout: column j is hidden unit j
            z = inputs[0] * w1[0][j] + inputs[1] * w1[1][j] + b1[j]
            hidden.append(z.sigmoid())
        out = (hidden[0] * w2[0][0] + hidden[1] * w2[1][0] + b2[0]).sigmoid()
        out.label = "ŷ"
        lines.append(f"x = ({x1}, {x2}): h = σ(x·W1 + b1) = ({hidden[0].data:.3f}, "
                     f"{hidden[1].data:.3f}), ŷ = σ(h·W2 + b2) = {out.data:.3f} → "
                     f"{int(out.data > 0.5)}  (XOR = {x1 ^ x2})")
        captions.append(f"x = ({x1}, {x2}) → ŷ = {out.data:.3f}")
        svgs.append(svg_text(draw(out, show_grad=False, legend=False, lang=lang)))
    return {"title": words_of("cli", lang)["hand_set_title"], "lines": lines, "svgs": svgs,
            "captions": captions, "id": "tg-hand-set"}


def _model(sizes, activation, engine, seed):
    if engine == "value":
        from tinygrad_edu.nn import ValueMLP

        return ValueMLP(sizes, activation=activation, seed=seed)
    from .lab.models import mlp

    init = "normal:1.0" if activation == "sigmoid" and len(sizes) <= 3 else "xavier"
    return mlp(sizes, activation=activation, init=init, seed=seed, output="sigmoid")


def _paths(options) -> int:
    """The notes' optimizer comparison on x²/20 + y² from (-7, 2), as a page."""
    from viz.training.paths import optimizer_paths, paths_page
    from viz.words import LANGUAGES

    from .lab.optimizers import FUNCTION_SETTINGS, START, anisotropic

    lang = _choice(options.lang, LANGUAGES, "language")
    steps = _number(options.steps, "steps", int, MAX_STEPS) if options.steps != "2000" else 30
    paths = optimizer_paths(anisotropic, START, FUNCTION_SETTINGS, steps=steps, lang=lang)
    for walk in paths:
        print(f"{walk['name']:>9} ({walk['options']}): f {walk['values'][0]:.4g} → "
              f"{walk['values'][-1]:.4g} in {steps} steps")
    if options.html:
        html = paths_page(paths, anisotropic, "f(x, y) = x²/20 + y²", options.html, lang=lang)
        print(f"wrote {options.html} ({len(html.encode()) / 1e3:.0f} kB)")
    return 0


def run(options) -> int:
    from viz.training.page import training_page
    from viz.training.recording import OPTIMIZERS, VALUE_ACTIVATIONS, record_training
    from viz.words import LANGUAGES, words_of

    from .data import TOY_DATASETS, toy_dataset

    dataset = _choice(options.dataset, [*TOY_DATASETS, "paths"], "dataset")
    if dataset == "paths":
        return _paths(options)
    optimizer = _choice(options.optimizer, list(OPTIMIZERS), "optimizer")
    engine = _choice(options.engine, ENGINES, "engine")
    lang = _choice(options.lang, LANGUAGES, "language")
    said = words_of("cli", lang)
    default_activation = "sigmoid" if dataset == "xor" else "tanh"
    activation = options.activation or default_activation
    _choice(activation, VALUE_ACTIVATIONS if engine == "value" else ACTIVATIONS, "activation")
    sizes = _sizes(options)
    steps = _number(options.steps, "steps", int, MAX_STEPS)
    lr = _number(options.lr, "lr") if options.lr else (
        SGD_LR[activation] if optimizer == "sgd" else 0.05)
    if not options.seed.isdigit():
        raise CliError(f"--seed {options.seed!r} must be a whole number >= 0")
    seed = int(options.seed)

    X, y = toy_dataset(dataset, seed=seed)
    description = "-".join(map(str, sizes)) + f" {activation}"
    sections = []
    if dataset == "xor" and not options.model and not options.layers:
        one = record_training(_model([2, 1], activation, engine, seed), X, y, optimizer=optimizer,
                              lr=lr, steps=steps, snapshots=2, frames=2)
        best, first, last = max(one.accuracy), one.loss[0], one.loss[-1]
        sections.append({"title": said["one_layer_title"].format(best=best),
                         "lines": [said["one_layer_line"].format(first=first, last=last)],
                         "id": "tg-one-layer"})
        sections.append(_hand_set_section(lang))
    recording = record_training(_model(sizes, activation, engine, seed), X, y,
                                optimizer=optimizer, lr=lr, steps=steps, lang=lang,
                                dataset=dataset, description=description)
    print(f"{dataset}: {description}, {optimizer} lr {lr:g}: loss {recording.loss[0]:.4f} → "
          f"{recording.loss[-1]:.4f}, accuracy {recording.accuracy[-1]:.2f} after "
          f"{recording.iterations} iterations")
    if len(recording.grad_norms) > 2:  # a deep net: the vanishing gradient, in numbers
        lines = [f"{name}: gradient norm at iteration 0 = {norms[0]:.3g}"
                 for name, norms in recording.grad_norms.items()]
        print("\n".join("  " + line for line in lines))
        at_start = [norms[0] for norms in recording.grad_norms.values()]
        ratio = at_start[0] / at_start[-1] if at_start[-1] else float("inf")
        lines.append(said["layers_ratio"].format(ratio=ratio, activation=activation))
        sections.append({"title": said["layers_title"], "lines": lines, "id": "tg-layers"})
    if recording.dead_layer:  # every unit of a layer passes no gradient: say it, in one line
        unit = "ReLU" if "relu" in activation else "unit"
        print(said["dead"].format(unit=unit, **recording.dead_layer))
    if options.html:
        html = training_page(recording, options.html, lang=lang, sections=sections)
        print(f"wrote {options.html} ({len(html.encode()) / 1e3:.0f} kB)")
    if recording.stopped:
        print(f"tinygrad-edu train: stopped at {recording.stopped}", file=sys.stderr)
        return 1
    return 0


__all__ = ["register", "run", "HAND_SET"]
