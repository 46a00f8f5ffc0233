"""Numbers and arrays as the explorer page shows them (JSON-able, never NaN in JSON).

A *quantity* is a dict with at least ``text`` (what a label shows) and ``kind``:

* ``{"kind": "scalar", "text": "5", "value": 5.0}`` -- a float, or a tensor of one
  element (then with ``"shape"``);
* ``{"kind": "table", "text", "shape", "rows": [[...], ...], "scale": max |x|}`` -- a
  tensor of at most `TABLE_MAX` × `TABLE_MAX` (a vector is one row): every number, so
  the page can colour each cell by sign and by ``|x| / scale``;
* ``{"kind": "summary", "text", "shape", "mean", "std", "min", "max", "scale",
  "heatmap": {"rows": r, "cols": c, "cells": [...]}}`` -- bigger tensors: statistics
  and a thumbnail of at most `HEAT_MAX` × `HEAT_MAX` block means, each in [-1, 1]
  (divided by ``scale``), row after row.

Numbers that JSON cannot hold are strings: ``"nan"``, ``"inf"``, ``"-inf"``.
"""

from __future__ import annotations

import math

import numpy as np

from .names import format_number

__all__ = ["quantity", "json_number", "summarize", "TABLE_MAX", "HEAT_MAX"]

TABLE_MAX = 8
HEAT_MAX = 16


def json_number(x) -> float | str:
    """A float JSON can hold, rounded to 6 significant digits to keep pages small."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float(f"{x:.6g}")


def summarize(array) -> str:
    """The numbers themselves when there are at most 6, else mean/std and the range."""
    if array is None:
        return "—"
    array = np.asarray(array)
    if array.size <= 6:
        if array.ndim == 0:
            return format_number(array)
        return "[" + ", ".join(format_number(v) for v in array.ravel()) + "]"
    data = array.astype(np.float64, copy=False)
    with np.errstate(all="ignore"):
        return (f"mean {format_number(data.mean())} std {format_number(data.std())} "
                f"[{format_number(data.min())}, {format_number(data.max())}]")


def _scale(data: np.ndarray) -> float:
    finite = np.abs(data[np.isfinite(data)])
    return float(finite.max()) if finite.size else 0.0


def _heatmap(data: np.ndarray, scale: float) -> dict:
    """Block means of the array seen as a matrix (leading axes folded into rows)."""
    matrix = data.reshape(-1, data.shape[-1]) if data.ndim >= 2 else data.reshape(1, -1)
    rows, cols = matrix.shape
    row_edges = np.linspace(0, rows, min(rows, HEAT_MAX) + 1).astype(int)
    col_edges = np.linspace(0, cols, min(cols, HEAT_MAX) + 1).astype(int)
    clean = np.nan_to_num(matrix, nan=0.0, posinf=scale, neginf=-scale)
    cells = []
    for r0, r1 in zip(row_edges[:-1], row_edges[1:], strict=True):
        band = clean[r0:r1]
        for c0, c1 in zip(col_edges[:-1], col_edges[1:], strict=True):
            mean = float(band[:, c0:c1].mean()) if scale else 0.0
            cells.append(round(mean / scale, 2) if scale else 0.0)
    return {"rows": len(row_edges) - 1, "cols": len(col_edges) - 1, "cells": cells}


def quantity(x) -> dict | None:
    """A float or an array as a quantity (see the module docstring); None stays None."""
    if x is None:
        return None
    if not isinstance(x, np.ndarray):
        return {"kind": "scalar", "text": format_number(x), "value": json_number(x)}
    data = x.astype(np.float64, copy=False)
    shape = list(data.shape)
    if data.size == 1:
        return {"kind": "scalar", "text": summarize(data), "value": json_number(data.ravel()[0]),
                "shape": shape}
    scale = _scale(data)
    if data.ndim <= 2 and all(n <= TABLE_MAX for n in shape):
        rows = data.reshape(1, -1) if data.ndim == 1 else data
        return {"kind": "table", "text": summarize(data), "shape": shape,
                "rows": [[json_number(v) for v in row] for row in rows],
                "scale": json_number(scale)}
    with np.errstate(all="ignore"):
        stats = {key: json_number(fn(data)) for key, fn in
                 (("mean", np.mean), ("std", np.std), ("min", np.min), ("max", np.max))}
    return {"kind": "summary", "text": summarize(data), "shape": shape, **stats,
            "scale": json_number(scale), "heatmap": _heatmap(data, scale)}
