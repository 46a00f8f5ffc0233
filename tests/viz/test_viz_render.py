"""viz.render: files in every format, the SVG's content, and the engine fallback."""

import importlib
import os
import shutil
import stat
import xml.etree.ElementTree as ET

import pytest

import viz
from tinygrad_edu import Value
from viz.dot import GRAD_COLOUR, VALUE_COLOUR

SVG = "{http://www.w3.org/2000/svg}"
# (viz.render is also the name of the function, so fetch the module by its full name)
render_module = importlib.import_module("viz.render")


def lecture_graph():
    w, x, b = Value(-2.0, label="w"), Value(5.0, label="x"), Value(3.0, label="b")
    f = w * x + b
    f.label = "f"
    f.backward()
    return f


def svg_texts(path):
    """(text, fill colour) of every <text> element of an SVG file."""
    root = ET.parse(path).getroot()
    return [("".join(t.itertext()).strip(), t.get("fill")) for t in root.iter(f"{SVG}text")]


def value_nodes(path):
    """{name: (value text, grad text)} for every value node drawn in an SVG file."""
    found = {}
    for group in ET.parse(path).getroot().iter(f"{SVG}g"):
        if "value" not in (group.get("class") or "").split():
            continue
        texts = [("".join(t.itertext()).strip(), t.get("fill")) for t in group.iter(f"{SVG}text")]
        value = [text for text, fill in texts if fill == VALUE_COLOUR]
        grad = [text for text, fill in texts if fill == GRAD_COLOUR]
        found[texts[0][0]] = (value[0], grad[0])
    return found


def test_fwb_svg_shows_labels_values_and_gradients(tmp_path):
    path = viz.render(viz.draw(lecture_graph()), tmp_path / "fwb.svg")
    assert value_nodes(path) == {"w": ("-2", "5"), "x": ("5", "-2"), "t1": ("-10", "1"),
                                 "b": ("3", "1"), "f": ("-7", "1")}
    words = {text for text, _ in svg_texts(path)}
    assert {"w", "x", "b", "f", "×", "+"} <= words
    legend = [text for text, fill in svg_texts(path) if fill == GRAD_COLOUR]
    assert "∂f/∂node" in legend  # the legend says which colour is the gradient


def test_formats_from_the_suffix(tmp_path):
    drawing = viz.draw(lecture_graph())
    assert viz.render(drawing, tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert viz.render(drawing, tmp_path / "g.pdf").read_bytes()[:5] == b"%PDF-"
    assert viz.render(drawing, tmp_path / "g.dot").read_text(encoding="utf-8") == drawing.source
    # a Value can be rendered directly, drawn with the defaults
    assert viz.render(lecture_graph(), tmp_path / "v.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match=r"\.svg"):
        viz.render(drawing, tmp_path / "g.jpeg")


def test_same_graph_same_svg_bytes(tmp_path):
    one = viz.render(viz.draw(lecture_graph()), tmp_path / "1.svg").read_bytes()
    two = viz.render(viz.draw(lecture_graph()), tmp_path / "2.svg").read_bytes()
    assert one == two


def fake_which(present: dict):
    def which(name, mode=os.F_OK | os.X_OK, path=None):
        return present.get(name)
    return which


def test_without_dot_it_falls_back_to_graphviz_pure(monkeypatch, tmp_path):
    pure = render_module.find_engines()[-1]
    assert os.path.basename(pure).startswith("graphviz-pure")
    monkeypatch.setattr(shutil, "which", fake_which({"graphviz-pure": pure}))
    assert render_module.find_engines() == [pure]
    assert viz.render(lecture_graph(), tmp_path / "g.svg").stat().st_size > 0


def test_a_broken_dot_on_path_falls_back_to_graphviz_pure(monkeypatch, tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    dot = fake_bin / "dot"
    dot.write_text("#!/bin/sh\necho 'dot: broken on purpose' >&2\nexit 1\n")
    dot.chmod(dot.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(fake_bin) + os.pathsep + os.environ.get("PATH", ""))
    assert render_module.find_engines()[0] == str(dot)
    assert "<svg" in viz.render(lecture_graph(), tmp_path / "g.svg").read_text()


def test_with_neither_engine_the_error_names_both(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", fake_which({}))
    for name in ["g.svg", "g.png", "g.pdf"]:
        with pytest.raises(viz.RenderError) as error:
            viz.render(lecture_graph(), tmp_path / name)
        message = str(error.value)
        assert "`dot`" in message and "graphviz-pure" in message and "install" in message
        assert "\n" not in message
    # the DOT source needs no engine at all
    assert viz.render(lecture_graph(), tmp_path / "g.dot").exists()


def test_drawings_display_inline_in_jupyter():
    bundle = viz.draw(lecture_graph())._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")


def test_byte_identical_svg_across_processes(tmp_path):
    """Nothing depends on id() or on Python's per-process string hashing."""
    import subprocess
    import sys

    code = ("import sys, viz\n"
            "from tinygrad_edu import Value\n"
            "w, x, b = Value(-2.0, label='w'), Value(5.0, label='x'), Value(3.0, label='b')\n"
            "f = ((w * x + b).sigmoid(decompose=True) + w * w).tanh()\n"
            "f.backward()\n"
            "viz.render(viz.draw(f), sys.argv[1])\n")
    outputs = []
    for seed in ["1", "2"]:
        path = tmp_path / f"run{seed}.svg"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-c", code, str(path)], env=env, check=True)
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
