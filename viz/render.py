"""Turn a drawing into a file: SVG, PNG, PDF, or the DOT source itself.

The layout engine is the system Graphviz ``dot`` when it is on PATH, otherwise the
``graphviz-pure`` command that ``pip install tinygrad-edu`` brings along (a Graphviz port
that needs nothing from the system). If an engine is there but fails, the next one is
tried; when none works the error names both and says how to install them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from pathlib import Path

import graphviz

__all__ = ["render", "svg_text", "find_engines", "RenderError", "FORMATS"]

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


def _run_engine(source: str, fmt: str) -> bytes:
    """Lay ``source`` out with the first engine that succeeds; return its output bytes."""
    engines = find_engines()
    if not engines:
        raise RenderError(f"render: no Graphviz engine found (neither `dot` nor "
                          f"`graphviz-pure` is on PATH); {INSTALL_HINT}")
    failures = []
    for command in engines:
        try:
            done = subprocess.run([command, f"-T{fmt}"], input=source.encode("utf-8"),
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


def _png_to_pdf(png: bytes) -> bytes:
    """Wrap a PNG into a one-page PDF (for engines that cannot write PDF themselves).
    A bare Figure, without pyplot, leaves the user's matplotlib backend alone."""
    import io

    import matplotlib.image
    from matplotlib.figure import Figure

    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    height, width = image.shape[:2]
    figure = Figure(figsize=(width / 96, height / 96), dpi=96)
    figure.figimage(image, 0, 0)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf", dpi=96)
    return buffer.getvalue()


def render(drawing, path: str | os.PathLike) -> Path:
    """Write ``drawing`` (a Digraph from `viz.draw`, or a Value/Tensor) to ``path``.

    The format comes from the suffix: ``.svg``, ``.png``, ``.pdf`` or ``.dot`` (the DOT
    source, no engine needed). Returns the path written.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"render: cannot tell the format from {path.name!r}; "
                         f"use a name ending in {', '.join('.' + f for f in FORMATS)}")
    source = _source_of(drawing)
    if fmt == "dot":
        data = source.encode("utf-8")
    elif fmt == "pdf":
        try:
            data = _run_engine(source, "pdf")
        except RenderError:  # graphviz-pure writes svg and png, not pdf
            data = _png_to_pdf(_run_engine(source, "png"))
    else:
        data = _run_engine(source, fmt)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
