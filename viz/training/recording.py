"""A recorded training run, replayed for a page: `record_training` and `Recording`.

Training and recording are the library's (`tinygrad_edu.train.record_run`: `fit` on the
whole batch with a `Recorder`); this module only shows what was kept. For every
iteration a page gets the loss, the accuracy, each layer's gradient norm and a few
weights; for a bounded set of iterations (the first, the last and evenly spaced ones)
the whole picture: the graph with its values and gradients, the forward and backward
steps of `viz.steps` and the narrated update of `viz.training.updates`. Those pictures are made
when a page asks, by replaying the iteration from its snapshot
(`tinygrad_edu.train.replay`). Decision-boundary frames (the model's output on a grid)
are kept for at most ``frames`` iterations. That is what keeps a 2,000-iteration page to
a few hundred kilobytes.

``model`` is an ``nn.Module`` on Tensors, or `nn.ValueMLP`, a network of scalar Values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tinygrad_edu import Value
from tinygrad_edu.autograd import topo_order
from tinygrad_edu.nn import VALUE_ACTIVATIONS, ValueMLP
from tinygrad_edu.train import snapshot_iterations
from tinygrad_edu.train.runs import OPTIMIZERS, Run, record_run, replay, set_weights

from ..dot import draw
from ..explorer_data import explorer_document
from ..graph import format_number, value_id
from ..quantity import quantity, summarize
from ..steps import steps as graph_steps
from ..words import check_language, words_of
from .updates import narrated_step

__all__ = ["Recording", "ValueMLP", "record_training", "OPTIMIZERS", "snapshot_iterations",
           "VALUE_ACTIVATIONS"]


@dataclass
class Recording:
    """What a page replays: a `Run` (its `History`) and how to title it. Per iteration:
    ``loss``, ``accuracy``, ``grad_norms[layer]``, ``traces[entry]``; at
    ``frame_iterations``: ``frames`` (outputs on the grid); at the snapshots: the graph
    drawing and the steps. ``stopped`` explains an early end."""

    run: Run
    dataset: str = "data"
    description: str = ""
    lang: str = "en"
    _built: list[dict] | None = field(default=None, repr=False)

    @property
    def history(self):
        return self.run.history

    @property
    def X(self) -> np.ndarray:
        return self.run.X

    @property
    def y(self) -> np.ndarray:
        return self.run.y

    @property
    def optimizer(self) -> str:
        return self.run.optimizer_name

    @property
    def loss(self) -> list[float]:
        return self.history.steps.get("loss", [])

    @property
    def accuracy(self) -> list[float]:
        return self.history.steps.get("accuracy", [])

    @property
    def grad_norms(self) -> dict[str, list[float]]:
        return self.history.layer_grad_norms

    @property
    def traces(self) -> dict[str, list[float]]:
        return self.history.traces

    @property
    def grid(self) -> dict:
        return self.history.grid

    @property
    def frame_iterations(self) -> list[int]:
        return self.history.frame_iterations

    @property
    def frames(self) -> list[list[int]]:
        return self.history.frames

    @property
    def stopped(self) -> str | None:
        return self.history.stopped

    @property
    def dead_layer(self) -> dict | None:
        return self.history.dead_layer

    @property
    def saved(self) -> list[tuple[int, list[np.ndarray], dict]]:
        """(iteration, weights, optimizer state) of each snapshot."""
        return [(s.iteration, s.weights, s.optimizer_state) for s in self.history.snapshots]

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
            self._built = [_picture(self, snapshot) for snapshot in self.history.snapshots]
        return self._built


def record_training(model, X: np.ndarray, y: np.ndarray, optimizer: str = "sgd",
                    lr: float = 0.1, steps: int = 500, snapshots: int = 12, frames: int = 80,
                    traced_entries: int = 4, grid: int = 30, graph_budget: int = 600,
                    lang: str = "en", dataset: str = "data", description: str = "",
                    on_iteration: Callable[[int, float], None] | None = None) -> Recording:
    """Train ``model`` on (X, y) for ``steps`` full-batch iterations and record them
    (`tinygrad_edu.train.record_run`: ``fit`` with a ``Recorder``).

    ``optimizer`` is a name in `OPTIMIZERS`; ``lr`` its learning rate. At most
    ``snapshots`` iterations keep their graph, fewer when the graph is big (about
    ``graph_budget`` value nodes in all). A loss or a gradient that is not finite stops
    the run; ``Recording.stopped`` then names the iteration and the first parameter
    whose gradient was not finite.
    """
    check_language(lang, who="record_training")  # before minutes of training, not after
    run = record_run(model, X, y, optimizer=optimizer, lr=lr, steps=steps, snapshots=snapshots,
                     frames=frames, traced_entries=traced_entries, grid=grid,
                     graph_budget=graph_budget, on_step=on_iteration)
    return Recording(run, dataset=dataset, description=description, lang=lang)


def _picture(recording: Recording, snapshot) -> dict:
    """One snapshot replayed (`tinygrad_edu.train.replay`) and drawn: its graph, its
    steps, and its explorer document with the optimizer's update steps."""
    run, lang = recording.run, recording.lang
    parameters = [p for _, p in run.model.named_parameters()]
    nodes = [getattr(p, "value", p) for p in parameters]  # a ValueMLP's Values are drawn
    with replay(run, snapshot) as loss:
        order = topo_order(loss)
        position = {id(node): i for i, node in enumerate(order)}
        ids = {id(p): value_id(position[id(n)]) for p, n in zip(parameters, nodes, strict=True)
               if id(n) in position}
        magnitude = {value_id(i): float(np.mean(np.abs(node.grad)))
                     for i, node in enumerate(order) if node.grad is not None}
        picture = {"iteration": snapshot.iteration, "grad_magnitude": magnitude,
                   "drawing": draw(loss, collapse_over=300, modules=run.model, lang=lang),
                   "steps": _walk(loss, order, lang)}
        updates = narrated_step(run.optimizer, names=run.names, lang=lang, nodes=ids)
        picture["steps"] += updates
        after = [p.data.copy() for p in parameters]
        set_weights(parameters, snapshot.weights)  # the graph's weights, for the explorer
        extra = [_explorer_update(step, w, a, node) for step, w, a, node
                 in zip(updates, snapshot.weights, after, nodes, strict=True)]
        picture["explorer"] = explorer_document(
            loss, lang=lang, modules=run.model, extra_steps=extra,
            check_gradients=len(order) <= MAX_WALK)
    return picture


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
