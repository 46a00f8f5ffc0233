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

# the options of `graph` followed by a value, as their long names
VALUE_OPTIONS = {"-e": "--expression", "--expression": "--expression", "-o": "--output",
                 "--output": "--output", "--html": "--html", "--lang": "--lang"}


def protect_leading_dash(argv: list[str]) -> list[str]:
    """``graph "-w*x"``: an argument that starts with one ``-`` and is none of the
    short options (``-h``, ``-e``, ``-o`` or ``-oFILE.svg``) is the expression, which
    argparse would take for an unknown option. Returns the arguments to parse."""
    start = argv.index("graph") + 1
    out = argv[:start]
    for position, item in enumerate(argv[start:], start):
        if item == "--":
            return out + argv[position:]
        takes_value = VALUE_OPTIONS.get(out[-1])
        if takes_value and item.startswith("-"):  # -e "-w*x": the option's own value
            out[-1] = f"{takes_value}={item}"
            continue
        if takes_value:
            out.append(item)
            continue
        short_option = item in ("-h", "-e", "-o") or (
            item.startswith("-o") and "." in item and not set(item) & set("*+/()=; "))
        expression = item.startswith("-") and not item.startswith("--") and len(item) > 1
        out.append(f"--expression={item}" if expression and not short_option else item)
    return out


def parse_settings(items: list[str]) -> dict[str, float]:
    """``["w=-2", "x=5"]`` -> ``{"w": -2.0, "x": 5.0}``, refusing anything else. A name
    given twice gets a warning (the last value is used)."""
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
        if name in values and values[name] != value:
            warn(f"--set gives {name} twice ({name}={values[name]:g}, then {name}={value:g}); "
                 f"using {name}={value:g}")
        values[name] = value
    return values


def warn(message: str) -> None:
    print(f"tinygrad-edu graph: warning: {message}", file=sys.stderr)


def run(options: argparse.Namespace) -> int:
    # viz is imported here, not at the top: the rest of the CLI does not need it
    import viz
    from viz.expr import evaluate, parse_expression
    from viz.steps import format_steps, steps

    from .autograd import topo_order

    text = options.expression if options.expression is not None else options.expr
    if text is None:
        raise CliError('give an expression, e.g. tinygrad-edu graph "f = w*x + b" '
                       "--set w=-2 x=5 b=3")
    if options.expression is not None and options.expr is not None:
        raise CliError(f"two expressions given ({options.expr!r} and {options.expression!r}); "
                       "give one")
    settings = [item for group in options.set or [] for item in group]
    values = parse_settings(settings)
    program = parse_expression(text)
    assigned = {target for target, _ in program.statements if target}
    unused = [name for name in values if name not in program.names_used()
              and name not in assigned]
    if unused:
        warn(f"--set {', '.join(unused)}: not used by the expression (it uses "
             f"{', '.join(program.names_used()) or 'no names'})")
    root = evaluate(program, {name: values[name] for name in values if name not in unused},
                    decompose=options.decompose)
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
    parser.add_argument("expr", metavar="EXPR", nargs="?",
                        help='one expression or statements: "g = w*x; f = g + b"; allowed: '
                             "numbers, names, + - * / **, unary -, exp log tanh sigmoid relu "
                             "leaky_relu elu")
    parser.add_argument("-e", "--expression", metavar="EXPR",
                        help='the expression, for one that starts with "-": -e "-w*x"')
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
