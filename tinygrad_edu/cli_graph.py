"""`tinygrad-edu graph`: draw a toy expression's graph with every value and gradient.

    tinygrad-edu graph "f = w*x + b" --set w=-2 x=5 b=3 -o fwb.svg
    tinygrad-edu graph "g = w*x; f = g + b" --set w=-2 x=5 b=3 --steps --lang ko
    tinygrad-edu graph "sigmoid(w*x + b)" --set w=1 x=2 b=-1 --decompose --html steps.html
    tinygrad-edu graph "f = w*x + b" --set w=-2 x=5 b=3 --html practice.html --practice --passes 2

The expression is parsed with `ast` against a whitelist (viz.expr), never evaluated by
Python; anything outside it ends as one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import math
import sys

from .cli import CliError


def parse_settings(items: list[str]) -> dict[str, float]:
    """``["w=-2", "x=5"]`` -> ``{"w": -2.0, "x": 5.0}``, refusing anything else."""
    values: dict[str, float] = {}
    for item in items:
        name, equals, number = item.partition("=")
        name = name.strip()
        if not equals or not name:
            raise CliError(f"--set {item!r}: write name=value, e.g. --set w=-2")
        if not name.isidentifier() or name.startswith("__"):
            raise CliError(f"--set {item!r}: {name!r} is not a plain name")
        try:
            value = float(number)
        except ValueError:
            raise CliError(f"--set {item!r}: {number!r} is not a number") from None
        if not math.isfinite(value):
            raise CliError(f"--set {item!r}: the value must be a finite number")
        values[name] = value
    return values


def run(options: argparse.Namespace) -> int:
    # viz is imported here, not at the top: the rest of the CLI does not need it
    import viz
    from viz.expr import build_graph
    from viz.steps import format_steps, steps

    from .autograd import topo_order

    settings = [item for group in options.set or [] for item in group]
    root = build_graph(options.expression, parse_settings(settings), decompose=options.decompose)
    root.backward(retain_graph=True)
    inputs = [node for node in topo_order(root) if not node.parents and node.label]
    gradients = ", ".join(f"∂{root.label}/∂{node.label} = {node.grad:.6g}" for node in inputs)
    print(f"{root.label} = {root.data:.6g}" + (f";  {gradients}" if gradients else ""))
    if options.steps:
        print(format_steps(steps(root, lang=options.lang)))
    if options.output:
        written = viz.render(viz.draw(root), options.output, scale=options.scale)
        print(f"wrote {written}", file=sys.stderr)
    if options.html:
        written = viz.html(root, options.html, lang=options.lang, practice=options.practice,
                           passes=options.passes)
        print(f"wrote {written}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "graph", help="draw a toy expression's graph with values and gradients",
        description="Build the graph of a small expression, run backward, and show every "
                    "value and gradient: as a picture (-o), a step-through page (--html), "
                    "or steps in the terminal (--steps).",
        epilog='example: tinygrad-edu graph "f = w*x + b" --set w=-2 x=5 b=3 -o fwb.svg',
    )
    parser.add_argument("expression", metavar="EXPR",
                        help='one expression or statements: "g = w*x; f = g + b"; allowed: '
                             "numbers, names, + - * / **, unary -, exp log tanh sigmoid relu "
                             "leaky_relu elu")
    parser.add_argument("--set", action="append", nargs="+", metavar="NAME=VALUE",
                        help="give an input its value, e.g. --set w=-2 x=5 b=3")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the drawing: .svg, .png, .pdf (vector) or .dot")
    parser.add_argument("--scale", type=float, default=1.0, metavar="N",
                        help="a PNG's size: 2 doubles its pixels, for projectors and print "
                             "(default 1 = 96 dpi)")
    parser.add_argument("--html", metavar="FILE", help="write a step-through page")
    parser.add_argument("--steps", action="store_true",
                        help="print the forward and backward steps")
    parser.add_argument("--decompose", action="store_true",
                        help="draw sigmoid as the lecture does: ×(-1) → exp → +1 → 1/x")
    parser.add_argument("--practice", action="store_true",
                        help="open the --html page in practice mode: type each gradient first")
    parser.add_argument("--passes", type=int, choices=[1, 2], default=1,
                        help="--html page: 2 also shows a second backward pass without zero_grad()")
    parser.add_argument("--lang", choices=["en", "ko"], default="en",
                        help="language of the steps and the page (ko: Korean)")
    parser.set_defaults(run=run)
