"""The cell view of a convolution or a pooling node: the numbers the explorer shows when a
learner steps through the backward pass of ``conv2d``, ``max_pool2d`` or ``avg_pool2d``
one input cell, or one kernel weight, at a time.

A convolution reads every input cell once for each window that covers it, so the cell's
gradient is a sum over those windows (the reuse rule of the scalar lectures, on a grid)::

    ∂L/∂x[n, c, i, j] = Σ_windows Σ_o upstream[n, o, out_row, out_col] · W[o, c, p, q]

which is what col2im (``fold``) does with its ``+=``. A kernel weight is used by every
window, so its gradient is a sum over all of them::

    ∂L/∂W[o, c, p, q] = Σ_n Σ_windows upstream[n, o, out_row, out_col] · x_padded[n, c, ...]

Max pooling routes each window's upstream to the cell that held its maximum; average
pooling gives every cell of the window 1/(kH·kW) of it.

Everything is computed here from the node's parents and its upstream gradient
(``node.grad``, kept by ``backward(keep_all_grads=True)``), never from ``node.saved``
(a plain ``backward()`` frees it); the page only looks numbers up and writes them.
`cell_view` gives one node's view (schema in its docstring); `cell_terms` and
`weight_terms` list the terms the page writes for one cell or one weight, so a test can
check that they add up to the engine's gradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tinygrad_edu import ops
from tinygrad_edu.autograd import Node
from tinygrad_edu.tensor_conv import padded, window_view

from .quantity import json_number

__all__ = ["CELL_OPS", "GRID_MAX", "Geometry", "geometry_of", "unfolded_index", "covering",
           "covering_of", "chosen_cell",
           "cell_view", "cell_terms", "weight_terms", "Term"]

CELL_OPS = ("conv2d", "max_pool2d", "avg_pool2d")
GRID_MAX = 32  # rows or columns of the largest image the cell view draws
NUMBERS_MAX = 120_000  # numbers in one node's view; beyond it the im2col matrix is left out
SHOWN = 4  # significant digits of the numbers the page only shows (as the narration writes)


@dataclass(frozen=True)
class Geometry:
    """Where the windows of one conv or pool node lie: every setting as (rows, columns)."""

    image: tuple[int, int]
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    out: tuple[int, int]

    @property
    def cells(self) -> int:
        return self.image[0] * self.image[1]

    @property
    def windows(self) -> int:
        return self.out[0] * self.out[1]

    @property
    def kernel_cells(self) -> int:
        return self.kernel[0] * self.kernel[1]


def geometry_of(node: Node) -> Geometry:
    """The windows' geometry, read from the node's ``args`` and its input's shape."""
    x = node.parents[0].data
    if node.op == "conv2d":
        stride, padding, dilation = node.args
        kernel = tuple(node.parents[1].data.shape[2:])
    else:
        kernel, stride, padding, dilation = node.args
    return Geometry(tuple(x.shape[2:]), tuple(kernel), tuple(stride), tuple(padding),
                    tuple(dilation), tuple(node.data.shape[2:]))


def unfolded_index(geometry: Geometry) -> np.ndarray:
    """(kH·kW, H_out·W_out): the input cell (row · W + column) that kernel cell k reads in
    window w, or −1 where it lies on the padding -- the index im2col copies by."""
    g = geometry
    rows = np.arange(g.out[0])[None, :] * g.stride[0] + \
        np.arange(g.kernel[0])[:, None] * g.dilation[0] - g.padding[0]   # (kH, H_out)
    cols = np.arange(g.out[1])[None, :] * g.stride[1] + \
        np.arange(g.kernel[1])[:, None] * g.dilation[1] - g.padding[1]   # (kW, W_out)
    r = rows[:, None, :, None]
    c = cols[None, :, None, :]
    inside = (r >= 0) & (r < g.image[0]) & (c >= 0) & (c < g.image[1])
    index = np.where(inside, r * g.image[1] + c, -1)  # (kH, kW, H_out, W_out)
    return index.reshape(g.kernel_cells, g.windows)


