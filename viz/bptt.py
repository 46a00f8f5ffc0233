"""Backprop through time, told on the learner's own unrolled network (folded by time step,
`viz.time_steps`): the numbers and the steps the explorer's main view adds.

* each state h_t receives gradients from every op that read it -- its output y_t and the
  next step -- and they add: ``h₃ receives 2 gradients, from y₃ and from h₄; they add``;
* going back one step multiplies by at most ‖W_hhᵀ diag(tanh′)‖ (a vanilla RNN), by f_t
  along an LSTM's cell lane, by z_t along a GRU's direct path: the factor per step that
  makes gradients vanish or explode;
* W_hh is used at every step, so its gradient is the sum of one contribution per step:
  ``node.local_grads(node.grad)[1]`` of that step's ``linear`` node (upstreamᵀ @ h_{t-1});
* a state cut with ``detach()`` passes nothing back.

Every number is the engine's: a node's gradient, or what an op's own rule sends a parent
(`viz.opinfo.local_grads`). It needs the gradients of the states, which
``backward(keep_all_grads=True)`` keeps.
"""

from __future__ import annotations

import numpy as np

from .bptt_numbers import (
    Recurrence,
    norm,
    recurrence_of,
    step_factor,
    subscript,
    weight_contributions,
)
from .names import format_number
from .quantity import json_number, summarize
from .time_steps import TimeFold
from .words import words_of

__all__ = ["bptt_section", "bptt_steps", "merge_steps", "subscript", "SHOWN_STEPS"]

SHOWN_STEPS = 8  # contributions listed one by one; a longer sequence shows first and last
ENTRIES = 8      # entries of a big W_hh whose per-step contributions the page can list
SMALL = 6        # vectors of at most this many numbers are written out, bigger ones as ‖·‖


def _show(x) -> str:
    x = np.asarray(x, dtype=np.float64)
    return summarize(x) if x.size <= SMALL else f"‖·‖ = {format_number(norm(x))}"


