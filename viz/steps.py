"""The forward and backward passes as an ordered list of explained steps.

Forward: every node in topological order, its value computed from its parents'.
Backward: exactly the order the engine runs -- the root's gradient is 1, then every op
from the root back to the leaves (reverse topological order). At each op::

    downstream ∂f/∂w  =  upstream ∂f/∂g  ×  local ∂g/∂w
                      =        1         ×    x = 5        =  5

and where a node feeds several ops, the gradients arriving from each of them add up.
The numbers come from the engine itself: a rule's local derivative is the rule applied
to an upstream of 1. Explanations exist in English and in Korean (``lang="ko"``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from tinygrad_edu.autograd import Node, topo_order

from .graph import display_names, format_number, op_symbol, summarize, value_id
from .texts import TEXTS, local_symbol

__all__ = ["Step", "steps", "format_steps"]


@dataclass(frozen=True)
class Step:
    """One step of the walk-through.

    ``node`` is the value vertex (``"n<i>"``, as in `viz.graph`) the step is about;
    ``reveal_values`` / ``reveal_grads`` the vertices whose value / final gradient is
    known from this step on (what a step-through page uncovers).
    """

    phase: str  # "forward" or "backward"
    node: str
    title: str
    lines: tuple[str, ...]
    reveal_values: tuple[str, ...] = ()
    reveal_grads: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _show(x) -> str:
    """A number, or a compact summary of an array."""
    if isinstance(x, np.ndarray):
        return summarize(x)
    return format_number(x)


def _wrap(name: str) -> str:
    return f"({name})" if name.startswith("-") else name


def _expression(node: Node, names: list[str], position: dict, use_numbers: bool) -> str:
    """``w × x`` (or ``-2 × 5`` with numbers) for the op that computed ``node``."""
    if use_numbers:
        plain = [_show(parent.data) for parent in node.parents]
    else:
        plain = [names[position[parent]] for parent in node.parents]
    items = [_wrap(item) for item in plain]
    op = node.op
    if op in ("+", "-", "*", "/", "**", "@") and len(items) == 2:
        return f" {op_symbol(op).replace('xʸ', '^')} ".join(items)
    if op.startswith("**"):
        return f"{items[0]}^{op[2:]}"
    if op == "neg":
        return f"-{items[0]}"
    if op == "1/x":
        return f"1/{items[0]}"
    settings = [format_number(a) for a in node.args if isinstance(a, float)]
    return f"{op}({', '.join(plain + settings)})"


def _forward_steps(order, names, position, words) -> list[Step]:
    result = []
    for i, node in enumerate(order):
        name, is_tensor = names[i], isinstance(node.data, np.ndarray)
        value = _show(node.data)
        if is_tensor:
            value = f"{value}  {words['shape']} {tuple(node.data.shape)}"
        if not node.parents:
            if node.label:
                lines = (f"{name} = {value}  ({words['input']})",)
            else:
                lines = (f"{value}  ({words['constant']})",)
        elif is_tensor:
            lines = (f"{name} = {_expression(node, names, position, False)} = {value}",)
        else:
            symbols = _expression(node, names, position, False)
            numbers = _expression(node, names, position, True)
            lines = (f"{name} = {symbols} = {numbers} = {value}",)
        title = words["forward"].format(name=name)
        result.append(Step("forward", value_id(i), title, lines, reveal_values=(value_id(i),)))
    return result


def _local_grads(node: Node, upstream) -> tuple[list, list]:
    """(local derivatives at upstream 1 for scalars, downstream contributions), from the
    op's own rule. A rule that cannot run again (freed buffers) gives ``None``s."""
    count = len(node.parents)
    try:  # (a Value's rules need no saved buffers; a Tensor's may have been freed)
        downstream = list(node.local_grads(upstream))
        local = list(node.local_grads(1.0)) if isinstance(upstream, float) else [None] * count
    except Exception:  # a rule we cannot re-run here: explain in symbols only
        return [None] * count, [None] * count
    return local, downstream


