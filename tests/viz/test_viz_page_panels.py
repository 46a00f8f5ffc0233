"""The explorer's panels in a real chromium: a convolution's backward cell by cell and
backprop through time. What the page lists is read back from the page and added up here,
against the engine's gradients; every page is checked for console errors and network
requests (none), in English and in Korean; screenshots go to each test's tmp folder."""

import json

import numpy as np
import pytest
from viz_page_support import browser_fixture, open_page_fixture, state  # noqa: F401

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import viz
from tinygrad_edu import Tensor, topo_order

TERMS = """() => Array.from(document.querySelectorAll('#tg-cells .tg-terms li')).map(li =>
    [Number(li.dataset.left), Number(li.dataset.right)])"""


def small_conv_net():
    """x (1, 2, 6, 6) → conv 3@3×3, padding 1 → ReLU → max pool 2 → a weighted sum."""
    rng = np.random.default_rng(11)
    x = Tensor(rng.standard_normal((1, 2, 6, 6)), requires_grad=True, dtype=np.float64,
               label="x")
    conv = nn.Conv2d(2, 3, 3, padding=1, dtype=np.float64)
    hidden = conv(x).relu()
    hidden.label = "h"
    pooled = F.max_pool2d(hidden, 2)
    loss = (pooled * Tensor(rng.standard_normal(pooled.shape))).sum()
    loss.backward(keep_all_grads=True)
    return loss, conv, x, hidden


def go_to(page, title):
    index = page.evaluate("""t => Array.from(document.querySelectorAll('#tg-list button'))
        .findIndex(b => b.textContent.startsWith(t))""", title)
    assert index >= 0, title
    page.locator("#tg-list li button").nth(index).click()
    return index


def pick_cell(page, grid, row, col):
    page.locator(f'#tg-cells [data-grid="{grid}"] td[data-row="{row}"][data-col="{col}"]').click()


def test_the_contributions_listed_for_a_cell_add_up_to_its_gradient(open_page, tmp_path):
    loss, conv, x, _ = small_conv_net()
    page = open_page(viz.html(loss, tmp_path / "conv.html", modules=conv)).page
    go_to(page, "Backward through conv")
    assert page.locator("#tg-cells").is_visible()
    page.screenshot(path=tmp_path / "conv-cell.png")
    for channel, row, col in [(0, 2, 3), (1, 0, 0), (1, 5, 4), (0, 3, 3)]:
        page.select_option('#tg-cells select[data-pick="c"]', str(channel))
        pick_cell(page, "x", row, col)
        products = []
        for out in range(3):  # each output channel's terms, one channel at a time
            page.select_option('#tg-cells select[data-pick="o"]', str(out))
            products += [a * b for a, b in page.evaluate(TERMS)]
        # the page's numbers carry 6 significant digits: that much per term
        assert abs(sum(products) - x.grad[0, channel, row, col]) <= \
            2e-5 * sum(abs(p) for p in products) + 1e-12
        said = page.locator("#tg-cells .tg-cells-total").inner_text()
        assert said.startswith(f"∂L/∂x[0, {channel}, {row}, {col}] = ") and "+=" in said
        assert "✓" in page.locator("#tg-cells .tg-cells-engine").inner_text()
    # the windows that covered the cell are the ones marked on the upstream
    pick_cell(page, "x", 0, 0)  # a corner with padding 1: 4 windows
    assert page.locator('#tg-cells [data-grid="up"] td.tg-window').count() == 4
    assert "sat in 4 windows" in page.locator("#tg-cells").inner_text()
    assert "padding" in page.locator("#tg-cells").inner_text()


def test_a_kernel_weights_terms_add_up_to_its_gradient(open_page, tmp_path):
    loss, conv, _, _ = small_conv_net()
    page = open_page(viz.html(loss, tmp_path / "weight.html", modules=conv)).page
    go_to(page, "Backward through conv")
    page.get_by_role("button", name="∂L/∂W, one weight").click()
    page.select_option('#tg-cells select[data-pick="o"]', "2")
    page.select_option('#tg-cells select[data-pick="c"]', "1")
    page.locator('#tg-cells [data-grid="w"] td[data-row="0"][data-col="2"]').click()
    terms = page.evaluate(TERMS)
    assert len(terms) == 36  # every window of the 6×6 output
    products = [a * b for a, b in terms]
    assert abs(sum(products) - conv.weight.grad[2, 1, 0, 2]) <= \
        2e-5 * sum(abs(p) for p in products) + 1e-12
    assert page.locator('#tg-cells [data-grid="x"] td.tg-window').count() == 25  # 1 row, col off
    page.get_by_role("button", name="im2col").click()
    shapes = page.locator("#tg-cells .tg-cells-shape").all_inner_texts()
    assert shapes[0].startswith("1. unfold (im2col): x (1, 2, 6, 6) → columns (1, 18, 36)")
    assert page.locator("#tg-cells .tg-cells-entry").count() > 0
    page.screenshot(path=tmp_path / "conv-im2col.png")


