"""viz.expr: the functions max, min, abs, sqrt, sin, cos, and `^` refused with a hint."""

import math
import re

import pytest

from tinygrad_edu import topo_order
from tinygrad_edu.cli import main
from viz.expr import ExpressionError, build_graph

POINT = {"x": 0.7, "y": -1.3}


@pytest.mark.parametrize("text, value", [
    ("abs(y)", abs(-1.3)),
    ("sqrt(x)", math.sqrt(0.7)),
    ("sin(x)", math.sin(0.7)),
    ("cos(y)", math.cos(-1.3)),
    ("max(x, y)", 0.7),
    ("min(x, y)", -1.3),
    ("max(x*y, x + y)", max(0.7 * -1.3, 0.7 - 1.3)),
    ("f = min(sin(x), cos(y)) + sqrt(abs(y))", min(math.sin(0.7), math.cos(-1.3))
     + math.sqrt(1.3)),
])
def test_functions_compute_their_values(text, value):
    assert build_graph(text, POINT).data == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("text", ["abs(y)", "sqrt(x)", "sin(x)", "cos(y)", "max(x, y)",
                                  "min(x, y)", "max(x*y, sin(y)) * min(cos(x), abs(x))"])
def test_functions_give_the_numerical_gradient(text):
    """Central differences of the whole expression, one input at a time."""
    built = build_graph(text, POINT)
    built.backward()
    leaves = {n.label: n.grad for n in topo_order(built) if not n.parents and n.label}
    step = 1e-6
    for name in leaves:
        up = dict(POINT, **{name: POINT[name] + step})
        down = dict(POINT, **{name: POINT[name] - step})
        numerical = (build_graph(text, up).data - build_graph(text, down).data) / (2 * step)
        assert leaves[name] == pytest.approx(numerical, rel=1e-6, abs=1e-8), (text, name)


def test_the_max_gate_routes_the_gradient_to_the_larger_input():
    f = build_graph("f = max(x, y)", POINT)
    f.backward()
    grads = {n.label: n.grad for n in topo_order(f) if not n.parents}
    assert grads == {"x": 1.0, "y": 0.0}


@pytest.mark.parametrize("text", ["x^2", "f = 2^x + 1", "(x + y)^3"])
def test_caret_asks_if_you_meant_the_power(text):
    with pytest.raises(ExpressionError, match=r"did you mean `\*\*`\?") as error:
        build_graph(text, POINT)
    assert "\n" not in str(error.value) and "column" in str(error.value)


@pytest.mark.parametrize("text, message", [
    ("max(x)", "max takes 2 argument(s), got 1"),
    ("abs(x, 2)", "abs takes 1 argument(s), got 2"),
    ("sqrt(y)", "sqrt: input must not be negative"),  # refused by the op, in one line
])
def test_bad_calls_are_refused_in_one_line(text, message):
    with pytest.raises(ExpressionError, match=re.escape(message)) as error:
        build_graph(text, POINT)
    assert "\n" not in str(error.value)


def test_the_cli_says_did_you_mean_without_a_traceback(capsys):
    code = main(["graph", "f = x^2", "--set", "x=3", "--steps"])
    captured = capsys.readouterr()
    assert code != 0 and "did you mean `**`?" in captured.err
    assert "Traceback" not in captured.err + captured.out
