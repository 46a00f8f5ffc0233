"""Text a learner chose -- an op symbol ending in a backslash, holding NUL or shaped like
``<b>...</b>``, a label with NUL -- is drawn as written (control characters as their
escapes), never read as DOT or HTML, and never makes rendering fail."""

import re
from html import unescape

import pytest

import viz
from tinygrad_edu import Value, ops

SYMBOLS = ["a\\", "\\", "a\x00b", "<b>x</b>", "<x>", "<", ">", 'a"b', "{x}", "a|b", "&amp;",
           "a\nb", "\\N\\l", "a\\l", "[x]", "\x7f"]
LABELS = ["w", "w\x00", "<i>w</i>", "w\\", "\\N", "a\tb"]


def _op(symbol: str):
    @ops.declare(f"hostile {symbol!r}", symbol=symbol, math="m", local=("1",),
                 forward=lambda args, x: x)
    def rule(node, upstream):
        return (upstream,)

    return rule


def _graph(symbol: str, label: str):
    x = Value(2.0, label=label)
    out = ops.apply(_op(symbol), 2.0, (x,))
    out.label = "out"
    out.backward()
    return out


def _shown(text: str) -> str:
    return text.replace("\x00", "\\x00").replace("\n", "\\n").replace("\t", "\\t") \
        .replace("\x7f", "\\x7f")


@pytest.mark.parametrize("symbol", SYMBOLS)
def test_an_op_symbol_is_drawn_as_written(symbol, tmp_path):
    out = _graph(symbol, "w")
    path = viz.render(viz.draw(out, title=f"title {symbol}"), tmp_path / "g.svg")
    texts = [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text())]
    assert _shown(symbol) in texts
    assert f"title {_shown(symbol)}" in texts
    viz.html(out, tmp_path / "g.html")  # the explorer renders the same drawing


@pytest.mark.parametrize("label", LABELS)
def test_a_label_is_drawn_as_written(label, tmp_path):
    out = _graph("f", label)
    svg = viz.render(viz.draw(out), tmp_path / "g.svg").read_text()
    # (a backslash in a cell is followed by an invisible word joiner, so that the engine
    # does not read "\\N" as the node's name)
    texts = [unescape(t).replace("\xa0", "").replace("\u2060", "") for t in
             re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert _shown(label) in texts
    page = viz.html(out, tmp_path / "g.html").read_text()
    assert "\x00" not in page


def test_the_dot_source_holds_no_raw_control_character_or_unescaped_backslash(tmp_path):
    out = _graph("a\\", "w\x00")
    source = viz.draw(out).source
    assert "\x00" not in source
    assert 'label="a\\\\"' in source  # one backslash, written as DOT writes it

