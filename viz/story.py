"""The whole story of a graph, step by step: the forward pass, then what the gradients
allow -- nothing more before backward(), the seed and the leaves after a plain backward()
on tensors, every op otherwise, and with ``passes=2`` a second pass without zero_grad()
and a third after it. `viz.narration` tells each backward step.
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.autograd import Node

from .names import format_number
from .narration import Narrator, _num, _shape, _show, _step, edge_id
from .quantity import quantity
from .words import kind_word

__all__ = ["tell", "forward_steps"]


def tell(narrator: Narrator, passes: int = 1) -> tuple[list[dict], list[dict]]:
    """Every step of the story, and the one-line notes that go with it.

    Before backward() only the forward pass; after a plain backward() on Tensors, the
    forward pass, the seed and the leaves' gradients, with the hint; otherwise the whole
    backward pass, and with ``passes=2`` a second one without zero_grad() (op results
    afresh, leaves adding) and a third after zero_grad()."""
    facts, words = narrator.facts, narrator.words
    order, names = facts.order, facts.names
    if passes > 1 and not facts.has_gradients:
        raise ValueError(words["needs_backward"].format(root=narrator.root_name))
    steps = forward_steps(narrator)
    notes: list[dict] = []
    if not facts.has_gradients:
        key = "forward_only" if facts.state == "forward-only" else "other_output"
        root = order[-1]
        if not root.parents and not getattr(root, "requires_grad", True):
            key = "no_graph"  # made under no_grad(), or from tensors that need no gradient
        notes.append({"kind": "forward-only", "text": words[key].format(root=narrator.root_name)})
        return steps, notes
    if facts.state == "released":
        notes.append({"kind": "released", "text": words["released"]})
        steps.append(narrator.backward_steps()[0][0])  # the seed alone
        leaves = [i for i, node in enumerate(order) if not node.parents
                  and node.grad is not None and not facts.hidden_constant(i)
                  and narrator._is_visible(i)]
        summary = _step(
            "backward", 1, f"n{len(order) - 1}", words["leaves_title"],
            [words["released"]] + [f"∂{narrator.root_name}/∂{names[i]} = {_show(order[i].grad)}"
                                   for i in leaves],
            grads={f"n{i}": order[i].grad for i in leaves}, receives=[f"n{i}" for i in leaves])
        summary["rule"] = False  # a summary of the leaves, not the root op's rule at work
        steps.append(summary)
        return steps, notes
    first, held = narrator.backward_steps()
    steps += first
    if passes < 2:
        return steps, notes
    leaves = {j: value for j, value in held.items() if not order[j].parents}
    second, held2 = narrator.backward_steps("second-pass", 2, start=leaves)
    blank = narrator._blank()
    examples = [words["leaf_adds"].format(name=names[j], old=_show(leaves[j]),
                                          new=_show(leaves[j]), total=_show(held2[j]))
                for j in sorted(leaves) if narrator._is_visible(j)][:3]
    root = f"n{len(order) - 1}"
    steps.append(_step(
        "second-pass", 2, root, words["second_title"],
        [words["second"].format(examples="; ".join(examples))],
        grads={f"n{i}": blank for i, node in enumerate(order)
               if node.parents and narrator._is_visible(i)},
        receives=[f"n{j}" for j in sorted(leaves) if narrator._is_visible(j)]))
    steps += second
    third, _ = narrator.backward_steps("after-zero_grad", 3)
    for step in third:
        step["pass"] = 3
    steps.append(_step(
        "after-zero_grad", 3, root, words["zero_title"],
        [words["zero"].format(zero="None" if blank is None else "0")],
        grads={f"n{j}": blank for j in sorted(leaves) if narrator._is_visible(j)},
        receives=[f"n{j}" for j in sorted(leaves) if narrator._is_visible(j)]))
    steps += third
    return steps, notes


def _expression(narrator: Narrator, node: Node, numbers: bool) -> str:
    if numbers:
        items = [_num(p.data) if not isinstance(p.data, np.ndarray) else _show(p.data)
                 for p in node.parents]
    else:
        items = [narrator.names[narrator.facts.position[p]] for p in node.parents]
        items = [f"({n})" if n.startswith("-") else n for n in items]
    op = node.op
    if op in ("+", "-", "*", "/", "**", "@") and len(items) == 2:
        symbol = {"*": "×", "/": "÷", "**": "^", "-": "−"}.get(op, op)
        return f" {symbol} ".join(items)
    if op.startswith("**"):
        return f"{items[0]}^{op[2:]}"
    if op == "neg":
        return f"−{items[0]}"
    if op == "1/x":
        return f"1/{items[0]}"
    settings = [format_number(a) for a in node.args if isinstance(a, float)]
    return f"{op}({', '.join(items + settings)})"

def forward_steps(narrator: Narrator) -> list[dict]:
    """Every visible node in topological order, its value from its parents' (a
    constant's value is shown from the start, without a step of its own)."""
    words, steps, constants = narrator.words, [], []
    for i, node in enumerate(narrator.order):
        if not narrator._is_visible(i):
            continue
        if narrator.facts.hidden_constant(i):
            constants.append(narrator._id(i))  # drawn with their value from the start
            continue
        name, value = narrator.names[i], _show(node.data)
        practice = None
        if not node.parents:
            kind = kind_word(words, narrator.facts.naming.kinds[i])
            lines = [words["forward_leaf"].format(name=name, value=value, kind=kind)]
        elif isinstance(node.data, np.ndarray):
            lines = [f"{name} = {_expression(narrator, node, False)} = {value}  "
                     f"{_shape(node.data)}"]
        else:
            names_form = _expression(narrator, node, False)
            head = f"{name} = {names_form} = {_expression(narrator, node, True)}"
            lines = [f"{head} = {value}"]
            question = {"prompt": f"{name} = ?", "answer": quantity(node.data)["value"],
                        "worked": lines[0], "level": 1}
            practice = {"questions": [question], "masked": [f"{head} = ?"],
                        "masked_hard": [f"{head} = ?"]}
        steps.append(_step("forward", 1, narrator._id(i), words["forward"].format(name=name),
                           lines, values=[narrator._id(i)], receives=[narrator._id(i)],
                           edges=_edges_into(narrator, i), practice=practice))
    if steps and constants:
        steps[0]["values"] = constants + steps[0]["values"]
    return steps

def _edges_into(narrator: Narrator, i: int) -> list[str]:
    node = narrator.order[i]
    if not node.parents:
        return []
    op = f"op{i}"
    edges = [edge_id(op, narrator._id(i))]
    edges += [edge_id(f"n{narrator.facts.position[p]}", op, slot)
              for slot, p in enumerate(node.parents)]
    return edges

# ---- backward ----
