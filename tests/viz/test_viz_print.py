"""Print quality: a PDF of a graph is vector without a system Graphviz, a PNG scales."""

import base64
import importlib
import re
import struct
import zlib

import pytest

import viz
from tinygrad_edu import cli
from viz.demo import lecture_sigmoid

render_module = importlib.import_module("viz.render")


@pytest.fixture
def no_system_dot(monkeypatch):
    """Only graphviz-pure, as on a machine without Graphviz installed."""
    pure = [c for c in render_module.find_engines() if c.endswith("graphviz-pure")]
    assert pure, "graphviz-pure comes with the package"
    monkeypatch.setattr(render_module, "find_engines", lambda: list(pure))


def pdf_streams(data: bytes) -> list[bytes]:
    """Every stream of a PDF, decoded through its ASCII85 and Flate filters."""
    streams = []
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", data, re.S):
        header, body = match.groups()
        if b"ASCII85Decode" in header:
            body = base64.a85decode(body.strip().removesuffix(b"~>"))
        if b"FlateDecode" in header:
            body = zlib.decompress(body)
        streams.append(body)
    return streams


def embedded_images(data: bytes) -> list[bytes]:
    """The image XObjects of a PDF (a ProcSet's /ImageC names a capability, not an image)."""
    return re.findall(rb"/Subtype\s*/Image\b", data)


def test_embedded_images_finds_a_wrapped_png():
    # the check itself must be able to fail: matplotlib's PDF of a bitmap has one
    import io

    import numpy as np
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1))
    figure.figimage(np.zeros((8, 8, 3)))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf")
    assert embedded_images(buffer.getvalue())


def test_pdf_without_system_graphviz_is_vector(tmp_path, no_system_dot):
    path = viz.render(viz.draw(lecture_sigmoid()), tmp_path / "sigmoid.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert not embedded_images(data)  # no bitmap anywhere (a wrapped PNG would be one)
    content = b"\n".join(pdf_streams(data))
    # the node labels are text (Tj/TJ show operators), the boxes and arrows are paths
    shown = b" ".join(re.findall(rb"\((.*?)\)\s*Tj", content))
    for word in (b"value", b"grad", b"0.7311", b"0.1966", b"exp"):
        assert word in shown
    assert len(re.findall(rb"\b(?:re|l|c)\b", content)) > 50  # rectangles, lines, curves


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_png_scale_doubles_the_pixels(tmp_path, no_system_dot):
    drawing = viz.draw(lecture_sigmoid())
    one = png_size(viz.render(drawing, tmp_path / "1.png").read_bytes())
    two = png_size(viz.render(drawing, tmp_path / "2.png", scale=2).read_bytes())
    assert abs(two[0] - 2 * one[0]) <= 2 and abs(two[1] - 2 * one[1]) <= 2
    with pytest.raises(ValueError, match="scale 0 is out of range"):
        viz.render(drawing, tmp_path / "0.png", scale=0)


def test_cli_graph_scale_and_vector_pdf(tmp_path, capsys):
    png = tmp_path / "fwb.png"
    assert cli.main(["graph", "f = w*x + b", "--set", "w=-2", "x=5", "b=3", "-o", str(png),
                     "--scale", "2"]) == 0
    small = tmp_path / "small.png"
    assert cli.main(["graph", "f = w*x + b", "--set", "w=-2", "x=5", "b=3", "-o",
                     str(small)]) == 0
    assert png_size(png.read_bytes())[0] > 1.9 * png_size(small.read_bytes())[0]
    pdf = tmp_path / "fwb.pdf"
    assert cli.main(["graph", "f = w*x + b", "--set", "w=-2", "x=5", "b=3", "-o",
                     str(pdf)]) == 0
    assert not embedded_images(pdf.read_bytes())
    capsys.readouterr()
    assert cli.main(["graph", "f = w*x", "--set", "w=1", "x=2", "-o", str(png),
                     "--scale", "50"]) == 2
    error = capsys.readouterr().err
    assert "scale 50 is out of range" in error and error.count("\n") == 1
