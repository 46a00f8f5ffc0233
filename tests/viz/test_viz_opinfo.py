"""viz.opinfo: the one place viz reads op text, all of it from the engine's declarations."""

import numpy as np

import viz
import viz.opinfo as opinfo
from tinygrad_edu import Tensor, Value, ops


def test_op_text_comes_from_the_declarations():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    product = a * b
    spec = ops.spec_of(product)
    assert opinfo.op_symbol(product) == spec.symbol == "×"
    assert [opinfo.local_text(product, k, ["a", "b"], "p") for k in (0, 1)] == ["b", "a"]
    assert opinfo.local_text(a.tanh(), 0, ["a"], "t") == "1 − t²"
    assert opinfo.local_text(a ** 3, 0, ["a"], "c") == "3·a^2"
    assert opinfo.math_text(a.tanh()) == ops.spec_of(a.tanh()).math
    assert opinfo.local_grads(product, 1.0) == (3.0, 2.0)


def test_an_op_a_learner_declares_is_drawn_and_narrated_with_its_own_text():
    @ops.declare("cube", symbol="x³", math="d(a³)/da = 3a²", local=("3·{0}²",))
    def cube_rule(node, upstream):
        (x,) = node.parents
        return (upstream * 3 * x.data * x.data,)

    x = Value(2.0, label="x")
    f = ops.apply(cube_rule, x.data ** 3, (x,))
    f.backward()
    assert opinfo.op_symbol(f) == "x³" and opinfo.math_text(f) == "d(a³)/da = 3a²"
    text = viz.format_steps(viz.steps(f))
    assert "3·x²" in text and "12" in text
    assert "x³" in viz.draw(f).source


def test_constants_are_the_leaves_the_engine_wrapped():
    x = Value(0.5, label="x")
    assert not opinfo.is_constant(x)
    assert opinfo.is_constant((x + 1).parents[1])
    assert not opinfo.is_constant(Value(0.5))  # a Value a person made is not a constant
    two = (Tensor(np.ones(3), requires_grad=True) * 2).parents[1]
    assert opinfo.is_constant(two)
    assert not opinfo.is_constant(Tensor(np.ones((2, 2))))
