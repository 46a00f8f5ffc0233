"""Turn a drawing into a file: SVG, PNG, PDF, or the DOT source itself.

The layout engine is the system Graphviz ``dot`` when it is on PATH, otherwise the
``graphviz-pure`` command that ``pip install tinygrad-edu`` brings along (a Graphviz port
that needs nothing from the system). If an engine is there but fails, the next one is
tried; when none works the error names both and says how to install them.

SVG is the default everywhere. A PDF is vector graphics either way: system ``dot``
writes it itself, otherwise the SVG is converted with svglib + reportlab (pure Python,
installed with the package), so no page is a bitmap in disguise. PNG takes a ``scale``
(2 = twice the pixels, for projectors and handouts).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from pathlib import Path

import graphviz

from tinygrad_edu.files import write_bytes

__all__ = ["render", "svg_text", "svg_to_pdf", "find_engines", "RenderError", "FORMATS"]

FORMATS = ("svg", "png", "pdf", "dot")
ENGINES = ("dot", "graphviz-pure")
INSTALL_HINT = (
    "install Graphviz's `dot` (apt-get install graphviz, brew install graphviz) "
    "or the pure engine (pip install graphviz-pure)"
)


class RenderError(RuntimeError):
    """No layout engine could draw the graph."""


def find_engines() -> list[str]:
    """The engine commands that exist, in order of preference: ``dot``, ``graphviz-pure``.

    Besides PATH we look in this Python's scripts folder, so that a virtual environment
    that was not activated still finds the ``graphviz-pure`` it installed.
    """
    search = os.pathsep.join(filter(None, [os.environ.get("PATH", ""),
                                           sysconfig.get_path("scripts")]))
    found = []
    for name in ENGINES:
        command = shutil.which(name, path=search)
        if command:
            found.append(command)
    return found


def _run_engine(source: str, fmt: str, options: tuple[str, ...] = (),
                engines: list[str] | None = None) -> bytes:
    """Lay ``source`` out with the first engine that succeeds; return its output bytes."""
    engines = find_engines() if engines is None else engines
    if not engines:
        raise RenderError(f"render: no Graphviz engine found (neither `dot` nor "
                          f"`graphviz-pure` is on PATH); {INSTALL_HINT}")
    failures = []
    for command in engines:
        try:
            done = subprocess.run([command, f"-T{fmt}", *options], input=source.encode("utf-8"),
                                  capture_output=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as error:
            failures.append(f"{Path(command).name}: {error}")
            continue
        if done.returncode == 0 and done.stdout:
            return done.stdout
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        failures.append(f"{Path(command).name}: {message[-1] if message else 'no output'}")
    raise RenderError(f"render: could not make {fmt.upper()} ({'; '.join(failures)}); "
                      f"{INSTALL_HINT}")


def _source_of(drawing) -> str:
    if isinstance(drawing, graphviz.Digraph | graphviz.Graph):
        return drawing.source
    from .dot import draw  # a Value or a Tensor: draw it with the defaults

    return draw(drawing).source


def svg_text(drawing) -> str:
    """The SVG of a drawing (or of a Value/Tensor drawn with the defaults), as text."""
    return _run_engine(_source_of(drawing), "svg").decode("utf-8")


def svg_to_pdf(svg: bytes | str) -> bytes:
    """Convert an SVG to a one-page vector PDF (paths and text, no bitmap) with svglib."""
    import io

    from reportlab.graphics import renderPDF
    from svglib.svglib import svg2rlg

    if isinstance(svg, str):
        svg = svg.encode("utf-8")
    drawing = svg2rlg(io.BytesIO(svg))
    if drawing is None:
        raise RenderError("render: svglib could not read the SVG the engine wrote")
    return renderPDF.drawToString(drawing)


def _pdf(source: str) -> bytes:
    """System ``dot`` writes PDF itself; graphviz-pure cannot, so its SVG is converted."""
    system_dot = [command for command in find_engines() if Path(command).name == "dot"]
    if system_dot:
        try:
            return _run_engine(source, "pdf", engines=system_dot)
        except RenderError:
            pass  # a dot built without cairo has no PDF output: convert its SVG instead
    return svg_to_pdf(_run_engine(source, "svg"))


def _check_scale(scale: float) -> float:
    try:
        scale = float(scale)
    except (TypeError, ValueError):
        raise ValueError(f"render: scale must be a number such as 2, got {scale!r}") from None
    if not 0.1 <= scale <= 10:
        raise ValueError(f"render: scale {scale:g} is out of range; use 0.1 to 10 "
                         "(2 doubles the pixels of a PNG)")
    return scale


def render(drawing, path: str | os.PathLike, scale: float = 1.0) -> Path:
    """Write ``drawing`` (a Digraph from `viz.draw`, or a Value/Tensor) to ``path``.

    The format comes from the suffix: ``.svg``, ``.png``, ``.pdf`` (vector) or ``.dot``
    (the DOT source, no engine needed). ``scale`` multiplies a PNG's pixels (1 is
    Graphviz's 96 dpi, 2 is 192 dpi); SVG and PDF are vector and need none. Returns
    the path written.
    """
    scale = _check_scale(scale)
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"render: cannot tell the format from {path.name!r}; "
                         f"use a name ending in {', '.join('.' + f for f in FORMATS)}")
    source = _source_of(drawing)
    if fmt == "dot":
        data = source.encode("utf-8")
    elif fmt == "pdf":
        data = _pdf(source)
    elif fmt == "png":
        data = _run_engine(source, "png", (f"-Gdpi={96 * scale:g}",))
    else:
        data = _run_engine(source, fmt)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, data, "render")  # whole or not at all; a FIFO or device refused
    return path
