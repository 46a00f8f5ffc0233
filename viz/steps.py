"""The forward and backward passes as an ordered list of explained steps.

Forward: every node in topological order, its value computed from its parents'.
Backward: exactly the order the engine runs -- the root's gradient is 1, then every op
from the root back to the leaves (reverse topological order). At each op, one line per
parent holds the chain rule in the graph's names and then in numbers::

    ∂f/∂w = ∂f/∂g · ∂g/∂w = 1 × x = 1 × 5 = 5

and where a node feeds several ops, the gradients arriving from each of them add up.
The numbers come from the engine itself (`viz.narration`). Explanations exist in English
and in Korean (``lang="ko"``). Before ``backward()`` only the forward pass is told, with
a last step saying to call it; a Tensor graph whose intermediate gradients were released
says how to keep them.
"""

from __future__ import annotations

from dataclasses import dataclass

from tinygrad_edu.autograd import Node, topo_order

from .names import caller_names, find_modules, name_nodes
from .narration import Facts, Narrator
from .story import tell
from .words import check_language, graph_words

__all__ = ["Step", "steps", "format_steps", "step_dicts", "graph_facts"]


@dataclass(frozen=True)
class Step:
    """One step of the walk-through.

    ``node`` is the value vertex (``"n<i>"``, as in `viz.graph`) the step is about;
    ``reveal_values`` / ``reveal_grads`` the vertices whose value / gradient is known
    from this step on (what a step-through page uncovers); ``highlight`` the vertices
    that receive a gradient in this step; ``phase`` is "forward", "backward",
    "second-pass", "after-zero_grad" or "note".
    """

    phase: str
    node: str
    title: str
    lines: tuple[str, ...]
    reveal_values: tuple[str, ...] = ()
    reveal_grads: tuple[str, ...] = ()
    highlight: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def graph_facts(root: Node, modules=None, show_constants: bool = False,
                variables: dict[int, str] | None = None, who: str = "viz") -> Facts:
    """Names, kinds and the backward state of ``root``'s graph (shared by every view).
    ``modules`` defaults to a model found among the caller's variables."""
    if not isinstance(root, Node):
        raise TypeError(f"{who}: expected a Value or a Tensor, got {type(root).__name__}")
    order = topo_order(root)
    if modules is None:
        modules = find_modules(order)
    if variables is None:
        variables = caller_names()
    return Facts(order, name_nodes(order, modules=modules, variables=variables),
                 show_constants=show_constants)


def step_dicts(facts: Facts, lang: str = "en", passes: int = 1,
               visible: set[int] | None = None) -> tuple[list[dict], list[dict]]:
    """The steps as plain dicts (the explorer document's shape) and the notes."""
    if passes not in (1, 2):
        raise ValueError(f"steps: passes must be 1 or 2, got {passes!r}")
    return tell(Narrator(facts, graph_words(lang, "steps"), visible), passes)


def steps(root: Node, lang: str = "en", modules=None, show_constants: bool = False,
          passes: int = 1) -> list[Step]:
    """The forward pass then the backward pass of ``root``'s graph, step by step.

    Run ``root.backward()`` first to see the backward pass. ``lang``: "en" or "ko";
    ``modules``: the model whose parameters get their paths as names (``0.weight``);
    ``show_constants``: also the gradients of constants; ``passes=2``: a second
    backward() without zero_grad(), then one after it.
    """
    check_language(lang, "steps")
    facts = graph_facts(root, modules=modules, show_constants=show_constants, who="steps")
    found, notes = step_dicts(facts, lang, passes)
    result = [Step(s["phase"], s["node"], s["title"], tuple(s["lines"]), tuple(s["values"]),
                   tuple(s["grads"]), tuple(s["receives"])) for s in found]
    root_id = f"n{len(facts.order) - 1}"
    result += [Step("note", root_id, note["text"], (note["text"],)) for note in notes
               if note["kind"] == "forward-only"]
    return result


def format_steps(step_list: list[Step]) -> str:
    """The steps as terminal text: a numbered title, then its lines indented."""
    out = []
    for number, step in enumerate(step_list, 1):
        out.append(f"{number:>3}. {step.title}")
        out.extend(f"       {line}" for line in step.lines if line != step.title)
    return "\n".join(out)
