"""Errors speak to a learner: one line that names the op and the shapes (or what was
given), raised before anything is changed."""

import re

import numpy as np
import pytest

from tinygrad_edu import Tensor, Value, cat, cross_entropy, stack, where


def message(error_type, fn) -> str:
    """Run fn, expect error_type, and return its message after checking it is one line."""
    with pytest.raises(error_type) as info:
        fn()
    text = str(info.value)
    assert "\n" not in text and text.strip() == text and text
    return text


@pytest.fixture
def a():
    return Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)


def assert_untouched(*tensors):
    for tensor in tensors:
        assert tensor.grad is None


# ---- shapes that do not fit ----


@pytest.mark.parametrize(
    "name, op",
    [("add", lambda x, y: x + y), ("sub", lambda x, y: x - y), ("mul", lambda x, y: x * y),
     ("div", lambda x, y: x / y), ("pow", lambda x, y: x**y)],
)
def test_broadcast_mismatch_names_the_op_and_both_shapes(name, op, a):
    b = Tensor(np.ones((5, 2)), requires_grad=True)
    text = message(ValueError, lambda: op(a, b))
    assert text.startswith(f"{name}: ")
    assert "(3, 4)" in text and "(5, 2)" in text and "broadcast" in text
    reverse = message(ValueError, lambda: op(np.ones(5), a))  # reverse operator, ndarray left
    assert reverse.startswith(f"{name}: ") and "(5,)" in reverse and "(3, 4)" in reverse
    assert_untouched(a, b)


def test_matmul_message_is_exact(a):
    b = Tensor(np.ones((5, 2)))
    assert message(ValueError, lambda: a @ b) == (
        "matmul: (3, 4) @ (5, 2): inner sizes 4 and 5 differ")
    assert message(ValueError, lambda: Tensor(np.ones(3)) @ Tensor(np.ones(4))) == (
        "matmul: (3,) @ (4,): inner sizes 3 and 4 differ")
    batch = message(ValueError, lambda: Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((3, 4, 2))))
    assert batch.startswith("matmul: (2, 3, 4) @ (3, 4, 2): batch")
    scalar = message(ValueError, lambda: Tensor(1.0) @ Tensor(np.ones(2)))
    assert scalar.startswith("matmul: () @ (2,)")
    assert_untouched(a)


def test_cat_stack_where_name_the_shapes():
    x, y = Tensor(np.ones((2, 3))), Tensor(np.ones((2, 4)))
    assert "(2, 3), (2, 4)" in message(ValueError, lambda: cat([x, y]))
    assert "(2, 3), (2, 4)" in message(ValueError, lambda: stack([x, y]))
    text = message(ValueError, lambda: where([True, False, True], Tensor(np.ones(2)), 0.0))
    assert text.startswith("where: ") and "(3,)" in text and "(2,)" in text
    assert message(TypeError, lambda: cat([])).startswith("cat: ")


# ---- backward ----


def test_backward_on_a_non_scalar_says_to_reduce_or_pass_grad(a):
    out = a * 2
    text = message(RuntimeError, lambda: out.backward())
    assert "(3, 4)" in text and ".sum()" in text and "grad=" in text
    assert_untouched(a, out)
    out.sum().backward()  # nothing was freed or half-done: the graph still works
    np.testing.assert_array_equal(a.grad, np.full((3, 4), 2.0))


def test_backward_on_a_tensor_that_does_not_require_grad():
    constant = Tensor([1.0, 2.0]).sum()
    assert "requires_grad=True" in message(RuntimeError, lambda: constant.backward())


@pytest.mark.parametrize("grad_shape", [(3,), (4, 3), (), (1, 3, 4)])
def test_backward_with_a_wrong_shaped_grad(grad_shape, a):
    out = a.exp()
    text = message(ValueError, lambda: out.backward(np.ones(grad_shape)))
    assert str(grad_shape) in text and "(3, 4)" in text
    assert_untouched(a, out)
    out.backward(np.ones((3, 4)))  # the graph is intact
    assert a.grad.shape == (3, 4)


def test_second_backward_through_a_freed_graph_changes_no_gradient(a):
    middle = a * 3
    middle.retain_grad()
    loss = middle.sum()
    loss.backward()
    before_a, before_middle = a.grad.copy(), middle.grad.copy()
    assert "retain_graph=True" in message(RuntimeError, lambda: loss.backward())
    np.testing.assert_array_equal(a.grad, before_a)
    np.testing.assert_array_equal(middle.grad, before_middle)


# ---- data that is not numbers ----


@pytest.mark.parametrize(
    "data, expected",
    [("abc", "str"), (b"xy", "bytes"), ({"a": 1}, "dict"), (["a", "b"], "str"),
     ([1.0, None], "object"), (object(), "object")],
)
def test_tensor_of_non_numeric_data_says_what_it_got(data, expected):
    text = message(TypeError, lambda: Tensor(data))
    assert text.startswith("Tensor: ") and expected in text


@pytest.mark.parametrize("data, culprit", [([1.0, None], "NoneType None"),
                                           ([[1, 2], [3, Tensor]], "type"),
                                           ([1.0, {"k": 2}], "dict")])
def test_the_first_non_number_is_named(data, culprit):
    assert culprit in message(TypeError, lambda: Tensor(data))


def test_ragged_lists_are_named_as_such():
    text = message(ValueError, lambda: Tensor([[1.0, 2.0], [3.0]]))
    assert text.startswith("Tensor: ") and "rectangular" in text


def test_non_numeric_operand_is_named(a):
    assert "str" in message(TypeError, lambda: a + "x")
    assert_untouched(a)


@pytest.mark.parametrize("data, kind", [("a", "str"), ([1.0], "list"), (None, "NoneType"),
                                        (True, "bool"), (1 + 2j, "complex")])
