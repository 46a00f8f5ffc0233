"""The training page: a recorded run (`viz.training.recording`) replayed in one offline HTML file.

Loss curve, decision boundary (2-D data), per-layer gradient norms and a few weights
over time, all following one iteration slider with Play/Pause; below, the graph of the
nearest recorded iteration with its values and gradients, which opens into the
explorer of that iteration: its forward and backward steps and the optimizer's update
steps after them (`viz.explorer_document` with ``extra_steps``), shown in a sandboxed
``<iframe srcdoc>``. Each recorded iteration's explorer page travels deflated in the
page's JSON and is inflated only when opened. The page's script and style live in
``viz/training/assets/``; the data sits in one JSON block, and its Content-Security-Policy
forbids any network access.
"""

from __future__ import annotations

import base64
import os
import re
import zlib
from html import escape
from pathlib import Path

import numpy as np

from ..html import explorer_script, explorer_style, page_from_document
from ..palette import SERIES_COLOURS
from ..render import svg_text
from ..shell import asset, inline_svg, page, write_page
from ..words import words_of
from .recording import Recording

__all__ = ["training_page", "page_document"]

MAX_POINTS = 400  # data points drawn on the boundary; more add size, not insight
SNAPSHOT_BYTES = 1_500_000  # the recorded iterations' graphs and explorer pages, in all


def _round(values, digits: int = 5) -> list:
    """Numbers with ``digits`` significant digits (JSON has no NaN: those become null)."""
    out = []
    for v in values:
        v = float(v)
        out.append(float(f"{v:.{digits}g}") if np.isfinite(v) else None)
    return out


