"""Recording a training run so that a page can replay it, iteration by iteration.

`record_training(model, X, y, ...)` trains a small binary classifier with full-batch
gradient descent and keeps, for **every** iteration, the loss, the accuracy, each
layer's gradient norm and a few entries of every parameter -- small numbers -- and,
for a **bounded** set of iterations (the first, the last and evenly spaced ones), the
whole picture: the graph with its values and gradients, the forward and backward steps
of `viz.steps` and the narrated update of `viz.updates`. Decision-boundary frames (the
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

from tinygrad_edu import Tensor, Value, no_grad, optim
from tinygrad_edu.autograd import topo_order
from tinygrad_edu.nn import functional as F

from .dot import draw
from .graph import value_id
from .steps import steps as graph_steps
from .updates import narrated_step

__all__ = ["Recording", "ValueMLP", "record_training", "OPTIMIZERS", "snapshot_iterations"]

# name -> (class, options): the CLI's --optimizer choices
OPTIMIZERS: dict[str, tuple[type, dict]] = {
    "sgd": (optim.SGD, {}), "momentum": (optim.SGD, {"momentum": 0.9}),
    "nesterov": (optim.SGD, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (optim.Adagrad, {}), "rmsprop": (optim.RMSprop, {}),
    "adadelta": (optim.Adadelta, {}), "adam": (optim.Adam, {}), "adamw": (optim.AdamW, {}),
}
VALUE_ACTIVATIONS = ("tanh", "sigmoid", "relu")


class ValueMLP:
    """A fully connected net of scalar Values, as the lecture draws it (one circle per
    multiply). ``sizes = [2, 2, 1]``; hidden layers use ``activation``, the output a
    sigmoid. Weights are drawn from N(0, 1) with ``seed``; parameters are named
    ``W1[j,i]`` and ``b1[j]`` as on the slides."""

    def __init__(self, sizes: list[int], activation: str = "tanh", seed: int = 0) -> None:
        if activation not in VALUE_ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r} for Values; choose one of "
                             f"{', '.join(VALUE_ACTIVATIONS)}")
        rng = np.random.default_rng(seed)
        self.sizes, self.activation = list(sizes), activation
        self.layers = []  # (weights[out][in], biases[out])
        for number, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), 1):
            weights = [[Value(float(rng.standard_normal()), label=f"W{number}[{j},{i}]")
                        for i in range(fan_in)] for j in range(fan_out)]
            biases = [Value(0.0, label=f"b{number}[{j}]") for j in range(fan_out)]
            self.layers.append((weights, biases))

    def named_values(self) -> list[tuple[str, Value]]:
        return [(v.label, v) for weights, biases in self.layers
                for v in [*(w for row in weights for w in row), *biases]]

    def __call__(self, row) -> Value:
        values = [float(x) for x in row]
        for number, (weights, biases) in enumerate(self.layers, 1):
            last = number == len(self.layers)
            outputs = []
            for w_row, b in zip(weights, biases, strict=True):
                z = b
                for w, x in zip(w_row, values, strict=True):
                    z = w * x + z
                outputs.append(z.sigmoid() if last else getattr(z, self.activation)())
            values = outputs
        return values[0]

    def predict(self, points: np.ndarray) -> np.ndarray:
        """The output for many points at once, in numpy (for the decision boundary)."""
        act = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
               "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[self.activation]
        h = np.asarray(points, dtype=np.float64)
        for number, (weights, biases) in enumerate(self.layers, 1):
            w = np.array([[v.data for v in row] for row in weights])
            z = h @ w.T + np.array([b.data for b in biases])
            h = 1 / (1 + np.exp(-z)) if number == len(self.layers) else act(z)
        return h[:, 0]


class _TensorRun:
    """A Tensor model trained on the whole batch with binary cross-entropy."""

    def __init__(self, model, X, y):
        self.model, self.x, self.y = model, Tensor(X), y
        self.named = list(model.named_parameters())
        self.tensors = [p for _, p in self.named]
        self.modules = model  # draw() boxes each layer and names its parameters

    def forward_backward(self, keep: bool):
        loss = F.binary_cross_entropy(self.model(self.x).reshape(-1), self.y)
        loss.backward(retain_graph=keep, keep_all_grads=keep)
        return loss

    def sync(self) -> None:
        pass

    def predict(self, points: np.ndarray) -> np.ndarray:
        with no_grad():
            return self.model(Tensor(points.astype(np.float32))).data.reshape(-1)

    def layer(self, name: str) -> str:
        return f"layer {name.rsplit('.', 1)[0]}" if "." in name else name

    def nodes(self) -> list:
        return self.tensors


class _ValueRun:
    """A Value network: each Value is mirrored by a one-element float64 Tensor that the
    optimizer steps; the new number is copied back after every step."""

    def __init__(self, model, X, y):
        self.model, self.X, self.y = model, np.asarray(X, np.float64), np.asarray(y)
        self.named = [(name, Tensor(np.array([v.data]), requires_grad=True, dtype=np.float64))
                      for name, v in model.named_values()]
        self.values = [v for _, v in model.named_values()]
        self.tensors = [t for _, t in self.named]
        self.modules = None

    def forward_backward(self, keep: bool):
        for v in self.values:
            v.grad = 0.0
        total = None
        for row, target in zip(self.X, self.y, strict=True):
            p = self.model(row)
            term = p.log() if target else (1 - p).log()  # the logistic cost, one point
            total = term if total is None else total + term
        loss = total * (-1.0 / len(self.y))
        loss.backward()
        for v, t in zip(self.values, self.tensors, strict=True):
            t.grad = np.array([v.grad])
        return loss

    def sync(self) -> None:
        for v, t in zip(self.values, self.tensors, strict=True):
            v.data = float(t.data[0])

    def predict(self, points: np.ndarray) -> np.ndarray:
        return self.model.predict(points)

    def layer(self, name: str) -> str:
        return f"layer {name[1:name.index('[')]}"

    def nodes(self) -> list:
        return self.values


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
    snapshots: list[dict] = field(default_factory=list)
    stopped: str | None = None
    lang: str = "en"

    @property
    def iterations(self) -> int:
        return len(self.loss)


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
                    lang: str = "en",
                    dataset: str = "data", description: str = "",
                    on_iteration: Callable[[int, float], None] | None = None) -> Recording:
    """Train ``model`` on (X, y) for ``steps`` full-batch iterations and record them.

    ``optimizer`` is a name in `OPTIMIZERS`; ``lr`` its learning rate. At most
    ``snapshots`` iterations keep their graph, fewer when the graph is big (about
    ``graph_budget`` value nodes in all). A loss or a
    gradient that is not finite stops the run; ``Recording.stopped`` then names the
    iteration and the first parameter whose gradient was not finite.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    if steps < 1 or not lr > 0:
        raise ValueError(f"steps and lr must be positive, got steps={steps}, lr={lr}")
    run = _ValueRun(model, X, y) if hasattr(model, "named_values") else _TensorRun(model, X, y)
    cls, options = OPTIMIZERS[optimizer]
    opt = cls(run.tensors, lr=lr, **options)
    names = {id(t): name for name, t in run.named}
    recording = Recording(dataset=dataset, X=np.asarray(X), y=np.asarray(y),
                          description=description, optimizer=optimizer, lang=lang)
    two_d = np.asarray(X).ndim == 2 and np.asarray(X).shape[1] == 2
    if two_d:
        recording.grid, points = _grid(np.asarray(X, np.float64), grid)
    snap_at = set(snapshot_iterations(steps, snapshots))
    frame_at = set(snapshot_iterations(steps, frames)) | snap_at
    traced = []  # (entry name, tensor, flat index)
    for name, t in run.named:
        for flat in range(min(traced_entries, t.data.size)):
            label = name if t.data.size == 1 else f"{name}[{flat}]"
            traced.append((label, t, flat))
            recording.traces[label] = []
    targets = np.asarray(y).reshape(-1)
    with np.errstate(all="ignore"):  # a run that diverges is caught and explained in the loop
        _loop(run, opt, recording, steps, snap_at, frame_at, traced, targets, names, X,
              points if two_d else None, snapshots, graph_budget, lang, on_iteration)
    return recording


