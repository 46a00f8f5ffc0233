"""Drawing: the graph model as a `graphviz.Digraph`, styled like a circuit diagram.

Every value node is a small table: its name, its forward value (blue) and its gradient
(red); a legend says which colour is which. Op nodes are small circles labelled with
the op's symbol (×, +, exp, 1/x, σ, ReLU, @, Σ). Tensors show their shape and dtype and
their numbers when there are at most six. Parameters of an ``nn.Module`` sit in a
labelled box per layer. Graphs over `MAX_NODES` value nodes fold into group boxes.
Names and kinds come from `viz.names` (the same as in the steps); ``lang="ko"`` writes
the legend, rows and kinds in Korean, in a font stack that has Hangul. Constants and a
graph before ``backward()`` have no gradient row; a released Tensor gradient shows "—".
"""

from __future__ import annotations

import textwrap
from html import escape

import graphviz
import networkx as nx

from tinygrad_edu.autograd import Node

from .collapse import MAX_NODES, collapse, fold
from .graph import format_number, to_networkx
from .opinfo import visible
from .words import graph_words, kind_word

__all__ = ["draw", "Drawing", "VALUE_COLOUR", "GRAD_COLOUR", "FONTS"]

VALUE_COLOUR = "#1f5fbf"  # forward values: blue
GRAD_COLOUR = "#c0392b"  # gradients: red
PARAMETER_FILL = "#fff1c1"
INPUT_FILL = "#e8f0fb"
HEADER_FILL = "#eeeeee"
OP_FILL = "#f4f4f4"
GROUP_FILL = "#f7f0fa"
CONSTANT_FILL = "#f2f2f2"
# Graphviz takes one font name; SVG viewers read it as a CSS font-family list, so this
# stack finds Hangul wherever one of these is installed (fonts-noto-cjk on Linux).
FONTS = ("Helvetica, Arial, 'Noto Sans CJK KR', 'Noto Sans KR', 'Apple SD Gothic Neo', "
         "'Malgun Gothic', sans-serif")
# the rule a page's inline drawings carry instead of a font on every text (viz.shell
# allows exactly this style in every page's policy)
SVG_FONT_STYLE = f"text {{ font-family: {FONTS}; }}"
NODE_FONT_SIZE = "14"  # at the page's natural size one SVG unit is one CSS pixel
NOTE_WIDTH = {"en": 64, "ko": 40}  # characters per line of a note above the graph (Hangul is wide)


class Drawing(graphviz.Digraph):
    """A `graphviz.Digraph` that shows itself inline in Jupyter even without a system
    Graphviz (it renders through `viz.render`, which falls back to graphviz-pure)."""

    def _repr_mimebundle_(self, include=None, exclude=None, **_) -> dict:
        from .render import svg_text

        return {"image/svg+xml": svg_text(self)}

    def _repr_svg_(self) -> str:
        from .render import svg_text

        return svg_text(self)


def plain_label(text: str) -> str:
    """``text`` for a plain (not HTML-like) DOT label, shown as written: a backslash is
    doubled (Graphviz reads ``\\l``, ``\\N`` ... as escapes, and one at the end breaks the
    file), ``&`` is not read as the start of an entity (``&amp;`` stays ``&amp;``), ``<...>``
    is not taken for an HTML label, control characters are made visible."""
    return graphviz.nohtml(visible(text).replace("\\", "\\\\").replace("&", "&amp;"))