def test_max_pool_sends_everything_to_the_maximum(open_page, tmp_path):
    loss, conv, _, hidden = small_conv_net()
    page = open_page(viz.html(loss, tmp_path / "pool.html", modules=conv)).page
    go_to(page, "Backward through max pool")
    assert "routes" in page.locator("#tg-cells").inner_text()
    received = np.zeros((6, 6))
    for row in range(6):
        for col in range(6):
            pick_cell(page, "x", row, col)
            terms = page.evaluate(TERMS)
            assert len(terms) == 1 and terms[0][1] in (0, 1)  # its one window: all or nothing
            received[row, col] = terms[0][0] * terms[0][1]
    np.testing.assert_allclose(received, hidden.grad[0, 0], rtol=1e-5, atol=1e-9)
    windows = received.reshape(3, 2, 3, 2).transpose(0, 2, 1, 3).reshape(9, 4)
    assert all(np.count_nonzero(w) <= 1 for w in windows)  # one cell of each window
    page.screenshot(path=tmp_path / "max-pool.png")


def test_practice_asks_for_a_chosen_cells_gradient(open_page, tmp_path):
    loss, conv, x, _ = small_conv_net()
    page = open_page(viz.html(loss, tmp_path / "practice.html", modules=conv,
                              practice=True)).page
    go_to(page, "Backward through conv")
    question = page.locator("#tg-question").inner_text()
    assert question.startswith("∂L/∂x[0, ")
    channel, row, col = (int(v) for v in question[len("∂L/∂x[0, "):].split("]")[0].split(", "))
    total = page.locator("#tg-cells .tg-cells-total").inner_text()
    assert "= ?" in total and not page.locator('#tg-cells [data-grid="gx"]').count()
    page.get_by_label("Answer", exact=True).fill(f"{x.grad[0, channel, row, col]:.6g}")
    page.locator("#tg-check").click()
    assert page.locator("#tg-feedback").inner_text().startswith("Right!")
    assert "?" not in page.locator("#tg-cells .tg-cells-total").inner_text()


def five_step_rnn():
    rng = np.random.default_rng(2)
    rnn = nn.RNN(2, 3, dtype=np.float64)
    out, _ = rnn(Tensor(rng.standard_normal((5, 1, 2))))
    loss = (out * Tensor(rng.standard_normal(out.shape))).sum()
    loss.backward(keep_all_grads=True)
    return loss, rnn


def test_a_five_step_rnn_folds_by_step_and_w_hh_is_the_sum_of_its_contributions(
        open_page, tmp_path):
    loss, rnn = five_step_rnn()
    page = open_page(viz.html(loss, tmp_path / "rnn.html", modules=rnn)).page
    boxes = page.evaluate("""() => Array.from(document.querySelectorAll('#tg-graph g.node.group'))
        .map(g => g.querySelector('text').textContent)""")
    assert boxes == [f"t = {t}" for t in range(1, 6)]
    assert page.locator("#tg-bptt-bars .tg-bptt-bar").count() == 5
    heights = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#tg-bptt-bars .tg-bptt-bar')).map(g => Number(g.dataset.value))""")
    go_to(page, "Backward through time step t = 3")
    assert "h₃ receives 2 gradients, from h₄ and from y₃; they add:" in state(page)["text"]
    assert page.locator("#tg-bptt-bars .tg-bptt-now").get_attribute("data-t") == "3"
    page.screenshot(path=tmp_path / "rnn-step3.png")
    go_to(page, "weight_hh_l0 is used at every step")
    parts = page.evaluate("""() => Array.from(document.querySelectorAll('#tg-bptt .tg-bptt-part'))
        .map(t => Array.from(t.querySelectorAll('tr')).map(r => Array.from(r.children)
            .map(td => Number(td.dataset.value))))""")
    assert len(parts) == 5
    np.testing.assert_allclose(np.sum(parts, axis=0), rnn.weight_hh_l0.grad, rtol=1e-4,
                               atol=1e-7)
    assert "✓" in state(page)["text"]
    np.testing.assert_allclose(heights, [np.linalg.norm(g) for g in page.evaluate(
        "() => JSON.parse(document.getElementById('tg-doc').textContent).bptt.layers[0].steps"
        ".map(s => s.grad)")], rtol=1e-6)
    page.screenshot(path=tmp_path / "rnn-w_hh.png")
    page.locator("#tg-groups-list button").nth(2).click()  # open the box t = 3: its ops
    assert not page.locator("#tg-bptt-bars").is_visible()
    assert page.locator("#tg-graph g.node.op").count() >= 3


