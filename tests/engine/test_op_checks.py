"""A learner's op is checked: a mistaken declaration is refused by `ops.declare`/`ops.apply`
in one line, and a rule that returns wrong gradients is named -- op, parent, expected,
returned -- before anything reaches a ``.grad`` (a failed pass changes nothing)."""

import numpy as np
import pytest

from tinygrad_edu import Tensor, Value, grad, ops


def one_line(error: pytest.ExceptionInfo) -> str:
    text = str(error.value)
    assert text and "\n" not in text
    return text


def declared(returned, name="mine", local=("1",)):
    """A declared op whose rule returns ``returned(node, upstream)``."""
    @ops.declare(name, symbol=name, math="d/da = ?", local=local)
    def rule(node, upstream):
        return returned(node, upstream)

    return rule


def leaf(data):
    return Tensor(np.asarray(data, dtype=np.float64), requires_grad=True, dtype=np.float64)


# ---- declare ----


@pytest.mark.parametrize("template, why", [
    ("{x}", "no field named 'x'"), ("{5}", "past the last parent"), ("σ({0}", None),
    ("σ{", "Single '{'"), ("}", "Single '}'"), ("{0:g}", "Unknown format code"),
    ("{args.slope}", None), ("{out[0]", None)])
def test_declare_refuses_local_templates_a_drawing_could_not_write_out(template, why):
    if template == "σ({0}":  # a bracket is only text: this one is fine
        ops.declare("fine", symbol="f", math="m", local=(template,))
        return
    with pytest.raises(ValueError) as error:
        ops.declare("mine", symbol="m", math="m", local=(template,))
    text = one_line(error)
    assert "declare: mine" in text and repr(template) in text and "{0}" in text
    if why:
        assert why in text


def test_declare_accepts_every_field_a_template_may_use():
    ops.declare("ok2", symbol="ok", math="m",
                local=("{1}·{args[0]:g}", "{0} + {out} {{literal}}"))
    with pytest.raises(ValueError, match="past the last parent"):
        ops.declare("two", symbol="t", math="m", local=("{2}", "{0}"))


@pytest.mark.parametrize("keywords, message", [
    ({"symbol": None}, "symbol= must be a str"),
    ({"symbol": "  "}, "symbol= must show something"),
    ({"math": 3}, "math= must be a str"),
    ({"local": 5}, "local= must be a str or a tuple"),
    ({"local": ()}, "needs one template per parent"),
    ({"local": (3,)}, "each local template must be a str"),
    ({"forward": 3}, "forward= must be a function"),
    ({"local_ko": ("{x}",)}, "local_ko"),
    ({"local_ko": ("a", "b")}, "local_ko= has 2 templates but local= has 1"),
    ({"variadic": True, "local": ("a", "b")}, "variadic"),
])
def test_declare_refuses_mistaken_fields_in_one_line(keywords, message):
    fields = {"symbol": "m", "math": "m", "local": ("1",), **keywords}
    with pytest.raises((TypeError, ValueError)) as error:
        ops.declare("mine", **fields)
    assert message in one_line(error)


def test_declare_refuses_a_rule_that_is_not_a_function_and_a_nameless_op():
    with pytest.raises(TypeError) as error:
        ops.declare("mine", symbol="m", math="m", local=("1",))(5)
    assert "the rule must be a function" in one_line(error)
    with pytest.raises(TypeError, match="non-empty str"):
        ops.declare("", symbol="m", math="m", local=("1",))
    assert "mine" not in {spec.name for spec in ops.specs() if spec.symbol == "never"}


# ---- apply ----


def test_apply_refuses_mistaken_calls_in_one_line():
    rule = declared(lambda node, upstream: (upstream,))
    x, v = leaf([1.0, 2.0]), Value(1.0)
    cases = [
        (lambda: ops.apply(rule, 1.0, ()), "at least one parent"),
        (lambda: ops.apply(rule, 1.0, (1.0,)), "must be a Value or Tensor"),
        (lambda: ops.apply(rule, 1.0, (v, x)), "not both"),
        (lambda: ops.apply(rule, 1.0, v), "parents must be a tuple"),
        (lambda: ops.apply(rule, "3", (v,)), "one real number, got str"),
        (lambda: ops.apply(rule, np.ones(2), (v,)), "got ndarray of shape (2,)"),
        (lambda: ops.apply(rule, None, (v,)), "got NoneType"),
        (lambda: ops.apply(rule, "ab", (x,)), "data must be numbers, got str"),
        (lambda: ops.apply(rule, np.array([None, 1.0]), (x,)), "array of object"),
        (lambda: ops.apply(rule, np.ones(2) * 1j, (x,)), "complex128"),
        (lambda: ops.apply(rule, x, (x,)), "pass its .data"),
        (lambda: ops.apply(rule, x.data, (x,), args=[1]), "args must be a tuple"),
    ]
    for call, message in cases:
        with pytest.raises(TypeError) as error:
            call()
        assert message in one_line(error), message
        assert "apply: mine" in str(error.value)


