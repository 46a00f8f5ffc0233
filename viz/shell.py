"""The one page shell: every page viz writes (explorer, training, optimizer paths) is this
template around its own body, style, script and data.

* One offline file: the Content-Security-Policy forbids every request (``default-src
  'none'``) and allows exactly the page's own ``<style>`` and ``<script>`` (and the font
  rule of its inline drawings) by their SHA-256 hashes -- no ``'unsafe-inline'``: an
  injected script or style never runs.
* Data travels as JSON in ``<script type="application/json">`` blocks, written by
  `json_for_script`, the one escaper: no ``<!--``, ``<script`` or ``</script>`` can
  appear in it (``<``, ``>`` and ``&`` are ``\\u003c``...), U+2028/U+2029 are escaped for
  any JavaScript reader, and a number that is not finite (NaN, inf) is written as
  ``null``, which every page shows as "—".
* Drawings go in as inline SVG markup (`inline_svg`), not as JSON strings.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
from html import escape
from importlib import resources
from pathlib import Path

import numpy as np

from tinygrad_edu.files import write_text

from .dot import SVG_FONT_STYLE

__all__ = ["page", "json_for_script", "inline_svg", "asset", "finite_or_none", "write_page"]

SHELL = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src {style_hashes}; img-src data:;
               script-src {script_hashes}">
<title>{title}</title>
<style>{style}</style>
</head>
<body{attributes}>
{body}
{data}<script>{script}</script>
</body>
</html>
"""


def asset(folder: str, name: str) -> str:
    """A file of a viz/ asset folder (package data: see pyproject's package-data)."""
    return resources.files("viz").joinpath(folder, name).read_text(encoding="utf-8")


def finite_or_none(data):
    """``data`` with every float that is NaN or ±inf replaced by None (JSON's null),
    numpy numbers and arrays turned into Python ones."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite_or_none(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [finite_or_none(value) for value in data]
    if isinstance(data, np.ndarray):
        return finite_or_none(data.tolist())
    if isinstance(data, np.floating):
        return finite_or_none(float(data))
    if isinstance(data, np.integer):
        return int(data)
    return data


def json_for_script(data) -> str:
    """JSON that is inert inside an HTML ``<script>`` element, with NaN/inf as null."""
    text = json.dumps(finite_or_none(data), ensure_ascii=False, allow_nan=False)
    for raw, safe in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                      ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, safe)
    return text


def inline_svg(svg: str) -> str:
    """The <svg> element alone: no XML declaration, doctype or comments."""
    svg = svg[svg.index("<svg"):]
    return re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def page(lang: str, title: str, body: str, style: str, script: str,
         data: dict[str, object] | None = None, attributes: dict[str, str] | None = None,
         framed: tuple[str, str] | None = None) -> str:
    """The whole page. ``body`` is markup the caller escaped; ``title`` is plain text;
    ``data`` maps element ids to JSON-able values (one ``<script
    type="application/json" id=...>`` each); ``attributes`` go on ``<body>``.
    ``framed``: the (style, script) of a page shown in an ``<iframe srcdoc>`` inside
    this one -- such a frame lives under this page's policy, so they are allowed too."""
    blocks = "".join(f'<script id="{escape(name)}" type="application/json">'
                     f"{json_for_script(value)}</script>\n"
                     for name, value in (data or {}).items())
    shown = "".join(f' {escape(name)}="{escape(value)}"'
                    for name, value in (attributes or {}).items())
    styles, scripts = [style, SVG_FONT_STYLE], [script]
    if framed is not None:
        styles.append(framed[0])
        scripts.append(framed[1])
    fields = {"lang": escape(lang), "title": escape(title), "style": style, "script": script,
              "style_hashes": " ".join(f"'sha256-{_sha256(text)}'" for text in styles),
              "script_hashes": " ".join(f"'sha256-{_sha256(text)}'" for text in scripts),
              "attributes": shown, "body": body, "data": blocks}
    # one pass over the template: a value holding "{body}" is never filled again
    return re.sub(r"\{(\w+)\}", lambda match: fields[match.group(1)], SHELL)


def write_page(path: str | os.PathLike, text: str) -> Path:
    """Write a page whole or not at all (`tinygrad_edu.files.write_text`): into a
    temporary file beside ``path``, then renamed over it in one step. Ctrl-C, SIGTERM or
    kill -9 in the middle leave either the old file or the new one, never half a page."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # the package's one file writer: a link followed, a FIFO or a device refused
    write_text(path, text, "page")
    return path
