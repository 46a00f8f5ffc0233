"""The numbers of backprop through time on a sequence folded by time step
(`viz.time_steps`), read from the engine: what each op sent the states, the factor one
step back can multiply a gradient by, and W_hh's contribution from each step. `viz.bptt`
tells them; the tests check them against the engine's gradients.
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.nn.recurrent import parse_step_label

from .opinfo import local_grads
from .time_steps import TimeFold

__all__ = ["Recurrence", "recurrence_of", "subscript", "norm", "spectral_norms", "step_factor",
           "weight_contributions"]

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(name: str, step: int) -> str:
    """``h₃``: a state's name with its time step as a subscript."""
    return name + str(step).translate(_SUBSCRIPTS)


def norm(x) -> float:
    return float(np.linalg.norm(np.asarray(x, dtype=np.float64)))


class Recurrence:
    """What the telling reads of the graph: positions, consumers, labels by step."""

    def __init__(self, facts, fold: TimeFold) -> None:
        self.facts, self.fold, self.order = facts, fold, facts.order
        self.position = facts.position
        self.consumers: list[list[tuple[int, int]]] = [[] for _ in self.order]
        for i, node in enumerate(self.order):
            for slot, parent in enumerate(node.parents):
                self.consumers[self.position[parent]].append((i, slot))
        self.labelled = {}
        for i, node in enumerate(self.order):
            parsed = parse_step_label(node.label) if node.label else None
            if parsed is not None:
                self.labelled[parsed.name, parsed.step, parsed.layer] = i
        self.box_of = {i: (step, layer) for (step, layer), gid in fold.boxes.items()
                       for i in fold.members[gid]}
        for at, found in fold.lane.items():
            for i in found:
                self.box_of[i] = at
        self.sent: dict[int, tuple | None] = {}      # what each op sent its parents
        self.factors: dict[tuple[int, int], float | None] = {}

    def local(self, i: int) -> tuple | None:
        """What op i sent each parent (its rule on its upstream), worked out once."""
        if i not in self.sent:
            node = self.order[i]
            self.sent[i] = None if node.grad is None else local_grads(node, node.grad)
        return self.sent[i]

    def kind(self, layer: int) -> str:
        names = {name for name, _, at in self.labelled if at == layer}
        return "lstm" if "f" in names else "gru" if "z" in names else "rnn"

    def at(self, name: str, step: int, layer: int) -> int | None:
        return self.labelled.get((name, step, layer))

    def recurrent_linear(self, step: int, layer: int) -> int | None:
        """The step's ``linear`` node that multiplies h_{t-1} by W_hh."""
        previous = self.at("h", step - 1, layer)
        for i, slot in self.consumers[previous] if previous is not None else ():
            node = self.order[i]
            if node.op == "linear" and slot == 0 and self.box_of.get(i) == (step, layer):
                return i
        return None

    def sources(self, j: int, step: int, layer: int) -> list[tuple[str, np.ndarray]]:
        """The gradients node j received, by the op that sent each, named as the lecture
        names them (y₃, h₄, c₄, h_n), those from one source added together."""
        found: dict[str, np.ndarray] = {}
        for i, slot in self.consumers[j]:
            sent = self.local(i)
            if sent is None or sent[slot] is None:
                continue
            name = self._source_name(i, step, layer, self.order[j].label)
            part = np.asarray(sent[slot], dtype=np.float64)
            found[name] = part if name not in found else found[name] + part
        return list(found.items())

    def _source_name(self, i: int, step: int, layer: int, label: str) -> str:
        at = self.box_of.get(i)
        node = self.order[i]
        if at == (step + 1, layer):  # the next step read it
            state = "c" if i in self.fold.lane.get(at, ()) else "h"
            return subscript(state, step + 1)
        if at == (step, layer):      # inside its own step: c_t is read by h_t's tanh
            return subscript("h", step)
        if node.op == "stack" and node.label == "h_n":
            return "h_n"
        if node.op == "stack" and node.label == "c_n":
            return "c_n"
        if node.op == "stack":
            return subscript("y", step)
        return self.facts.names[i]