def test_a_detached_step_shows_the_cut(open_page, tmp_path):
    rng = np.random.default_rng(4)
    rnn = nn.RNN(2, 3, dtype=np.float64)
    _, h = rnn(Tensor(rng.standard_normal((3, 1, 2))))
    out, _ = rnn(Tensor(rng.standard_normal((5, 1, 2))), h.detach())
    loss = (out ** 2).sum()
    loss.backward(keep_all_grads=True)
    page = open_page(viz.html(loss, tmp_path / "cut.html", modules=rnn)).page
    cut = page.locator('#tg-graph g.edge[id$="_cut"]')
    assert cut.count() == 1
    assert "no gradient flows past here (detach)" in cut.text_content()
    page.keyboard.press("End")
    assert state(page)["text"].startswith("h_0 was detached: no gradient flows past here")
    assert "tg-edge" in cut.get_attribute("class")
    page.screenshot(path=tmp_path / "cut.png")


@pytest.mark.parametrize("which", ["conv", "lstm"])
def test_the_panels_speak_korean(open_page, tmp_path, which):
    if which == "conv":
        loss, modules, _, _ = small_conv_net()
    else:
        rng = np.random.default_rng(3)
        modules = nn.LSTM(2, 3, dtype=np.float64)
        out, _ = modules(Tensor(rng.standard_normal((4, 1, 2))))
        loss = (out ** 2).sum()
        loss.backward(keep_all_grads=True)
    page = open_page(viz.html(loss, tmp_path / f"{which}-ko.html", modules=modules,
                              lang="ko")).page
    if which == "conv":
        go_to(page, "역전파")  # the first backward steps, then the conv's
        index = page.evaluate("""() => Array.from(document.querySelectorAll('#tg-list button'))
            .findIndex(b => b.textContent.includes('conv'))""")
        page.locator("#tg-list li button").nth(index).click()
        assert "칸 하나씩" in page.locator("#tg-cells h3").inner_text()
        assert "창" in page.locator("#tg-cells").inner_text()
    else:
        go_to(page, "역전파: 시간 단계 t = 2")
        assert "받습니다" in state(page)["text"]
        assert "셀 상태" in page.locator("#tg-canvas svg").text_content()
        assert "‖∂L/∂c_t‖" in page.locator("#tg-bptt-bars").inner_text()
    page.screenshot(path=tmp_path / f"{which}-ko.png")
    document = json.loads(page.evaluate("() => document.getElementById('tg-doc').textContent"))
    assert document["lang"] == "ko"


def test_practice_works_on_a_time_step(open_page, tmp_path):
    loss, rnn = five_step_rnn()
    page = open_page(viz.html(loss, tmp_path / "rnn-practice.html", modules=rnn,
                              practice=True)).page
    answer = page.get_by_label("Answer", exact=True)
    go_to(page, "Backward through time step t = 3")
    question = page.locator("#tg-question").inner_text()
    assert question.startswith("∂L/∂h₃[0, ") and "add the gradients it receives" in question
    assert "∂L/∂h₃ = " in state(page)["text"] and state(page)["text"].count("= ?") == 1
    column = int(question.split("[0, ")[1].split("]")[0])
    h_3 = next(node for node in topo_order(loss) if node.label == "h_3")
    answer.fill(f"{h_3.grad[0, column]:.6g}")
    page.locator("#tg-check").click()
    assert page.locator("#tg-feedback").inner_text().startswith("Right!")
    go_to(page, "weight_hh_l0 is used at every step")
    question = page.locator("#tg-question").inner_text()
    row, column = (int(v) for v in question.split("[")[1].split("]")[0].split(", "))
    assert page.locator("#tg-bptt .tg-bptt-sum").inner_text().endswith("= ?")
    assert page.locator("#tg-bptt .tg-bptt-total").count() == 0  # the sum would answer it
    answer.fill(f"{rnn.weight_hh_l0.grad[row, column]:.6g}")
    page.locator("#tg-check").click()
    assert page.locator("#tg-feedback").inner_text().startswith("Right!")
    assert page.locator("#tg-bptt .tg-bptt-total").count() == 1
