"""The passes told step by step, as plain data (the shape of the explorer's steps).

Backward steps run in the engine's order (reverse topological). At each op, for each
parent that takes a gradient, one line holds the whole chain rule, first in the graph's
names and then in numbers::

    ∂f/∂w = ∂f/∂g · ∂g/∂w = 1 × x = 1 × 5 = 5

followed, where they apply, by what a learner needs to read it: a parent used several
times adds its gradients ("w is used twice: its gradients add, 2 + 3 = 5"), a broadcast
parent gets the upstream summed over the broadcast axes, a matrix product names its
shapes (``upstream (4, 1) @ Wᵀ (1, 2)``). Every number comes from the op's own rule
(`viz.opinfo.local_grads`), so the narration cannot disagree with the engine. Nothing
here changes a node; a second pass (``passes=2``) is computed, not run: op results start
afresh and leaves add, which is exactly what the engine's backward does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from tinygrad_edu.autograd import Node

from .names import Naming, format_number
from .opinfo import local_grads, local_text, op_symbol
from .quantity import quantity, summarize
from .shapes import ELEMENTWISE, _paren, broadcast_axes, broadcast_lines, tensor_product

__all__ = ["Facts", "Narrator", "backward_state", "broadcast_axes", "edge_id"]

UNARY_ELEMENTWISE = {"neg", "exp", "log", "1/x", "sqrt", "abs", "tanh", "sigmoid", "relu",
                     "leaky_relu", "elu"}


def edge_id(source: str, target: str, slot: int = 0) -> str:
    """The SVG id of the edge ``source -> target`` (``slot``: which argument it is)."""
    return f"e_{source}_{target}_{slot}"


def backward_state(order: list[Node]) -> str:
    """``"forward-only"`` before backward(), ``"other-output"`` when the gradients stored
    are not this root's (backward() ran from another output), ``"released"`` when a
    Tensor graph let its intermediate gradients go (a plain backward()), else
    ``"backward"``."""
    root = order[-1]
    if root.grad is None or (not root.parents and not root.grad):
        return "forward-only"
    if isinstance(root.grad, float) and root.grad == 0.0 and root.parents:
        return "forward-only"  # a Value's gradient starts at 0; backward seeds the root with 1
    if not np.all(np.asarray(root.grad) == 1):
        # the gradients were seeded elsewhere: a backward() through another output
        # (∂loss/∂node, not ∂root/∂node) or with a custom seed
        return "other-output"
    if any(node.parents and node.grad is None for node in order[:-1]):
        return "released"
    return "backward"


@dataclass
class Facts:
    """What the narration, the drawing and the document share about one graph."""

    order: list[Node]
    naming: Naming
    show_constants: bool = False
    position: dict = field(default_factory=dict)
    state: str = "backward"

    def __post_init__(self) -> None:
        self.position = {node: i for i, node in enumerate(self.order)}
        self.state = backward_state(self.order)

    @property
    def names(self) -> list[str]:
        return self.naming.names

    @property
    def has_gradients(self) -> bool:
        """Whether the stored gradients are this root's (∂root/∂node) to show."""
        return self.state in ("backward", "released")

    def hidden_constant(self, i: int) -> bool:
        return self.naming.kinds[i] == "constant" and not self.show_constants


def _num(x) -> str:
    """A number for a formula: negative ones in brackets, ``(-2)``."""
    text = format_number(x)
    return f"({text})" if text.startswith("-") else text


def _show(x) -> str:
    return summarize(x) if isinstance(x, np.ndarray) else format_number(x)


def _shape(x) -> str:
    return str(tuple(np.shape(x)))