def _loop(run, opt, recording, steps, snap_at, frame_at, traced, targets, names, X, points,
          snapshots, graph_budget, lang, on_iteration) -> None:
    """The iterations of `record_training` (see there)."""
    two_d = points is not None
    for k in range(steps):
        for label, t, flat in traced:  # the weight used by this iteration's forward pass
            recording.traces[label].append(float(t.data.reshape(-1)[flat]))
        keep = k in snap_at
        try:
            opt.zero_grad()
            loss = run.forward_backward(keep)
        except (ValueError, ArithmeticError) as error:  # a Value's log(0), exp overflow...
            recording.stopped = f"iteration {k}: {error}"
            for values in recording.traces.values():
                values.pop()
            break
        loss_value = float(loss.data if isinstance(loss, Value) else loss.item())
        recording.loss.append(loss_value)
        outputs = run.predict(np.asarray(X, np.float64))
        recording.accuracy.append(float(np.mean((outputs > 0.5) == (targets > 0.5))))
        norms: dict[str, float] = {}
        for name, t in run.named:
            if t.grad is not None:
                layer = run.layer(name)
                norms[layer] = norms.get(layer, 0.0) + float(np.sum(np.square(t.grad)))
        for layer, total in norms.items():
            recording.grad_norms.setdefault(layer, []).append(math.sqrt(total))
        bad = _first_bad_gradient(run.named)
        if bad is not None or not math.isfinite(loss_value):
            recording.stopped = (f"iteration {k}: the loss is {loss_value:g}; the first "
                                 f"parameter whose gradient was not finite: {bad or 'none'}")
            break
        if two_d and k in frame_at:  # the boundary of the weights this iteration used
            recording.frame_iterations.append(k)
            recording.frames.append([int(round(100 * p)) for p in run.predict(points)])
        if keep:
            order = topo_order(loss)
            if k == 0:  # big graphs (scalar nets) get fewer snapshots: the page stays small
                count = max(2, min(snapshots, graph_budget // max(len(order), 1)))
                snap_at = set(snapshot_iterations(steps, count))
            position = {id(node): i for i, node in enumerate(order)}
            nodes = {id(t): value_id(position[id(n)])
                     for t, n in zip(run.tensors, run.nodes(), strict=True) if id(n) in position}
            magnitude = {value_id(i): float(np.mean(np.abs(node.grad)))
                         for i, node in enumerate(order) if node.grad is not None}
            snapshot = {"iteration": k, "grad_magnitude": magnitude,
                        "drawing": draw(loss, collapse_over=300, modules=run.modules),
                        "steps": _walk(loss, order, lang)}
            snapshot["steps"] += narrated_step(opt, names=names, lang=lang, nodes=nodes)
            recording.snapshots.append(snapshot)
        else:
            opt.step()
        run.sync()
        if on_iteration is not None:
            on_iteration(k, loss_value)


MAX_WALK = 400  # value nodes: a bigger graph's walk-through would outweigh the whole page
TOO_BIG = {"en": "{n} nodes: too many to walk through one by one here (use fewer data points, "
                 "or the tensor engine); the update steps follow",
           "ko": "노드 {n}개: 한 단계씩 보기에는 너무 많음 (데이터를 줄이거나 tensor 엔진 사용); "
                 "갱신 단계는 아래에"}


def _walk(loss, order, lang: str) -> list[dict]:
    """The forward and backward steps of `viz.steps`, or one note for a huge graph."""
    if len(order) > MAX_WALK:
        note = TOO_BIG.get(lang, TOO_BIG["en"]).format(n=len(order))
        return [{"phase": phase, "node": "", "title": note, "lines": [note], "values": [],
                 "grads": []} for phase in ("forward", "backward")]
    return [_step_dict(s) for s in graph_steps(loss, lang=lang)]


def _step_dict(step) -> dict:
    return {"phase": step.phase, "node": step.node, "title": step.title,
            "lines": list(step.lines), "values": list(step.reveal_values),
            "grads": list(step.reveal_grads)}
