"""A self-contained step-through page: the graph, and the passes one step at a time.

One HTML file with the SVG, the script and the styles inline -- it needs no network
(its Content-Security-Policy forbids any) and opens from disk. Next/Prev buttons, the
← and → keys and a slider move through the steps of `viz.steps`: first the forward pass
(values appear in topological order), then the backward pass in the engine's order
(gradients appear as they are computed). The node of the current step is highlighted
and the step's explanation sits beside the graph.
"""

from __future__ import annotations

import json
import os
import re
from html import escape
from pathlib import Path

from tinygrad_edu.autograd import Node

from .collapse import MAX_NODES, collapse
from .dot import GRAD_COLOUR, VALUE_COLOUR, draw
from .graph import to_networkx
from .render import svg_text
from .steps import steps

__all__ = ["html", "html_page"]

WORDS = {
    "en": {"prev": "← Prev", "next": "Next →", "step": "Step", "keys": "Keys: ← and →",
           "title": "{root}: forward and backward, step by step"},
    "ko": {"prev": "← 이전", "next": "다음 →", "step": "단계", "keys": "키보드: ← 와 →",
           "title": "{root}: 순전파와 역전파, 한 단계씩"},
}

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #222; }
header { padding: 8px 16px; border-bottom: 1px solid #ddd; }
h1 { font-size: 18px; margin: 4px 0; }
main { display: flex; gap: 16px; padding: 12px 16px; align-items: flex-start; }
#tg-graph { flex: 3; overflow: auto; max-height: 88vh; border: 1px solid #eee; }
#tg-graph svg { max-width: 100%; height: auto; }
#tg-panel { flex: 2; min-width: 300px; position: sticky; top: 8px; }
#tg-title { font-size: 16px; margin: 8px 0; }
#tg-text { white-space: pre-wrap; font-family: Menlo, Consolas, monospace; font-size: 13px;
           background: #f8f8f8; padding: 10px; border-radius: 4px; min-height: 6em; }
.tg-controls { display: flex; gap: 8px; align-items: center; }
.tg-controls input { flex: 1; }
button { font-size: 14px; padding: 4px 10px; }
.tg-phase-forward { color: VALUE; } .tg-phase-backward { color: GRAD; }
.tg-hidden { visibility: hidden; }
g.tg-current polygon, g.tg-current ellipse, g.tg-current path {
  stroke: #ff8c00 !important; stroke-width: 3px; }
g.tg-current-op ellipse { stroke: #ff8c00 !important; stroke-width: 3px; fill: #ffe3bf; }
.tg-hint { color: #777; font-size: 12px; }
""".replace("VALUE", VALUE_COLOUR).replace("GRAD", GRAD_COLOUR)

SCRIPT = """
(function () {
  var steps = JSON.parse(document.getElementById('tg-steps').textContent);
  var alias = JSON.parse(document.getElementById('tg-alias').textContent);
  var shape = function (id) { return document.getElementById(alias[id] || id); };
  var valueAt = {}, gradAt = {};
  steps.forEach(function (step, k) {
    step.values.forEach(function (id) { if (!(id in valueAt)) valueAt[id] = k; });
    step.grads.forEach(function (id) { if (!(id in gradAt)) gradAt[id] = k; });
  });
  var texts = [];  // [element, node id, "value" | "grad"]
  document.querySelectorAll('#tg-graph g.value').forEach(function (node) {
    node.querySelectorAll('text').forEach(function (text) {
      var fill = (text.getAttribute('fill') || '').toLowerCase();
      if (fill === 'VALUE') texts.push([text, node.id, 'value']);
      if (fill === 'GRAD') texts.push([text, node.id, 'grad']);
    });
  });
  var slider = document.getElementById('tg-slider');
  var current = 0;
  function show(k) {
    current = Math.max(0, Math.min(steps.length - 1, k));
    var step = steps[current];
    texts.forEach(function (t) {
      var at = (t[2] === 'value' ? valueAt : gradAt)[t[1]];
      t[0].classList.toggle('tg-hidden', at === undefined || at > current);
    });
    document.querySelectorAll('.tg-current, .tg-current-op').forEach(function (e) {
      e.classList.remove('tg-current'); e.classList.remove('tg-current-op');
    });
    var node = shape(step.node);
    if (node) node.classList.add('tg-current');
    var op = shape('op' + step.node.slice(1));
    if (op && op !== node) op.classList.add('tg-current-op');
    document.getElementById('tg-title').textContent = step.title;
    document.getElementById('tg-title').className = 'tg-phase-' + step.phase;
    document.getElementById('tg-text').textContent = step.lines.join('\\n');
    document.getElementById('tg-counter').textContent =
      'STEP ' + (current + 1) + ' / ' + steps.length;
    slider.value = current;
    document.body.setAttribute('data-step', current);
  }
  document.getElementById('tg-prev').addEventListener('click', function () { show(current - 1); });
  document.getElementById('tg-next').addEventListener('click', function () { show(current + 1); });
  slider.addEventListener('input', function () { show(parseInt(slider.value, 10)); });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowRight') { show(current + 1); event.preventDefault(); }
    if (event.key === 'ArrowLeft') { show(current - 1); event.preventDefault(); }
  });
  show(0);
})();
"""


def _json_for_script(data) -> str:
    """JSON that cannot close the <script> element it sits in."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _inline_svg(svg: str) -> str:
    """The <svg> element alone: no XML declaration, doctype or comments."""
    svg = svg[svg.index("<svg"):]
    return re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)


def html_page(root: Node, lang: str = "en", title: str | None = None, modules=None) -> str:
    """The step-through page for ``root`` (after ``backward()``) as one HTML string."""
    if lang not in WORDS:
        raise ValueError(f"html: lang must be one of {', '.join(sorted(WORDS))}, got {lang!r}")
    words = WORDS[lang]
    model = to_networkx(root, modules=modules)
    values = sum(1 for _, kind in model.nodes(data="kind") if kind == "value")
    alias = {}
    if values > MAX_NODES:
        model = collapse(model)
        alias = model.graph["collapsed_into"]
    drawing = draw(model, modules=modules, collapse_over=None)
    svg = _inline_svg(svg_text(drawing))
    step_list = [{"phase": s.phase, "node": s.node, "title": s.title, "lines": list(s.lines),
                  "values": list(s.reveal_values), "grads": list(s.reveal_grads)}
                 for s in steps(root, lang=lang)]
    root_name = model.nodes[model.graph["root"]]["name"]
    title = title or words["title"].format(root=root_name)
    script = SCRIPT.replace("VALUE", VALUE_COLOUR).replace("GRAD", GRAD_COLOUR)
    script = script.replace("'STEP '", json.dumps(words["step"] + " "))
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body data-step="0">
<header><h1>{escape(title)}</h1></header>
<main>
<div id="tg-graph">{svg}</div>
<aside id="tg-panel">
<div id="tg-counter"></div>
<h2 id="tg-title"></h2>
<div id="tg-text"></div>
<div class="tg-controls">
<button id="tg-prev" type="button">{words["prev"]}</button>
<input id="tg-slider" type="range" min="0" max="{len(step_list) - 1}" value="0"
       aria-label="{words["step"]}">
<button id="tg-next" type="button">{words["next"]}</button>
</div>
<p class="tg-hint">{words["keys"]}</p>
</aside>
</main>
<script id="tg-steps" type="application/json">{_json_for_script(step_list)}</script>
<script id="tg-alias" type="application/json">{_json_for_script(alias)}</script>
<script>{script}</script>
</body>
</html>
"""


def html(root: Node, path: str | os.PathLike, lang: str = "en", title: str | None = None,
         modules=None) -> Path:
    """Write the step-through page of ``root`` (after ``backward()``) to ``path``."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_page(root, lang=lang, title=title, modules=modules), encoding="utf-8")
    return path
