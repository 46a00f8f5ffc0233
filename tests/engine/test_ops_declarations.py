"""The op declarations: every op is declared once (rule, math, symbol, local templates),
`spec_of` finds it from a node, `local_grads` runs the rule, and a learner's own op uses
the same public API as the built-ins."""

import math

import numpy as np
import pytest

from tinygrad_edu import Tensor, Value, cat, cross_entropy, gradcheck, no_grad, ops, stack, where

RNG = np.random.default_rng(3)


def leaf(data):
    return Tensor(np.asarray(data, dtype=np.float64), requires_grad=True, dtype=np.float64)


def value_results():
    a, b = Value(1.5), Value(-0.5)
    return [a + b, a - b, a * b, a / b, -a, a ** 2, a ** b, a.exp(), a.log(), a.reciprocal(),
            a.sqrt(), a.sin(), a.cos(), a.tanh(), a.sigmoid(), a.relu(), a.leaky_relu(0.1),
            a.elu(), a.abs(), a.max(b), a.min(b)]


def tensor_results():
    x, y = leaf(RNG.uniform(0.5, 2, (2, 3))), leaf(RNG.uniform(0.5, 2, (2, 3)))
    m = leaf(RNG.standard_normal((3, 2)))
    return [x + y, x - y, x * y, x / y, -x, x ** 2, x ** y, x @ m, x.exp(), x.log(), x.sqrt(),
            x.abs(), x.tanh(), x.sigmoid(), x.relu(), x.leaky_relu(), x.elu(), x.sin(), x.cos(),
            x.log1p(), x.expm1(), x.softplus(), x.silu(), x.gelu(), x.maximum(y), x.minimum(y),
            x.clip(0.7, 1.5), x.sum(), x.mean(0), x.max(1), x.min(), x.var(), x.logsumexp(1),
            x.softmax(), x.log_softmax(0), x.reshape(3, 2), x.permute(1, 0), x.expand(4, 2, 3),
            x.flip(), x.pad(1), x[0], x[[0, 0]], cat([x, y]), stack([x, y]),
            where(x.data > 1, x, y)] + image_results()


def image_results():
    from tinygrad_edu.nn import functional as F

    images = leaf(RNG.standard_normal((1, 2, 4, 4)))
    kernels = leaf(RNG.standard_normal((3, 2, 2, 2)))
    return [F.conv2d(images, kernels, leaf(RNG.standard_normal(3))),
            F.unfold(images, 2), F.fold(leaf(RNG.standard_normal((1, 8, 9))), (4, 4), 2),
            F.max_pool2d(images, 2), F.avg_pool2d(images, 2)]


@pytest.mark.parametrize("node", value_results() + tensor_results(),
                         ids=lambda node: node.op)
def test_every_built_in_op_is_declared_with_text_for_each_parent(node):
    spec = ops.spec_of(node)
    assert spec is not None, node.op
    assert spec.rule is node.rule
    assert spec.math and spec.symbol
    assert len(spec.local) == len(node.parents) or (spec.variadic and len(spec.local) == 1)
    names = [f"p{i}" for i in range(len(node.parents))]
    for slot in range(len(node.parents)):
        text = spec.local_text(slot, names, "out", node.args)
        assert "{" not in text and text


def test_parameterised_ops_map_to_their_family():
    x = Value(2.0)
    assert ops.spec_of(x ** 3).name == "**n"
    assert ops.spec_of(leaf([1.0]) ** 2).name == "**n"
    assert ops.spec_of(x ** 3).local[0].format("x", args=(3.0,)) == "3·x^(3−1)"
    assert ops.spec_of(x) is None  # a leaf


def test_spec_names_match_the_nodes_op():
    for node in value_results() + tensor_results():
        spec = ops.spec_of(node)
        assert spec.name == node.op or (spec.name == "**n" and node.op.startswith("**"))


def test_local_grads_runs_the_rule_and_changes_nothing():
    a, b = Value(3.0), Value(-2.0)
    out = a * b
    assert out.local_grads(1.0) == (-2.0, 3.0)
    assert out.local_grads(0.5) == (-1.0, 1.5)
    assert (a.grad, b.grad, out.grad) == (0.0, 0.0, 0.0)
    x = leaf([[1.0, 2.0]])
    w = leaf([[3.0], [4.0]])
    y = x @ w
    grad_x, grad_w = y.local_grads(np.ones((1, 1)))
    np.testing.assert_array_equal(grad_x, [[3.0, 4.0]])
    np.testing.assert_array_equal(grad_w, [[1.0], [2.0]])
    assert x.grad is None


def test_local_grads_after_backward_runs_unless_the_saved_buffers_were_freed():
    a = Value(2.0)
    out = a.tanh()
    out.backward()  # tanh saved nothing: its rule can still explain the step
    assert out.local_grads(1.0)[0] == pytest.approx(1 - math.tanh(2.0) ** 2)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        out.backward()  # but a second backward pass through it is refused
    logits = leaf([[1.0, 2.0, 0.5]])
    loss = cross_entropy(logits, [1])  # saves its log-probabilities
    loss.backward()
    with pytest.raises(RuntimeError, match="freed"):
        loss.local_grads(np.ones(()))
    with pytest.raises(RuntimeError, match="leaf"):
        a.local_grads(1.0)


def test_constants_are_marked():
    x = Value(1.0)
    y = x + 1
    assert y.parents[1].is_constant and not x.is_constant and not y.is_constant
    t = leaf([1.0, 2.0])
    u = t * 2
    assert u.parents[1].is_constant and not t.is_constant and not u.is_constant


