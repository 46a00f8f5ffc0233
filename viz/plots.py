"""Figures for the lecture's experiments, from plain numbers (lists, arrays, dicts).

Each function returns a `matplotlib.figure.Figure` and, given ``path``, also saves it
(the suffix picks the format: .png, .svg, .pdf). Figures are made without pyplot, so
nothing depends on a display or on global state; matplotlib draws them with Agg. They
are `NotebookFigure`s: a Jupyter cell that ends with one shows it inline, with no
``%matplotlib`` and no pyplot.

* `activation_histograms` -- the distribution of each layer's outputs (initialisation,
  vanishing gradients): one row per run, one panel per layer.
* `optimizer_paths` -- SGD / Momentum / AdaGrad / RMSProp / Adam paths over the contour
  lines of a two-parameter loss, e.g. f(x, y) = x²/20 + y².
* `training_curves` -- training and validation curves per epoch (overfitting, dropout).
* `gradient_norms` -- each layer's gradient norm over training (vanishing gradients).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from tinygrad_edu.files import write_atomically

from .palette import SERIES_COLOURS

__all__ = ["activation_histograms", "optimizer_paths", "training_curves", "gradient_norms",
           "save", "NotebookFigure"]


class NotebookFigure(Figure):
    """A matplotlib `Figure` that Jupyter displays by itself: IPython asks an object
    for ``_repr_png_``, and a bare Figure (made without pyplot) has none."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        return buffer.getvalue()


def save(figure: Figure, path: str | os.PathLike | None) -> Figure:
    """Save ``figure`` to ``path`` (folders made as needed) when a path is given."""
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fmt = path.suffix.lstrip(".").lower() or None  # matplotlib's own choice from the name
        write_atomically(path, lambda file: figure.savefig(file, format=fmt, dpi=110,
                                                           bbox_inches="tight"), "save")
    return figure


def _check_mapping(who: str, what: str, data) -> None:
    if not isinstance(data, Mapping) or not data:
        raise ValueError(f"{who}: expected a non-empty dict of {what}, got {type(data).__name__}")


