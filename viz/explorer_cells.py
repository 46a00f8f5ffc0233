"""What the explorer document holds about conv and pool nodes (`viz.conv_cells`): the
page's words and every node's cell view, and on each such node's backward step a
practice question about a chosen cell's gradient, with its sum worked out.
"""

from __future__ import annotations

from .conv_cells import CELL_OPS, Term, cell_terms, cell_view, chosen_cell, covering_of
from .names import format_number
from .words import words_of

__all__ = ["cell_section", "ask_about_cells", "worked_sum"]


def cell_section(facts, told: set[int] | None, lang: str) -> dict | None:
    """The explorer document's ``"cells"``: the page's words (`viz.words`, area
    ``conv_cells``) and the view of every conv or pool node whose steps some view tells
    (``told``: positions; None for all), keyed by node id; None when there is none."""
    views = {}
    ids = {node: f"n{i}" for i, node in enumerate(facts.order)}
    for i, node in enumerate(facts.order):
        if node.op not in CELL_OPS or (told is not None and i not in told):
            continue
        position = facts.position
        names = {"x": facts.names[position[node.parents[0]]], "y": facts.names[i],
                 "w": facts.names[position[node.parents[1]]] if node.op == "conv2d" else "W"}
        view = cell_view(node, names, facts.order, ids)
        if view is not None:
            views[f"n{i}"] = view
    if not views:
        return None
    return {"words": dict(words_of("conv_cells", lang)), "views": views}


def _product(term: Term) -> str:
    right = format_number(term.right)
    return f"{format_number(term.left)} × {f'({right})' if right.startswith('-') else right}"


def worked_sum(terms: list[Term], total: float, shown: int = 3) -> str:
    """``0.3 × 0.5 + 0.1 × (−0.2) + … + 0.2 × 0.1 = 0.61``: the first terms, the last."""
    parts = [_product(t) for t in terms]
    if len(parts) > shown + 1:
        parts = parts[:shown] + ["…", parts[-1]]
    return f"{' + '.join(parts) or '0'} = {format_number(total)}"


def ask_about_cells(steps: list[dict], section: dict | None, lang: str) -> None:
    """Give the backward step of every conv or pool node a practice question: a chosen
    cell's gradient (the sum over the windows that covered it). Changes ``steps``."""
    if not section:
        return
    words = words_of("conv_cells", lang)
    for step in steps:
        view = section["views"].get(step["node"])
        number = step["node"][1:]
        # the op's own step (the seed step names the root too, without the op's edge)
        if view is None or step["phase"] != "backward" or view["grad_x"] is None \
                or f"e_op{number}_n{number}_0" not in step.get("edges", ()):
            continue
        channel, row, col = chosen_cell(view)
        terms = cell_terms(view, channel, row, col)
        total = view["grad_x"][channel][row][col]
        cell = words["cell_name"].format(x=view["names"]["x"], n=view["sample"], c=channel,
                                         i=row, j=col)
        worked = words["worked"].format(cell=cell, count=len(covering_of(view)[
            row * view["image"][1] + col]), sum=worked_sum(terms, total))
        if step["lines"] and step["lines"][0].startswith(f"{view['names']['y']} = {view['op']}(…)"):
            # the op's saved columns were freed, but the cell view works every number out
            step["lines"][0] = words["worked_below"].format(y=view["names"]["y"], op=view["op"])
        question = {"prompt": words["question"].format(cell=cell), "answer": total,
                    "worked": worked, "level": 1,
                    "cell": {"node": step["node"], "channel": channel, "row": row, "col": col}}
        practice = step.get("practice") or {"questions": [], "masked": list(step["lines"]),
                                            "masked_hard": list(step["lines"])}
        practice["questions"] = list(practice["questions"]) + [question]
        step["practice"] = practice