def _where(index: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def _matrix(array: np.ndarray) -> dict:
    """A small matrix as the page draws it: every number, and the largest |x| (colours)."""
    return {"rows": [[json_number(v) for v in row] for row in array],
            "scale": json_number(np.max(np.abs(array)))}


def _entries(total: np.ndarray) -> list[tuple]:
    """The entries of W_hh the page can pick: all of a small one, else the largest."""
    order = np.argsort(-np.abs(total), axis=None, kind="stable")
    if total.size > 64:
        order = order[:ENTRIES]
    return [tuple(int(i) for i in np.unravel_index(k, total.shape)) for k in order]


def _terms(values: list[float]) -> str:
    """``0.01 + 0.03 + … + 0.2``: every term, or the first three, …, the last two."""
    shown = [format_number(v) for v in values]
    if len(shown) > SHOWN_STEPS:
        shown = shown[:3] + ["…"] + shown[-2:]
    return " + ".join(f"({s})" if s.startswith("-") else s for s in shown)


def bptt_section(facts, fold: TimeFold, lang: str) -> dict:
    """The explorer document's ``"bptt"``: per layer, every step's box, state and
    ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖), the factor per step, and W_hh's contributions."""
    graph, words = recurrence_of(facts, fold), words_of("bptt", lang)
    layers = []
    for layer in fold.layers:
        kind, steps = graph.kind(layer), fold.steps_of(layer)
        entries = []
        for step in steps:
            h, c = graph.at("h", step, layer), graph.at("c", step, layer)
            grad = facts.order[h].grad if h is not None else None
            grad_c = facts.order[c].grad if c is not None else None
            factor = step_factor(graph, kind, step, layer)
            entries.append({"t": step, "box": fold.boxes[step, layer],
                            "h": None if h is None else f"n{h}",
                            "grad": None if grad is None else json_number(norm(grad)),
                            "grad_c": None if grad_c is None else json_number(norm(grad_c)),
                            "factor": None if factor is None else json_number(factor)})
        weight, parts = weight_contributions(graph, layer, steps)
        entry = {"layer": layer, "kind": kind, "steps": entries,
                 "factor_name": words[f"{kind}_factor"], "weight": None}
        if weight is not None and all(p is not None for p in parts):
            total = np.sum(parts, axis=0)
            picks = _entries(total)
            engine = None if weight.grad is None else np.asarray(weight.grad, dtype=np.float64)
            small = total.size <= 64
            j = facts.position[weight]
            entry.update(
                weight=f"n{j}", weight_name=facts.names[j],
                entries=[list(e) for e in picks],
                per_entry=[[json_number(p[e]) for p in parts] for e in picks],
                totals=[json_number(total[e]) for e in picks],
                engine=None if engine is None else [json_number(engine[e]) for e in picks],
                contributions=[_matrix(p) for p in parts] if small else None,
                total=_matrix(total) if small else None,
                engine_view=_matrix(engine) if small and engine is not None else None)
        layers.append(entry)
    cuts = [{"leaf": f"n{leaf}", "name": facts.names[leaf],
             "source": None if source is None else f"n{source}"}
            for leaf, source in fold.cuts.items()]
    return {"words": dict(words), "layers": layers, "cuts": cuts}


# ---- the steps of the main view ----


def _box_edges(fold: TimeFold, gid: str, incoming: bool) -> list[str]:
    """The drawn edges into (or out of) a box: where its values come from or go."""
    model = fold.model
    edges = model.in_edges(gid, data=True) if incoming else model.out_edges(gid, data=True)
    return [f"e_{a}_{b}_{(d.get('positions') or [0])[0]}" for a, b, d in edges
            if not d.get("cut")]


def _formula(graph: Recurrence, kind: str, step: int, layer: int, words: dict) -> str:
    order, at = graph.order, graph.at
    h = at("h", step, layer)
    names = {key: subscript(key, step) for key in ("h", "c", "i", "f", "g", "o", "z", "n", "wx")}
    names.update(hp=subscript("h", step - 1), cp=subscript("c", step - 1),
                 value=summarize(order[h].data))
    if kind == "lstm":
        c = at("c", step, layer)
        names["cvalue"] = summarize(order[c].data) if c is not None else "—"
        return words["forward_lstm"].format(**names)
    if kind == "gru":
        return words["forward_gru"].format(**names)
    names["act"] = "tanh" if order[h].op == "tanh" else "relu"
    return words["forward_rnn"].format(**names)


def _receives(words: dict, name: str, parts: list[tuple[str, np.ndarray]], total) -> list[str]:
    """"h₃ receives 2 gradients, from y₃ and from h₄; they add:" and the numbers."""
    if not parts:
        return []
    sources = words["and"].join(words["from"].format(source=source) for source, _ in parts)
    if len(parts) == 1:
        lines = [words["receives_one"].format(name=name, sources=sources)]
    else:
        lines = [words["receives"].format(name=name, count=len(parts), sources=sources)]
    lines += [words["part"].format(source=source, value=_show(part)) for source, part in parts]
    if total is None:
        return lines
    if np.size(total) <= SMALL and len(parts) > 1:
        added = " + ".join(summarize(part) for _, part in parts)
        lines.append(words["sum"].format(name=name, parts=added, total=summarize(total)))
    else:
        lines.append(words["sum_norm"].format(name=name, total=format_number(norm(total))))
    return lines


def _step(phase, node, title, lines, key, **more) -> dict:
    return {"phase": phase, "pass": 1, "node": node, "title": title, "lines": lines,
            "values": more.get("values", []), "grads": more.get("grads", []),
            "show": {}, "receives": more.get("receives", []), "edges": more.get("edges", []),
            "practice": more.get("practice"), "rule": False, "panel": more.get("panel"),
            "sort_key": key}


def bptt_steps(facts, fold: TimeFold, lang: str) -> list[dict]:
    """The steps about the boxes, for the main view: each step forward, then backward
    from the last step to the first, W_hh's sum of contributions, and any cut. Each has
    a ``sort_key`` (the position of the node the engine handles it at) for
    `merge_steps`."""
    graph, words = recurrence_of(facts, fold), words_of("bptt", lang)
    order, found = facts.order, []
    many = len(fold.layers) > 1
    for layer in fold.layers:
        kind, steps = graph.kind(layer), fold.steps_of(layer)
        for step in steps:
            h = graph.at("h", step, layer)
            if h is None:
                continue
            gid = fold.boxes[step, layer]
            where = words["in_layer"].format(layer=layer) if many else ""
            found.append(_step(
                "forward", f"n{h}", words["forward_title"].format(t=step) + where,
                [_formula(graph, kind, step, layer, words), words["open_box"].format(t=step)],
                h, values=[f"n{i}" for i in fold.members[gid]], receives=[f"n{h}"],
                edges=_box_edges(fold, gid, True), panel={"bptt": "step", "layer": layer,
                                                          "t": step}))
            if order[h].grad is None:
                continue
            found.append(_backward_step(graph, words, kind, step, layer, where))
        found += _weight_step(graph, words, layer, steps)
    for leaf in fold.cuts:
        cut = [f"e_{a}_{b}_cut" for a, b, d in fold.model.in_edges(f"n{leaf}", data=True)
               if d.get("cut")]
        found.append(_step("backward", f"n{leaf}", words["cut_title"],
                           [words["cut_line"].format(name=facts.names[leaf])], -1,
                           receives=[f"n{leaf}"], edges=cut, panel={"bptt": "cut"}))
    return found


def _backward_step(graph: Recurrence, words: dict, kind: str, step: int, layer: int,
                   where: str) -> dict:
    order, fold = graph.order, graph.fold
    h = graph.at("h", step, layer)
    gid = fold.boxes[step, layer]
    name = subscript("h", step)
    parts = graph.sources(h, step, layer)
    lines = _receives(words, name, parts, order[h].grad)
    c = graph.at("c", step, layer)
    if c is not None and order[c].grad is not None:
        lines += _receives(words, subscript("c", step), graph.sources(c, step, layer),
                           order[c].grad)
    factor = step_factor(graph, kind, step, layer)
    if factor is not None and step > 1:
        verdict = words["shrinks"] if factor < 1 else words["grows"]
        lines.append(words[f"{kind}_factor_line"].format(
            h=name, hp=subscript("h", step - 1), c=subscript("c", step),
            cp=subscript("c", step - 1), f=subscript("f", step), z=subscript("z", step),
            factor=format_number(factor), verdict=verdict,
            act="tanh" if kind == "rnn" and order[h].op == "tanh" else "relu"))
    lines.append(words["open_box"].format(t=step))
    grad = np.asarray(order[h].grad, dtype=np.float64)
    practice = None
    if len(parts) > 1:
        index = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(grad)), grad.shape))
        spot = _where(index)
        worked = " + ".join(format_number(np.asarray(part)[index]) for _, part in parts)
        question = {"prompt": words["question_h"].format(name=name, where=spot),
                    "answer": json_number(grad[index]), "level": 1,
                    "worked": f"∂L/∂{name}{spot} = {worked} = {format_number(grad[index])}"}
        # the sums would give the answer away (their templates start with the formula)
        masked = [line.rsplit(" = ", 1)[0] + " = ?" if line.startswith(("∂L/∂", "‖∂L/∂"))
                  else line for line in lines]
        practice = {"questions": [question], "masked": masked, "masked_hard": masked}
    return _step("backward", f"n{h}", words["backward_title"].format(t=step) + where, lines, h,
                 grads=[f"n{h}"], receives=[f"n{h}"], edges=_box_edges(fold, gid, False),
                 practice=practice, panel={"bptt": "step", "layer": layer, "t": step})


