"""Optimizers walking a function of two weights, each update narrated next to its path.

`optimizer_paths(f, start, settings)` starts every optimizer at the same point and
records its path and, at every step, `viz.training.updates.narrated_step`'s explanation of the
move (its momentum buffer, AdaGrad's sum, Adam's m̂ and v̂ ...). `paths_page(paths)`
draws the paths on the level sets of f (an SVG made here, no plotting library) with a
step slider: the step's point is marked on every path and its update written beside.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from html import escape
from pathlib import Path

import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.train.walks import optimizer_walk

from ..palette import SERIES_COLOURS
from ..shell import asset, page, write_page
from ..words import words_of
from .page import controls
from .updates import narrated_step

__all__ = ["optimizer_paths", "paths_page"]

COLOURS = SERIES_COLOURS  # the lab figure of the same paths uses them in the same order

# The paths page's own layout, added to the training pages' styles.
PATHS_STYLE = """
.tg-paths { display: flex; gap: 12px; padding: 10px 16px; align-items: flex-start; }
.tg-paths svg { width: 560px; height: 360px; border: 1px solid #ddd; flex: none; }
.tg-narrations { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px;
                 flex: 1; min-width: 0; }
.tg-narration pre { white-space: pre-wrap; font-size: 13px; margin: 2px 0; }
"""


def optimizer_paths(function: Callable[[Tensor], Tensor], start: tuple[float, float],
                    settings: dict, steps: int = 30, lang: str = "en") -> list[dict]:
    """One ``{"name", "points", "values", "steps"}`` per optimizer in ``settings``
    (name -> (optimizer class, options)); ``steps[k]`` narrates the move from
    ``points[k]`` to ``points[k + 1]``. The walks are the library's
    (`tinygrad_edu.train.walks.optimizer_walk`); each recorded step is narrated by
    replaying it on a copy of the point and of the optimizer."""
    paths = []
    for name, (cls, options) in settings.items():
        walk = optimizer_walk(function, start, cls, options, steps)
        narrations = [_narrated(snapshot, cls, options, lang) for snapshot in walk["snapshots"]]
        options_text = ", ".join(f"{k}={v:g}" for k, v in options.items())
        paths.append({"name": name, "options": options_text,
                      "points": walk["points"].tolist(), "values": walk["values"],
                      "steps": narrations})
    return paths


def _narrated(snapshot, cls, options: dict, lang: str) -> dict:
    """One recorded step told with the optimizer's own rule, its entries named x and y."""
    point = Tensor(snapshot.weights[0].copy(), requires_grad=True, dtype=np.float64)
    point.grad = snapshot.gradients[0]
    optimizer = cls([point], **options)
    optimizer.load_state_dict(snapshot.optimizer_state)
    (step,) = narrated_step(optimizer, names={id(point): "p"}, lang=lang, entries=2)
    step["lines"] = [line.replace("p[0]", "x").replace("p[1]", "y")
                     for line in step["lines"][:-1]]
    return step


def _level_sets(function, box, size=(560, 360)) -> str:
    """Contours of f as SVG: marching squares would be overkill, so a fine grid of
    cells shaded by log f gives the valley's shape."""
    (x0, x1), (y0, y1) = box
    W, H = size
    n, m = 70, 45
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, m)
    cells = []
    values = np.array([[float(function(Tensor(np.array([x, y]))).item()) for x in xs]
                       for y in ys])
    levels = np.log10(values + 1e-3)
    low, high = levels.min(), levels.max()
    for j in range(m):
        for i in range(n):
            level = (levels[j, i] - low) / (high - low)  # 0 at the minimum, 1 at the top
            band = int(level * 10) % 2  # alternate bands show the level sets
            shade = int(150 + 90 * level + 12 * band)
            cells.append(f'<rect x="{i * W / n:.1f}" y="{H - (j + 1) * H / m:.1f}" '
                         f'width="{W / n + 0.6:.1f}" height="{H / m + 0.6:.1f}" '
                         f'fill="rgb({shade},{shade},255)"/>')
    return "".join(cells)


def paths_page(paths: list[dict], function: Callable[[Tensor], Tensor], formula: str,
               path: str | os.PathLike | None = None, lang: str = "en") -> str:
    """The page of ``optimizer_paths(...)``; written to ``path`` when given."""
    words = words_of("paths_page", lang, who="paths_page")
    every = np.array([p for walk in paths for p in walk["points"]])
    finite = every[np.all(np.isfinite(every), axis=1)]
    low, high = finite.min(axis=0), finite.max(axis=0)
    pad = 0.1 * np.maximum(high - low, 1e-3)
    box = ((low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1]))
    W, H = 560, 360

    def to_px(point):
        return ((point[0] - box[0][0]) / (box[0][1] - box[0][0]) * W,
                H - (point[1] - box[1][0]) / (box[1][1] - box[1][0]) * H)

    lines = []
    for number, walk in enumerate(paths):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in map(to_px, walk["points"]))
        colour = COLOURS[number % len(COLOURS)]
        lines.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" '
                     f'stroke-width="2"/><circle id="tg-dot-{number}" r="6" fill="{colour}" '
                     f'stroke="#fff"/>')
    document = {"paths": [{"name": w["name"], "options": w["options"], "values": w["values"],
                           "px": [list(map(float, to_px(p))) for p in w["points"]],
                           "steps": [{"title": s["title"], "lines": s["lines"]}
                                     for s in w["steps"]]} for w in paths],
                "colours": COLOURS, "words": words}
    start = tuple(float(v) for v in paths[0]["points"][0])
    title = words["title"].format(f=formula, start=f"({start[0]:g}, {start[1]:g})")
    n = len(paths[0]["steps"])
    body = f"""<header><h1>{escape(title)}</h1>
<p class="tg-hint">{escape(words["hint"])}</p></header>
<div class="tg-controls">{controls(words)}
<input id="tg-slider" type="range" min="0" max="{n - 1}" value="0"
       aria-label="{escape(words["step"])}">
<div id="tg-status" role="status" aria-live="polite"></div></div>
<div class="tg-paths">
<svg viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}">{_level_sets(function, box)}
{"".join(lines)}</svg>
<div class="tg-narrations" id="tg-narrations"></div>
</div>"""
    html = page(lang, title, body, asset("training/assets", "training.css") + PATHS_STYLE,
                asset("training/assets", "paths.js"), data={"tg-data": document},
                attributes={"data-iteration": "0"})
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_page(path, html)
    return html