def activation_histograms(activations: Mapping, bins: int = 40,
                          value_range: tuple[float, float] | None = None,
                          title: str | None = None,
                          path: str | os.PathLike | None = None) -> Figure:
    """Histograms of each layer's activations.

    ``activations``: ``{"layer 1": array, "layer 2": array, ...}`` for one row, or
    ``{"xavier": {"layer 1": array, ...}, "N(0, 1)": {...}}`` for one row per run
    (e.g. per initialisation scheme). Arrays of any shape are flattened. All panels
    share ``value_range`` (default: the range of all values) so rows compare.
    """
    _check_mapping("activation_histograms", "layer -> array", activations)
    first = next(iter(activations.values()))
    rows = dict(activations) if isinstance(first, Mapping) else {"": activations}
    flat = {run: {layer: np.asarray(v, dtype=np.float64).ravel() for layer, v in layers.items()}
            for run, layers in rows.items()}
    if value_range is None:
        every = np.concatenate([v for layers in flat.values() for v in layers.values()])
        finite = every[np.isfinite(every)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        value_range = (low, high if high > low else low + 1.0)
    columns = max(len(layers) for layers in flat.values())
    figure = NotebookFigure(figsize=(2.4 * columns + 0.6, 2.0 * len(flat) + 0.6),
                            layout="constrained")
    axes = np.atleast_2d(figure.subplots(len(flat), columns, squeeze=False))
    for r, (run, layers) in enumerate(flat.items()):
        for c in range(columns):
            ax = axes[r, c]
            if c >= len(layers):
                ax.set_visible(False)
                continue
            layer, values = list(layers.items())[c]
            ax.hist(values[np.isfinite(values)], bins=bins, range=value_range, color="#1f5fbf")
            ax.set_title(f"{run}: {layer}" if run else layer, fontsize=9)
            ax.tick_params(labelsize=7)
            if c:
                ax.set_yticklabels([])
    if title:
        figure.suptitle(title)
    return save(figure, path)


def optimizer_paths(paths: Mapping[str, Sequence], loss: Callable | None = None,
                    xlim: tuple[float, float] | None = None,
                    ylim: tuple[float, float] | None = None, levels: int = 25,
                    minimum: tuple[float, float] | None = None, title: str | None = None,
                    path: str | os.PathLike | None = None) -> Figure:
    """Each optimizer's path of (x, y) points over the contour lines of ``loss``.

    ``paths``: ``{"SGD": [[x0, y0], [x1, y1], ...], "Adam": ...}`` (arrays of shape
    (steps, 2)). ``loss``: a function of two numpy arrays X, Y returning Z (e.g.
    ``lambda x, y: x**2 / 20 + y**2``); without it only the paths are drawn. The view
    defaults to the paths' extent with a margin; ``minimum`` marks the optimum.
    """
    _check_mapping("optimizer_paths", "name -> (steps, 2) points", paths)
    points = {}
    for name, p in paths.items():
        array = np.asarray(p, dtype=np.float64)
        if array.ndim != 2 or array.shape[1] != 2:
            raise ValueError(f"optimizer_paths: {name!r} must have shape (steps, 2), "
                             f"got {array.shape}")
        points[name] = array
    every = np.concatenate(list(points.values()))
    span = np.ptp(every, axis=0) + 1e-9
    xlim = xlim or (every[:, 0].min() - 0.15 * span[0], every[:, 0].max() + 0.15 * span[0])
    ylim = ylim or (every[:, 1].min() - 0.15 * span[1], every[:, 1].max() + 0.15 * span[1])
    figure = NotebookFigure(figsize=(6.4, 4.8), layout="constrained")
    ax = figure.subplots()
    if loss is not None:
        grid_x, grid_y = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
        ax.contour(grid_x, grid_y, loss(grid_x, grid_y), levels=levels, cmap="Greys",
                   linewidths=0.7)
    for number, (name, array) in enumerate(points.items()):
        ax.plot(array[:, 0], array[:, 1], marker="o", markersize=2.5, linewidth=1.2, label=name,
                color=SERIES_COLOURS[number % len(SERIES_COLOURS)])
    if minimum is not None:
        ax.plot(*minimum, marker="*", markersize=12, color="black", linestyle="none",
                label="minimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return save(figure, path)


def training_curves(curves: Mapping, xlabel: str = "epoch", log_y: bool = False,
                    title: str | None = None,
                    path: str | os.PathLike | None = None) -> Figure:
    """Curves over epochs (or steps): one panel per metric, one line per split.

    ``curves``: ``{"train": [...], "validation": [...]}`` for one panel, or
    ``{"loss": {"train": [...], "validation": [...]}, "accuracy": {...}}`` for one
    panel per metric. The x axis counts from 1.
    """
    _check_mapping("training_curves", "name -> list of numbers", curves)
    first = next(iter(curves.values()))
    panels = dict(curves) if isinstance(first, Mapping) else {"": curves}
    figure = NotebookFigure(figsize=(4.6 * len(panels), 3.6), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(panels), squeeze=False)[0])
    for ax, (metric, lines) in zip(axes, panels.items(), strict=True):
        for split, values in lines.items():
            values = np.asarray(values, dtype=np.float64)
            ax.plot(np.arange(1, len(values) + 1), values, label=split,
                    linestyle="--" if "val" in split.lower() else "-")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(metric)
        if log_y:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        figure.suptitle(title)
    return save(figure, path)


def gradient_norms(norms: Mapping[str, Sequence[float]], steps: Sequence[int] | None = None,
                   log_y: bool = True, title: str | None = None,
                   path: str | os.PathLike | None = None) -> Figure:
    """Each layer's gradient norm over training, on a log scale by default: vanishing
    gradients show as the first layers' lines lying decades below the last ones'.

    ``norms``: ``{"0.weight": [...], "2.weight": [...]}``, one number per recorded
    step; ``steps``: the step numbers (default 0, 1, 2, ...). From a `train.History`:
    ``names, matrix = history.gradient_norms(); dict(zip(names, matrix.T))``.
    """
    _check_mapping("gradient_norms", "layer -> list of numbers", norms)
    figure = NotebookFigure(figsize=(6.4, 4.0), layout="constrained")
    ax = figure.subplots()
    for layer, values in norms.items():
        values = np.asarray(values, dtype=np.float64)
        x = np.arange(len(values)) if steps is None else np.asarray(steps)[: len(values)]
        ax.plot(x, values, label=layer)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("gradient norm")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return save(figure, path)
