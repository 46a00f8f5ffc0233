"""viz.html: the explorer page as a file (tests/viz/test_viz_page_browser.py drives it in
a real chromium)."""

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest

import viz
from tinygrad_edu import Tensor, Value
from viz.demo import lecture_fwb as lecture_graph
from viz.html import SCRIPTS, json_for_script, page_from_document


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
    assert "class=\"node group\"" in big and re.search(r'"n\d+": "g\d+"', big)
    assert "801 nodes: folded into boxes" in big
    # the boxes' own drawings wait in inert templates, as markup (not escaped into JSON)
    assert re.search(r'<template id="tg-svg-g\d+"><svg', big)
    assert "\\u003csvg" not in big


def test_tensor_graph_page_with_a_constant_operand():
    a = Tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True, label="A")
    loss = (a * 2).relu().sum()
    loss.backward(keep_all_grads=True)
    page = viz.html_page(loss)
    assert "(2, 2) float32" in page
    # the constant 2 is A's local derivative, not a step of its own (it needs no gradient)
    assert "∂loss/∂A = ∂loss/∂t1 · ∂t1/∂A = upstream × 2 = " in page


def test_json_for_script_cannot_end_its_script_element():
    hostile = {"label": "</script><!--<script>&\u2028\u2029", "n": [1.5, -2]}
    text = json_for_script(hostile)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert json.loads(text) == hostile  # still the same data for JSON.parse


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


class _Scripts(HTMLParser):
    """The text of every <script> element, as a browser's tokenizer splits them."""

    def __init__(self):
        super().__init__()
        self.scripts, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = [dict(attrs), ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.scripts.append(tuple(self._open))
            self._open = None


def test_hostile_labels_stay_inside_their_json_and_the_script_is_allowed_by_hash():
    a, b = Value(2.0, label="</script><!--<script>"), Value(3.0, label="q\"u'o\u2028")
    f = a * b
    f.label = "<b>f</b>"
    f.backward(retain_graph=True)
    page = viz.html_page(f, title="</title><script>x</script>")
    parser = _Scripts()
    parser.feed(page)
    kinds = [attributes.get("type") for attributes, _ in parser.scripts]
    assert kinds == ["application/json", "application/json", None]  # nothing else got out
    document = json.loads(parser.scripts[0][1])
    texts = " ".join(_strings(document))
    assert a.label in texts and b.label in texts  # the labels came through unchanged
    script = parser.scripts[2][1]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page  # the CSP allows exactly this script
    assert "<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>" in page


def test_the_page_script_has_no_eval_and_is_package_data():
    folder = resources.files("viz").joinpath("page")
    names = sorted(item.name for item in folder.iterdir())
    assert set(SCRIPTS) | {"explorer.css", "explorer.html"} <= set(names)
    for name in names:
        text = folder.joinpath(name).read_text(encoding="utf-8")
        assert not re.search(r"\beval\s*\(|new Function|innerHTML|https?://(?!www\.w3)", text), name
    config = (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    table = config[config.index("[tool.setuptools.package-data]"):]
    assert re.search(r'viz = \[.*"page/\*\.js".*"page/\*\.css".*"page/\*\.html"', table)


def test_practice_option_and_lang_checks():
    assert '"practice": true' in viz.html_page(lecture_graph(), practice=True)
    assert '"practice": false' in viz.html_page(lecture_graph())
    with pytest.raises(ValueError, match="lang must be one of"):
        viz.html_page(lecture_graph(), lang="fr")


def test_show_puts_the_page_in_an_isolated_frame(tmp_path):
    shown = viz.show(lecture_graph(), height=500)
    frame = shown._repr_html_()
    assert frame.startswith("<iframe srcdoc=\"") and 'sandbox="allow-scripts"' in frame
    assert "height: 500px" in frame
    quoted = frame[len("<iframe srcdoc=\""):frame.index('" sandbox')]
    assert '"' not in quoted and "<" not in quoted  # nothing can end the attribute early
    assert shown.page.startswith("<!DOCTYPE html>")
    assert "allow-same-origin" not in frame  # the notebook's page stays out of reach
    shown.save(tmp_path / "saved.html")
    assert (tmp_path / "saved.html").read_text(encoding="utf-8") == shown.page


def test_page_from_a_document_shows_its_note():
    document = {"lang": "en", "title": "t", "note": "call backward() first", "nodes": {},
                "views": {"main": {"svg": viz.svg_text(viz.draw(lecture_graph())),
                                   "steps": []}}}
    page = page_from_document(document)
    assert "call backward() first" in page and "<svg" in page


def test_cli_writes_a_practice_page_in_korean(tmp_path, capsys):
    from tinygrad_edu.cli import main

    page_path = tmp_path / "practice.html"
    assert main(["graph", "f = w*x + b", "--set", "w=-2", "x=5", "b=3", "--html",
                 str(page_path), "--practice", "--passes", "2", "--lang", "ko"]) == 0
    page = page_path.read_text(encoding="utf-8")
    assert '<html lang="ko">' in page and '"practice": true' in page
    with pytest.raises(SystemExit):  # argparse: one line naming the option, status 2
        main(["graph", "f = w*x", "--set", "w=1", "x=2", "--passes", "3"])
    assert "--passes: invalid choice: 3" in capsys.readouterr().err
