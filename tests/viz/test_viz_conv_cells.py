"""viz.conv_cells: the numbers the explorer writes for a convolution's or a pool's backward,
one input cell or one kernel weight at a time, add up to the engine's gradients -- over
hypothesis-drawn geometries with padding, stride and dilation; max pooling routes each
window's upstream to its maximum alone; average pooling splits it evenly."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import viz
from tinygrad_edu import Tensor
from tinygrad_edu.autograd import topo_order
from tinygrad_edu.tensor_conv import covering_windows
from viz.conv_cells import (
    GRID_MAX,
    cell_terms,
    cell_view,
    covering_of,
    geometry_of,
    weight_terms,
)


def close(total, expected, terms):
    """The page's numbers carry 6 significant digits: allow that much per term."""
    scale = sum(abs(t.value) for t in terms) + abs(expected) + 1e-12
    return abs(total - expected) <= 2e-5 * scale


def traced(y, seed=0):
    """A loss that weighs every output differently, backward with every gradient kept."""
    weights = np.random.default_rng(seed).standard_normal(y.shape)
    loss = (y * Tensor(weights)).sum()
    loss.backward(keep_all_grads=True)
    return loss


@st.composite
def conv_cases(draw):
    size = (draw(st.integers(3, 6)), draw(st.integers(3, 6)))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    if any(s > n + 2 * p for s, n, p in zip(span, size, padding, strict=True)):
        dilation = (1, 1)
        kernel = tuple(min(k, n) for k, n in zip(kernel, size, strict=True))
    return dict(size=size, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                channels=draw(st.integers(1, 2)), out_channels=draw(st.integers(1, 3)),
                batch=draw(st.integers(1, 2)), seed=draw(st.integers(0, 2**16)))


