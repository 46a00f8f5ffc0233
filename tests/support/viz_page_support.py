"""What the explorer page's browser tests share: chromium through playwright, a page
opener that fails a test on any console error or network request, probes of the page's
state, the graphs the issue names, and a hand-written explorer document.

In CI (CI=true) the browser tests must run: `.ci/run` installs chromium when it is
missing. Elsewhere they skip without one.
"""

import os
import random
import shutil
from dataclasses import dataclass, field

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import viz
from tinygrad_edu import Tensor, Value
from viz.demo import lecture_fwb

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the [browser] extra is not installed
    sync_playwright = None

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Characters of the page that render as the "missing glyph" box in a font the page uses:
# each is drawn on a canvas and compared with a code point that no font has.
MISSING_GLYPHS = """() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 40;
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    const draw = (c, family) => {
        ctx.clearRect(0, 0, 40, 40);
        ctx.font = '24px ' + family;
        ctx.fillText(c, 4, 30);
        return ctx.getImageData(0, 0, 40, 40).data.join(); };
    const families = [document.body, document.getElementById('tg-text'),
                      document.querySelector('#tg-graph svg text')]
        .map(e => getComputedStyle(e).fontFamily);
    const text = document.body.innerText + document.querySelector('#tg-graph svg').textContent;
    const chars = Array.from(new Set(Array.from(text))).filter(c => c.codePointAt(0) > 0x7f);
    const found = [];
    families.forEach(family => {
        const box = draw('\\u{10FFFD}', family);
        chars.forEach(c => { if (draw(c, family) === box) found.push(c + ' in ' + family); });
    });
    return found; }"""


# Test modules import these two fixtures under their function names; pytest knows them by
# `name` (so a test's `open_page` argument does not shadow an imported name).
@pytest.fixture(scope="module", name="browser")
def browser_fixture():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    missing = ("chromium is not installed (apt-get install chromium)" if chromium is None
               else "playwright is not installed (pip install -e '.[browser]')"
               if sync_playwright is None else None)
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser tests, but {missing}")
    if missing:
        pytest.skip(missing)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Opened:
    page: object
    uri: str
    errors: list = field(default_factory=list)
    requests: list = field(default_factory=list)


@pytest.fixture(name="open_page")
def open_page_fixture(browser):
    """Open a page file at 1400×900; after the test: no error, no request but the file."""
    opened = []

    def opener(path, width=1400, height=900):
        page = browser.new_page(viewport={"width": width, "height": height})
        result = Opened(page, path.as_uri())
        page.on("pageerror", lambda error: result.errors.append(str(error)))
        page.on("console", lambda m: m.type == "error" and result.errors.append(m.text))
        page.on("request", lambda request: result.requests.append(request.url))
        page.goto(result.uri)
        opened.append(result)
        return result

    yield opener
    for result in opened:
        assert result.errors == []
        assert result.requests == [result.uri]
        result.page.close()


def state(page) -> dict:
    return page.evaluate("""() => {
        const current = document.querySelector('#tg-graph .tg-current');
        return {
            step: Number(document.body.dataset.step),
            current: current && current.id,
            counter: document.querySelector('[role=status]').textContent,
            text: document.getElementById('tg-text').textContent,
            scale: Number(document.getElementById('tg-graph').dataset.scale),
            shownGrads: Array.from(document.querySelectorAll('#tg-graph g.value text'))
                .filter(t => t.getAttribute('fill') === '#c0392b'
                             && getComputedStyle(t).visibility !== 'hidden')
                .map(t => t.textContent)};
    }""")


def current_text_heights(page) -> dict:
    """The smallest on-screen height of the current node's texts, and whether the node
    lies inside the graph's box (the view follows the step)."""
    return page.evaluate("""() => {
        const node = document.querySelector('#tg-graph .tg-current');
        const box = document.getElementById('tg-graph').getBoundingClientRect();
        const r = node.getBoundingClientRect();
        const heights = Array.from(node.querySelectorAll('text'))
            .filter(t => t.textContent.trim()).map(t => t.getBoundingClientRect().height);
        return {least: Math.min(...heights), inside: r.left >= box.left && r.right <= box.right
                && r.top >= box.top && r.bottom <= box.bottom};
    }""")


def scalar_mlp() -> Value:
    """A 2-3-2-1 tanh MLP on scalars, squared error, after backward (seeded)."""
    rng = random.Random(0)
    layer = [Value(0.5, label="x1"), Value(-1.5, label="x2")]
    for size in (3, 2, 1):
        layer = [sum((Value(rng.uniform(-1, 1)) * v for v in layer), Value(rng.uniform(-1, 1)))
                 .tanh() for _ in range(size)]
    loss = (layer[0] - 1.0) ** 2
    loss.label = "loss"
    loss.backward(retain_graph=True)
    return loss


def tensor_xor():
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([[0], [1], [1], [0]], dtype=np.float32)
    loss = F.binary_cross_entropy(model(Tensor(x)), y)
    loss.backward(keep_all_grads=True)
    return loss, model


