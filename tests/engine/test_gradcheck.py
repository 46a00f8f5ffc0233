"""gradcheck itself: it passes correct ops, and it catches (and explains) wrong ones."""

import re

import numpy as np
import pytest

from tinygrad_edu import (
    GradcheckError,
    Tensor,
    Value,
    cross_entropy,
    gradcheck,
    numerical_grad,
    ops,
)


def leaf(data, label=""):
    return Tensor(np.asarray(data, dtype=np.float64), requires_grad=True, dtype=np.float64,
                  label=label)


def _declared(rule, op):
    """Declare a one-off rule through the public op API (the same one the built-ins use)."""
    return ops.declare(op, symbol=op, math="a rule made up for this test", local=("?",))(rule)


def tensor_op(x, rule, forward=lambda data: data**2, op="fake"):
    """A one-off Tensor op with the given backward rule."""
    return ops.apply(_declared(rule, op), forward(x.data), (x,))


def value_op(x, data, rule):
    """A one-off Value op: a result node wired to x with the given backward rule."""
    return ops.apply(_declared(rule, "fake"), data, (x,))


def wrong_square(t):  # t² whose backward claims 3t instead of 2t
    return tensor_op(t, lambda node, upstream: (upstream * 3 * node.parents[0].data,))


def parse(text):
    """(input index, element, analytic, numeric) from a GradcheckError message."""
    found = re.search(r"input (\d+).*?(?:element \(([\d, ]*)\) of shape .*?)?: "
                      r"analytic (\S+), numeric (\S+) ", text)
    assert found, text
    which, element, analytic, numeric = found.groups()
    element = tuple(int(i) for i in element.split(",") if i.strip()) if element else None
    return int(which), element, float(analytic), float(numeric)


# ---- correct ops pass ----


def test_returns_true_for_correct_ops():
    rng = np.random.default_rng(0)
    a, b = leaf(rng.standard_normal((3, 4))), leaf(rng.standard_normal((4, 2)))
    assert gradcheck(lambda x, y: (x @ y).tanh(), a, b) is True
    assert gradcheck(lambda x: x.softmax(axis=0), a) is True
    assert gradcheck(lambda x, y: x * y + x / (y * y + 1), Value(0.3), Value(-1.2)) is True
    assert gradcheck(lambda x: cross_entropy(x, [0, 1, 3]), a) is True


def test_float32_inputs_are_checked_in_float64_and_left_unchanged():
    a = Tensor([[0.5, -1.5], [2.0, 0.25]], requires_grad=True)  # float32
    before = a.data.copy()
    assert gradcheck(lambda x: (x * x).exp().sum(), a)
    assert a.dtype == np.float32 and a.grad is None
    np.testing.assert_array_equal(a.data, before)
    v = Value(0.7)
    assert gradcheck(lambda x: x.exp(), v)
    assert (v.data, v.grad) == (0.7, 0.0)


def test_other_arguments_pass_through_unchecked():
    constant = Tensor([1.0, 2.0, 3.0])  # does not require grad: passed, not checked
    seen = []

    def fn(x, c, scale, table):
        seen.append((type(c), scale, table))
        return (x * c).sum() * scale + table[0]

    assert gradcheck(fn, leaf([0.1, 0.2, 0.3]), constant, 2.5, [1.0])
    assert all(kind is Tensor and scale == 2.5 for kind, scale, _ in seen)


# ---- wrong ops are caught, and the message says where and by how much ----


def test_wrong_tensor_rule_names_input_element_and_both_values():
    x = np.array([[0.5, -1.0, 2.0], [1.5, -0.25, 0.75]])
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_square, leaf(x))
    text = str(info.value)
    which, element, analytic, numeric = parse(text)
    assert which == 0 and "of shape (2, 3)" in text
    assert len(element) == 2 and 0 <= element[0] < 2 and 0 <= element[1] < 3
    # analytic says 3x·w, numeric says 2x·w (w: the weight of that output element)
    assert analytic / numeric == pytest.approx(1.5, rel=1e-5)
    assert "elements fail" in text


def test_a_wrong_second_input_is_named_by_index_and_label():
    def fn(a, b):
        return a * 2 + wrong_square(b)

    with pytest.raises(GradcheckError) as info:
        gradcheck(fn, leaf([1.0, 2.0]), leaf([0.5, -3.0], label="b"))
    which, element, analytic, numeric = parse(str(info.value))
    assert which == 1 and "'b'" in str(info.value)
    assert element == (1,)  # the worst element: |3x - 2x| is largest at x = -3
    assert analytic == pytest.approx(1.5 * numeric, rel=1e-5)


