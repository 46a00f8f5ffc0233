"""viz.html: the step-through page, as a file and in a real headless chromium.

The browser test drives Debian's chromium through playwright. In CI (CI=true) it must
run: `.ci/run` installs chromium when it is missing. Elsewhere it skips without one.
"""

import os
import re
import shutil

import pytest

import viz
from tinygrad_edu import Tensor, Value
from viz.demo import lecture_fwb as lecture_graph

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the [browser] extra is not installed
    sync_playwright = None

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def test_the_page_is_one_self_contained_file(tmp_path):
    page = viz.html(lecture_graph(), tmp_path / "steps.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "default-src 'none'" in page  # the page itself forbids any network access
    for attribute in re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", page):
        assert not attribute or attribute.startswith("#"), attribute
    assert not re.search(r"https?://(?!www\.w3\.org/)", page)  # only XML namespace names
    assert "@import" not in page


def test_korean_page_and_big_graphs(tmp_path):
    page = viz.html_page(lecture_graph(), lang="ko")
    assert "다음 →" in page and "역전파 시작: f" in page
    total = Value(0.0)
    for i in range(200):
        total = total + Value(float(i)) * Value(0.5)
    total.backward()
    big = viz.html_page(total)  # folded into boxes; steps about hidden nodes point at them
    assert "class=\"node group\"" in big and '"n3": "g' in big
    assert "801 nodes: folded into boxes" in big


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    missing = ("chromium is not installed (apt-get install chromium)" if chromium is None
               else "playwright is not installed (pip install -e '.[browser]')"
               if sync_playwright is None else None)
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser test, but {missing}")
    if missing:
        pytest.skip(missing)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_stepping_through_the_page_in_chromium(browser, tmp_path):
    path = viz.html(lecture_graph(), tmp_path / "fwb steps.html")
    page = browser.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())

    def state():
        return page.evaluate("""() => ({
            step: Number(document.body.dataset.step),
            current: document.querySelector('#tg-graph .tg-current').id,
            counter: document.getElementById('tg-counter').textContent,
            text: document.getElementById('tg-text').textContent,
            shownGrads: Array.from(document.querySelectorAll('#tg-graph g.value text'))
                .filter(t => t.getAttribute('fill') === '#c0392b'
                             && getComputedStyle(t).visibility !== 'hidden')
                .map(t => t.textContent)})""")

    first = state()
    assert first["step"] == 0 and first["current"] == "n0" and first["counter"] == "Step 1 / 8"
    assert first["shownGrads"] == []  # no gradient before the backward pass
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert state()["step"] == 2 and state()["current"] == "n2" and "g = w × x" in state()["text"]
    page.keyboard.press("ArrowLeft")
    assert state()["step"] == 1 and state()["current"] == "n1"
    page.click("#tg-next")
    page.click("#tg-next")
    page.click("#tg-prev")
    assert state()["step"] == 2
    page.fill("#tg-slider", "5")  # the first backward step: only ∂f/∂f is known
    seed = state()
    assert seed["current"] == "n4" and seed["shownGrads"] == ["1"]
    page.click("#tg-next")
    assert state()["current"] == "n4" and sorted(state()["shownGrads"]) == ["1", "1", "1"]
    page.click("#tg-next")  # the last step: through × into w and x
    last = state()
    assert last["step"] == 7 and last["current"] == "n2"
    assert "∂f/∂w = upstream × local = 1 × 5 = 5" in last["text"]
    assert sorted(last["shownGrads"]) == sorted(["5", "-2", "1", "1", "1"])  # every gradient
    page.click("#tg-next")  # past the end: stays on the last step
    assert state()["step"] == 7
    assert errors == []
    assert requests == [path.as_uri()]
    page.close()


def test_tensor_graph_page_with_a_constant_operand():
    a = Tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True, label="A")
    loss = (a * 2).relu().sum()
    loss.backward(keep_all_grads=True)
    page = viz.html_page(loss)
    assert "(2, 2) float32" in page
    assert "does not require grad: the engine skips it" in page  # the constant 2