@given(conv_cases())
def test_every_cells_terms_add_up_to_the_engines_gradient(case):
    rng = np.random.default_rng(case["seed"])
    x = Tensor(rng.standard_normal((case["batch"], case["channels"], *case["size"])),
               requires_grad=True, dtype=np.float64)
    w = Tensor(rng.standard_normal((case["out_channels"], case["channels"], *case["kernel"])),
               requires_grad=True, dtype=np.float64)
    y = F.conv2d(x, w, stride=case["stride"], padding=case["padding"],
                 dilation=case["dilation"])
    loss = traced(y, case["seed"])
    view = cell_view(y, order=topo_order(loss))
    height, width = case["size"]
    for c in range(case["channels"]):
        for i in range(height):
            for j in range(width):
                terms = cell_terms(view, c, i, j)
                total = sum(t.value for t in terms)
                assert close(total, x.grad[0, c, i, j], terms)
                assert np.isclose(view["grad_x"][c][i][j], x.grad[0, c, i, j], rtol=1e-4,
                                  atol=1e-5)
                # the windows listed are those tensor_conv says covered the cell
                found = sorted({(w // view["out"][1], w % view["out"][1],
                                 k // view["kernel"][1], k % view["kernel"][1])
                                for w, k in covering_of(view)[i * width + j]})
                assert found == covering_windows((i, j), (height, width), case["kernel"],
                                                 case["stride"], case["padding"],
                                                 case["dilation"])
    np.testing.assert_allclose(view["grad_w"], w.grad, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(view["engine_x"], x.grad[0], rtol=1e-4, atol=1e-5)
    for o in range(case["out_channels"]):
        for p in range(case["kernel"][0]):
            for q in range(case["kernel"][1]):
                terms = weight_terms(view, o, 0, p, q)
                assert close(sum(t.value for t in terms), view["grad_w_sample"][o][0][p][q],
                             terms)
                if case["batch"] == 1:
                    assert close(sum(t.value for t in terms), w.grad[o, 0, p, q], terms)


def test_the_terms_of_one_cell_are_upstream_times_the_weight_that_lay_on_it():
    """The guide's example worked by hand: a 4×4 input, a 3×3 kernel, a 2×2 output."""
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((1, 1, 4, 4)), requires_grad=True, dtype=np.float64)
    w = Tensor(rng.standard_normal((1, 1, 3, 3)), requires_grad=True, dtype=np.float64)
    y = F.conv2d(x, w)
    loss = traced(y)
    view = cell_view(y, order=topo_order(loss))
    up = y.grad[0, 0]
    terms = cell_terms(view, 0, 1, 2)  # covered by all 4 windows: kernel cells (1,2) (1,1) ...
    expected = [(up[0, 0], w.data[0, 0, 1, 2]), (up[0, 1], w.data[0, 0, 1, 1]),
                (up[1, 0], w.data[0, 0, 0, 2]), (up[1, 1], w.data[0, 0, 0, 1])]
    assert len(terms) == 4
    np.testing.assert_allclose([(t.left, t.right) for t in terms], expected, rtol=1e-5)
    assert view["start"] in ([0, 1, 1], [0, 1, 2], [0, 2, 1], [0, 2, 2])  # a cell of 4 windows


def test_padding_cells_pass_nothing_and_a_stride_can_skip_a_cell():
    x = Tensor(np.arange(25.0).reshape(1, 1, 5, 5), requires_grad=True)
    w = Tensor(np.ones((1, 1, 1, 1)), requires_grad=True)
    # a 1×1 kernel every 2 cells from the padding: rows and columns -1, 1, 3, 5 are read
    y = F.conv2d(x, w, stride=2, padding=1)
    loss = traced(y)
    view = cell_view(y, order=topo_order(loss))
    assert covering_of(view)[0] == [] and cell_terms(view, 0, 0, 0) == []
    assert view["grad_x"][0][0][0] == 0 and x.grad[0, 0, 0, 0] == 0
    assert len(cell_terms(view, 0, 1, 3)) == 1 and x.grad[0, 0, 1, 3] != 0
    assert -1 in view["index"][0]  # windows whose only cell lies on the padding
    terms = weight_terms(view, 0, 0, 0, 0)
    assert all(t.left == 0 for t, v in zip(terms, view["index"][0], strict=True) if v < 0)


def test_max_pool_routes_each_windows_upstream_to_its_first_maximum_only():
    x = Tensor(np.array([[[[1.0, 5.0, 5.0, 0.0],
                           [3.0, 4.0, 2.0, 2.0],
                           [7.0, 7.0, 1.0, 9.0],
                           [7.0, 0.0, 8.0, 9.0]]]]), requires_grad=True)
    y = F.max_pool2d(x, 2)
    loss = traced(y)
    view = cell_view(y, order=topo_order(loss))
    up = y.grad[0, 0]
    # ties go to the first maximum row by row, as the engine (and PyTorch on the CPU) does
    assert view["route"][0] == [1, 2, 8, 11]
    for i in range(4):
        for j in range(4):
            terms = cell_terms(view, 0, i, j)
            assert len(terms) == 1
            routed = view["route"][0][terms[0].window] == i * 4 + j
            assert terms[0].right == (1.0 if routed else 0.0)
            assert np.isclose(sum(t.value for t in terms), x.grad[0, 0, i, j])
    # every window's whole upstream arrives at one cell
    np.testing.assert_allclose(x.grad[0, 0].sum(), up.sum())
    assert np.count_nonzero(x.grad) == 4


def test_max_pool_with_overlapping_windows_and_padding_collects_from_each():
    rng = np.random.default_rng(3)
    x = Tensor(rng.standard_normal((2, 3, 5, 5)), requires_grad=True, dtype=np.float64)
    y = F.max_pool2d(x, 3, stride=1, padding=1)
    loss = traced(y, 3)
    view = cell_view(y, order=topo_order(loss))
    for c in range(3):
        for i in range(5):
            for j in range(5):
                terms = cell_terms(view, c, i, j)
                assert close(sum(t.value for t in terms), x.grad[0, c, i, j], terms)


def test_average_pooling_splits_the_upstream_evenly():
    rng = np.random.default_rng(4)
    x = Tensor(rng.standard_normal((1, 2, 4, 6)), requires_grad=True, dtype=np.float64)
    y = F.avg_pool2d(x, (2, 3), stride=1, padding=1)
    loss = traced(y, 4)
    view = cell_view(y, order=topo_order(loss))
    for i in range(4):
        for j in range(6):
            terms = cell_terms(view, 1, i, j)
            assert all(t.right == pytest.approx(1 / 6) for t in terms)
            assert close(sum(t.value for t in terms), x.grad[0, 1, i, j], terms)


def test_geometry_and_what_has_no_cell_view():
    x = Tensor(np.zeros((1, 1, GRID_MAX + 1, 4)), requires_grad=True)
    y = F.conv2d(x, Tensor(np.ones((1, 1, 2, 2))))
    assert cell_view(y) is None  # too big to draw cell by cell
    assert cell_view((x * 2).sum()) is None  # not a conv or a pool
    small = Tensor(np.zeros((1, 2, 5, 6)), requires_grad=True)
    y = F.conv2d(small, Tensor(np.ones((3, 2, 2, 3))), stride=(1, 2), padding=(0, 1),
                 dilation=(2, 1))
    g = geometry_of(y)
    assert (g.image, g.kernel, g.stride, g.padding, g.dilation, g.out) == \
        ((5, 6), (2, 3), (1, 2), (0, 1), (2, 1), (3, 3))
    before = cell_view(y)  # before backward(): the forward grids, no upstream
    assert before["upstream"] is None and before["grad_x"] is None
    assert np.shape(before["output"]) == (3, 3, 3)


def test_the_explorer_document_holds_a_view_and_asks_about_a_chosen_cell():
    np.random.seed(1)
    x = Tensor(np.random.default_rng(1).standard_normal((1, 1, 6, 6)), requires_grad=True)
    conv = nn.Conv2d(1, 2, 3, padding=1)
    pooled = F.max_pool2d(conv(x).relu(), 2)
    loss = traced(pooled, 1)
    document = viz.explorer_document(loss, modules=conv)
    views = document["cells"]["views"]
    assert {v["op"] for v in views.values()} == {"conv2d", "max_pool2d"}
    conv_id = next(k for k, v in views.items() if v["op"] == "conv2d")
    step = next(s for s in document["views"]["main"]["steps"]
                if s["node"] == conv_id and s["phase"] == "backward")
    question = step["practice"]["questions"][-1]
    cell = question["cell"]
    assert cell["node"] == conv_id and question["answer"] == pytest.approx(
        x.grad[0, cell["channel"], cell["row"], cell["col"]], rel=1e-4)
    assert "sat in" in question["worked"] and question["prompt"].startswith("∂L/∂x[0, 0,")
    korean = viz.explorer_document(loss, modules=conv, lang="ko")
    assert korean["cells"]["words"]["mode_cell"] != document["cells"]["words"]["mode_cell"]