def test_the_worst_element_is_the_only_wrong_one():
    def wrong_at_one_place(node, upstream):
        grad = upstream * 2 * node.parents[0].data
        grad[1, 2] += 0.5
        return (grad,)

    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda t: tensor_op(t, wrong_at_one_place).sum(), leaf(np.ones((2, 3))))
    _, element, analytic, numeric = parse(str(info.value))
    assert element == (1, 2)
    assert (analytic, numeric) == pytest.approx((2.5, 2.0), rel=1e-6)
    assert "1 of 6 elements fail" in str(info.value)


def test_wrong_value_rule_is_caught():
    def fn(x):  # x³ whose backward claims 2x²
        return value_op(x, x.data**3, lambda node, upstream: (upstream * 2 * x.data**2,))

    assert gradcheck(lambda x: x * x * x, Value(1.5))
    with pytest.raises(GradcheckError) as info:
        gradcheck(fn, Value(1.5, label="x"))
    text = str(info.value)
    which, element, analytic, numeric = parse(text)
    assert which == 0 and element is None and "'x'" in text
    assert (analytic, numeric) == pytest.approx((4.5, 6.75), rel=1e-6)


def test_second_value_input_is_named():
    def fn(x, y):
        return x * 3 + value_op(y, y.data**2, lambda node, upstream: (upstream * 0.0,))

    with pytest.raises(GradcheckError, match=r"input 1: analytic 0, numeric 4"):
        gradcheck(fn, Value(1.0), Value(2.0))


def test_non_scalar_outputs_are_checked_with_every_element_weighted():
    # A rule that is right only when every upstream gradient is equal: it would pass a
    # check of out.sum(), so gradcheck must weight the output elements differently.
    c = np.array([1.0, -2.0, 3.0])

    def averaged_rule(node, upstream):
        return (np.full_like(upstream, upstream.mean()) * c,)

    def fn(t):
        return tensor_op(t, averaged_rule, forward=lambda data: data * c)

    assert gradcheck(lambda t: fn(t).sum(), leaf([0.1, 0.2, 0.3]))
    with pytest.raises(GradcheckError):
        gradcheck(fn, leaf([0.1, 0.2, 0.3]))


def test_nan_gradient_fails():
    nan_rule = lambda node, upstream: (upstream * np.nan,)  # noqa: E731
    with pytest.raises(GradcheckError, match="analytic nan"):
        gradcheck(lambda t: tensor_op(t, nan_rule).sum(), leaf([1.0, 2.0]))


def test_missing_gradient_counts_as_zero_and_fails():
    def fn(a, b):
        return a.sum() + b.detach().sum()  # b gets no gradient, but the output depends on it

    with pytest.raises(GradcheckError, match=r"input 1, element \(0,\).*analytic 0, numeric 1"):
        gradcheck(fn, leaf([1.0]), leaf([2.0]))


def test_tolerances_are_respected():
    def slightly_off(t):  # 0.01% too large
        return tensor_op(t, lambda node, upstream: (upstream * 2.0002 * node.parents[0].data,))

    x = leaf([1.0, 2.0, -1.5])
    assert gradcheck(lambda t: slightly_off(t).sum(), x)  # rtol 1e-3 by default
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: slightly_off(t).sum(), x, rtol=1e-6, atol=1e-9)
    assert gradcheck(lambda t: slightly_off(t).sum(), x, eps=1e-4)


# ---- misuse ----


def test_no_input_to_check():
    with pytest.raises(ValueError, match="no input to check"):
        gradcheck(lambda t: t * 2, Tensor([1.0, 2.0]))


def test_fn_must_return_a_tensor_or_value():
    with pytest.raises(TypeError, match="got ndarray"):
        gradcheck(lambda t: t.data * 2, leaf([1.0]))


# ---- numerical_grad on its own ----


def test_numerical_grad_of_a_tensor_and_of_a_value():
    w = np.array([[1.0, -2.0], [0.5, 3.0]])
    x = leaf([[0.3, -0.7], [1.1, 0.2]])
    grad = numerical_grad(lambda t: (t * t * w).sum(), [x], 0, np.ones(()), 1e-6)
    np.testing.assert_allclose(grad.reshape(2, 2), 2 * x.data * w, rtol=1e-7)
    np.testing.assert_array_equal(x.data, [[0.3, -0.7], [1.1, 0.2]])  # restored
    v = Value(0.4)
    assert numerical_grad(lambda a: a.tanh(), [v], 0, np.ones(()), 1e-6) == pytest.approx(
        1 - np.tanh(0.4) ** 2, rel=1e-8)
    assert v.data == 0.4


def test_numerical_grad_with_output_weights():
    x = leaf([1.0, 2.0])
    weights = np.array([3.0, -1.0])
    grad = numerical_grad(lambda t: t * t, [x], 0, weights, 1e-6)
    np.testing.assert_allclose(grad, weights * 2 * x.data, rtol=1e-7)