def test_value_of_non_numeric_data_says_what_it_got(data, kind):
    text = message(TypeError, lambda: Value(data))
    assert text.startswith("Value: ") and kind in text and repr(data) in text


def test_value_with_a_string_operand_is_a_type_error():
    with pytest.raises(TypeError):
        Value(1.0) + "a"
    with pytest.raises(TypeError):
        "a" * Value(2.0)


# ---- axes, reshapes, indices ----


@pytest.mark.parametrize(
    "op, call",
    [("sum", lambda t: t.sum(axis=2)), ("mean", lambda t: t.mean(axis=(0, 5))),
     ("max", lambda t: t.max(axis=-3)), ("min", lambda t: t.min(axis=2)),
     ("softmax", lambda t: t.softmax(axis=2)), ("log_softmax", lambda t: t.log_softmax(axis=-3)),
     ("cat", lambda t: cat([t, t], axis=2)), ("stack", lambda t: stack([t, t], axis=3))],
)
def test_bad_axis_names_the_op_the_axis_and_the_shape(op, call, a):
    text = message(ValueError, lambda: call(a))
    assert text.startswith(f"{op}: axis") and "out of range" in text
    if op not in ("cat", "stack"):
        assert "(3, 4)" in text
    assert_untouched(a)


def test_repeated_axis(a):
    assert "twice" in message(ValueError, lambda: a.sum(axis=(0, -2)))


@pytest.mark.parametrize("shape", [(5, 2), (-1, -1), (13,), (2, 2, 2)])
def test_bad_reshape(shape, a):
    text = message(ValueError, lambda: a.reshape(*shape))
    assert text.startswith("reshape: ") and "(3, 4)" in text and "12" in text
    assert str(shape) in text


def test_bad_transpose(a):
    text = message(ValueError, lambda: a.permute(0, 0))
    assert text.startswith("permute: ") and "(3, 4)" in text
    assert message(ValueError, lambda: a.transpose(0, 2)).startswith("transpose: ")


@pytest.mark.parametrize(
    "index",
    [5, (0, 4), [0, 7], (slice(None), [1, 9]), (0, 0, 0), -4, np.ones(4, dtype=bool)],
)
def test_index_out_of_range(index, a):
    text = message(IndexError, lambda: a[index])
    assert text.startswith("index: ") and "(3, 4)" in text
    assert_untouched(a)


def test_empty_reductions_and_item():
    empty = Tensor(np.zeros((0, 3)))
    for op in ("max", "min"):  # as PyTorch: no largest element of nothing
        text = message(ValueError, lambda op=op: getattr(empty, op)())
        assert text.startswith(f"{op}: ") and "(0, 3)" in text
    assert np.isnan(empty.mean().item())  # as PyTorch: the mean of nothing is nan
    assert "(2,)" in message(ValueError, lambda: Tensor([1.0, 2.0]).item())


# ---- cross_entropy targets ----


@pytest.mark.parametrize(
    "target, error, fragment",
    [([0, 1, 4], ValueError, "target 4 is out of range for 4 classes"),
     ([0, -1, 2], ValueError, "target -1 is out of range"),
     ([0, 1], ValueError, "need 3 targets, got 2"),
     (np.ones((3, 3)), ValueError, "(3, 4)"),
     (["a", "b", "c"], TypeError, "integer class indices"),
     (np.array([True, False, True]), TypeError, "integer class indices")],
)
def test_cross_entropy_bad_targets(target, error, fragment, a):
    text = message(error, lambda: cross_entropy(a, target))
    assert text.startswith("cross_entropy: ") and fragment in text
    assert_untouched(a)


def test_cross_entropy_bad_reduction_and_logits(a):
    assert "'avg'" in message(ValueError, lambda: cross_entropy(a, [0, 1, 2], reduction="avg"))
    text = message(ValueError, lambda: cross_entropy(Tensor(np.ones((2, 3, 4))), [0, 1]))
    assert "(2, 3, 4)" in text


# ---- the scalar engine's domain errors ----


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_of_a_non_positive_value(x):
    text = message(ValueError, lambda: Value(x).log())
    assert text.startswith("log: ") and "positive" in text


@pytest.mark.parametrize(
    "call",
    [lambda: Value(-2.0) ** 0.5, lambda: Value(-2.0) ** Value(0.5), lambda: (-2.0) ** Value(0.5),
     lambda: Value(-8.0) ** (1 / 3)],
)
def test_negative_base_with_a_fractional_exponent(call):
    text = message(ValueError, call)
    assert text.startswith("pow: ") and "negative base" in text
    assert re.search(r"-\d", text)


@pytest.mark.parametrize(
    "call, op",
    [(lambda: Value(1.0) / 0, "/"), (lambda: Value(1.0) / Value(0.0), "/"),
     (lambda: 1 / Value(0.0), "/"), (lambda: Value(0.0).reciprocal(), "1/x"),
     (lambda: Value(0.0) ** -1, "pow"), (lambda: Value(0.0) ** Value(-2.0), "pow")],
)
def test_division_by_zero_on_values(call, op):
    text = message(ZeroDivisionError, call)
    assert text.startswith(f"{op}: ") and ("zero" in text or "of 0.0" in text)


def test_a_domain_error_leaves_the_graph_usable():
    x = Value(-2.0)
    y = x * 3
    with pytest.raises(ValueError):
        y.log()
    with pytest.raises(ZeroDivisionError):
        y / (x + 2)
    y.backward()
    assert (x.grad, y.grad) == (3.0, 1.0)  # the failed ops added nothing to the graph


def test_negative_base_with_an_integer_exponent_is_fine():
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)