def _weight_step(graph: Recurrence, words: dict, layer: int, steps: list[int]) -> list[dict]:
    weight, parts = weight_contributions(graph, layer, steps)
    if weight is None or any(p is None for p in parts):
        return []
    facts = graph.facts
    j = facts.position[weight]
    name = facts.names[j]
    total = np.sum(parts, axis=0)
    index = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(total)), total.shape))
    spot = _where(index)
    values = [p[index] for p in parts]
    lines = [words["weight_line"].format(weight=name, count=len(parts)),
             words["weight_each"],
             words["weight_entry"].format(weight=name, where=spot, parts=_terms(values),
                                          total=format_number(total[index]))]
    if weight.grad is not None:
        engine = float(np.asarray(weight.grad, dtype=np.float64)[index])
        same = np.isclose(engine, total[index], rtol=1e-4, atol=1e-8)
        lines.append(words["weight_engine" if same else "weight_engine_other"].format(
            weight=name, where=spot, value=format_number(engine)))
    first = graph.recurrent_linear(steps[0], layer)
    question = {"prompt": words["question_w"].format(weight=name, where=spot, count=len(parts)),
                "answer": json_number(total[index]), "level": 1, "worked": lines[2]}
    masked = lines[:2] + [lines[2].rsplit(" = ", 1)[0] + " = ?"]
    return [_step("backward", f"n{j}", words["weight_title"].format(weight=name), lines,
                  (first if first is not None else 0) - 0.5, grads=[f"n{j}"], receives=[f"n{j}"],
                  practice={"questions": [question], "masked": masked, "masked_hard": masked},
                  panel={"bptt": "weight", "layer": layer})]


def merge_steps(steps: list[dict], extra: list[dict]) -> list[dict]:
    """``steps`` (the engine's order) with ``extra`` placed where the engine handles each:
    forward steps by rising position, backward ones (of the first pass) by falling
    position after the seed; steps of no position (a cut) at the end of the pass."""
    def key(step: dict) -> float:
        return step.get("sort_key", int(step["node"][1:]))

    forward = sorted([s for s in steps if s["phase"] == "forward"] +
                     [s for s in extra if s["phase"] == "forward"], key=key)
    first = [s for s in steps if s["phase"] == "backward" and s["pass"] == 1]
    later = [s for s in steps if s["phase"] != "forward" and s not in first]
    seed, rest = first[:1], first[1:]
    placed = [s for s in extra if s["phase"] == "backward" and key(s) >= 0]
    ends = [s for s in extra if s["phase"] == "backward" and key(s) < 0]
    backward = sorted(rest + placed, key=key, reverse=True)
    merged = forward + seed + backward + ends + later
    for step in merged:
        step.pop("sort_key", None)
    return merged
