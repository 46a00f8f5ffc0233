"""viz.opinfo: the one place viz reads op text; it prefers the engine's declarations."""

from types import SimpleNamespace

import numpy as np

import viz
import viz.opinfo as opinfo
from tinygrad_edu import Tensor, Value


def test_the_tables_answer_until_the_engine_declares_its_ops():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    product = a * b
    assert opinfo.op_symbol(product) == "×"
    assert [opinfo.local_text(product, k, ["a", "b"], "p") for k in (0, 1)] == ["b", "a"]
    assert opinfo.local_text(a.tanh(), 0, ["a"], "t") == "1 − t²"
    assert opinfo.local_text(a ** 3, 0, ["a"], "c") == "3·a^2"
    assert opinfo.math_text(a.tanh()) == "d/dx tanh(x) = 1 − tanh(x)²"
    assert opinfo.local_grads(product, 1.0) == (3.0, 2.0)


def test_the_engines_declarations_win_when_they_exist(monkeypatch):
    spec = SimpleNamespace(name="*", symbol="⊗", math="d(ab)/da = b",
                           local=("{1} (declared)", "{0} (declared)"))
    fake = SimpleNamespace(spec_of=lambda node: spec if node.op == "*" else None)
    monkeypatch.setattr(opinfo, "_ops", fake)
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    f = a * b + 1
    f.backward()
    assert opinfo.op_symbol(f.parents[0]) == "⊗" and opinfo.op_symbol(f) == "+"
    text = viz.format_steps(viz.steps(f))
    assert "1 × (b (declared)) = 1 × 3 = 3" in text
    assert opinfo.math_text(f.parents[0]) == "d(ab)/da = b"


def test_constants_until_the_engine_marks_them():
    x = Value(0.5, label="x")
    assert not opinfo.is_constant(x)  # labelled: something a person made
    wrapped = (x + 1).parents[1]
    assert opinfo.is_constant(wrapped)
    assert not opinfo.is_constant(Value(0.123456789))  # no literal: a weight
    two = (Tensor(np.ones(3), requires_grad=True) * 2).parents[1]
    assert opinfo.is_constant(two)
    assert not opinfo.is_constant(Tensor(np.ones((2, 2))))  # unnamed data: an input
