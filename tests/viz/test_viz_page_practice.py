"""The explorer page's practice mode, second pass, gradient-check and colour overlays and
tensor tables, in chromium, on a hand-written explorer document (the page's side of the
contract with viz.explorer_document, whatever builds the document).
"""

from viz_page_support import (  # noqa: F401 (the two fixtures)
    MISSING_GLYPHS,
    browser_fixture,
    fwb_document,
    grad_text,
    open_page_fixture,
    state,
)

from viz.html import page_from_document


def test_practice_accepts_right_answers_explains_wrong_ones_and_keeps_score(open_page, tmp_path):
    path = tmp_path / "practice.html"
    path.write_text(page_from_document(fwb_document(), practice=True), encoding="utf-8")
    page = open_page(path).page
    answer, check = page.get_by_label("Answer", exact=True), page.locator("#tg-check")
    assert page.get_by_label("Practice").is_checked()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # forward through ×: the value of g is asked
    assert state(page)["text"] == "g = w × x = (-2) × 5 = ?"
    assert page.evaluate("() => document.querySelector('#n2 text.tg-ask').textContent") == "?"
    answer.fill("-10")
    check.click()
    assert page.locator("#tg-feedback").inner_text().startswith("Right!")
    assert state(page)["text"] == "g = w × x = (-2) × 5 = -10"  # revealed once answered
    answer.press("Escape")
    page.locator("#tg-list li button").nth(6).click()  # backward through +
    assert grad_text(page, "n2") == "?"  # the drawing does not give the answer away
    answer.fill("2")  # wrong: the worked line is shown
    check.click()
    assert "Not quite" in page.locator("#tg-feedback").inner_text()
    assert "∂f/∂g = 1 × 1 = 1" in page.locator("#tg-feedback").inner_text()
    answer.fill("one")  # not a number: said so, not counted
    check.click()
    assert "fraction" in page.locator("#tg-feedback").inner_text()
    answer.fill("3/3")  # a fraction
    check.click()
    assert page.locator("#tg-score").inner_text() == "Score: 2 / 3"
    assert grad_text(page, "n2") == "1" and grad_text(page, "n3") == "1"
    page.select_option("#tg-level", "2")  # harder: the local derivatives are asked too
    page.locator("#tg-list li button").nth(7).click()
    assert state(page)["text"].startswith("local ∂g/∂w = x = ?")
    assert page.locator("#tg-question").inner_text() == "∂g/∂w = ?"
    for typed in ("5", "5", "−2", "-4/2"):  # typographic minus, and a fraction
        answer.fill(typed)
        answer.press("Enter")
    assert page.locator("#tg-score").inner_text() == "Score: 6 / 7"
    assert "∂f/∂x = 1 × (-2) = -2" in state(page)["text"]
    page.screenshot(path=tmp_path / "practice-end.png")
    page.get_by_label("Practice").uncheck()  # the toggle: watching again
    assert not page.locator("#tg-practice").is_visible()


def test_second_pass_gradient_check_and_colour_overlays(open_page, tmp_path):
    path = tmp_path / "overlays.html"
    path.write_text(page_from_document(fwb_document()), encoding="utf-8")
    page = open_page(path).page
    assert "leaves accumulate" in page.locator("#tg-note").inner_text()
    page.locator("#tg-list li button").nth(7).click()
    assert grad_text(page, "n0") == "5"
    page.keyboard.press("End")  # the second pass without zero_grad(): w goes 5 -> 10
    assert grad_text(page, "n0") == "10" and grad_text(page, "n1") == "-4"
    assert "pass 2" in state(page)["counter"]
    page.get_by_label("Gradient check").check()
    marks = page.evaluate("""() => Array.from(document.querySelectorAll('.tg-check')).map(
        g => [g.dataset.node, g.classList.contains('tg-check-bad'), g.textContent])""")
    assert sorted(marks) == [["n0", False, "numeric 5= backprop 5 ✓"],
                             ["n1", True, "numeric -2≠ backprop -2.5"]]
    bad = page.evaluate("() => getComputedStyle(document.querySelector('.tg-check-bad text')).fill")
    assert bad == "rgb(192, 57, 43)"  # the mismatch in red
    assert "1 of 2 leaves disagree: x" in page.locator("#tg-check-summary").inner_text()
    page.get_by_label("Colour by |grad|").check()
    fills = page.evaluate("""() => Object.fromEntries(['n0', 'n1', 'n2', 'n3'].map(id => {
        const cell = document.querySelector('#' + id + ' polygon:not([fill="none"])');
        return [id, getComputedStyle(cell).fill]; }))""")
    assert fills["n3"] == "rgb(207, 207, 207)"  # dead: grey, and marked
    assert fills["n0"] != fills["n2"]  # |grad| 5 and 1 get different colours
    assert page.locator(".tg-dead-mark").count() == 1
    assert page.evaluate(MISSING_GLYPHS) == []  # ✓ ≠ × and the rest have glyphs
    page.screenshot(path=tmp_path / "overlays.png")
    page.get_by_label("Colour by |grad|").uncheck()
    assert page.locator(".tg-dead-mark").count() == 0


def test_tensor_numbers_show_as_coloured_tables_and_heatmaps(open_page, tmp_path):
    document = fwb_document()
    document["nodes"]["n2"].update(
        shape=[2, 2], dtype="float32", kind_text="intermediate",
        value_view={"kind": "table", "text": "[1, -2, 3, 4]", "shape": [2, 2],
                    "rows": [[1, -2], [3, 4]], "scale": 4},
        grad_view={"kind": "summary", "text": "mean 0", "shape": [20, 30], "mean": 0,
                   "std": 1, "min": -2, "max": "inf", "scale": 2,
                   "heatmap": {"rows": 2, "cols": 3, "cells": [1, -1, 0.5, 0, -0.2, 0.1]}})
    path = tmp_path / "tensor.html"
    path.write_text(page_from_document(document), encoding="utf-8")
    page = open_page(path).page
    page.locator("#tg-list li button").nth(2).click()  # forward g: its value, no gradient yet
    inspector = page.locator("#tg-inspect")
    assert inspector.is_visible() and "(2, 2) float32" in inspector.inner_text()
    cells = page.evaluate("""() => Array.from(document.querySelectorAll('#tg-inspect td'))
        .map(td => [td.textContent, getComputedStyle(td).backgroundColor])""")
    assert [text for text, _ in cells] == ["1", "-2", "3", "4"]
    assert cells[0][1].startswith("rgba(31, 95, 191") and cells[1][1].startswith("rgba(192, 57, 43")
    assert page.locator("#tg-inspect .tg-heatmap").count() == 0  # the gradient is not known yet
    page.keyboard.press("End")
    page.locator("#tg-list li button").nth(6).click()  # backward into g: now the gradient
    assert page.locator("#tg-inspect .tg-heatmap rect").count() == 6
    assert "max inf" in inspector.inner_text()
