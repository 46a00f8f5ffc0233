"""The explorer document: everything the backprop explorer page shows, as JSON-able data.

`explorer_document(root, ...)` reads the graph (never changes it) and returns a dict;
`viz.html` renders it. Schema (version 1)::

    {"version": 1, "lang": "en" | "ko", "title": str, "root": "n<i>",
     "engine": "value" | "tensor",
     "state": "forward-only" | "other-output" | "backward" | "released",
     "forward_only": bool,             # no gradients of this root to show (before
                                       #   backward(), or left by another output's)
     "note": str | None,               # the first of `notes`, for a one-line banner
     "notes": [{"kind": "forward-only" | "released" | "folded" | "accumulated"
                        | "check-skipped", "text": str}],
     "passes": 1 | 2, "practice": bool, "show_constants": bool,
     "words": {key: str},              # the page's words in `lang` (viz.words)
     "views": {"main": view, "<group id>": view, ...},
     "nodes": {"n<i>": node, ...}}     # every node drawn in some view

    view = {"svg": str,                # the drawing; ids: value "n<i>", op "op<i>", group
                                       #   "g<i>", edge "e_<from>_<to>_<slot>"
            "alias": {id: group id},   # hidden node or op -> the box that holds it
            "parent": None | view id,  # the view to go back to when a group is collapsed
            "groups": [group ids],     # boxes of this view that have a view of their own
            "hints": {group id: str},  # the others: how to draw them (expand=[id])
            "steps": [step]}           # only steps about what this view shows

    node = {"name", "kind": "parameter" | "input" | "constant" | "intermediate" | "output",
            "kind_text": str, "op": str, "symbol": str, "math": str (the op's derivative
            in one line, "" for a leaf), "shape": [int] | None,
            "dtype": str | None, "module": str | None, "group": str | None,
            "value": float | None, "grad": float | None,   # scalars (and 1-element tensors)
            "value_view": quantity, "grad_view": quantity | None,   # see viz.quantity
            "grad_abs": float | None,  # |grad|, or mean |grad| of a tensor
            "log_grad": float | None,  # log10(grad_abs), for the colour mode
            "dead": bool,              # a gradient that is exactly 0 everywhere
            "check": None | {"numeric": float | list, "backprop": float | list, "ok": bool,
                             "error": float}}   # leaves: central differences in float64

    step = {"phase": "forward" | "backward" | "second-pass" | "after-zero_grad"
                     | "update" (only from ``extra_steps``),
            "pass": 1 | 2 | 3, "node": id, "title": str, "lines": [str],
            "values": [ids whose value is known from here on],
            "grads": [ids whose gradient this step sets],
            "show": {id: {"grad": text}},    # what each of those holds after this step
            "receives": [ids], "edges": [svg edge ids the gradient travels],
            "rule": False (optional: the page shows no op rule for this step),
            "practice": None | {"questions": [{"prompt", "answer", "worked", "level"}],
                                "masked": [lines], "masked_hard": [lines]}}

Numbers JSON cannot hold are strings ("nan", "inf", "-inf"). Graphs over `MAX_NODES`
value nodes fold: the main view draws the boxes and tells the steps of the nodes still
visible; a box of at most `MAX_NODES` nodes gets its own view (its nodes drawn, their
steps told), and a bigger one a view of smaller boxes, as long as the document stays
within `SIZE_BUDGET` (see `viz.explorer_groups`).
"""

from __future__ import annotations

import json
import math
import re

import numpy as np

from tinygrad_edu.autograd import Node

from .collapse import MAX_NODES, fold
from .dot import SVG_FONT_STYLE, draw
from .explorer_groups import plan_group_views
from .graph import to_networkx
from .names import caller_names, find_modules, name_nodes
from .narration import Facts
from .numeric import numeric_gradients
from .opinfo import math_text, op_symbol
from .quantity import json_number, quantity
from .render import svg_text
from .steps import step_dicts
from .words import check_reason, graph_words, kind_word, words_of

__all__ = ["explorer_document", "SIZE_BUDGET"]

SIZE_BUDGET = 1_700_000  # bytes of JSON in the whole document (the page adds ~0.1 MB)


def _svg(model, modules, lang: str) -> str:
    """The drawing as an inline <svg> element: no XML declaration, doctype or comments,
    and the font stack said once in a style rule instead of on every text (it was half
    of a big drawing's bytes)."""
    # the page shows the notes in its banner, wrapped to its width
    svg = svg_text(draw(model, modules=modules, collapse_over=None, lang=lang, notes=False))
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r' font-family="[^"]*"', "", svg)
    start = svg.index(">") + 1
    return f"{svg[:start]}\n<style>{SVG_FONT_STYLE}</style>{svg[start:]}"


def _grad_abs(grad) -> float | None:
    if grad is None:
        return None
    with np.errstate(all="ignore"):
        return float(np.mean(np.abs(np.asarray(grad, dtype=np.float64))))


