"""viz.expr and `tinygrad-edu graph`: toy expressions parsed against a whitelist."""

import math
import xml.etree.ElementTree as ET

import pytest

from tinygrad_edu import topo_order
from tinygrad_edu.cli import main
from viz.expr import ExpressionError, build_graph, parse_expression

LECTURE = {"w": -2.0, "x": 5.0, "b": 3.0}


def test_one_expression_and_named_statements_build_the_same_numbers():
    for text in ["f = w*x + b", "g = w*x; f = g + b", "g = w*x\nf = g + b", "w*x + b"]:
        f = build_graph(text, LECTURE)
        f.backward()
        leaves = {n.label: n.grad for n in topo_order(f) if not n.parents}
        assert (f.label, f.data, leaves) == ("f", -7.0, {"w": 5.0, "x": -2.0, "b": 1.0})
    g = build_graph("g = w*x; f = g + b", LECTURE).parents[0]
    assert g.label == "g"


def test_functions_powers_and_constants():
    f = build_graph("exp(x) + log(x) + tanh(x) + sigmoid(x) + relu(-x) + leaky_relu(-x, 0.1)"
                    " + elu(-x, 2) + x**2 + 2**x + x**x - -1 / x", {"x": 0.5})
    x = 0.5
    expected = (math.exp(x) + math.log(x) + math.tanh(x) + 1 / (1 + math.exp(-x)) + 0
                + 0.1 * -x + 2 * math.expm1(-x) + x**2 + 2**x + x**x + 1 / x)
    assert f.data == pytest.approx(expected, rel=1e-12)
    ops = {n.op for n in topo_order(f)}
    assert {"exp", "log", "tanh", "sigmoid", "relu", "leaky_relu", "elu", "**2", "**"} <= ops


def test_decompose_builds_the_four_sigmoid_gates():
    fused = build_graph("sigmoid(w*x + b)", LECTURE)
    parts = build_graph("sigmoid(w*x + b)", LECTURE, decompose=True)
    assert [n.op for n in topo_order(parts) if n.parents][-4:] == ["*", "exp", "+", "1/x"]
    assert parts.data == pytest.approx(fused.data)


@pytest.mark.parametrize("text, message", [
    ("f = w*", "syntax error at column"),
    ("f = w + y", "unknown or unset name(s) 'y'"),
    ("f = w.x", "attribute access (.x) is not allowed at column 5"),
    ("__import__('os').system('touch HACKED')", "attribute access (.system)"),
    ("__import__('os')", "double underscores ('__import__')"),
    ("f = __builtins__", "double underscores"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("print(w)", "unknown function 'print'"),
    ("exp()(w)", "only direct calls"),
    ("w[0]", "indexing is not allowed"),
    ("(lambda: 1)()", "only direct calls"),
    ("lambda: 1", "lambda is not allowed"),
    ("'text'", "strings are not allowed"),
    ("w if x else b", "if/else is not allowed"),
    ("w @ x", "operator MatMult is not allowed"),
    ("w < x", "comparisons is not allowed"),
    ("exp(w, x)", "exp takes 1 argument(s), got 2"),
    ("leaky_relu(w, x)", "the second argument must be a number"),
    ("exp(x=w)", "pass arguments by position"),
    ("log(-1)", "log: input must be positive, got -1 at column 1"),
    ("f = w / (x - 5)", "division by zero"),
    ("import os", "only `name = expression` statements"),
    ("exp = w", "'exp' is a function"),
    ("w + x; f = b", "only the last statement may be a bare expression"),
    ("", "empty"),
])
def test_refusals_are_one_line_and_point_at_the_problem(text, message):
    with pytest.raises(ExpressionError) as error:
        build_graph(text, LECTURE)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_nothing_runs_before_the_whole_expression_is_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for text in ["__import__('os').system('touch HACKED')",
                 "f = w*x; g = __import__('os').system('touch HACKED')"]:
        with pytest.raises(ExpressionError):
            build_graph(text, LECTURE)
    assert not (tmp_path / "HACKED").exists()
    with pytest.raises(ExpressionError):
        parse_expression("f = w*x; g = open('x')")  # refused by the parser alone


def run_cli(capsys, *args):
    code = main(["graph", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_the_svg_and_the_page_and_prints_steps(tmp_path, capsys):
    svg, page = tmp_path / "fwb.svg", tmp_path / "steps.html"
    code, out, err = run_cli(capsys, "f = w*x + b", "--set", "w=-2", "x=5", "b=3",
                             "-o", str(svg), "--html", str(page), "--steps")
    assert code == 0
    assert out.splitlines()[0] == "f = -7;  ∂f/∂w = 5, ∂f/∂x = -2, ∂f/∂b = 1"
    assert "∂f/∂w = ∂f/∂t1 · ∂t1/∂w = 1 × x = 1 × 5 = 5" in out
    assert ET.parse(svg).getroot().tag.endswith("svg")
    assert "tg-steps" in page.read_text(encoding="utf-8")


def test_cli_korean_and_decompose(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "sigmoid(w*x + b)", "--set", "w=1", "--set", "x=2", "b=-1",
                           "--decompose", "--steps", "--lang", "ko", "-o", str(tmp_path / "s.dot"))
    assert code == 0 and "역전파" in out and "1/x" in out
    source = (tmp_path / "s.dot").read_text(encoding="utf-8")
    assert 'label="1/x"' in source and "label=exp" in source


@pytest.mark.parametrize("args, message", [
    (["__import__('os').system('echo HACKED')"], "attribute access (.system)"),
    (["f = w*x + b", "--set", "w=-2", "x=5"], "unknown or unset name(s) 'b'"),
    (["f = w*x", "--set", "w=abc", "x=1"], "'abc' is not a number"),
    (["f = w*x", "--set", "w", "x=1"], "write name=value"),
    (["f = w*x", "--set", "w=nan", "x=1"], "finite number"),
    (["log(x)", "--set", "x=-1"], "log: input must be positive"),
    (["f = w*x", "--set", "w=1", "x=1", "-o", "out.gif"], "cannot tell the format"),
])
def test_cli_refusals_exit_2_with_one_line_and_no_traceback(capsys, args, message):
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert err.startswith("tinygrad-edu graph: error: ")
    assert "HACKED" not in out


def test_an_expression_that_is_not_text_says_so():
    from viz.expr import ExpressionError, parse_expression

    for thing, name in ((12345, "int"), (None, "NoneType"), (b"w*x", "bytes")):
        with pytest.raises(ExpressionError, match=f"an expression must be a string, got {name}"):
            parse_expression(thing)
