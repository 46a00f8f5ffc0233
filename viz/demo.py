"""What `make demo` shows of viz: the lecture's two graphs, drawn and walked through."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from tinygrad_edu.scalar import Value

from .dot import draw
from .html import html
from .render import render
from .steps import format_steps, steps
from .words import words_of

__all__ = ["DemoOutputs", "demo_outputs", "demo_words", "lecture_fwb", "lecture_sigmoid"]


class DemoOutputs(NamedTuple):
    paths: list[Path]  # the files written
    steps_text: str  # the f = w*x + b walk-through, for the terminal


def lecture_fwb() -> Value:
    """f = w*x + b with w = -2, x = 5, b = 3 (the lecture's example), after backward."""
    w, x, b = Value(-2.0, label="w"), Value(5.0, label="x"), Value(3.0, label="b")
    g = w * x
    g.label = "g"
    f = g + b
    f.label = "f"
    f.backward(retain_graph=True)
    return f


def lecture_sigmoid(w: float = 2.0, x: float = -1.0, b: float = 3.0) -> Value:
    """σ(w*x + b) built from the lecture's four gates: ×(-1) → exp → +1 → 1/x; with the
    defaults z = w*x + b = 1, σ(z) = 0.7311 and ∂σ/∂z = σ(1 - σ) = 0.1966."""
    w_, x_, b_ = Value(w, label="w"), Value(x, label="x"), Value(b, label="b")
    z = w_ * x_ + b_
    z.label = "z"
    out = z.sigmoid(decompose=True)
    out.label = "σ"
    out.backward(retain_graph=True)
    return out


def demo_outputs(folder: str | os.PathLike, lang: str = "en") -> DemoOutputs:
    """Write fwb.svg, fwb_steps.html and sigmoid_decomposed.svg into ``folder``; return
    the paths and the terminal walk-through of f = w*x + b."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    f = lecture_fwb()
    paths = [
        render(draw(f, title="f = w*x + b"), folder / "fwb.svg"),
        html(f, folder / "fwb_steps.html", lang=lang),
        render(draw(lecture_sigmoid(), title="σ(w*x + b) = 1 / (1 + exp(-(w*x + b)))"),
               folder / "sigmoid_decomposed.svg"),
    ]
    return DemoOutputs(paths, format_steps(steps(f, lang=lang)))


def demo_words(lang: str = "en") -> dict[str, str]:
    """The demo's headers and its "Next:" word in ``lang``: keys chain, xor, next."""
    return dict(words_of("demo", lang, who="demo"))