def covering(index: np.ndarray, cells: int) -> list[list[tuple[int, int]]]:
    """For every input cell, the (window, kernel cell) pairs that read it, windows in
    row-major order: the windows that covered the cell and where the kernel lay on it."""
    found: list[list[tuple[int, int]]] = [[] for _ in range(cells)]
    kernel_cells, windows = index.shape
    for w in range(windows):
        for k in range(kernel_cells):
            v = index[k, w]
            if v >= 0:
                found[v].append((w, k))
    return found


def covering_of(view: dict) -> list[list[tuple[int, int]]]:
    """`covering` of a view's index: for each input cell, its (window, kernel cell) pairs."""
    return covering(np.asarray(view["index"]), view["image"][0] * view["image"][1])


def _numbers(array, digits: int = 6) -> list:
    """A nested list of JSON-safe numbers: 6 significant digits for the numbers the page
    multiplies and adds in front of the learner, `SHOWN` for the ones it only shows."""
    array = np.asarray(array, dtype=np.float64)
    if array.ndim == 0:
        return json_number(array)
    if array.ndim > 1:
        return [_numbers(part, digits) for part in array]
    if digits == 6:
        return [json_number(v) for v in array]
    return [json_number(float(f"{v:.{digits}g}")) for v in array]


def _only_consumer(node: Node, parent: Node, order: list[Node] | None) -> bool:
    """Whether ``node`` is the one op that reads ``parent`` (then the parent's stored
    gradient is this op's share alone)."""
    if order is None:
        return False
    users = sum(1 for other in order for p in other.parents if p is parent)
    return users == 1


def _forward(node: Node) -> np.ndarray:
    """The node's output recomputed from its parents by the op's declared forward (the
    stored data may be a view that later ops changed nothing in, but this is certain)."""
    spec = ops.spec_of(node)
    data = [np.asarray(p.data, dtype=np.float64) for p in node.parents]
    if spec is None or spec.forward is None:
        return np.asarray(node.data, dtype=np.float64)
    return np.asarray(spec.forward(node.args, *data), dtype=np.float64)


def cell_view(node: Node, names: dict | None = None, order: list[Node] | None = None,
              ids: dict | None = None, sample: int = 0) -> dict | None:
    """The cell view of a conv2d / max_pool2d / avg_pool2d ``node`` for batch ``sample``,
    as JSON-able data; None for another op or an image over `GRID_MAX`.

    ``names``: what to call x, W and y ({"x", "w", "y"}); ``order``: the graph's nodes
    (to tell whether the op is its input's only consumer, so the engine's gradient can be
    shown beside this op's share); ``ids``: node -> its explorer id ("n3"). Schema::

        {"op", "node", "x", "w" (ids), "names": {"x", "w", "y"}, "sample", "batch",
         "image", "kernel", "stride", "padding", "dilation", "out": [rows, cols],
         "channels", "out_channels",
         "x_values": C×H×W, "weights": O×C×kH×kW | None, "output": O×Ho×Wo,
         "upstream": O×Ho×Wo | None (before backward, or released),
         "index": (kH·kW)×L (`unfolded_index`; the page finds the windows that covered
         a cell in it, as `covering` does),
         "grad_x": C×H×W (this op's share, from the windows), "engine_x": C×H×W | None,
         "per_channel": C×(H·W)×O (conv: each output channel's part of a cell's sum),
         "grad_w", "grad_w_sample": O×C×kH×kW (whole batch, this sample) | None,
         "engine_w": O×C×kH×kW | None, "columns_grad": (C·kH·kW)×L | None (conv: Wᵀ ·
         upstream of this sample, what fold adds back), "route": C×L | None (max pool:
         the cell that held each window's maximum), "start": [channel, row, col] (the
         cell shown first: the one a practice question asks about)}
    """
    if node.op not in CELL_OPS or not node.parents:
        return None
    x = np.asarray(node.parents[0].data, dtype=np.float64)
    if x.ndim != 4:
        return None
    g = geometry_of(node)
    if max(g.image) > GRID_MAX:
        return None
    sample = min(sample, x.shape[0] - 1)
    names = names or {}
    ids = ids or {}
    index = unfolded_index(g)
    channels = x.shape[1]
    upstream = None if node.grad is None else np.asarray(node.grad, dtype=np.float64)
    view = {
        "op": node.op, "node": ids.get(node), "x": ids.get(node.parents[0]), "w": None,
        "names": {"x": names.get("x", "x"), "w": names.get("w", "W"), "y": names.get("y", "y")},
        "sample": sample, "batch": int(x.shape[0]),
        "image": list(g.image), "kernel": list(g.kernel), "stride": list(g.stride),
        "padding": list(g.padding), "dilation": list(g.dilation), "out": list(g.out),
        "channels": int(channels), "out_channels": int(node.data.shape[1]),
        "x_values": _numbers(x[sample]), "weights": None,
        "output": _numbers(_forward(node)[sample], SHOWN),
        "upstream": None if upstream is None else _numbers(upstream[sample]),
        "index": index.tolist(),
        "grad_x": None, "engine_x": None, "per_channel": None, "grad_w": None,
        "grad_w_sample": None, "engine_w": None, "columns_grad": None, "route": None,
    }
    if node.op == "conv2d":
        weight = np.asarray(node.parents[1].data, dtype=np.float64)
        view["w"] = ids.get(node.parents[1])
        view["weights"] = _numbers(weight)
    elif node.op == "max_pool2d":
        view["route"] = _max_routes(x[sample], g, index).tolist()
    view["start"] = [0, 0, 0]
    if upstream is None:
        return view
    if node.op == "conv2d":
        _conv_gradients(view, node, x, weight, upstream, g, index, order)
    else:
        grad = _pool_gradient(node.op, upstream[sample], g, index, np.array(view["route"] or []))
        view["grad_x"] = _numbers(grad)
    view["start"] = list(chosen_cell(view))
    parent = node.parents[0]
    if parent.grad is not None and _only_consumer(node, parent, order):
        view["engine_x"] = _numbers(np.asarray(parent.grad, dtype=np.float64)[sample])
    return view