class Narrator:
    """Builds step dicts for one graph (see the module docstring)."""

    def __init__(self, facts: Facts, words: dict[str, str], visible: set[int] | None = None):
        self.facts, self.words = facts, words
        self.visible = visible  # None: every node is visible
        self.order, self.names = facts.order, facts.names
        self.root_name = self.names[-1]
        self.lang = words.get("lang", "en")
        self._contributions: dict[int, tuple | None] = {}
        self._locals: dict[int, tuple | None] = {}
        self._consumers: Counter | None = None

    # ---- helpers ----

    def _id(self, i: int) -> str:
        return f"n{i}"

    def _is_visible(self, i: int) -> bool:
        return self.visible is None or i in self.visible

    def contributions(self, i: int) -> tuple | None:
        """What node ``i`` sends each parent: upstream × local, by the op's rule."""
        if i not in self._contributions:
            node = self.order[i]
            self._contributions[i] = None if node.grad is None else local_grads(node, node.grad)
        return self._contributions[i]

    def _local_numbers(self, i: int) -> tuple | None:
        """The local derivatives themselves (the rule at upstream 1), where they are
        numbers a learner can read: scalars, and small elementwise tensors."""
        if i not in self._locals:
            node = self.order[i]
            if isinstance(node.data, np.ndarray):
                small = node.data.size <= 6 and node.op in ELEMENTWISE | UNARY_ELEMENTWISE
                one = np.ones_like(node.data) if small else None
                self._locals[i] = local_grads(node, one) if small else None
            else:
                self._locals[i] = local_grads(node, 1.0)
        return self._locals[i]

    def _takes_gradient(self, i: int, slot: int) -> bool:
        node = self.order[i]
        parent = node.parents[slot]
        j = self.facts.position[parent]
        if self.facts.hidden_constant(j) or not getattr(parent, "requires_grad", True):
            return False
        sent = self.contributions(i)
        return sent is not None and sent[slot] is not None

    def uses(self) -> dict[int, int]:
        """How many gradients arrive at each node (one per use by an op that passes one)."""
        count: dict[int, int] = {}
        for i, node in enumerate(self.order):
            if node.parents and node.grad is not None:
                for slot, parent in enumerate(node.parents):
                    if self._takes_gradient(i, slot):
                        j = self.facts.position[parent]
                        count[j] = count.get(j, 0) + 1
        return count

    def _blank(self):
        return 0.0 if isinstance(self.order[-1].grad, float) else None

    def backward_steps(self, phase: str = "backward", number: int = 1,
                       start: dict[int, object] | None = None) -> tuple[list[dict], dict]:
        """One backward pass: the seed, then every op. ``start``: what the leaves already
        hold (a second pass without zero_grad). Returns (steps, what every node holds)."""
        words, root = self.words, len(self.order) - 1
        held: dict[int, object] = dict(start or {})
        uses, arrived = self.uses(), {}
        seed = self.order[root].grad
        held[root] = seed
        steps = [_step(phase, number, self._id(root),
                       words["seed_title"].format(root=self.root_name),
                       [words["seed"].format(root=self.root_name, grad=_show(seed))],
                       grads={self._id(root): seed}, receives=[self._id(root)])]
        for i in range(root, -1, -1):
            node = self.order[i]
            if not node.parents or node.grad is None:
                continue
            if not self._is_visible(i):  # folded away: its gradients still arrive
                self._pass_on(i, held, arrived)
                continue
            step = self._op_step(i, phase, number, held, uses, arrived, start)
            if step is not None:
                steps.append(step)
        return steps, held

    def _pass_on(self, i: int, held: dict, arrived: dict) -> None:
        """What `_op_step` adds up, without the words (for a node nobody sees)."""
        sent = self.contributions(i)
        if sent is None:
            return
        position = self.facts.position
        for slot, parent in enumerate(self.order[i].parents):
            if sent[slot] is None or not getattr(parent, "requires_grad", True):
                continue
            j = position[parent]
            if self.facts.hidden_constant(j):
                continue
            old = held.get(j)
            held[j] = sent[slot] if old is None else old + sent[slot]
            _arrive(arrived, j, sent[slot])

    def _op_step(self, i, phase, number, held, uses, arrived, start) -> dict | None:
        node, words, names = self.order[i], self.words, self.names
        later_pass = start is not None
        sent = self.contributions(i)
        if sent is None:
            return self._stored_step(i, phase, number, held)
        local = self._local_numbers(i)
        lines, grads, targets, edges = [], {}, [], [edge_id(f"op{i}", self._id(i))]
        questions, masked, masked_hard = [], {}, {}
        for slot, parent in enumerate(node.parents):
            j = self.facts.position[parent]
            if self.facts.hidden_constant(j):
                continue
            if not getattr(parent, "requires_grad", True):
                lines.append(words["skipped"].format(parent=names[j]))
                continue
            if sent is None or sent[slot] is None:
                continue
            contribution = sent[slot]
            line, asked = self._chain_line(i, slot, contribution, local)
            if asked is not None:
                questions += asked[0]
                masked[len(lines)], masked_hard[len(lines)] = asked[1], asked[2]
            lines.append(line)
            lines.extend(broadcast_lines(self.words, node, parent, self.names[j]))
            old = held.get(j)
            held[j] = contribution if old is None else old + contribution
            got = _arrive(arrived, j, contribution)
            complete = got["count"] == uses.get(j, 1)
            if uses.get(j, 1) > 1:
                lines.append(self._reuse_line(j, got, uses[j]))
            if later_pass and complete and not parent.parents and start.get(j) is not None:
                lines.append(words["leaf_adds"].format(
                    name=names[j], old=_show(start[j]), new=_show(got["total"]),
                    total=_show(held[j])))
            if number == 1 and complete:  # only the first pass is what the engine stored
                lines.extend(self._accumulated_lines(parent, j, held[j]))
            grads[self._id(j)] = held[j]
            targets.append(self._id(j))
            edges.append(edge_id(f"n{j}", f"op{i}", slot))
        if not lines:
            return None
        shown = [self.facts.position[p] for p in node.parents]
        parents = ", ".join(dict.fromkeys(names[j] for j in shown
                                          if not self.facts.hidden_constant(j)))
        practice = None
        if questions:
            for k, line in enumerate(lines):  # sums and notes would give the answers away
                if k not in masked and ": " in line:
                    masked[k] = masked_hard[k] = line.split(": ", 1)[0] + ": ?"
            practice = {"questions": questions,
                        "masked": [masked.get(k, line) for k, line in enumerate(lines)],
                        "masked_hard": [masked_hard.get(k, line) for k, line in enumerate(lines)]}
        title = words["backward"].format(symbol=op_symbol(node), name=names[i], parents=parents)
        return _step(phase, number, self._id(i), title, lines, grads=grads,
                     receives=list(dict.fromkeys(targets)), edges=edges, practice=practice)

    def _stored_step(self, i: int, phase: str, number: int, held: dict) -> dict:
        """An op whose rule cannot run again (a loss whose target backward() freed): the
        gradients its parents hold, where they came from this op alone."""
        node, names, position = self.order[i], self.names, self.facts.position
        if self._consumers is None:
            self._consumers = Counter(position[p] for n in self.order for p in n.parents)
        lines = [self.words["freed"].format(name=names[i], op=node.op)]
        grads, edges = {}, [edge_id(f"op{i}", self._id(i))]
        for slot, parent in enumerate(node.parents):
            j = position[parent]
            if (self.facts.hidden_constant(j) or parent.grad is None
                    or self._consumers[j] != 1 or not getattr(parent, "requires_grad", True)):
                continue
            lines.append(f"∂{self.root_name}/∂{names[j]} = {_show(parent.grad)}")
            held[j] = grads[self._id(j)] = parent.grad
            edges.append(edge_id(f"n{j}", f"op{i}", slot))
        title = self.words["backward"].format(symbol=op_symbol(node), name=names[i],
                                              parents=", ".join(names[position[p]]
                                                                for p in node.parents))
        return _step(phase, number, self._id(i), title, lines, grads=grads,
                     receives=[f"n{position[p]}" for p in node.parents if
                               f"n{position[p]}" in grads], edges=edges)

    def _chain_line(self, i, slot, contribution, local) -> tuple[str, tuple | None]:
        """``∂f/∂w = ∂f/∂g · ∂g/∂w = 1 × x = 1 × 5 = 5``, and for practice: the questions
        (the local derivative at level 2 first, then the result), the line with the result
        hidden, and the line with the local derivative hidden too."""
        node, names, position = self.order[i], self.names, self.facts.position
        parent_names = [names[position[p]] for p in node.parents]
        R, n, p = self.root_name, names[i], parent_names[slot]
        head = f"∂{R}/∂{p} = ∂{R}/∂{n} · ∂{n}/∂{p}"
        symbol = local_text(node, slot, parent_names, n, self.lang)
        upstream = node.grad
        if not isinstance(upstream, np.ndarray):  # scalars: every number written out
            number = None if local is None else local[slot]
            if number is None:
                line = f"{head} = {_num(upstream)} × {symbol} = {format_number(contribution)}"
                return line, None
            shown = _num(number)
            words = symbol if symbol.replace("−", "-") in (format_number(number), shown) else None
            symbolic = "" if words is not None else f" = {_num(upstream)} × {_paren(symbol)}"
            body = f"{symbolic} = {_num(upstream)} × {shown}"
            line = f"{head}{body} = {format_number(contribution)}"
            local_line = f"∂{n}/∂{p} = {symbol}" + ("" if words is not None else f" = {shown}")
            questions = [
                {"prompt": f"∂{n}/∂{p} = ?", "answer": quantity(number)["value"],
                 "worked": local_line, "level": 2},
                {"prompt": f"∂{R}/∂{p} = ?", "answer": quantity(contribution)["value"],
                 "worked": line, "level": 1}]
            return line, (questions, f"{head}{body} = ?", f"{head} = {_num(upstream)} × ? = ?")
        text = f"{head} = {tensor_product(node, slot, parent_names, symbol, local, self.words)}"
        line = f"{text} = {_show(contribution)}"
        if np.size(contribution) != 1:
            return line, None
        question = {"prompt": f"∂{R}/∂{p} = ?", "answer": quantity(contribution)["value"],
                    "worked": line, "level": 1}
        return line, ([question], f"{text} = ?", f"{head} = ?")

    def _reuse_line(self, j: int, got: dict, k: int) -> str:
        w = self.words
        times = w["twice"] if k == 2 else w["times"].format(k=k)
        if got["count"] < k:
            return w["used_partial"].format(parent=self.names[j], times=times, m=got["count"],
                                            k=k, total=_show(got["total"]))
        terms = got["first"] + ([] if got["last"] is None else [got["last"]])
        shown = [_num(c) if not isinstance(c, np.ndarray) else _show(c) for c in terms]
        if got["count"] > len(terms):  # a node used 50,000 times: not every term
            shown.insert(len(got["first"]), "…")
        return w["used_sum"].format(parent=self.names[j], times=times, parts=" + ".join(shown),
                                    total=_show(got["total"]))

    def _accumulated_lines(self, parent: Node, j: int, computed) -> list[str]:
        """A leaf holding more than this pass gave it: an earlier backward() added to it."""
        stored = parent.grad
        if parent.parents or stored is None:
            return []
        if np.allclose(np.asarray(stored, dtype=np.float64), np.asarray(computed, dtype=np.float64),
                       rtol=1e-5, atol=1e-12, equal_nan=True):
            return []
        return [self.words["accumulated"].format(name=self.names[j], stored=_show(stored),
                                                 computed=_show(computed))]


