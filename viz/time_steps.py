"""An unrolled recurrent network folded by time step: one box per step, in the order of
the recurrence, so a sequence of any length reads as the lecture draws it.

The recurrent layers label what every step makes (`tinygrad_edu.nn.recurrent`:
``h_3``, ``c_3``, the gates, ``wx_3``) and `time_steps` assigns every node of a graph to
its (step, layer). Here each (step, layer) becomes one box labelled ``t = 3``; what
belongs to no single step -- the weights, used at every step, the input's projection,
the stacked output, the loss -- and the initial state stay drawn as themselves. An
LSTM's cell state keeps its own lane outside the boxes: c_{t-1} → × f_t → + → c_t, the
forget gate's product along it. Opening a box shows the cell's ops.

A state cut with ``detach()`` (truncated backprop through time) is drawn as a dashed edge:
the detached leaf (``op == "detach"``) gets an edge from the node it was detached from
when that node is in the graph, else from a small ✂ mark -- "no gradient flows past
here".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from tinygrad_edu.nn.recurrent import parse_step_label, time_steps

from .collapse import MAX_NODES
from .explorer_groups import GroupView
from .words import words_of

__all__ = ["TimeFold", "fold_by_time", "box_hints", "detached_leaves", "cut_sources",
           "STEP_NAMES", "VIEWS_AT_EACH_END"]

STEP_NAMES = ("h", "c")  # the states a step hands to the next one
LANE = "lane:cell"       # the cluster the LSTM's cell-state lane is drawn in
VIEWS_AT_EACH_END = 8    # a long sequence's boxes that open: its first and its last steps


@dataclass
class TimeFold:
    """The main view of a recurrent graph folded by time step, and each box's view.

    ``boxes``: (step, layer) -> box id; ``members``: box id -> positions inside it;
    ``lane``: (step, layer) -> positions on the LSTM's cell-state lane (drawn outside the
    boxes); ``state``: (name, step, layer) -> position of h_t / c_t; ``cuts``: detached
    leaf -> the position it was detached from, or None when that is not in the graph."""

    model: nx.DiGraph
    views: list[GroupView]
    boxes: dict[tuple[int, int], str]
    members: dict[str, list[int]]
    lane: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    state: dict[tuple[str, int, int], int] = field(default_factory=dict)
    cuts: dict[int, int | None] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)  # what the telling works out once (viz.bptt)

    @property
    def layers(self) -> list[int]:
        return sorted({layer for _, layer in self.boxes})

    def steps_of(self, layer: int) -> list[int]:
        return sorted(step for step, at in self.boxes if at == layer)


def detached_leaves(order) -> list[int]:
    """Positions of the leaves ``Tensor.detach()`` made (their ``op`` says "detach")."""
    return [i for i, node in enumerate(order) if not node.parents and node.op == "detach"]


def _owner(array):
    """The array that owns the memory ``array`` looks at (itself, or its base's owner)."""
    while getattr(array, "base", None) is not None:
        array = array.base
    return array


def cut_sources(order, leaves: list[int]) -> dict[int, int | None]:
    """For each detached leaf, the op result it was detached from -- whose memory detach
    shares, or a slice of it (a layer's part of a state) -- when that result is in the
    graph, else None."""
    by_data = {id(_owner(node.data)): i for i, node in enumerate(order) if node.parents}
    return {i: by_data.get(id(_owner(order[i].data))) for i in leaves}


def _lane(order, labels) -> dict[tuple[int, int], list[int]]:
    """An LSTM's cell-state lane: each c_t (t ≥ 1) and its parent f_t ⊙ c_{t-1}."""
    lane: dict[tuple[int, int], list[int]] = {}
    position = {node: i for i, node in enumerate(order)}
    for i, parsed in labels.items():
        if parsed.name != "c" or parsed.step < 1:
            continue
        found = [i]
        for parent in order[i].parents:
            grand = [parse_step_label(p.label) for p in parent.parents if p.label]
            if any(g is not None and g.name == "f" for g in grand):
                found.insert(0, position[parent])
        lane[parsed.step, parsed.layer] = found
    return lane


def fold_by_time(facts, modules=None, words: dict | None = None) -> TimeFold | None:
    """The graph of ``facts`` folded by time step, or None when it has no time steps (or
    so much outside them that the boxes would not make it readable)."""
    from .graph import SymbolCache, module_clusters, to_networkx, value_vertex

    order = facts.order
    steps = time_steps(order)
    labels = {i: parse_step_label(node.label) for i, node in enumerate(order) if node.label}
    labels = {i: parsed for i, parsed in labels.items() if parsed is not None}
    lane = _lane(order, labels)
    on_lane = {i for found in lane.values() for i in found}
    members: dict[tuple[int, int], list[int]] = {}
    for i, at in enumerate(steps):
        if at is not None and at[0] >= 1 and i not in on_lane:
            members.setdefault(at, []).append(i)
    outside = [i for i, at in enumerate(steps) if at is None or at[0] < 1 or i in on_lane]
    if not members or len(outside) > MAX_NODES:
        return None
    words = words or words_of("bptt", "en")
    for found in lane.values():  # f_t ⊙ c_{t-1} says what it is better than "t12"
        product = order[found[0]]
        if len(found) == 2 and not product.label:
            facts.names[found[0]] = "⊙".join(p.label for p in product.parents)
    boxes = {at: f"g{found[0]}" for at, found in members.items()}
    many_layers = len({layer for _, layer in members}) > 1
    clusters = module_clusters(facts, modules)
    symbols = SymbolCache()
    model = nx.DiGraph(root=f"n{len(order) - 1}", state=facts.state,
                       lanes={LANE: words["lane"]})
    group_of: dict[str, str] = {}
    for i in outside:
        attributes = value_vertex(facts, i, clusters)
        if i in on_lane:
            attributes["lane"] = LANE
        model.add_node(f"n{i}", **attributes)
        node = order[i]
        if node.parents:
            model.add_node(f"op{i}", kind="op", index=i, op=node.op, symbol=symbols(node),
                           args=node.args, module=None if i in on_lane else clusters.get(i),
                           **({"lane": LANE} if i in on_lane else {}))
    for (step, layer), found in sorted(members.items()):
        gid = boxes[step, layer]
        title = words["box_layer" if many_layers else "box"].format(
            t=step, layer=layer) + "\n" + _cell_line(order, found, step, words)
        model.add_node(gid, kind="group", symbol="step", count=len(found),
                       members=[f"n{i}" for i in found], depth_range=[step, step],
                       title=title, step=step, layer=layer)
        for i in found:
            group_of[f"n{i}"] = gid
            if order[i].parents:
                group_of[f"op{i}"] = gid
    _add_edges(model, order, facts.position, group_of)
    box_ids = set(boxes.values())
    for source, target, data in model.edges(data=True):
        # a weight (or the input's projection) that feeds every step is drawn without
        # pulling the steps toward it: the boxes stay in the order of time, and the layout
        # of a 50-step LSTM took half the time
        if target in box_ids and source not in box_ids and \
                sum(1 for t in model.successors(source) if t in box_ids) > 2:
            data["constraint"] = False
    cuts = cut_sources(order, detached_leaves(order))
    _add_cuts(model, cuts, group_of)
    model.graph.update(collapsed_into=group_of, hidden_nodes=len(group_of),
                       value_nodes=len(order), folded_by="time")
    state = {(parsed.name, parsed.step, parsed.layer): i for i, parsed in labels.items()
             if parsed.name in STEP_NAMES}
    views = []
    for at, found in _with_views(members):
        visible = set(found) | set(lane.get(at, ()))
        drawn = to_networkx(order[-1], modules=modules, facts=facts,
                            only=_around(order, facts.position, visible))
        for _, attributes in drawn.nodes(data=True):
            if attributes.get("index") in on_lane:
                attributes["lane"] = LANE
                attributes["module"] = None
        drawn.graph["lanes"] = model.graph["lanes"]
        views.append(GroupView(boxes[at], "main", drawn, visible))
    return TimeFold(model, views, boxes, {boxes[at]: found for at, found in members.items()},
                    lane, state, cuts)


def _with_views(members: dict) -> list[tuple[tuple[int, int], list[int]]]:
    """The boxes that get a view of their own: every one of a short sequence, the first
    and the last `VIEWS_AT_EACH_END` steps of each layer of a long one (each view is one
    more layout: a 50-step page spent twenty seconds laying out its boxes)."""
    chosen = []
    for layer in sorted({layer for _, layer in members}):
        steps = sorted(step for step, at in members if at == layer)
        if len(steps) > 2 * VIEWS_AT_EACH_END:
            steps = steps[:VIEWS_AT_EACH_END] + steps[-VIEWS_AT_EACH_END:]
        chosen += [((step, layer), members[step, layer]) for step in steps]
    return chosen


def box_hints(fold: TimeFold, views: dict, words: dict) -> dict[str, str]:
    """What a click on a step's box without a view says: which boxes open, and how to
    draw every node."""
    return {gid: words["box_hint"].format(first=VIEWS_AT_EACH_END, last=VIEWS_AT_EACH_END)
            for gid in fold.members if gid not in views}


def _cell_line(order, found: list[int], step: int, words: dict) -> str:
    """What the box computes, in one line: ``h₃ = tanh(wx₃ + h₂ W_hhᵀ)``, or which
    states an LSTM or GRU cell makes."""
    from .bptt_numbers import subscript  # (it reads a TimeFold: imported when used)

    names = {parse_step_label(order[i].label).name for i in found
             if order[i].label and parse_step_label(order[i].label)}
    kind = "lstm" if "f" in names else "gru" if "z" in names else "rnn"
    h = [i for i in found if order[i].label and parse_step_label(order[i].label)
         and parse_step_label(order[i].label).name == "h"]
    act = "relu" if h and order[h[0]].op == "relu" else "tanh"
    return words[f"{kind}_cell"].format(h=subscript("h", step), hp=subscript("h", step - 1),
                           c=subscript("c", step), wx=subscript("wx", step), act=act)


def _around(order, position, members: set[int]) -> set[int]:
    """The members, and the nodes just outside that feed them or use them."""
    keep = set(members)
    for i in members:
        keep.update(position[p] for p in order[i].parents)
    for j, node in enumerate(order):
        if any(position[p] in members for p in node.parents):
            keep.add(j)
    return keep


def _add_edges(model: nx.DiGraph, order, position, group_of: dict[str, str]) -> None:
    """Parent -> op -> result, each end replaced by its box; inside a box, none; one edge
    per pair of ends with how many it stands for (``count``) and the first slot."""
    counts: dict[tuple[str, str], list] = {}
    for i, node in enumerate(order):
        if not node.parents:
            continue
        links = [(f"op{i}", f"n{i}", 0)] + [(f"n{position[p]}", f"op{i}", slot)
                                             for slot, p in enumerate(node.parents)]
        for source, target, slot in links:
            a, b = group_of.get(source, source), group_of.get(target, target)
            if a == b:
                continue
            if (a, b) in counts:
                if a == source and b == target:  # x * x: one edge, two positions
                    counts[a, b][1].append(slot)
                else:
                    counts[a, b][0] += 1
            else:
                counts[a, b] = [1, [slot]]
    model.add_edges_from((a, b, {"count": count, "positions": positions})
                         for (a, b), (count, positions) in counts.items())


def _add_cuts(model: nx.DiGraph, cuts: dict[int, int | None], group_of: dict[str, str]) -> None:
    """A dashed edge into every detached leaf: from where it was detached, else from ✂."""
    for leaf, source in cuts.items():
        if f"n{leaf}" not in model:
            continue
        if source is None:
            start = f"cut{leaf}"
            model.add_node(start, kind="cut", index=leaf)
        else:
            start = group_of.get(f"n{source}", f"n{source}")
        model.add_edge(start, f"n{leaf}", cut=True, positions=[0])
