"""Broadcasting on every binary op and its reverse: values as numpy computes them, and
gradients summed back to each operand's own shape."""

import operator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_edu import Tensor, gradcheck
from tinygrad_edu.tensor_math import unbroadcast

ANY = st.floats(-3.0, 3.0)
AWAY_FROM_ZERO = st.one_of(st.floats(0.2, 3.0), st.floats(-3.0, -0.2))
POSITIVE = st.floats(0.2, 3.0)

# name: (operator, domain of the left operand, domain of the right operand)
BINARY = {
    "add": (operator.add, ANY, ANY),
    "sub": (operator.sub, ANY, ANY),
    "mul": (operator.mul, ANY, ANY),
    "div": (operator.truediv, ANY, AWAY_FROM_ZERO),
    "pow": (operator.pow, POSITIVE, ANY),
}
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3)

# parametrized families run many cases: fewer examples each keeps the suite fast
PER_CASE = settings(max_examples=20)


def leaf(array):
    return Tensor(array, requires_grad=True, dtype=np.float64)


def arrays(shape, elements):
    return hnp.arrays(np.float64, shape, elements=elements)


@pytest.mark.parametrize("name", BINARY)
@PER_CASE
@given(data=st.data())
def test_binary_op_on_mutually_broadcastable_shapes(name, data):
    op, left_domain, right_domain = BINARY[name]
    (shape_a, shape_b), result_shape = data.draw(PAIRS)
    a, b = data.draw(arrays(shape_a, left_domain)), data.draw(arrays(shape_b, right_domain))
    ta, tb = leaf(a), leaf(b)
    out = op(ta, tb)
    assert out.shape == result_shape
    np.testing.assert_allclose(out.data, op(a, b), rtol=1e-12)
    out.backward(np.ones(result_shape))
    assert ta.grad.shape == shape_a and tb.grad.shape == shape_b
    assert gradcheck(op, leaf(a), leaf(b))


@pytest.mark.parametrize("name", BINARY)
@PER_CASE
@given(data=st.data())
def test_binary_op_with_an_ndarray_on_either_side(name, data):
    op, left_domain, right_domain = BINARY[name]
    (shape_a, shape_b), result_shape = data.draw(PAIRS)
    a, b = data.draw(arrays(shape_a, left_domain)), data.draw(arrays(shape_b, right_domain))
    right = op(leaf(a), b)  # Tensor op ndarray
    left = op(a, leaf(b))  # ndarray op Tensor: the reverse operator
    assert isinstance(left, Tensor) and isinstance(right, Tensor)
    np.testing.assert_allclose(left.data, op(a, b), rtol=1e-12)
    np.testing.assert_allclose(right.data, op(a, b), rtol=1e-12)
    assert gradcheck(lambda t: op(t, b), leaf(a))
    assert gradcheck(lambda t: op(a, t), leaf(b))


@pytest.mark.parametrize("name", BINARY)
@PER_CASE
@given(data=st.data())
def test_binary_op_with_a_python_number_on_either_side(name, data):
    op, left_domain, right_domain = BINARY[name]
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=3))
    a = data.draw(arrays(shape, left_domain))
    b = data.draw(arrays(shape, right_domain))
    number_right, number_left = data.draw(right_domain), data.draw(left_domain)
    assert gradcheck(lambda t: op(t, number_right), leaf(a))
    assert gradcheck(lambda t: op(number_left, t), leaf(b))
    np.testing.assert_allclose(op(number_left, leaf(b)).data, op(number_left, b), rtol=1e-12)


CASES = [((5,), (4, 5)), ((), (2, 3)), ((3, 1), (1, 4)), ((2, 1, 3), (4, 1)), ((1,), (3, 2)),
         ((), ()), ((1, 1), (3,)), ((4, 5), (4, 5))]


@pytest.mark.parametrize("shape_a, shape_b", CASES + [(b, a) for a, b in CASES])
@pytest.mark.parametrize("name", BINARY)
def test_the_issue_cases_and_their_reverse(name, shape_a, shape_b):
    op = BINARY[name][0]
    rng = np.random.default_rng(7)
    a = rng.uniform(0.5, 2.0, shape_a)
    b = rng.uniform(0.5, 2.0, shape_b)
    ta, tb = leaf(a), leaf(b)
    out = op(ta, tb)
    assert out.shape == np.broadcast_shapes(shape_a, shape_b)
    out.backward(np.ones(out.shape))
    assert ta.grad.shape == shape_a and tb.grad.shape == shape_b
    assert gradcheck(op, leaf(a), leaf(b))


def test_broadcast_gradient_is_the_sum_over_the_copies():
    a = leaf(np.arange(5.0))  # (5,) against (4, 5): each element is used four times
    b = leaf(np.ones((4, 5)))
    (a * b).sum().backward()
    np.testing.assert_array_equal(a.grad, np.full(5, 4.0))
    np.testing.assert_array_equal(b.grad, np.tile(np.arange(5.0), (4, 1)))
    c = leaf(2.0)  # () against anything
    d = leaf(np.arange(6.0).reshape(2, 3))
    (c * d).sum().backward()
    assert c.grad.shape == () and c.grad == 15.0
    np.testing.assert_array_equal(d.grad, np.full((2, 3), 2.0))
    col, row = leaf(np.array([[1.0], [2.0], [3.0]])), leaf(np.array([[10.0, 20.0, 30.0, 40.0]]))
    (col - row).backward(np.ones((3, 4)))
    np.testing.assert_array_equal(col.grad, np.full((3, 1), 4.0))
    np.testing.assert_array_equal(row.grad, np.full((1, 4), -3.0))


@given(data=st.data())
def test_unbroadcast_sums_to_the_operand_shape(data):
    (shape, _), result_shape = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=3))
    grad = data.draw(arrays(result_shape, ANY))
    reduced = unbroadcast(grad, shape)
    assert reduced.shape == shape
    assert reduced.sum() == pytest.approx(grad.sum())
    # the adjoint property: <grad, broadcast(x)> = <unbroadcast(grad), x>
    x = data.draw(arrays(shape, ANY))
    assert np.sum(grad * np.broadcast_to(x, result_shape)) == pytest.approx(np.sum(reduced * x))


def test_a_tensor_used_on_both_sides_of_a_broadcast():
    a = leaf(np.array([[1.0], [2.0]]))
    out = a * a.T  # (2,1) * (1,2) -> (2,2): a_i a_j
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, 2 * a.data.sum() * np.ones((2, 1)))