# ---- a learner's own op, with the same API the built-ins use ----


@ops.declare("cube", symbol="x³", math="d(a³)/da = 3a²", local=("3·{0}²",))
def _cube_rule(node, upstream):
    (a,) = node.parents
    return (upstream * 3 * a.data * a.data,)


def cube(x):
    return ops.apply(_cube_rule, x.data ** 3, (x,))


@ops.declare("softplus_mine", symbol="softplus", math="d/dx softplus(x) = σ(x)",
             local=("σ({0})",))
def _softplus_rule(node, upstream):
    (x,) = node.parents
    return (upstream * ops.sigmoid(x.data),)


def softplus(x):
    if isinstance(x, Value):
        return ops.apply(_softplus_rule, math.log1p(math.exp(x.data)), (x,))
    return ops.apply(_softplus_rule, np.logaddexp(0.0, x.data), (x,))


def test_a_learners_op_works_on_both_engines_and_passes_gradcheck():
    assert gradcheck(cube, Value(0.7))
    assert gradcheck(lambda t: cube(t).sum(), leaf(RNG.standard_normal(4)))
    assert gradcheck(softplus, Value(-0.3))
    assert gradcheck(softplus, leaf(RNG.standard_normal((2, 3))))
    node = cube(Value(2.0))
    assert node.op == "cube" and ops.spec_of(node).symbol == "x³"
    assert node.data == 8.0


def test_a_learners_op_has_a_second_derivative():
    from tinygrad_edu import grad

    x = Value(0.4)
    (first,) = grad(softplus(x), x, create_graph=True)
    (second,) = grad(first, x)
    s = 1 / (1 + math.exp(-0.4))
    assert first.data == pytest.approx(s)
    assert second.data == pytest.approx(s * (1 - s))
    t = leaf([0.5, -1.0])
    (g,) = grad(cube(t).sum(), t, create_graph=True)
    (h,) = grad(g.sum(), t)
    np.testing.assert_allclose(h.data, 6 * t.data)


def test_apply_refuses_an_undeclared_rule_and_records_nothing_under_no_grad():
    with pytest.raises(ValueError, match="not a declared rule"):
        ops.apply(lambda node, upstream: (upstream,), 1.0, (Value(1.0),))
    with no_grad():
        out = cube(Value(2.0))
    assert out.is_leaf and out.data == 8.0


def test_specs_lists_every_declaration():
    names = {spec.name for spec in ops.specs()}
    assert {"+", "*", "tanh", "@", "sum", "softmax", "index", "cube"} <= names


# ---- one text per op name ----


def test_an_op_both_engines_have_is_declared_with_one_text():
    import tinygrad_edu.nn  # noqa: F401 -- its ops are declared on import

    by_name: dict[str, list] = {}
    for spec in ops.specs():
        if (spec.rule.__module__ or "").startswith("tinygrad_edu"):
            by_name.setdefault(spec.name, []).append(spec)
    shared = {name: found for name, found in by_name.items() if len(found) > 1}
    assert len(shared) >= 20
    for name, found in shared.items():
        texts = {(spec.symbol, spec.math, spec.local, spec.local_ko) for spec in found}
        assert len(texts) == 1, (name, texts)
        modules = {spec.rule.__module__.split(".")[1][:6] for spec in found}
        assert modules == {"scalar", "tensor"}, (name, modules)


def test_values_binary_max_and_min_are_named_apart_from_the_reductions():
    a, b = Value(1.0), Value(2.0)
    assert a.max(b).op == "maximum" and a.min(b).op == "minimum"
    assert a.maximum(b).data == 2.0 and a.minimum(b).data == 1.0
    t = leaf([1.0, 3.0])
    assert t.max().op == "max" and t.maximum(leaf([2.0, 2.0])).op == "maximum"
    assert ops.spec_of(a.max(b)).symbol == ops.spec_of(t.maximum(t)).symbol == "max"


def test_korean_templates_keep_the_fields_of_the_english_ones():
    import string

    import tinygrad_edu.nn  # noqa: F401

    def fields(template):
        return {field for _, field, _, _ in string.Formatter().parse(template) if field}

    with_korean = [spec for spec in ops.specs() if spec.local_ko]
    assert {"relu", "sum", "where", "cross_entropy", "linear", "maximum"} <= {
        spec.name for spec in with_korean}
    for spec in with_korean:
        assert len(spec.local_ko) == len(spec.local), spec.name
        for english, korean in zip(spec.local, spec.local_ko, strict=True):
            assert fields(english) == fields(korean), (spec.name, english, korean)


def test_a_learners_op_can_be_narrated_in_korean():
    import viz

    @ops.declare("double_ko", symbol="2x", math="d(2a)/da = 2", local=("2 (twice {0})",),
                 local_ko=("2 ({0}의 두 배)",), forward=lambda args, a: 2 * a)
    def double_rule(node, upstream):
        return (upstream * 2,)

    x = Value(1.5, label="x")
    y = ops.apply(double_rule, 3.0, (x,))
    y.backward()
    spec = ops.spec_of(y)
    assert spec.local_text(0, ["x"], "y", (), "ko") == "2 (x의 두 배)"
    assert spec.local_text(0, ["x"], "y", (), "en") == "2 (twice x)"
    korean = viz.format_steps(viz.steps(y, lang="ko"))
    english = viz.format_steps(viz.steps(y))
    assert "2 (x의 두 배)" in korean and "2 (twice x)" in english
    assert "2 (twice x)" not in korean
