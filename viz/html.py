"""The backprop explorer: one self-contained page to step through, check and practise.

One HTML file, opened from disk, with no network at all (its Content-Security-Policy
forbids every fetch and allows only its own script, by hash). The graph is the main view
at its natural size; drag pans, the wheel and +/- zoom, and the view follows the step.
The step panel narrates forward and backward passes; a practice mode asks the learner for
each gradient before showing it. The page's script and styles live in ``viz/page/``.

What the page shows comes from one JSON-able *explorer document*
(``viz.explorer_document``); this module only turns a document into a page, escaping
every piece of text for the place it lands.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from html import escape
from importlib import resources
from pathlib import Path

from tinygrad_edu.autograd import Node

from .dot import GRAD_COLOUR, VALUE_COLOUR
from .page_words import WORDS

__all__ = ["html", "html_page", "page_from_document"]

SCRIPTS = ("answer.js", "pan_zoom.js", "explorer.js")  # in this order: explorer.js uses both


def _asset(name: str) -> str:
    """A file of viz/page/ (package data: see pyproject's [tool.setuptools.package-data])."""
    return resources.files("viz").joinpath("page", name).read_text(encoding="utf-8")


def json_for_script(data) -> str:
    """JSON that is inert inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c`` ... so that no ``</script>`` or ``<!--`` can
    appear in it, and U+2028/U+2029 are escaped for any JavaScript reader."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    for raw, safe in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                      ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, safe)
    return text


def _inline_svg(svg: str) -> str:
    """The <svg> element alone: no XML declaration, doctype or comments."""
    svg = svg[svg.index("<svg"):]
    return re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def page_from_document(document: dict, practice: bool | None = None) -> str:
    """The explorer page for an explorer document (see `viz.explorer_document`)."""
    lang = document.get("lang", "en")
    if lang not in WORDS:
        raise ValueError(f"html: lang must be one of {', '.join(sorted(WORDS))}, got {lang!r}")
    words = WORDS[lang]
    views = {name: dict(spec) for name, spec in document["views"].items()}
    main_svg = _inline_svg(views["main"]["svg"])
    views["main"]["svg"] = None  # drawn inline below, so the page shows it even without script
    data = dict(document, views=views)
    if practice is None:
        practice = bool(document.get("practice", False))
    config = {"words": words["script"], "practice": practice,
              "value_colour": VALUE_COLOUR.lower(), "grad_colour": GRAD_COLOUR.lower()}
    script = "(function () {\n'use strict';\n" + "\n".join(
        _asset(name) for name in SCRIPTS) + "\n})();\n"
    title = document.get("title") or words["untitled"]
    fields = {key: escape(value) for key, value in words.items() if isinstance(value, str)}
    fields.update(lang=escape(lang), title=escape(title), style=_asset("explorer.css"),
                  script=script, script_hash=_sha256(script), main_svg=main_svg,
                  document=json_for_script(data), config=json_for_script(config))
    # one pass over the template, so a value that contains "{name}" is never filled again
    return re.sub(r"\{(\w+)\}", lambda match: fields[match.group(1)], _asset("explorer.html"))


def _document_from_steps(root: Node, lang: str, modules) -> dict:
    """A document from `viz.steps` and `viz.draw` alone (until explorer_data lands)."""
    from .collapse import MAX_NODES, collapse
    from .dot import draw
    from .graph import to_networkx
    from .render import svg_text
    from .steps import steps

    model = to_networkx(root, modules=modules)
    alias = {}
    if sum(1 for _, kind in model.nodes(data="kind") if kind == "value") > MAX_NODES:
        model = collapse(model)
        alias = model.graph["collapsed_into"]
    step_list = [{"phase": s.phase, "node": s.node, "title": s.title, "lines": list(s.lines),
                  "values": list(s.reveal_values), "grads": list(s.reveal_grads)}
                 for s in steps(root, lang=lang)]
    name = model.nodes[model.graph["root"]]["name"]
    return {"lang": lang, "title": WORDS[lang]["title"].format(root=name), "nodes": {},
            "views": {"main": {"svg": svg_text(draw(model, modules=modules, collapse_over=None)),
                               "alias": alias, "steps": step_list}}}


def _document(root: Node, lang: str, practice: bool, passes: int, modules, title, options):
    try:
        from .explorer_data import explorer_document
    except ImportError:
        document = _document_from_steps(root, lang, modules)
    else:
        document = explorer_document(root, lang=lang, practice=practice, passes=passes,
                                     modules=modules, **options)
    if title is not None:
        document = dict(document, title=title)
    return document


def html_page(root: Node, lang: str = "en", title: str | None = None, modules=None,
              practice: bool = False, passes: int = 1, **options) -> str:
    """The explorer page of ``root``'s graph as one HTML string.

    ``practice=True`` opens in practice mode (every page has the toggle); ``passes=2``
    also shows a second backward pass without ``zero_grad()``. Other keyword arguments
    go to `viz.explorer_document`."""
    if lang not in WORDS:
        raise ValueError(f"html: lang must be one of {', '.join(sorted(WORDS))}, got {lang!r}")
    document = _document(root, lang, practice, passes, modules, title, options)
    return page_from_document(document, practice=practice)


def html(root: Node, path: str | os.PathLike, lang: str = "en", title: str | None = None,
         modules=None, practice: bool = False, passes: int = 1, **options) -> Path:
    """Write the explorer page of ``root``'s graph to ``path`` (see `html_page`)."""
    page = html_page(root, lang=lang, title=title, modules=modules, practice=practice,
                     passes=passes, **options)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
