"""The backprop explorer: one self-contained page to step through, check and practise.

One HTML file, opened from disk, with no network at all (the page shell of `viz.shell`:
its Content-Security-Policy forbids every fetch and allows only its own script and
style, by hash). The graph is the main view
at its natural size; drag pans, the wheel and +/- zoom, and the view follows the step.
The step panel narrates forward and backward passes; a practice mode asks the learner for
each gradient before showing it. The page's script and styles live in ``viz/page/``.

What the page shows comes from one JSON-able *explorer document*
(``viz.explorer_document``); this module only turns a document into a page, escaping
every piece of text for the place it lands.
"""

from __future__ import annotations

import os
import re
from html import escape
from pathlib import Path

from tinygrad_edu.autograd import Node

from .dot import GRAD_COLOUR, VALUE_COLOUR
from .shell import asset, inline_svg, json_for_script, page, write_page
from .words import check_language, words_of

__all__ = ["html", "html_page", "page_from_document", "json_for_script", "explorer_script",
           "explorer_style"]

SCRIPTS = ("answer.js", "pan_zoom.js", "inspect.js", "overlays.js", "explorer.js")  # main last


def _asset(name: str) -> str:
    """A file of viz/page/ (package data: see pyproject's [tool.setuptools.package-data])."""
    return asset("page", name)


def explorer_script() -> str:
    """The explorer's script: its files in one function scope."""
    return "(function () {\n'use strict';\n" + "\n".join(
        _asset(name) for name in SCRIPTS) + "\n})();\n"


def explorer_style() -> str:
    return _asset("explorer.css")


def page_from_document(document: dict, practice: bool | None = None) -> str:
    """The explorer page for an explorer document (see `viz.explorer_document`)."""
    lang = check_language(document.get("lang", "en"), "html")
    words = words_of("explorer", lang)
    views = {name: dict(spec, svg=None) for name, spec in document["views"].items()}
    # The drawings go into the page as markup, not as JSON strings: escaping every < and >
    # for a <script> would make them three times as long. The main one is drawn at once
    # (the page shows it even without script); the others wait, inert, in <template>s.
    main_svg = inline_svg(document["views"]["main"]["svg"])
    templates = "".join(
        f'<template id="tg-svg-{escape(name)}">{inline_svg(spec["svg"])}</template>\n'
        for name, spec in document["views"].items() if name != "main" and spec.get("svg"))
    data = dict(document, views=views)
    if practice is None:
        practice = bool(document.get("practice", False))
    config = {"words": words_of("explorer_script", lang), "practice": practice,
              "value_colour": VALUE_COLOUR.lower(), "grad_colour": GRAD_COLOUR.lower()}
    script = explorer_script()
    title = document.get("title") or words["untitled"]
    fields = {key: escape(value) for key, value in words.items()}
    fields.update(title=escape(title), main_svg=main_svg, templates=templates)
    # one pass over the template, so a value that contains "{name}" is never filled again
    body = re.sub(r"\{(\w+)\}", lambda match: fields[match.group(1)], _asset("explorer.html"))
    return page(lang, title, body, explorer_style(), script,
                data={"tg-doc": data, "tg-config": config}, attributes={"data-step": "0"})


def _document(root: Node, lang: str, practice: bool, passes: int, modules, title, options):
    from .explorer_data import explorer_document  # imported here: it imports much of viz

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
    check_language(lang, "html")
    document = _document(root, lang, practice, passes, modules, title, options)
    return page_from_document(document, practice=practice)


def html(root: Node, path: str | os.PathLike, lang: str = "en", title: str | None = None,
         modules=None, practice: bool = False, passes: int = 1, **options) -> Path:
    """Write the explorer page of ``root``'s graph to ``path`` (see `html_page`)."""
    page = html_page(root, lang=lang, title=title, modules=modules, practice=practice,
                     passes=passes, **options)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_page(path, page)
    return path
