"""Big graphs fold into group boxes, so a 5,000-node graph still fits on a screen.

Every node keeps its place in depth (its longest distance from a leaf). The depth range
is cut into a few bands; inside a band, nodes made by the same op form one box labelled
with their count ("1,250 × nodes, depth 3–40"), and all leaves of a band form another.
The root, its op, and a few labelled nodes closest to the root stay as themselves so that
the answer and the names a person chose remain visible (labelled inputs only when there
are few of them).
"""

from __future__ import annotations

import networkx as nx

__all__ = ["collapse", "MAX_NODES"]

MAX_NODES = 300  # graphs with more value nodes than this collapse unless told otherwise
BANDS = 8
KEEP_LABELLED = 24


def _depths(model: nx.DiGraph, values: list[str]) -> dict[str, int]:
    """Longest distance from a leaf, computed in topological order (values are sorted)."""
    depth: dict[str, int] = {}
    for vertex in values:
        op = f"op{model.nodes[vertex]['index']}"
        parents = model.predecessors(op) if op in model else ()
        depth[vertex] = 1 + max((depth[p] for p in parents), default=-1)
    return depth


def collapse(model: nx.DiGraph, keep_labelled: int = KEEP_LABELLED,
             bands: int = BANDS, keep: set[str] | frozenset = frozenset(),
             root: str | None = None) -> nx.DiGraph:
    """The quotient graph: value vertices merged into group vertices (kind="group").

    A group vertex carries count, symbol, depth_range and members (the value ids it
    holds). ``graph.graph["collapsed_into"]`` maps every merged value id (and its op id)
    to its group, so a step about a hidden node can highlight the box that holds it.
    Edges carry ``count``: how many original edges they stand for. ``keep``: value ids
    that stay drawn as themselves (a group the explorer was asked to expand); ``root``:
    the vertex kept as the answer (the model's root unless told).
    """
    values = sorted((v for v, a in model.nodes(data=True) if a["kind"] == "value"),
                    key=lambda v: model.nodes[v]["index"])
    depth = _depths(model, values)
    deepest = max(depth.values(), default=0)
    root = model.graph["root"] if root is None else root
    labelled = [v for v in values if model.nodes[v]["label"] and v != root]
    if len(labelled) > keep_labelled:  # too many to show: keep named results, not inputs
        labelled = [v for v in labelled if not model.nodes[v]["leaf"]]
    kept = {root, *labelled[-keep_labelled:], *keep}

    group_of: dict[str, str] = {}
    groups: dict[tuple, str] = {}
    out = nx.DiGraph(**model.graph)
    for vertex in values:
        attributes = model.nodes[vertex]
        index = attributes["index"]
        if vertex in kept:
            out.add_node(vertex, **attributes)
            if f"op{index}" in model:
                out.add_node(f"op{index}", **model.nodes[f"op{index}"])
            continue
        band = depth[vertex] * bands // (deepest + 1)
        kind = "leaves" if attributes["leaf"] else model.nodes[f"op{index}"]["symbol"]
        key = (band, kind)
        if key not in groups:
            groups[key] = f"g{index}"
            out.add_node(f"g{index}", kind="group", symbol=kind, count=0, members=[],
                         depth_range=[depth[vertex], depth[vertex]])
        group = groups[key]
        box = out.nodes[group]
        box["count"] += 1
        box["members"].append(vertex)
        box["depth_range"][0] = min(box["depth_range"][0], depth[vertex])
        box["depth_range"][1] = max(box["depth_range"][1], depth[vertex])
        group_of[vertex] = group
        if f"op{index}" in model:
            group_of[f"op{index}"] = group

    for source, target in model.edges:
        a, b = group_of.get(source, source), group_of.get(target, target)
        if a == b:
            continue
        if out.has_edge(a, b):
            out.edges[a, b]["count"] += 1
        else:
            out.add_edge(a, b, count=1, positions=model.edges[source, target].get("positions", [0]))
    out.graph["collapsed_into"] = group_of
    out.graph["hidden_nodes"] = len(group_of)
    out.graph["value_nodes"] = len(values)  # before folding
    return out


def fold(facts, modules=None, keep: set[int] | frozenset = frozenset(),
         keep_labelled: int = KEEP_LABELLED, bands: int = BANDS) -> nx.DiGraph:
    """What ``collapse(to_networkx(root))`` gives, made straight from the graph's facts
    (`viz.steps.graph_facts`) without a vertex for every node first: the same groups,
    ids, counts and edges in a fraction of the time on a 100k-node graph. ``keep``:
    positions that stay drawn as themselves."""
    from .graph import SymbolCache, module_clusters, value_vertex

    order, position = facts.order, facts.position
    parents = [[position[p] for p in node.parents] for node in order]
    depth = [0] * len(order)
    for i, found in enumerate(parents):
        if found:
            depth[i] = 1 + max(depth[j] for j in found)
    deepest = max(depth, default=0)
    root = len(order) - 1
    labelled = [i for i, node in enumerate(order) if node.label and i != root]
    if len(labelled) > keep_labelled:  # too many to show: keep named results, not inputs
        labelled = [i for i in labelled if order[i].parents]
    kept = {root, *labelled[-keep_labelled:], *keep}
    clusters = module_clusters(facts, modules)
    symbols = SymbolCache()
    out = nx.DiGraph(root=f"n{root}", state=facts.state)
    group_of: dict[str, str] = {}
    boxes: dict[tuple, dict] = {}
    for i, node in enumerate(order):
        if i in kept:
            out.add_node(f"n{i}", **value_vertex(facts, i, clusters))
            if node.parents:
                out.add_node(f"op{i}", kind="op", index=i, op=node.op, symbol=symbols(node),
                             args=node.args, module=clusters.get(i))
            continue
        kind = "leaves" if not node.parents else symbols(node)
        key = (depth[i] * bands // (deepest + 1), kind)
        box = boxes.get(key)
        if box is None:
            box = boxes[key] = {"id": f"g{i}", "kind": "group", "symbol": kind, "count": 0,
                                "members": [], "depth_range": [depth[i], depth[i]]}
        box["count"] += 1
        box["members"].append(f"n{i}")
        box["depth_range"][0] = min(box["depth_range"][0], depth[i])
        box["depth_range"][1] = max(box["depth_range"][1], depth[i])
        group_of[f"n{i}"] = box["id"]
        if node.parents:
            group_of[f"op{i}"] = box["id"]
    out.add_nodes_from((box.pop("id"), box) for box in boxes.values())
    counts: dict[tuple[str, str], list] = {}  # (from, to) -> [count, positions]
    for i, found in enumerate(parents):
        if not found:
            continue
        links = [(f"op{i}", f"n{i}", 0)] + [(f"n{j}", f"op{i}", slot)
                                             for slot, j in enumerate(found)]
        seen: set[tuple[str, str]] = set()
        for source, target, slot in links:
            a, b = group_of.get(source, source), group_of.get(target, target)
            if a == b:
                continue
            if (source, target) in seen:  # x * x: one edge, two positions
                counts[a, b][1].append(slot)
                continue
            seen.add((source, target))
            if (a, b) in counts:
                counts[a, b][0] += 1
            else:
                counts[a, b] = [1, [slot]]
    out.add_edges_from((a, b, {"count": count, "positions": positions})
                       for (a, b), (count, positions) in counts.items())
    out.graph.update(collapsed_into=group_of, hidden_nodes=len(group_of),
                     value_nodes=len(order))
    return out
