"""What a training run is measured by, each defined once (the `Recorder` and the views
use these; nothing else measures them again):

* `gradient_norms(named_parameters, layers)` -- the L2 norm of each parameter's (or
  each layer's) gradient;
* `parameter_layers(model)` -- "layer 1", "layer 2", ... for each parameter, counted
  from the input side by the modules that hold parameters;
* `boundary_grid(X, size)` -- the grid of points a 2-D decision boundary is drawn on,
  and `probabilities(output)` -- a model's output there as numbers in [0, 1];
* `snapshot_iterations(steps, count)` -- the first, the last and evenly spaced steps;
* `silent_layer`, `capture_layer_outputs` -- which layer's units are all 0, what each
  layer of a `Sequential` output in a forward pass.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from .step import predict

__all__ = ["gradient_norms", "parameter_layers", "boundary_grid", "probabilities",
           "snapshot_iterations", "dead_layer_text", "scores", "first_non_finite",
           "silent_layer", "capture_layer_outputs"]


def gradient_norms(named_parameters: Iterable, layers: dict[str, str] | None = None
                   ) -> dict[str, float]:
    """``{name: ‖∂L/∂p‖}`` for each parameter, or with ``layers`` (parameter name ->
    layer name) ``{layer: √(Σ ‖∂L/∂p‖²)}`` over each layer's parameters. A parameter
    that got no gradient counts as 0; a NaN or inf anywhere makes its norm non-finite."""
    squares: dict[str, float] = {}
    for name, parameter in named_parameters:
        grad = parameter.grad
        total = 0.0
        if grad is not None:
            flat = grad.reshape(-1)
            # BLAS's dot: a tenth of the time of a float64 sum (bench_training's recording)
            total = float(np.dot(flat, flat))
            if not math.isfinite(total):  # float32 squares overflowed, or a NaN/inf is there
                total = float(np.sum(np.square(flat, dtype=np.float64)))
        key = name if layers is None else layers[name]
        squares[key] = squares.get(key, 0.0) + total
    return {key: math.sqrt(total) for key, total in squares.items()}


def parameter_layers(model) -> dict[str, str]:
    """Parameter name -> ``"layer k"``: the modules that hold parameters, numbered from
    the input side (``0.weight`` and ``0.bias`` are layer 1, ``2.weight`` layer 2: a
    9-layer net has layers 1 to 9 whatever its activations are called). A model may say
    it itself with a ``parameter_layers()`` method (`nn.ValueMLP` does)."""
    if hasattr(model, "parameter_layers"):
        return dict(model.parameter_layers())
    owners: dict[str, str] = {}
    layers = {}
    for name, _ in model.named_parameters():
        owner = name.rsplit(".", 1)[0] if "." in name else ""
        layers[name] = owners.setdefault(owner, f"layer {len(owners) + 1}")
    return layers


def boundary_grid(X: np.ndarray, size: int) -> tuple[dict, np.ndarray]:
    """The square of ``size × size`` points around the 2-D data ``X`` (15 % margin),
    row by row from the lowest y, and its description ``{"size", "x", "y"}``."""
    X = np.asarray(X, dtype=np.float64)
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.15 * np.maximum(high - low, 1e-6)
    low, high = low - pad, high + pad
    xs, ys = np.linspace(low[0], high[0], size), np.linspace(low[1], high[1], size)
    points = np.array([(x, y) for y in ys for x in xs])
    return {"size": size, "x": [float(low[0]), float(high[0])],
            "y": [float(low[1]), float(high[1])]}, points


def probabilities(output) -> np.ndarray:
    """One number in [0, 1] per point: a probability as it is, raw scores squashed by a
    sigmoid, several classes as the winning class's index scaled to [0, 1]."""
    output = np.asarray(output, dtype=np.float64)
    output = output.reshape(len(output), -1)
    if output.shape[1] == 1:
        column = output[:, 0]
        finite = column[np.isfinite(column)]
        if finite.size and (finite.min() < 0 or finite.max() > 1):
            with np.errstate(over="ignore"):
                column = 1 / (1 + np.exp(-column))
        return column
    return output.argmax(axis=1) / (output.shape[1] - 1)


def snapshot_iterations(steps: int, count: int) -> list[int]:
    """The first, the last and evenly spaced iterations between them (at most count)."""
    if steps <= count:
        return list(range(steps))
    if count < 2:
        return [0][:count]
    return sorted({round(i * (steps - 1) / (count - 1)) for i in range(count)})


def dead_layer_text(dead: dict, advice: str = "try a smaller learning rate") -> str:
    """``layer 3: every unit is dead since iteration 87 — ...`` (English; the pages take
    their words from viz.words)."""
    return (f"{dead['layer']}: every unit is dead since iteration {dead['since']} — no "
            f"gradient reaches the layers below; {advice}")


def scores(output, rows: int) -> np.ndarray:
    """A step's output as a (rows, columns) float array (a Tensor's, or a list of
    Values'), copied: the next step must not change it."""
    if isinstance(output, list | tuple):
        return np.array([float(value.data) for value in output]).reshape(rows, -1)
    return np.array(output.data, dtype=np.float64).reshape(rows, -1)


def first_non_finite(named: Iterable) -> str | None:
    """The name of the first parameter whose gradient holds a NaN or an inf."""
    for name, parameter in named:
        if parameter.grad is not None and not np.all(np.isfinite(parameter.grad)):
            return name
    return None


def silent_layer(model, x, layer_of: dict[str, str]) -> str | None:
    """The highest layer of a `Sequential` whose activation outputs 0 for every sample of
    ``x`` (one forward pass in evaluation mode), as ``"layer k"``; None if there is none."""
    outputs: dict = {}
    handles = capture_layer_outputs(model, outputs)
    if not handles:
        return None
    try:
        predict(model, x)
    finally:
        for handle in handles:
            handle.remove()
    owners = list(dict.fromkeys(name.rsplit(".", 1)[0] for name in layer_of if "." in name))
    found = None
    for name, values in outputs.items():
        index = name.split(".")[0]
        if index in owners or np.any(values):
            continue
        below = [owner for owner in owners if owner.isdigit() and int(owner) < int(index)]
        if below:  # the activation of the last layer with parameters below it
            found = layer_of[next(n for n in layer_of if n.startswith(below[-1] + "."))]
    return found


def capture_layer_outputs(model, into: dict) -> list:
    """For a sequence of layers (`Sequential`): keep each layer's output of the next
    forward pass in ``into["<index>.<Layer>"]``. Returns the hooks' handles."""
    if not isinstance(model, Iterable) or not hasattr(model, "register_forward_hook"):
        return []
    handles = []
    for index, layer in enumerate(model):
        name = f"{index}.{type(layer).__name__}"

        def keep(module, inputs, output, name=name):
            into[name] = output.data

        handles.append(layer.register_forward_hook(keep))
    return handles