def fwb_document() -> dict:
    """A hand-written explorer document for f = w*x + b (w=-2, x=5, b=3) with practice
    questions, a gradient check (x's deliberately wrong), colour data and a second pass:
    the page's side of the contract, independent of how the document is built."""
    f = lecture_fwb()
    svg = viz.svg_text(viz.draw(f))

    def step(phase, node, title, lines, values=(), grads=(), show=None, practice=None, run=1):
        return {"phase": phase, "pass": run, "node": node, "title": title, "lines": lines,
                "values": list(values), "grads": list(grads), "show": show or {},
                "practice": practice}

    def ask(prompt, answer, worked, level=1):
        return {"prompt": prompt, "answer": answer, "worked": worked, "level": level}

    steps = [
        step("forward", "n0", "Forward: w", ["w = -2  (an input)"], values=["n0"]),
        step("forward", "n1", "Forward: x", ["x = 5  (an input)"], values=["n1"]),
        step("forward", "n2", "Forward: g", ["g = w × x = (-2) × 5 = -10"], values=["n2"],
             practice={"questions": [ask("g = ?", -10, "g = (-2) × 5 = -10")],
                       "masked": ["g = w × x = (-2) × 5 = ?"]}),
        step("forward", "n3", "Forward: b", ["b = 3  (an input)"], values=["n3"]),
        step("forward", "n4", "Forward: f", ["f = g + b = -10 + 3 = -7"], values=["n4"]),
        step("backward", "n4", "Backward: start at f", ["∂f/∂f = 1"], grads=["n4"],
             show={"n4": {"grad": "1"}}),
        step("backward", "n4", "Backward through + at f into g, b",
             ["∂f/∂g = 1 × 1 = 1", "∂f/∂b = 1 × 1 = 1"], grads=["n2", "n3"],
             show={"n2": {"grad": "1"}, "n3": {"grad": "1"}},
             practice={"questions": [ask("∂f/∂g = ?", 1, "∂f/∂g = 1 × 1 = 1"),
                                     ask("∂f/∂b = ?", 1, "∂f/∂b = 1 × 1 = 1")],
                       "masked": ["∂f/∂g = 1 × 1 = ?", "∂f/∂b = 1 × 1 = ?"]}),
        step("backward", "n2", "Backward through × at g into w, x",
             ["local ∂g/∂w = x = 5", "∂f/∂w = 1 × 5 = 5",
              "local ∂g/∂x = w = -2", "∂f/∂x = 1 × (-2) = -2"], grads=["n0", "n1"],
             show={"n0": {"grad": "5"}, "n1": {"grad": "-2"}},
             practice={"questions": [ask("∂g/∂w = ?", 5, "∂g/∂w = x = 5", 2),
                                     ask("∂f/∂w = ?", 5, "∂f/∂w = 1 × 5 = 5"),
                                     ask("∂g/∂x = ?", -2, "∂g/∂x = w = -2", 2),
                                     ask("∂f/∂x = ?", -2, "∂f/∂x = 1 × (-2) = -2")],
                       "masked": ["local ∂g/∂w = x = 5", "∂f/∂w = 1 × 5 = ?",
                                  "local ∂g/∂x = w = -2", "∂f/∂x = 1 × (-2) = ?"],
                       "masked_hard": ["local ∂g/∂w = x = ?", "∂f/∂w = 1 × ? = ?",
                                       "local ∂g/∂x = w = ?", "∂f/∂x = 1 × ? = ?"]}),
        step("second-pass", "n4", "Second backward: start at f", ["f's gradient starts at 1"],
             show={"n4": {"grad": "1"}, "n2": {"grad": "0"}}, run=2),
        step("second-pass", "n4", "Second backward through +", ["∂f/∂g = 1"],
             show={"n2": {"grad": "1"}, "n3": {"grad": "2"}}, run=2),
        step("second-pass", "n2", "Second backward through ×",
             ["w had 5 and gets 5 more: 5 + 5 = 10 (no zero_grad())"],
             show={"n0": {"grad": "10"}, "n1": {"grad": "-4"}}, run=2),
    ]

    def node(name, kind, value, grad, check=None, dead=False):
        return {"name": name, "kind": kind, "value": value, "grad": grad,
                "grad_abs": 0.0 if dead else abs(grad), "dead": dead, "check": check}

    nodes = {"n0": node("w", "input", -2, 5, {"numeric": 5.0, "backprop": 5, "ok": True}),
             "n1": node("x", "input", 5, -2, {"numeric": -2.0, "backprop": -2.5, "ok": False}),
             "n2": node("g", "intermediate", -10, 1), "n3": node("b", "input", 3, 0, dead=True),
             "n4": node("f", "output", -7, 1)}
    return {"version": 1, "lang": "en", "title": "f = w*x + b", "root": "n4",
            "note": "A second backward pass without zero_grad(): leaves accumulate.",
            "nodes": nodes, "views": {"main": {"svg": svg, "alias": {}, "parent": None,
                                               "groups": [], "steps": steps}}}


def grad_text(page, node_id):
    return page.evaluate("""id => Array.from(document.querySelectorAll('#' + id + ' text'))
        .filter(t => t.getAttribute('fill') === '#c0392b').map(t =>
            getComputedStyle(t).visibility === 'hidden' ? null : t.textContent)[0]""", node_id)