def front_loaded(loss: list[float]) -> bool:
    """Did 90 % of the loss's change happen in the first 2 % of the run? Then the charts
    use a log iteration axis: the first steps get room and the long flat rest (a
    saturated deep sigmoid net) is not squeezed against the axis."""
    values = np.asarray(loss, dtype=np.float64)
    values = values[np.isfinite(values)]
    if len(values) < 50:
        return False
    change = abs(values[0] - values[-1])
    early = abs(values[0] - values[max(1, len(values) // 50)])
    return bool(change > 0 and early >= 0.9 * change)


def controls(words: dict) -> str:
    """First / Previous / Play / Next / Last, named in the page's language (the training
    and the paths pages share them)."""
    button = '<button id="tg-{id}" type="button" aria-label="{label}">{text}</button>'
    return "".join(button.format(id=w, label=escape(words[f"{w}_name"]), text=escape(words[w]))
                   for w in ("first", "prev", "play", "next", "last"))


def _natural_size(svg: str) -> str:
    """The <svg> at one unit per CSS pixel (Graphviz writes points, 4/3 px each): the
    drawing's 14-unit text is 14 px, as in the explorer."""
    return re.sub(r'^<svg width="([\d.]+)pt" height="([\d.]+)pt"',
                  r'<svg width="\1px" height="\2px"', svg, count=1)


def _packed(page: str) -> str:
    """An explorer page, deflated (zlib) and in base64: a tenth of its size, and nothing in
    it can end the JSON or the <script> it sits in. The page inflates it when opened."""
    return base64.b64encode(zlib.compress(page.encode("utf-8"), 9)).decode("ascii")


def _explorer_page(document: dict, iteration: int, words: dict) -> str:
    """The explorer page (`viz.page_from_document`) of one recorded iteration."""
    return page_from_document(dict(document,
                                   title=words["explorer_title"].format(k=iteration)))


def _within_budget(snapshots: list[dict]) -> list[dict]:
    """Thin out the middle snapshots (never the first or the last) until their graphs
    and explorer pages fit in SNAPSHOT_BYTES: a deep net's graphs would otherwise fill
    the page."""
    def size(snapshot):
        return len(snapshot["svg"]) + len(snapshot["explorer"])

    while len(snapshots) > 2 and sum(map(size, snapshots)) > SNAPSHOT_BYTES:
        snapshots = [snapshots[0], *snapshots[2:-1:2], snapshots[-1]]
    return snapshots


def page_document(recording: Recording, lang: str = "en") -> dict:
    """The JSON-able data the page's script reads (also what tests compare with)."""
    X, y = np.asarray(recording.X), np.asarray(recording.y).reshape(-1)
    if len(X) > MAX_POINTS:
        keep = np.random.default_rng(0).choice(len(X), MAX_POINTS, replace=False)
        X, y = X[np.sort(keep)], y[np.sort(keep)]
    words = words_of("training_page", lang, who="training_page")
    snapshots = []
    for snap in recording.snapshots:
        snapshots.append({"iteration": snap["iteration"],
                          "svg": inline_svg(svg_text(snap["drawing"])),
                          "grad_magnitude": {k: float(f"{v:.3g}")
                                             for k, v in snap["grad_magnitude"].items()},
                          "explorer": _packed(_explorer_page(snap["explorer"],
                                                             snap["iteration"], words))})
    snapshots = _within_budget(snapshots)
    two_d = X.ndim == 2 and X.shape[1] == 2
    return {"words": words, "colours": SERIES_COLOURS,
            "x_log": front_loaded(recording.loss),
            "loss": _round(recording.loss),
            "accuracy": _round(recording.accuracy, 4),
            "grad_norms": {k: _round(v, 3) for k, v in recording.grad_norms.items()},
            "traces": {k: _round(v, 4) for k, v in recording.traces.items()},
            "grid": recording.grid, "frame_iterations": recording.frame_iterations,
            "frames": recording.frames,
            "points": [[float(f"{a:.4g}"), float(f"{b:.4g}")] for a, b in X] if two_d else [],
            "labels": [int(v) for v in y] if two_d else [],
            "snapshots": snapshots, "stopped": recording.stopped}


def _sections_html(sections) -> str:
    """Extra explained blocks (a lecture's story): a title, lines of text, and SVGs."""
    parts = []
    for section in sections or ():
        lines = "\n".join(escape(line) for line in section.get("lines", ()))
        # each drawing folds under its caption (the first one open): readable at full size
        captions = section.get("captions") or [""] * len(section.get("svgs", ()))
        svgs = "".join(f'<details{" open" if i == 0 else ""}><summary>{escape(caption)}</summary>'
                       f'<div class="tg-section-svg">{_natural_size(inline_svg(s))}</div>'
                       '</details>'
                       for i, (caption, s) in enumerate(zip(captions, section.get("svgs", ()),
                                                            strict=True)))
        parts.append(f'<section class="tg-panel tg-section"><h2>{escape(section["title"])}</h2>'
                     f'<pre id="{escape(section.get("id", ""))}">{lines}</pre>{svgs}</section>')
    return f'<div class="tg-sections">{"".join(parts)}</div>' if parts else ""


def training_page(recording: Recording, path: str | os.PathLike | None = None,
                  lang: str = "en", title: str | None = None, sections=None) -> str:
    """The page of ``recording`` as one HTML string; written to ``path`` when given.

    ``sections``: extra blocks ``{"title", "lines", "svgs", "captions"}`` shown above the timeline
    (the XOR lecture's hand-set network, a comparison run).
    """
    words = words_of("training_page", lang, who="training_page")
    document = page_document(recording, lang)
    title = title or words["title"].format(model=recording.description or "a model",
                                           dataset=recording.dataset,
                                           optimizer=recording.optimizer)
    n = recording.iterations
    summary = ""
    if recording.loss:
        summary = words["summary"].format(
            n=n, first=f"{recording.loss[0]:.4g}", last=f"{recording.loss[-1]:.4g}",
            a0=f"{recording.accuracy[0]:.2f}", a1=f"{recording.accuracy[-1]:.2f}")
    stopped = (f'<p class="tg-stopped" role="alert">'
               f'{escape(words["stopped"].format(why=recording.stopped))}</p>'
               if recording.stopped else "")
    if recording.dead_layer:  # the Recorder found a layer that passes no gradient
        stopped += (f'<p class="tg-stopped" role="alert" id="tg-dead">'
                    f'{escape(words["dead"].format(**recording.dead_layer))}</p>')
    recorded = ", ".join(str(s["iteration"]) for s in document["snapshots"])
    boundary = ('<canvas id="tg-boundary" width="300" height="300" role="img" '
                f'aria-label="{escape(words["boundary"])}"></canvas>' if recording.frames
                else "<p class=\"tg-hint\">—</p>")
    # one chart script for this page and the live widget: charts.js, then the page's own
    script = asset("training/assets", "charts.js") + "\n" + asset("training/assets", "training.js")
    body = f"""<header><h1>{escape(title)}</h1><p class="tg-summary">{escape(summary)}</p>{stopped}
</header>
<div class="tg-controls">{controls(words)}
<input id="tg-slider" type="range" min="0" max="{max(n - 1, 0)}" value="0"
       aria-label="{escape(words["iteration"])}">
<div id="tg-status" role="status" aria-live="polite"></div>
</div>
<div class="tg-panels">
<section class="tg-panel"><h2>{escape(words["loss"])}</h2><svg id="tg-loss" role="img"
  aria-label="{escape(words["loss"])}"></svg></section>
<section class="tg-panel"><h2>{escape(words["boundary"])}</h2>{boundary}</section>
<section class="tg-panel"><h2>{escape(words["grads"])}</h2><svg id="tg-grads" role="img"
  aria-label="{escape(words["grads"])}"></svg><div id="tg-grads-key"></div></section>
<section class="tg-panel"><h2>{escape(words["params"])}</h2><svg id="tg-params" role="img"
  aria-label="{escape(words["params"])}"></svg><div id="tg-params-key"></div></section>
</div>
{_sections_html(sections)}
<div class="tg-lower">
<section id="tg-graph-box"><h2 id="tg-graph-title"></h2>
<p class="tg-hint">{escape(words["no_graph"].format(list=recorded))} {escape(words["keys"])}</p>
<button id="tg-open" type="button"></button>
<div id="tg-graph"></div></section>
</div>
<section id="tg-explorer-box" hidden>
<h2 id="tg-explorer-title"></h2>
<button id="tg-close" type="button">{escape(words["close"])}</button>
<iframe id="tg-explorer" sandbox="allow-scripts" title="{escape(words["frame"])}"></iframe>
</section>"""
    html = page(lang, title, body, asset("training/assets", "training.css"), script,
                data={"tg-data": document}, attributes={"data-iteration": "0"},
                framed=(explorer_style(), explorer_script()))
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_page(path, html)
    return html