def recurrence_of(facts, fold: TimeFold) -> Recurrence:
    """The one `Recurrence` of a fold: the steps and the section read the same numbers."""
    if "bptt" not in fold.cache:
        fold.cache["bptt"] = Recurrence(facts, fold)
    return fold.cache["bptt"]


def spectral_norms(weight: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """‖W_hhᵀ diag(s)‖₂ for each row s of ``slopes``: exactly (singular values) up to a
    hidden size of 64, else by power iteration on every row at once (an SVD for each
    sequence of each step of a 128-wide network took a minute per page)."""
    if weight.shape[0] <= 64:
        return np.linalg.norm(weight.T[None, :, :] * slopes[:, None, :], 2, axis=(1, 2))
    x = np.random.default_rng(0).standard_normal(slopes.shape)
    estimate = np.zeros(len(slopes))
    for _ in range(300):
        # A = Wᵀ diag(s) acts on a row vector v as (s ⊙ v) @ W; Aᵀ on y as s ⊙ (y @ Wᵀ)
        x = slopes * (((slopes * x) @ weight) @ weight.T)
        size = np.linalg.norm(x, axis=1, keepdims=True)
        x = x / np.where(size > 0, size, 1)
        previous, estimate = estimate, np.sqrt(size[:, 0])
        if np.all(np.abs(estimate - previous) <= 1e-7 * estimate):
            break
    return estimate


def step_factor(graph: Recurrence, kind: str, step: int, layer: int) -> float | None:
    """How much going back from step t to t − 1 can multiply a gradient by (worked out
    for every step of the layer at once)."""
    if (step, layer) not in graph.factors:
        steps = graph.fold.steps_of(layer)
        graph.factors.update(zip([(t, layer) for t in steps],
                                 _factors(graph, kind, steps, layer), strict=True))
    return graph.factors[step, layer]


def _factors(graph: Recurrence, kind: str, steps: list[int], layer: int) -> list[float | None]:
    order = graph.order
    if kind in ("lstm", "gru"):  # along the cell lane (f_t) or the direct path (z_t)
        gates = [graph.at("f" if kind == "lstm" else "z", t, layer) for t in steps]
        return [None if g is None else float(np.mean(order[g].data)) for g in gates]
    found = [(graph.at("h", t, layer), graph.recurrent_linear(t, layer)) for t in steps]
    known = [(h, linear) for h, linear in found if h is not None and linear is not None]
    if not known:
        return [None] * len(steps)
    weight = np.asarray(order[known[0][1]].parents[1].data, dtype=np.float64)
    states = [np.asarray(order[h].data, dtype=np.float64).reshape(-1, weight.shape[0])
              for h, _ in known]
    slopes = [1 - s ** 2 if order[h].op == "tanh" else (s > 0).astype(np.float64)
              for s, (h, _) in zip(states, known, strict=True)]
    norms = iter(np.split(spectral_norms(weight, np.concatenate(slopes)),
                          np.cumsum([len(s) for s in slopes])[:-1]))
    # ‖W_hhᵀ diag(slope)‖₂ for each sequence of the batch; the batch's is the largest
    return [float(np.max(next(norms))) if h is not None and linear is not None else None
            for h, linear in found]


def weight_contributions(graph: Recurrence, layer: int, steps: list[int]):
    """W_hh of the layer and each step's contribution to its gradient (None where the
    step's upstream was not kept)."""
    weight, parts = None, []
    for step in steps:
        linear = graph.recurrent_linear(step, layer)
        if linear is None:
            parts.append(None)
            continue
        weight = graph.order[linear].parents[1]
        sent = graph.local(linear)
        parts.append(None if sent is None or sent[1] is None
                     else np.asarray(sent[1], dtype=np.float64))
    return weight, parts
