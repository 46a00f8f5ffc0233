"""Recording a training run so that a page can replay it, iteration by iteration.

`record_training(model, X, y, ...)` trains a small binary classifier with full-batch
gradient descent and keeps, for **every** iteration, the loss, the accuracy, each
layer's gradient norm and a few entries of every parameter -- small numbers -- and,
for a **bounded** set of iterations (the first, the last and evenly spaced ones), the
whole picture: the graph with its values and gradients, the forward and backward steps
of `viz.steps` and the narrated update of `viz.updates` (while training runs those
iterations keep only their weights and the optimizer's state; the pictures are made when
a page asks, by running the iteration again). Decision-boundary frames (the
model's output on a grid) are kept for at most ``frames`` iterations. That is what
keeps a 2,000-iteration page to a few hundred kilobytes.

``model`` is an ``nn.Module`` on Tensors, or a network of scalar `Value`s with
``named_values()`` and ``__call__(row) -> Value`` such as `ValueMLP`. Values are
stepped by the library's own optimizers through one-element Tensors that mirror them,
so both kinds of model are narrated by the same code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tinygrad_edu import Value, optim
from tinygrad_edu.autograd import topo_order

from .dot import draw
from .explorer_data import explorer_document
from .graph import format_number, value_id
from .quantity import quantity, summarize
from .steps import steps as graph_steps
from .training_runs import VALUE_ACTIVATIONS, TensorRun, ValueMLP, ValueRun
from .updates import narrated_step
from .words import words_of

__all__ = ["Recording", "ValueMLP", "record_training", "OPTIMIZERS", "snapshot_iterations",
           "VALUE_ACTIVATIONS"]

# name -> (class, options): the CLI's --optimizer choices
OPTIMIZERS: dict[str, tuple[type, dict]] = {
    "sgd": (optim.SGD, {}), "momentum": (optim.SGD, {"momentum": 0.9}),
    "nesterov": (optim.SGD, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (optim.Adagrad, {}), "rmsprop": (optim.RMSprop, {}),
    "adadelta": (optim.Adadelta, {}), "adam": (optim.Adam, {}), "adamw": (optim.AdamW, {}),
}
@dataclass
class Recording:
    """What a page replays. Per iteration: ``loss``, ``accuracy``, ``grad_norms[layer]``,
    ``traces[entry]``; at ``frame_iterations``: ``frames`` (outputs on the grid); at
    ``snapshots``: the graph drawing and the steps. ``stopped`` explains an early end."""

    dataset: str
    X: np.ndarray
    y: np.ndarray
    description: str
    optimizer: str
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    grad_norms: dict[str, list[float]] = field(default_factory=dict)
    traces: dict[str, list[float]] = field(default_factory=dict)
    grid: dict = field(default_factory=dict)
    frame_iterations: list[int] = field(default_factory=list)
    frames: list[list[int]] = field(default_factory=list)
    stopped: str | None = None
    lang: str = "en"
    # (iteration, parameters, optimizer state) at the snapshot iterations: cheap to keep
    # while training; `snapshots` replays them into graphs and steps when a page asks
    saved: list[tuple[int, list[np.ndarray], dict]] = field(default_factory=list, repr=False)
    trainer: tuple | None = field(default=None, repr=False)  # (run, optimizer, names)
    _built: list[dict] | None = field(default=None, repr=False)

    @property
    def iterations(self) -> int:
        return len(self.loss)

    @property
    def snapshots(self) -> list[dict]:
        """Per snapshot iteration: ``iteration``, ``drawing`` (graph with values and
        gradients), ``grad_magnitude``, ``steps`` (forward, backward, update) and
        ``explorer``: the explorer document of that iteration's graph (its weights before
        the update) with the update steps after the backward ones."""
        if self._built is None:
            self._built = _replay(self)
        return self._built


def snapshot_iterations(steps: int, count: int) -> list[int]:
    """The first, the last and evenly spaced iterations between them (at most count)."""
    if steps <= count:
        return list(range(steps))
    return sorted({round(i * (steps - 1) / (count - 1)) for i in range(count)})


def _grid(X: np.ndarray, size: int) -> tuple[dict, np.ndarray]:
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.15 * np.maximum(high - low, 1e-6)
    low, high = low - pad, high + pad
    xs, ys = np.linspace(low[0], high[0], size), np.linspace(low[1], high[1], size)
    points = np.array([(x, y) for y in ys for x in xs])  # row by row, top row = lowest y
    return {"size": size, "x": [float(low[0]), float(high[0])],
            "y": [float(low[1]), float(high[1])]}, points


def _first_bad_gradient(named) -> str | None:
    for name, tensor in named:
        if tensor.grad is not None and not np.all(np.isfinite(tensor.grad)):
            return name
    return None


def record_training(model, X: np.ndarray, y: np.ndarray, optimizer: str = "sgd",
                    lr: float = 0.1, steps: int = 500, snapshots: int = 12, frames: int = 80,
                    traced_entries: int = 4, grid: int = 30, graph_budget: int = 600,
                    lang: str = "en", dataset: str = "data", description: str = "",
                    on_iteration: Callable[[int, float], None] | None = None) -> Recording:
    """Train ``model`` on (X, y) for ``steps`` full-batch iterations and record them.

    ``optimizer`` is a name in `OPTIMIZERS`; ``lr`` its learning rate. At most
    ``snapshots`` iterations keep their graph, fewer when the graph is big (about
    ``graph_budget`` value nodes in all). A loss or a gradient that is not finite stops
    the run; ``Recording.stopped`` then names the iteration and the first parameter
    whose gradient was not finite.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    if steps < 1 or not lr > 0:
        raise ValueError(f"steps and lr must be positive, got steps={steps}, lr={lr}")
    run = ValueRun(model, X, y) if hasattr(model, "named_values") else TensorRun(model, X, y)
    cls, options = OPTIMIZERS[optimizer]
    opt = cls(run.tensors, lr=lr, **options)
    recording = Recording(dataset=dataset, X=np.asarray(X), y=np.asarray(y),
                          description=description, optimizer=optimizer, lang=lang)
    recording.trainer = (run, opt, {id(t): name for name, t in run.named})
    recorder = _Recorder(run, opt, recording, traced_entries)
    points = None
    if recording.X.ndim == 2 and recording.X.shape[1] == 2:
        recording.grid, points = _grid(np.asarray(X, np.float64), grid)
    snap_at = set(snapshot_iterations(steps, snapshots))
    frame_at = set(snapshot_iterations(steps, frames)) | snap_at
    with np.errstate(all="ignore"):  # a run that diverges is caught and explained below
        for k in range(steps):
            loss_value = recorder.iteration(k)
            if loss_value is None:
                break
            if k == 0:  # big graphs (scalar nets) get fewer snapshots: the page stays small
                size = len(topo_order(recorder.loss))
                snap_at = set(snapshot_iterations(steps, max(2, min(snapshots,
                                                                    graph_budget // size))))
            if points is not None and k in frame_at:  # the weights this iteration used
                recording.frame_iterations.append(k)
                recording.frames.append(np.rint(100 * run.predict(points)).astype(int).tolist())
            if k in snap_at:  # what it takes to replay this iteration later
                recording.saved.append((k, [t.data.copy() for t in run.tensors],
                                        opt.state_dict()))
            opt.step()
            run.sync()
            if on_iteration is not None:
                on_iteration(k, loss_value)
    recorder.finish()
    return recording


MAX_TRACES = 24


class _Recorder:
    """The per-iteration bookkeeping, kept light: it runs 2,000 times for one page."""

    def __init__(self, run, opt, recording: Recording, traced_entries: int) -> None:
        self.run, self.opt, self.recording = run, opt, recording
        self.layers = {id(t): run.layer(name) for name, t in run.named}
        for layer in self.layers.values():
            recording.grad_norms.setdefault(layer, [])
        self.traced = []  # (tensor, how many of its first entries, their labels)
        # a deep net has many parameters: about MAX_TRACES lines in all is plenty to watch
        per_parameter = max(1, min(traced_entries, MAX_TRACES // max(len(run.named), 1)))
        for name, t in run.named:
            count = min(per_parameter, t.data.size)
            labels = [name if t.data.size == 1 else f"{name}[{i}]" for i in range(count)]
            if count:
                self.traced.append((t, count, labels))
        self.rows: list[np.ndarray] = []  # one row of traced weights per iteration
        self.outputs: list[np.ndarray] = []  # the model's outputs, for the accuracy
        self.targets = np.asarray(recording.y).reshape(-1) > 0.5
        self.loss = None

    def iteration(self, k: int) -> float | None:
        """Forward and backward of iteration ``k``; None when the run has to stop."""
        run, recording = self.run, self.recording
        # the weights this iteration's forward pass uses (before its update)
        row = [t.data.reshape(-1)[:count] for t, count, _ in self.traced]
        self.rows.append(np.concatenate(row) if row else np.zeros(0))
        try:
            self.opt.zero_grad()
            self.loss, outputs = run.forward_backward(False)
        except (ValueError, ArithmeticError) as error:  # a Value's log(0), exp overflow...
            blown = next((name for name, t in run.named if not np.all(np.isfinite(t.data))),
                         None)  # the last update threw a weight to inf or nan
            recording.stopped = f"iteration {k}: {error}" + (
                f"; the first parameter that is no longer finite: {blown}" if blown else "")
            self.rows.pop()
            return None
        loss_value = float(self.loss.data if isinstance(self.loss, Value) else self.loss.item())
        recording.loss.append(loss_value)
        self.outputs.append(outputs)
        norms = dict.fromkeys(recording.grad_norms, 0.0)
        for t in run.tensors:
            if t.grad is not None:
                norms[self.layers[id(t)]] += float(np.vdot(t.grad, t.grad))
        for layer, total in norms.items():
            recording.grad_norms[layer].append(math.sqrt(total))
        # a NaN or inf in any gradient makes its layer's sum of squares non-finite
        if all(map(math.isfinite, norms.values())) and math.isfinite(loss_value):
            return loss_value
        bad = _first_bad_gradient(run.named)
        recording.stopped = (f"iteration {k}: the loss is {loss_value:g}; the first "
                             f"parameter whose gradient was not finite: {bad or 'none'}")
        return None

    def finish(self) -> None:
        """Turn the per-iteration rows into the recording's lists."""
        recording = self.recording
        if self.outputs:
            correct = (np.array(self.outputs) > 0.5) == self.targets
            recording.accuracy = correct.mean(axis=1).tolist()
        labels = [label for _, _, names in self.traced for label in names]
        columns = np.array(self.rows, dtype=np.float64).reshape(len(self.rows), len(labels))
        for j, label in enumerate(labels):
            recording.traces[label] = columns[:, j].tolist()


def _replay(recording: Recording) -> list[dict]:
    """Run each saved iteration again -- its weights and optimizer state restored -- to
    draw its graph and write its steps, then put the trained weights back."""
    if recording.trainer is None:
        return []
    run, opt, names = recording.trainer
    final = [t.data.copy() for t in run.tensors]
    final_state = opt.state_dict()
    built = []
    try:
        with np.errstate(all="ignore"):
            for k, weights, state in recording.saved:
                for t, w in zip(run.tensors, weights, strict=True):
                    t.data[...] = w
                run.sync()
                opt.load_state_dict(state)
                opt.zero_grad()
                loss, _ = run.forward_backward(True)
                order = topo_order(loss)
                position = {id(node): i for i, node in enumerate(order)}
                nodes = {id(t): value_id(position[id(n)]) for t, n in
                         zip(run.tensors, run.nodes(), strict=True) if id(n) in position}
                magnitude = {value_id(i): float(np.mean(np.abs(node.grad)))
                             for i, node in enumerate(order) if node.grad is not None}
                snapshot = {"iteration": k, "grad_magnitude": magnitude,
                            "drawing": draw(loss, collapse_over=300, modules=run.modules,
                                            lang=recording.lang),
                            "steps": _walk(loss, order, recording.lang)}
                updates = narrated_step(opt, names=names, lang=recording.lang, nodes=nodes)
                snapshot["steps"] += updates
                after = [t.data.copy() for t in run.tensors]
                for t, w in zip(run.tensors, weights, strict=True):  # the graph's weights
                    t.data[...] = w  # are this iteration's again, for the explorer to read
                extra = [_explorer_update(step, w, a, node) for step, w, a, node
                         in zip(updates, weights, after, run.nodes(), strict=True)]
                snapshot["explorer"] = explorer_document(
                    loss, lang=recording.lang, modules=run.modules, extra_steps=extra,
                    check_gradients=len(order) <= MAX_WALK)
                built.append(snapshot)
    finally:
        for t, w in zip(run.tensors, final, strict=True):
            t.data[...] = w
        run.sync()
        opt.load_state_dict(final_state)
    return built


MAX_WALK = 400  # value nodes: a bigger graph's walk-through would outweigh the whole page


def _walk(loss, order, lang: str) -> list[dict]:
    """The forward and backward steps of `viz.steps`, or one note for a huge graph."""
    if len(order) > MAX_WALK:
        note = words_of("recording", lang, who="record_training")["too_big"].format(n=len(order))
        return [{"phase": phase, "node": "", "title": note, "lines": [note], "values": [],
                 "grads": []} for phase in ("forward", "backward")]
    return [_step_dict(s) for s in graph_steps(loss, lang=lang)]


def _explorer_update(step: dict, before: np.ndarray, after: np.ndarray, node) -> dict:
    """An update step for the explorer: its drawing shows the new weight from this step
    on (written as the drawing writes ``node``'s value), and its panel the weight before,
    the gradient, Δw and the weight after."""
    # the numbers are in its lines and views: the raw entries (NaN in a run that blew up)
    # would only make the page's JSON bigger, or invalid
    moved = bool(step["entries"])  # no gradient: no entries, and the weight stays
    step = {key: value for key, value in step.items() if key not in ("delta", "entries")}
    if step["node"] and moved:
        text = format_number(after.reshape(-1)[0]) if isinstance(node, Value) \
            else summarize(after)
        step["show"] = {step["node"]: {"value": text}}
    step["update_views"] = {"delta": quantity(after - before), "after": quantity(after)}
    return step


def _step_dict(step) -> dict:
    return {"phase": step.phase, "node": step.node, "title": step.title,
            "lines": list(step.lines), "values": list(step.reveal_values),
            "grads": list(step.reveal_grads)}