def _node_entry(facts: Facts, i: int, words: dict, check: dict | None, group=None) -> dict:
    node, kind = facts.order[i], facts.naming.kinds[i]
    shows_grad = facts.has_gradients and not facts.hidden_constant(i)
    grad = node.grad if shows_grad else None
    is_tensor = isinstance(node.data, np.ndarray)
    scalar = not is_tensor or node.data.size == 1
    grad_abs = _grad_abs(grad)
    entry = {
        "name": facts.names[i], "kind": kind, "kind_text": kind_word(words, kind),
        "op": node.op, "symbol": "", "math": "",
        "shape": list(node.data.shape) if is_tensor else None,
        "dtype": str(node.data.dtype) if is_tensor else None,
        "module": facts.naming.modules[i], "group": group,
        "value": json_number(np.asarray(node.data).reshape(-1)[0]) if scalar else None,
        "grad": json_number(np.asarray(grad).reshape(-1)[0]) if scalar and grad is not None
        else None,
        "value_view": quantity(node.data), "grad_view": quantity(grad),
        "grad_abs": None if grad_abs is None else json_number(grad_abs),
        "log_grad": json_number(math.log10(grad_abs)) if grad_abs else None,
        "dead": grad_abs == 0.0,
        "check": None,
    }
    if node.parents:
        entry["symbol"], entry["math"] = op_symbol(node), math_text(node)
    if check is not None:
        entry["check"] = {"numeric": _plain(check["numeric"]),
                          "backprop": _plain(check["backprop"]),
                          "ok": check["ok"], "error": json_number(check["error"])}
    return entry


def _plain(x):
    """A float or a nested list of floats, JSON-safe."""
    if isinstance(x, np.ndarray):
        return np.vectorize(json_number, otypes=[object])(x).tolist() if x.size else []
    return json_number(x)


def _checks(facts: Facts, visible: set[int] | None, words: dict, notes: list) -> dict:
    if not facts.has_gradients:
        return {}
    leaves = [i for i, node in enumerate(facts.order) if not node.parents
              and facts.naming.kinds[i] in ("parameter", "input")
              and getattr(node, "requires_grad", True)
              and (visible is None or i in visible)]
    if not leaves:
        return {}
    found, why = numeric_gradients(facts.order, leaves)
    if why:
        notes.append({"kind": "check-skipped", "text": words["check_skipped"].format(
            why=check_reason(why, words["lang"]))})
    return found


def explorer_document(root: Node, lang: str = "en", practice: bool = False, passes: int = 1,
                      show_constants: bool = False, check_gradients: bool = True,
                      expand=None, modules=None, title: str | None = None,
                      extra_steps=None) -> dict:
    """Everything the explorer page of ``root``'s graph shows, as a JSON-able dict (the
    schema is in this module's docstring). Reads the graph, never changes it.

    ``practice``: the page opens in practice mode. ``passes=2``: also a second backward
    pass without zero_grad() and one after it. ``show_constants``: constants get their
    gradients and steps too. ``check_gradients``: central-difference gradients beside
    the leaves'. ``expand``: True draws every node of a big graph; a list of group ids
    ("g12") draws those groups' nodes in the main view. ``modules``: the model whose
    parameters are named by their path (found among the caller's variables if absent).
    ``extra_steps``: steps told after the backward pass in the main view, such as the
    optimizer's update steps of `viz.narrated_step` (phase ``"update"``).
    """
    words = graph_words(lang, "explorer_document")
    if not isinstance(root, Node):
        raise TypeError(f"explorer_document: expected a Value or a Tensor, got "
                        f"{type(root).__name__}")
    if passes not in (1, 2):
        raise ValueError(f"explorer_document: passes must be 1 or 2, got {passes!r}")
    from tinygrad_edu.autograd import topo_order

    order = topo_order(root)
    if modules is None:
        modules = find_modules(order)
    facts = Facts(order, name_nodes(order, modules=modules, variables=caller_names()),
                  show_constants=show_constants)
    count = len(order)
    notes: list[dict] = []
    alias: dict[str, str] = {}
    visible: set[int] | None = None
    if expand is True or count <= MAX_NODES:
        main_model = to_networkx(root, modules=modules, facts=facts)
    else:  # folded straight from the facts: no vertex for each of 100k nodes first
        keep = _expanded_members(facts, modules, expand)
        main_model = fold(facts, modules, keep=keep)
        alias = main_model.graph["collapsed_into"]
        visible = {a["index"] for v, a in main_model.nodes(data=True) if a["kind"] == "value"}
        notes.append({"kind": "folded", "text": words["folded"].format(count=count)})
    told = None if visible is None else set(visible)
    planned = []
    if visible is not None:  # one telling for every view: the pass is walked once
        planned = plan_group_views(facts, main_model, modules)
        told |= {i for view in planned for i in view.visible}
    all_steps, story_notes = step_dicts(facts, lang, passes, told)
    root_id = f"n{count - 1}"

    def steps_of(shown: set[int]) -> list[dict]:
        return [s for s in all_steps if int(s["node"][1:]) in shown
                and (s["node"] != root_id or shown is visible)]

    steps = all_steps if visible is None else steps_of(visible)
    # the keys the page reads of every step; an update step reveals no value or gradient
    steps = steps + [{"pass": 1, "values": [], "grads": [], "receives": [], "edges": [],
                      "show": {}, "practice": None, **step} for step in extra_steps or ()]
    notes = story_notes + notes
    notes += [{"kind": "accumulated", "text": line} for step in steps if step["pass"] == 1
              for line in step["lines"] if _is_accumulated(line, words)][:1]
    checks = _checks(facts, visible, words, notes) if check_gradients else {}
    shown = visible if visible is not None else set(range(count))
    nodes = {f"n{i}": _node_entry(facts, i, words, checks.get(i)) for i in sorted(shown)}
    views = {"main": {"svg": _svg(main_model, modules, lang), "alias": _used(alias, steps),
                      "parent": None, "groups": [], "hints": {}, "steps": steps}}
    if visible is not None:
        _group_views(facts, planned, main_model, views, nodes, words, lang, modules, steps_of)
    root_name = facts.names[-1]
    page_words = words_of("explorer", lang)
    return {
        "version": 1, "lang": lang, "title": title or page_words["title"].format(root=root_name),
        "root": f"n{count - 1}",
        "engine": "tensor" if isinstance(root.data, np.ndarray) else "value",
        "state": facts.state, "forward_only": not facts.has_gradients,
        "note": notes[0]["text"] if notes else None, "notes": notes,
        "passes": passes, "practice": bool(practice), "show_constants": bool(show_constants),
        "words": dict(page_words), "views": views, "nodes": nodes,
    }