def _cell(text: str, colour: str | None = None, bold: bool = False) -> str:
    # Layout engines measure wide (CJK) letters as narrow Latin ones; a no-break space per
    # two of them gives the cell the room the browser's font will take.
    text = visible(text)
    wide = sum(1 for c in text if ord(c) >= 0x1100)
    # (a word joiner after a backslash: graphviz-pure expands \\N, \\G ... even in HTML-like
    # labels, and shows the node id for a label "\\N"; the joiner is invisible)
    body = escape(text).replace("\\", "\\&#8288;") + "&#160;" * ((wide + 1) // 2)
    if bold:
        body = f"<b>{body}</b>"
    if colour:
        body = f'<font color="{colour}">{body}</font>'
    return body


# Helvetica's advance widths (in ems) for the letters numbers are written with; the
# layout engine's own estimate runs narrower than the browser's font, and a long vector
# like "[-0.002346, 0.01441]" ran out of its cell.
_EM = {**dict.fromkeys("0123456789", 0.556), **dict.fromkeys(".,:;[]() ", 0.278),
       "-": 0.333, "−": 0.584, "e": 0.556, "m": 0.833, "—": 1.0}


def _number_cell(text: str, colour: str) -> str:
    """A ``<td>`` for a value or gradient, at least as wide as the browser will draw it.
    A long text starts at the cell's left edge: centred by the engine's narrower estimate,
    it would run out on the right."""
    ems = sum(_EM.get(c, 1.0 if ord(c) >= 0x1100 else 0.6) for c in text)
    width = int(ems * float(NODE_FONT_SIZE)) + 12  # + the cell's padding, both sides
    align = ' align="left"' if len(text) > 6 else ""
    return f'<td width="{width}"{align}>{_cell(text, colour)}</td>'


def _value_label(attributes: dict, show_grad: bool, words: dict) -> str:
    """An HTML-like Graphviz label: the name row, then value and gradient rows."""
    role = attributes.get("role", "intermediate")
    fill = {"parameter": PARAMETER_FILL, "input": INPUT_FILL,
            "constant": CONSTANT_FILL}.get(role, HEADER_FILL)
    name = attributes["name"]  # the kind is the fill colour, named in the legend
    rows = [f'<tr><td colspan="2" bgcolor="{fill}">{_cell(name, bold=True)}</td></tr>']
    if attributes["tensor"]:
        shape = "(" + ", ".join(str(n) for n in attributes["shape"]) + (
            ",)" if len(attributes["shape"]) == 1 else ")")
        kind = f"{shape} {attributes['dtype']}"
        rows.append(f'<tr><td colspan="2">{_cell(kind)}</td></tr>')
        value = attributes["data"]
        grad = attributes["grad"] if attributes["grad"] is not None else "—"
    else:
        value = format_number(attributes["data"])
        grad = format_number(attributes["grad"]) if attributes["grad"] is not None else "—"
    rows.append(f"<tr><td>{_cell(words['value'])}</td>{_number_cell(value, VALUE_COLOUR)}</tr>")
    if show_grad and attributes.get("has_grad", True):
        rows.append(f"<tr><td>{_cell(words['grad'])}</td>{_number_cell(grad, GRAD_COLOUR)}</tr>")
    return ('<<table border="0" cellborder="1" cellspacing="0" cellpadding="4">'
            + "".join(rows) + "</table>>")


def _group_label(attributes: dict, words: dict) -> str:
    if attributes.get("title"):  # a box that says what it holds (a time step: "t = 3")
        return attributes["title"]
    low, high = attributes["depth_range"]
    depth = f"{low}" if low == high else f"{low}–{high}"
    symbol = attributes["symbol"]
    kind = words["leaves"] if symbol == "leaves" else words["nodes_of"].format(symbol=symbol)
    return words["group"].format(count=attributes["count"], kind=kind, depth=depth)


def _legend(graph: graphviz.Digraph, root_name: str, words: dict, show_grad: bool) -> None:
    with graph.subgraph(name="cluster_legend") as legend:
        legend.attr(label=words["legend"], fontsize="12", style="dashed", color="#999999",
                    labeljust="c")
        rows = (f'<tr><td>{_cell(words["value"], VALUE_COLOUR)}</td>'
                f'<td>{_cell(words["forward_value"], VALUE_COLOUR)}</td></tr>')
        if show_grad:
            rows += (f'<tr><td>{_cell(words["grad"], GRAD_COLOUR)}</td>'
                     f'<td>{_cell(words["grad_of"].format(root=root_name), GRAD_COLOUR)}</td></tr>')
        for role, fill in (("parameter", PARAMETER_FILL), ("input", INPUT_FILL),
                           ("constant", CONSTANT_FILL)):
            rows += (f'<tr><td bgcolor="{fill}"> </td>'
                     f'<td>{_cell(kind_word(words, role))}</td></tr>')
        legend.node("legend", shape="plaintext", fontsize="12", label=(
            '<<table border="0" cellborder="1" cellspacing="0" cellpadding="6">'
            f'{rows}</table>>'))


def _module_title(modules, path: str) -> str:
    """``"0: Linear"`` -- the module's path in the model and its class."""
    owner = modules
    for part in filter(None, path.split(".")):
        child = getattr(owner, part, None)
        if child is None and part.isdigit():
            try:
                child = owner[int(part)]
            except (TypeError, IndexError, KeyError):
                child = None
        if child is None:
            return path
        owner = child
    kind = type(owner).__name__
    return f"{path}: {kind}" if path else kind


def draw(root, show_grad: bool = True, rankdir: str = "LR", modules=None,
         collapse_over: int | None = MAX_NODES, expand: bool = False, legend: bool = True,
         title: str | None = None, lang: str = "en", show_constants: bool = False,
         notes: bool = True) -> Drawing:
    """Draw the graph that computed ``root`` (a Value, a Tensor, or a model from
    `viz.graph.to_networkx`) as a `graphviz.Digraph`, without rendering it.

    ``show_grad``: also show gradients (run ``backward()`` first). ``rankdir``: "LR"
    (inputs on the left) or "TB". ``modules``: an ``nn.Module`` whose layers become
    labelled boxes. ``collapse_over``: fold into group boxes when there are more value
    nodes than this; ``expand=True`` (or ``collapse_over=None``) never folds.
    ``lang``: "en" or "ko"; ``show_constants``: give constants a gradient row too.
    ``notes=False`` leaves out the notes drawn above the graph (folded nodes, released
    gradients): for a page that shows them beside the drawing (``title`` stays).
    """
    words = graph_words(lang, "draw")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if isinstance(root, nx.DiGraph):
        model = root
    elif isinstance(root, Node):
        from .steps import graph_facts

        facts = graph_facts(root, modules=modules, show_constants=show_constants, who="draw")
        if not expand and collapse_over is not None and len(facts.order) > collapse_over:
            model = fold(facts, modules)  # straight to the boxes (the same as collapse gives)
        else:
            model = to_networkx(root, modules=modules, facts=facts)
    else:
        raise TypeError(f"draw: expected a Value or a Tensor, got {type(root).__name__}")
    values = sum(1 for _, kind in model.nodes(data="kind") if kind == "value")
    if not expand and collapse_over is not None and values > collapse_over \
            and "collapsed_into" not in model.graph:
        model = collapse(model)

    graph = Drawing(name="tinygrad_edu")
    graph.attr(rankdir=rankdir, fontname=FONTS, fontsize="14", newrank="true")
    graph.attr("node", fontname=FONTS, fontsize=NODE_FONT_SIZE)
    graph.attr("edge", color="#555555", arrowsize="0.7", fontname=FONTS)  # (counts on edges)
    if model.graph.get("state") in ("forward-only", "other-output"):
        show_grad = False  # before backward() there is no gradient to show
    lines = [title] if title else []
    said = []
    if model.graph.get("hidden_nodes"):
        said.append(words["folded"].format(count=model.graph.get("value_nodes", values)))
    if model.graph.get("state") == "released" and show_grad:
        said.append(words["released"])
    if notes:  # wrapped: one long line would be wider than a small graph, and cut off
        lines += [part for note in said for part in textwrap.wrap(note, NOTE_WIDTH[words["lang"]])]
    if lines:
        # at the left, where a wide graph's scroll box opens (centred, it began off-screen)
        # (\l ends a left-aligned line; the clusters centre their own labels again)
        graph.attr(label=graphviz.nohtml("".join(plain_label(line) + "\\l" for line in lines)),
                   labelloc="t", labeljust="l")

    clusters: dict[str, list[tuple[str, dict]]] = {}
    lanes = model.graph.get("lanes", {})  # named lanes (an LSTM's cell state: viz.time_steps)
    for vertex, attributes in model.nodes(data=True):
        module = attributes.get("lane") or attributes.get("module")
        if module is not None:
            clusters.setdefault(module, []).append((vertex, attributes))
            continue
        _add_vertex(graph, vertex, attributes, show_grad, words)
    for number, (module, members) in enumerate(clusters.items()):
        with graph.subgraph(name=f"cluster_module{number}") as box:
            if module in lanes:
                box.attr(label=plain_label(lanes[module]), style="rounded,filled",
                         color="#1f5fbf", fillcolor="#f0f5fd", fontsize="12", labeljust="l")
            else:
                box.attr(label=plain_label(_module_title(modules, module)), style="rounded",
                         color="#7f7f7f", fontsize="11", labeljust="c")
            for vertex, attributes in members:
                _add_vertex(box, vertex, attributes, show_grad, words)

    for source, target, attributes in model.edges(data=True):
        if attributes.get("cut"):  # detach(): the chain is cut here (viz.time_steps)
            graph.edge(source, target, id=f"e_{source}_{target}_cut", style="dashed",
                       color=GRAD_COLOUR, fontcolor=GRAD_COLOUR, fontsize="12",
                       label=words["cut"], arrowhead="tee")
            continue
        count = attributes.get("count", 1)
        extra = {"label": f"{count:,}", "fontsize": "11"} if count > 1 else {}
        if attributes.get("constraint") is False:  # (a weight shared by every time step)
            extra["constraint"] = "false"
        for slot, position in enumerate(attributes.get("positions") or [0]):
            if "count" in attributes and slot:
                break  # a group edge is drawn once, with its count
            # the ids the explorer's steps name (viz.narration.edge_id)
            graph.edge(source, target, id=f"e_{source}_{target}_{position}", **extra)
    if legend:
        root = model.graph.get("root")
        _legend(graph, model.nodes[root]["name"] if root in model else "output", words,
                show_grad)
    return graph


def _add_vertex(graph: graphviz.Digraph, vertex: str, attributes: dict, show_grad: bool,
                words: dict) -> None:
    kind = attributes["kind"]
    if kind == "value":
        graph.node(vertex, label=_value_label(attributes, show_grad, words), shape="plaintext",
                   id=vertex, **{"class": f"value {attributes.get('role', '')}".strip()})
    elif kind == "cut":  # where a detached state came from, outside this graph
        graph.node(vertex, label="✂", shape="plaintext", fontsize="20",
                   fontcolor=GRAD_COLOUR, id=vertex, **{"class": "cut"})
    elif kind == "op":
        graph.node(vertex, label=plain_label(attributes["symbol"]), shape="circle", style="filled",
                   fillcolor=OP_FILL, width="0.3", margin="0.02", fontsize=NODE_FONT_SIZE,
                   id=vertex,
                   **{"class": "op"})
    else:
        # one plain label per line, joined by DOT's line break (a newline itself would be
        # shown as the two characters "\n")
        lines = _group_label(attributes, words).split("\n")
        graph.node(vertex, label=graphviz.nohtml("\\n".join(plain_label(line) for line in lines)),
                   shape="box",
                   style="rounded,filled",
                   fillcolor=GROUP_FILL, id=vertex, **{"class": "group"})