def _scatter(values: np.ndarray, index: np.ndarray, cells: int) -> np.ndarray:
    """(..., K, L) values added onto the cells they were read from (..., cells): fold's +=."""
    lead = values.shape[:-2]
    out = np.zeros(lead + (cells,))
    flat_values = values.reshape(-1, index.size)
    flat_out = out.reshape(-1, cells)
    inside = index.reshape(-1) >= 0
    for row, source in zip(flat_out, flat_values, strict=True):
        np.add.at(row, index.reshape(-1)[inside], source[inside])
    return out


def _conv_gradients(view: dict, node: Node, x: np.ndarray, weight: np.ndarray,
                    upstream: np.ndarray, g: Geometry, index: np.ndarray, order) -> None:
    sample = view["sample"]
    out_channels, channels = weight.shape[:2]
    kernel_cells = g.kernel_cells
    up = upstream[sample].reshape(out_channels, g.windows)           # (O, L)
    w = weight.reshape(out_channels, channels, kernel_cells)         # (O, C, K)
    # each output channel's part: W[o, c, k] · up[o, w], added onto the cell k read in w
    parts = w[:, :, :, None] * up[:, None, None, :]                  # (O, C, K, L)
    per_channel = _scatter(parts, index, g.cells)                    # (O, C, cells)
    view["per_channel"] = _numbers(per_channel.transpose(1, 2, 0), SHOWN)  # (C, cells, O)
    grad_x = per_channel.sum(axis=0).reshape(channels, *g.image)
    view["grad_x"] = _numbers(grad_x)
    columns_grad = parts.sum(axis=0).reshape(channels * kernel_cells, g.windows)
    if columns_grad.size + per_channel.size <= NUMBERS_MAX:
        view["columns_grad"] = _numbers(columns_grad, SHOWN)
    # ∂L/∂W: every window of every sample, upstream × the input cell under the weight
    windows = window_view(padded(x, g.padding), g.kernel, g.stride, g.dilation, g.out)
    grad_w = np.einsum("nohw,nchwpq->ocpq", upstream, windows)
    grad_w_sample = np.einsum("ohw,chwpq->ocpq", upstream[sample], windows[sample])
    view["grad_w"], view["grad_w_sample"] = _numbers(grad_w), _numbers(grad_w_sample)
    weight_node = node.parents[1]
    if weight_node.grad is not None and _only_consumer(node, weight_node, order):
        view["engine_w"] = _numbers(np.asarray(weight_node.grad, dtype=np.float64))