def _used(alias: dict[str, str], steps: list[dict]) -> dict[str, str]:
    """Only the hidden ids some step names: a 100k-node graph folds 200k ids into boxes,
    and the page needs none of the others."""
    named = {step["node"] for step in steps}
    named.update(vertex for step in steps for vertex in step["receives"] + step["grads"])
    return {vertex: alias[vertex] for vertex in named if vertex in alias}


def _is_accumulated(line: str, words: dict) -> bool:
    marker = words["accumulated"].split("{computed}")[-1][:12]
    return marker in line


def _expanded_members(facts, modules, expand) -> set[int]:
    """The positions of the nodes of the groups named in ``expand`` (ids of a first
    folding)."""
    if not expand:
        return set()
    wanted = {expand} if isinstance(expand, str) else set(expand)
    folded = fold(facts, modules)
    unknown = wanted - {v for v, a in folded.nodes(data=True) if a["kind"] == "group"}
    if unknown:
        raise ValueError(f"explorer_document: expand names no group of this graph: "
                         f"{', '.join(sorted(unknown))}")
    return {int(member[1:]) for gid in wanted for member in folded.nodes[gid]["members"]}


def _group_views(facts, planned, main_model, views, nodes, words, lang, modules,
                 steps_of) -> None:
    """Views of the boxes (see `viz.explorer_groups`), each with its own steps, as many
    as fit in `SIZE_BUDGET`; the boxes left without one get a hint instead."""
    budget = SIZE_BUDGET - len(json.dumps([views, nodes], ensure_ascii=False).encode("utf-8"))
    kept: set[str] = set()
    for view in planned:
        if view.parent != "main" and view.parent not in kept:
            continue  # its box has no view, so it cannot be reached
        steps = [s for s in steps_of(view.visible)]
        entries = {f"n{i}": _node_entry(facts, i, words, None, group=view.id)
                   for i in sorted(view.visible) if f"n{i}" not in nodes}
        for vertex, attributes in view.model.nodes(data=True):  # neighbours drawn around it
            if attributes["kind"] == "value" and vertex not in nodes and vertex not in entries:
                entries[vertex] = _node_entry(facts, attributes["index"], words, None)
        data = {"svg": _svg(view.model, modules, lang), "alias": _used(view.alias, steps),
                "parent": view.parent, "groups": [], "steps": steps}
        cost = len(json.dumps([data, entries], ensure_ascii=False).encode("utf-8"))
        if cost > budget:
            continue
        budget -= cost
        kept.add(view.id)
        views[view.id] = data
        views[view.parent]["groups"].append(view.id)
        nodes.update(entries)
    for name, data in views.items():
        model_of = main_model if name == "main" else next(v.model for v in planned if v.id == name)
        data["hints"] = {gid: words["group_hint"].format(count=a["count"], gid=gid)
                         for gid, a in model_of.nodes(data=True)
                         if a["kind"] == "group" and gid not in kept}
