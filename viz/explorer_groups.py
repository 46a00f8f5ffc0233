"""Which folded boxes of a big graph get a view of their own in the explorer.

A box of at most `MAX_NODES` nodes opens onto its nodes, drawn with the parents and
consumers that join it to the rest. A bigger box opens onto boxes of at most `MAX_NODES`
nodes each (its nodes cut in forward order), which open in turn: expanding never draws
more than a screenful. Boxes over `REFOLD_OVER` nodes get none (the page says how to draw
them: ``viz.html(root, path, expand=[id])``). Views are planned level by level, smallest
boxes first, until `MAX_GROUP_VIEWS`; the document then keeps those that fit its budget.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import networkx as nx

from .collapse import MAX_NODES

__all__ = ["GroupView", "plan_group_views", "MAX_GROUP_VIEWS"]

MAX_GROUP_VIEWS = 8  # each is one more layout: about 0.15 s of build time
REFOLD_OVER = 10 * MAX_NODES  # bigger boxes get a hint (expand=[id]) instead of a view


@dataclass
class GroupView:
    """One box's view: what is drawn (``model``), which nodes' steps it tells
    (``visible``: positions in the topological order) and the box it sits in."""

    id: str
    parent: str
    model: nx.DiGraph
    visible: set[int]
    alias: dict[str, str] = field(default_factory=dict)
    children: list[str] = field(default_factory=list)


def _around(facts, consumers: list[list[int]], members: set[int]) -> set[int]:
    """The members, and the nodes just outside that feed them or use them."""
    keep = set(members)
    for i in members:
        keep.update(facts.position[p] for p in facts.order[i].parents)
        keep.update(consumers[i])
    return keep


def _split(box: dict, gid: str, members: set[str]) -> nx.DiGraph:
    """A box cut into boxes of at most `MAX_NODES` nodes, in forward order. (Its nodes
    share one depth band and one op, so folding by depth again would not split it.)"""
    ordered = sorted(members, key=lambda v: int(v[1:]))
    parts = -(-len(ordered) // MAX_NODES)
    size = -(-len(ordered) // parts)
    split = nx.DiGraph(root=None, collapsed_into={})
    for k in range(parts):
        chunk = ordered[k * size:(k + 1) * size]
        name = f"{gid}.{k + 1}"
        split.add_node(name, **{**box, "count": len(chunk), "members": chunk})
        for member in chunk:
            split.graph["collapsed_into"][member] = name
            split.graph["collapsed_into"][f"op{member[1:]}"] = name
    return split


def _groups(model: nx.DiGraph) -> list[tuple[int, str]]:
    return [(a["count"], v) for v, a in model.nodes(data=True) if a["kind"] == "group"]


def plan_group_views(facts, folded: nx.DiGraph, modules=None,
                     limit: int = MAX_GROUP_VIEWS) -> list[GroupView]:
    """The views of the boxes of ``folded`` (the main view of the graph of ``facts``), and
    of their boxes in turn, at most ``limit`` of them."""
    from .graph import to_networkx

    consumers: list[list[int]] = [[] for _ in facts.order]
    for i, node in enumerate(facts.order):
        for parent in node.parents:
            consumers[facts.position[parent]].append(i)
    queue = [(1, size, gid, "main", folded) for size, gid in _groups(folded)]
    heapq.heapify(queue)
    planned: list[GroupView] = []
    by_id: dict[str, GroupView] = {}
    while queue and len(planned) < limit:
        level, size, gid, parent, container = heapq.heappop(queue)
        if size > REFOLD_OVER:
            continue  # folding it again would still leave boxes too big to open
        members = set(container.nodes[gid]["members"])
        if size <= MAX_NODES:
            visible = {int(m[1:]) for m in members}
            drawn = to_networkx(facts.order[-1], modules=modules, facts=facts,
                                only=_around(facts, consumers, visible))
            view = GroupView(gid, parent, drawn, visible)
        else:
            split = _split(container.nodes[gid], gid, members)
            view = GroupView(gid, parent, split, set(), dict(split.graph["collapsed_into"]))
            for inner_size, inner_id in _groups(split):
                heapq.heappush(queue, (level + 1, inner_size, inner_id, gid, split))
        planned.append(view)
        by_id[gid] = view
    for view in planned:
        if view.parent in by_id:
            by_id[view.parent].children.append(view.id)
    return planned