def test_apply_keeps_the_data_dtype_and_lifts_numbers_to_constants():
    rule = declared(lambda node, upstream: (upstream, upstream * 0), local=("1", "0"))
    x = leaf([1.0, 2.0])
    out = ops.apply(rule, x.data + 1, (x, 3.0))
    assert out.dtype == np.float64 and out.parents[1].is_constant
    assert ops.spec_of(out).name == "mine"


# ---- what a rule returns ----

TENSOR_MISTAKES = [
    (lambda node, upstream: None, TypeError, "returned None"),
    (lambda node, upstream: (upstream, upstream), ValueError, "2 gradients for 1 parent"),
    (lambda node, upstream: (), ValueError, "0 gradients for 1 parent"),
    (lambda node, upstream: upstream, TypeError, "written as a tuple"),
    (lambda node, upstream: (upstream[:2],), ValueError, "expected shape (3,)"),
    (lambda node, upstream: (upstream.sum(),), ValueError, "got shape ()"),
    (lambda node, upstream: (np.ones(3, dtype=np.int64),), TypeError, "got an array of int64"),
    (lambda node, upstream: (upstream > 0,), TypeError, "got an array of bool"),
    (lambda node, upstream: ("abc",), TypeError, "got str"),
    (lambda node, upstream: (node.parents[0],), TypeError, "got a Tensor"),
]


@pytest.mark.parametrize("returned, kind, message", TENSOR_MISTAKES)
def test_a_wrong_gradient_for_a_tensor_is_named_and_changes_nothing(returned, kind, message):
    rule = declared(returned)
    x = leaf([1.0, 2.0, 3.0])
    x.grad = np.full(3, 7.0)
    loss = (ops.apply(rule, x.data * 2, (x,)) * 1.0).sum()
    with pytest.raises(kind) as error:
        loss.backward()
    text = one_line(error)
    assert text.startswith("mine: its rule")
    assert message in text
    if "parent 0" in text:
        assert "(a Tensor of shape (3,))" in text
    np.testing.assert_array_equal(x.grad, np.full(3, 7.0))  # untouched
    with pytest.raises(kind, match="mine: its rule"):
        grad(loss, x, retain_graph=True)


@pytest.mark.parametrize("returned, message", [
    (lambda node, upstream: (np.ones(3),), "expected one float (a Value's gradient), got ndarray"),
    (lambda node, upstream: (True,), "got bool True"),
    (lambda node, upstream: (node.parents[0],), "got a Value"),
    (lambda node, upstream: (upstream, 1.0), "2 gradients for 1 parent"),
    (lambda node, upstream: None, "returned None"),
])
def test_a_wrong_gradient_for_a_value_is_named_and_changes_nothing(returned, message):
    rule = declared(returned)
    v = Value(2.0, label="v")
    v.grad = 5.0
    out = ops.apply(rule, v.data * 2, (v,)) + 1
    with pytest.raises((TypeError, ValueError)) as error:
        out.backward()
    assert message in one_line(error)
    assert v.grad == 5.0 and out.grad == 0.0
    with pytest.raises((TypeError, ValueError), match=message.split(" (")[0]):
        grad(out, v)


def test_a_gradient_that_is_a_number_of_another_type_is_made_a_float():
    rule = declared(lambda node, upstream: (2,))
    v = Value(1.0)
    ops.apply(rule, 1.0, (v,)).backward()
    assert v.grad == 2.0 and type(v.grad) is float
    rule = declared(lambda node, upstream: (np.float32(3.0),))
    v = Value(1.0)
    ops.apply(rule, 1.0, (v,)).backward()
    assert v.grad == 3.0 and type(v.grad) is float


def test_a_correct_rule_passes_the_check_in_both_passes():
    rule = declared(lambda node, upstream: (upstream * 3 * node.parents[0].data ** 2,))
    x = leaf([0.5, -1.0])
    (first,) = grad(ops.apply(rule, x.data ** 3, (x,)).sum(), x, create_graph=True)
    (second,) = grad(first.sum(), x)
    np.testing.assert_allclose(first.data, 3 * x.data ** 2)
    np.testing.assert_allclose(second.data, 6 * x.data)
    v = Value(0.5)
    (first,) = grad(ops.apply(rule, v.data ** 3, (v,)), v, create_graph=True)
    (second,) = grad(first, v)
    assert (first.data, second.data) == pytest.approx((0.75, 3.0))


def test_a_graph_pass_checks_shapes_too():
    rule = declared(lambda node, upstream: (upstream.sum(),))
    x = leaf([1.0, 2.0])
    with pytest.raises(ValueError, match="expected shape \\(2,\\)"):
        grad(ops.apply(rule, x.data, (x,)).sum(), x, create_graph=True)


def test_built_in_ops_run_their_rules_unwrapped():
    x = leaf([1.0])
    assert (x * 2).rule is ops.spec_of(x * 2).rule  # no check in the way
    rule = declared(lambda node, upstream: (upstream,))
    out = ops.apply(rule, x.data, (x,))
    assert out.rule is ops.spec_of(out).checked_rule and out.rule.rule is rule