def _max_routes(x: np.ndarray, g: Geometry, index: np.ndarray) -> np.ndarray:
    """(C, L): the input cell that held each window's maximum (the first one, row by row,
    on ties: the engine's rule, and PyTorch's on the CPU)."""
    values = np.where(index >= 0, x.reshape(x.shape[0], -1)[:, np.maximum(index, 0)], -np.inf)
    picks = values.argmax(axis=1)                                    # (C, L): kernel cells
    return np.take_along_axis(np.broadcast_to(index, values.shape), picks[:, None, :],
                              axis=1)[:, 0, :]


def _pool_gradient(op: str, upstream: np.ndarray, g: Geometry, index: np.ndarray,
                   route: np.ndarray) -> np.ndarray:
    channels = upstream.shape[0]
    up = upstream.reshape(channels, g.windows)
    if op == "max_pool2d":  # the whole upstream to the maximum, 0 to the others
        grad = np.zeros((channels, g.cells))
        for c in range(channels):
            np.add.at(grad[c], route[c], up[c])
    else:  # every cell of the window (padding too) gets an equal share
        shares = np.broadcast_to(up[:, None, :] / g.kernel_cells,
                                 (channels, g.kernel_cells, g.windows))
        grad = _scatter(shares, index, g.cells)
    return grad.reshape(channels, *g.image)


# ---- the terms the page writes (a test checks that they add up) ----


@dataclass(frozen=True)
class Term:
    """One product the page writes: ``left × right`` (upstream × weight for a cell of a
    convolution, upstream × 1/(kH·kW) for average pooling, upstream × (1 or 0) for max
    pooling; input × upstream for a kernel weight), with where it comes from."""

    window: int
    kernel_cell: int
    out_channel: int
    left: float
    right: float

    @property
    def value(self) -> float:
        return self.left * self.right


def cell_terms(view: dict, channel: int, row: int, col: int) -> list[Term]:
    """The terms of ∂L/∂x[sample, channel, row, col] as the page lists them: for every
    window that covered the cell (and every output channel of a convolution), the
    upstream of that window times what it was multiplied by."""
    cell = row * view["image"][1] + col
    cols = view["out"][1]
    terms = []
    for w, k in covering_of(view)[cell]:
        i, j = divmod(w, cols)
        if view["op"] == "conv2d":
            p, q = divmod(k, view["kernel"][1])
            for o in range(view["out_channels"]):
                terms.append(Term(w, k, o, view["upstream"][o][i][j],
                                  view["weights"][o][channel][p][q]))
        elif view["op"] == "max_pool2d":
            terms.append(Term(w, k, channel, view["upstream"][channel][i][j],
                              1.0 if view["route"][channel][w] == cell else 0.0))
        else:
            terms.append(Term(w, k, channel, view["upstream"][channel][i][j],
                              1.0 / (view["kernel"][0] * view["kernel"][1])))
    return terms


def weight_terms(view: dict, out_channel: int, channel: int, p: int, q: int) -> list[Term]:
    """The terms of ∂L/∂W[out_channel, channel, p, q] for the view's sample: every window,
    the input cell under that weight (0 on the padding) times the window's upstream."""
    k = p * view["kernel"][1] + q
    cols, width = view["out"][1], view["image"][1]
    terms = []
    for w, v in enumerate(view["index"][k]):
        i, j = divmod(w, cols)
        x = 0.0 if v < 0 else view["x_values"][channel][v // width][v % width]
        terms.append(Term(w, k, out_channel, x, view["upstream"][out_channel][i][j]))
    return terms


def chosen_cell(view: dict) -> tuple[int, int, int]:
    """The cell a practice question asks about: the one in the most windows (of those
    that get a gradient from this op), first in row-major order, channel 0."""
    grad = np.asarray(view["grad_x"])
    counts = [len(cell) for cell in covering_of(view)]
    width = view["image"][1]
    best = max(range(len(counts)), key=lambda v: (counts[v] > 0 and
                                                  grad[0].reshape(-1)[v] != 0, counts[v], -v))
    return 0, best // width, best % width