def _backward_steps(order, names, position, words) -> list[Step]:
    root, root_name = order[-1], names[-1]
    uses = Counter(position[p] for node in order for p in node.parents)
    arrived: dict[int, list] = {}
    seed_lines = [words["seed"].format(root=root_name, grad=_show(root.grad))]
    if root.grad is not None and any(node.parents and node.grad is None for node in order[:-1]):
        seed_lines.append(words["released"])  # a Tensor graph after a plain backward()
    result = [Step("backward", value_id(len(order) - 1), words["seed_title"].format(root=root_name),
                   tuple(seed_lines), reveal_grads=(value_id(len(order) - 1),))]
    for i in range(len(order) - 1, -1, -1):  # the engine's order: reverse topological
        node = order[i]
        if not node.parents or node.grad is None:
            continue
        name, upstream = names[i], node.grad
        local, downstream = _local_grads(node, upstream)
        parent_names = ", ".join(dict.fromkeys(names[position[p]] for p in node.parents))
        lines = [words["upstream"].format(root=root_name, name=name, up=_show(upstream))]
        revealed = []
        for slot, parent in enumerate(node.parents):
            j = position[parent]
            parent_name = names[j]
            symbol = local_symbol(node, slot, names, position)
            if local[slot] is not None and symbol != _show(local[slot]):
                symbol = f"{symbol} = {_show(local[slot])}"
            lines.append(words["local"].format(name=name, parent=parent_name, symbol=symbol))
            if not parent.requires_grad:  # the engine skips it too
                lines.append(words["skipped"].format(parent=parent_name))
                revealed.append(value_id(j))
                continue
            contribution = downstream[slot]
            if local[slot] is not None:  # scalars: upstream × local, in numbers
                product = (f"{_wrap(_show(upstream))} × {_wrap(_show(local[slot]))} = "
                           f"{_show(contribution)}")
                lines.append(words["downstream"].format(root=root_name, parent=parent_name,
                                                        product=product))
            else:  # tensors: the rule's result (a product of arrays, or a matmul)
                shown = _show(parent.grad if contribution is None else contribution)
                lines.append(words["downstream_tensor"].format(root=root_name,
                                                               parent=parent_name, product=shown))
            arrived.setdefault(j, []).append(contribution)
            if uses[j] > 1:
                got = arrived[j]
                if len(got) < uses[j]:
                    lines.append(words["partial"].format(parent=parent_name, k=uses[j], m=len(got)))
                else:
                    parts = " + ".join(_wrap(_show(c)) for c in got) if all(
                        c is not None for c in got) else "…"
                    lines.append(words["sum"].format(root=root_name, parent=parent_name, k=uses[j],
                                                     parts=parts, total=_show(parent.grad)))
            if len(arrived[j]) == uses[j]:
                revealed.append(value_id(j))
        symbol = op_symbol(node.op, node.args, getattr(node.parents[0].data, "ndim", None))
        title = words["backward"].format(symbol=symbol, name=name,
                                         parents=parent_names)
        result.append(Step("backward", value_id(i), title, tuple(lines),
                           reveal_grads=tuple(dict.fromkeys(revealed))))
    # A node whose consumers received no gradient never completes its sum above; by the
    # end of the pass its stored gradient is final all the same, so the last step shows it.
    shown = {vertex for step in result for vertex in step.reveal_grads}
    rest = tuple(value_id(i) for i in range(len(order)) if value_id(i) not in shown)
    if rest:
        last = result[-1]
        result[-1] = Step(last.phase, last.node, last.title, last.lines, last.reveal_values,
                          last.reveal_grads + rest)
    return result


def steps(root: Node, lang: str = "en") -> list[Step]:
    """The forward pass then the backward pass of ``root``'s graph, step by step.

    Run ``root.backward()`` first: the gradients shown are the ones the engine stored.
    ``lang`` is "en" or "ko".
    """
    if lang not in TEXTS:
        raise ValueError(f"steps: lang must be one of {', '.join(sorted(TEXTS))}, got {lang!r}")
    if not isinstance(root, Node):
        raise TypeError(f"steps: expected a Value or a Tensor, got {type(root).__name__}")
    words = TEXTS[lang]
    order = topo_order(root)
    names = display_names(order)
    position = {node: i for i, node in enumerate(order)}
    return (_forward_steps(order, names, position, words)
            + _backward_steps(order, names, position, words))


def format_steps(step_list: list[Step]) -> str:
    """The steps as terminal text: a numbered title, then its lines indented."""
    out = []
    for number, step in enumerate(step_list, 1):
        out.append(f"{number:>3}. {step.title}")
        out.extend(f"       {line}" for line in step.lines)
    return "\n".join(out)