SHOWN_TERMS = 5  # terms of a sum written out before "…" and the last one


def _arrive(arrived: dict, j: int, contribution) -> dict:
    """One more gradient reaching node ``j`` in this pass: a running total (never re-added
    from the start: a node used 50,000 times costs 50,000 additions, not a billion) and
    the first and last terms to write out."""
    got = arrived.get(j)
    if got is None:
        got = arrived[j] = {"count": 0, "total": None, "first": [], "last": None}
    got["count"] += 1
    got["total"] = contribution if got["total"] is None else got["total"] + contribution
    if len(got["first"]) < SHOWN_TERMS:
        got["first"].append(contribution)
    else:
        got["last"] = contribution
    return got


def _step(phase: str, number: int, node: str, title: str, lines: list[str],
          values: list[str] = (), grads: dict | None = None, receives: list[str] = (),
          edges: list[str] = (), practice: dict | None = None) -> dict:
    """One step as the explorer document holds it. ``grads``: what each listed node holds
    after this step (a float, an array, or None for "no gradient")."""
    grads = grads or {}
    return {"phase": phase, "pass": number, "node": node, "title": title, "lines": list(lines),
            "values": list(values), "grads": list(grads), "receives": list(receives),
            "edges": list(edges),
            "show": {vertex: {"grad": "—" if held is None else _show(held)}
                     for vertex, held in grads.items()},
            "practice": practice}
