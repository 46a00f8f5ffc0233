"""Every op of the numpy engine `Tensor`: gradients against central differences
(gradcheck, float64) on random small shapes and each op's safe domain, and against the
derivative written out by hand. Binary-op broadcasting has its own file."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_edu import Tensor, cat, cross_entropy, gradcheck, stack, where

SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
NONEMPTY_SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)

ANY = st.floats(-3.0, 3.0)
POSITIVE = st.floats(0.2, 4.0)
AWAY_FROM_ZERO = st.one_of(st.floats(0.1, 3.0), st.floats(-3.0, -0.1))


def arrays(shape, elements=ANY):
    return hnp.arrays(np.float64, shape, elements=elements)


def distinct_arrays(shape):
    """Values at least 0.05 apart: no ties for max/min, even after a ±eps nudge."""
    return hnp.arrays(np.float64, shape, elements=st.integers(-100, 100), unique=True).map(
        lambda a: a * 0.05
    )

# parametrized families run many cases: fewer examples each keeps the suite fast
PER_CASE = settings(max_examples=20)


def leaf(array):
    return Tensor(array, requires_grad=True, dtype=np.float64)


def grad_of(fn, array, upstream=None):
    """d(Σ upstream * fn(x))/dx by backpropagation."""
    x = leaf(array)
    out = fn(x)
    out.backward(np.ones(out.shape) if upstream is None else upstream)
    assert x.grad.shape == x.shape
    return x.grad


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ---- elementwise functions: gradcheck, forward and derivative formulas ----

UNARY = {  # name: (fn, safe domain, forward in numpy, derivative in numpy)
    "neg": (lambda t: -t, ANY, lambda x: -x, lambda x: -np.ones_like(x)),
    "exp": (lambda t: t.exp(), ANY, np.exp, np.exp),
    "log": (lambda t: t.log(), POSITIVE, np.log, lambda x: 1 / x),
    "sqrt": (lambda t: t.sqrt(), POSITIVE, np.sqrt, lambda x: 0.5 / np.sqrt(x)),
    "abs": (lambda t: t.abs(), AWAY_FROM_ZERO, np.abs, np.sign),
    "abs()": (lambda t: abs(t), AWAY_FROM_ZERO, np.abs, np.sign),
    "tanh": (lambda t: t.tanh(), ANY, np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "sigmoid": (lambda t: t.sigmoid(), ANY, sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x))),
    "relu": (lambda t: t.relu(), AWAY_FROM_ZERO, lambda x: np.maximum(x, 0),
             lambda x: (x > 0) * 1.0),
    "leaky_relu": (lambda t: t.leaky_relu(), AWAY_FROM_ZERO,
                   lambda x: np.where(x > 0, x, 0.01 * x), lambda x: np.where(x > 0, 1, 0.01)),
    "leaky_relu_0.3": (lambda t: t.leaky_relu(0.3), AWAY_FROM_ZERO,
                       lambda x: np.where(x > 0, x, 0.3 * x), lambda x: np.where(x > 0, 1, 0.3)),
    "elu": (lambda t: t.elu(), AWAY_FROM_ZERO, lambda x: np.where(x > 0, x, np.expm1(x)),
            lambda x: np.where(x > 0, 1, np.exp(x))),
    "elu_2": (lambda t: t.elu(alpha=2.0), AWAY_FROM_ZERO,
              lambda x: np.where(x > 0, x, 2 * np.expm1(x)),
              lambda x: np.where(x > 0, 1, 2 * np.exp(x))),
    "pow2": (lambda t: t**2, ANY, np.square, lambda x: 2 * x),
    "pow3": (lambda t: t**3, ANY, lambda x: x**3, lambda x: 3 * x**2),
    "pow_half": (lambda t: t**0.5, POSITIVE, np.sqrt, lambda x: 0.5 * x**-0.5),
    "pow_minus_one": (lambda t: t**-1, AWAY_FROM_ZERO, lambda x: 1 / x, lambda x: -1 / x**2),
    "pow_zero": (lambda t: t**0, ANY, np.ones_like, np.zeros_like),
    "rpow": (lambda t: 2.0**t, ANY, lambda x: 2.0**x, lambda x: 2.0**x * np.log(2.0)),
    "rdiv": (lambda t: 1.5 / t, AWAY_FROM_ZERO, lambda x: 1.5 / x, lambda x: -1.5 / x**2),
    "rsub": (lambda t: 1.5 - t, ANY, lambda x: 1.5 - x, lambda x: -np.ones_like(x)),
}


@pytest.mark.parametrize("name", UNARY)
@PER_CASE
@given(data=st.data())
def test_elementwise_op(name, data):
    fn, domain, forward, derivative = UNARY[name]
    x = data.draw(SHAPES.flatmap(lambda shape: arrays(shape, domain)))
    assert gradcheck(fn, leaf(x))
    np.testing.assert_allclose(fn(leaf(x)).data, forward(x), rtol=1e-12)
    upstream = data.draw(arrays(x.shape))
    np.testing.assert_allclose(grad_of(fn, x, upstream), upstream * derivative(x), rtol=1e-9,
                               atol=1e-12)


@given(data=st.data())
def test_power_with_a_tensor_exponent_and_rpow_of_a_tensor_base(data):
    shape = data.draw(SHAPES)
    base, exponent = data.draw(arrays(shape, POSITIVE)), data.draw(arrays(shape, ANY))
    assert gradcheck(lambda a, b: a**b, leaf(base), leaf(exponent))
    assert gradcheck(lambda b: np.full(shape, 3.0) ** b, leaf(exponent))  # array ** Tensor
    a, b = leaf(base), leaf(exponent)
    (a**b).backward(np.ones(shape))
    np.testing.assert_allclose(a.grad, exponent * base ** (exponent - 1), rtol=1e-9)
    np.testing.assert_allclose(b.grad, base**exponent * np.log(base), rtol=1e-9, atol=1e-15)


def test_power_of_zero_base_has_the_limits_pytorch_uses():
    a = leaf([0.0, 0.0, 2.0])
    b = leaf([2.0, 0.0, 3.0])
    (a**b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 0.0, 12.0])
    np.testing.assert_allclose(b.grad, [0.0, 0.0, 8 * np.log(2.0)])


# ---- matmul: 1-D, 2-D and batched N-D with broadcast batch dims ----

MATMUL_SHAPES = hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=4,
                                                  max_side=3)


@given(data=st.data())
def test_matmul_every_rank(data):
    (shape_a, shape_b), _ = data.draw(MATMUL_SHAPES)
    a, b = data.draw(arrays(shape_a)), data.draw(arrays(shape_b))
    out = leaf(a) @ leaf(b)
    np.testing.assert_allclose(out.data, a @ b, rtol=1e-12)
    assert gradcheck(lambda x, y: x @ y, leaf(a), leaf(b))
    assert gradcheck(lambda x: x.matmul(b), leaf(a))  # ndarray on the right
    assert gradcheck(lambda y: a @ y, leaf(b))  # ndarray on the left


@given(data=st.data())
def test_matmul_gradients_are_the_transposed_products(data):
    n, k, m = data.draw(st.tuples(*[st.integers(1, 4)] * 3))
    a, b = data.draw(arrays((n, k))), data.draw(arrays((k, m)))
    upstream = data.draw(arrays((n, m)))
    ta, tb = leaf(a), leaf(b)
    (ta @ tb).backward(upstream)
    np.testing.assert_allclose(ta.grad, upstream @ b.T, rtol=1e-12)
    np.testing.assert_allclose(tb.grad, a.T @ upstream, rtol=1e-12)


@pytest.mark.parametrize(
    "shape_a, shape_b, out_shape",
    [((3,), (3,), ()), ((3,), (3, 2), (2,)), ((2, 3), (3,), (2,)), ((4, 1, 2, 3), (5, 3, 2),
     (4, 5, 2, 2)), ((3,), (2, 3, 4), (2, 4)), ((2, 2, 3), (3,), (2, 2))],
)
def test_matmul_shapes_as_numpy(shape_a, shape_b, out_shape):
    rng = np.random.default_rng(1)
    a, b = leaf(rng.standard_normal(shape_a)), leaf(rng.standard_normal(shape_b))
    out = a @ b
    assert out.shape == out_shape
    out.backward(np.ones(out_shape))
    assert a.grad.shape == shape_a and b.grad.shape == shape_b


# ---- reductions ----


@st.composite
def array_and_axis(draw, values=arrays):
    shape = draw(SHAPES)
    axis = draw(st.one_of(st.none(), hnp.valid_tuple_axes(len(shape)),
                          st.integers(-len(shape), len(shape) - 1) if shape else st.none()))
    return draw(values(shape)), axis, draw(st.booleans())


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
@given(data=st.data())
def test_reduction_gradcheck(name, data):
    x, axis, keepdims = data.draw(array_and_axis(distinct_arrays if name in ("max", "min")
                                                 else arrays))
    fn = lambda t: getattr(t, name)(axis=axis, keepdims=keepdims)  # noqa: E731
    out = fn(leaf(x))
    expected = getattr(np, name if name in ("sum", "mean") else "a" + name)(x, axis=axis,
                                                                          keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    assert gradcheck(fn, leaf(x))


@given(data=st.data())
def test_sum_and_mean_gradients_are_one_and_one_over_n(data):
    x, axis, keepdims = data.draw(array_and_axis())
    count = x.size // max(np.sum(np.ones_like(x), axis=axis).size, 1)
    np.testing.assert_array_equal(grad_of(lambda t: t.sum(axis=axis, keepdims=keepdims), x),
                                  np.ones_like(x))
    np.testing.assert_allclose(grad_of(lambda t: t.mean(axis=axis, keepdims=keepdims), x),
                               np.full_like(x, 1 / count))


@given(x=NONEMPTY_SHAPES.flatmap(distinct_arrays))
def test_max_and_min_route_the_gradient_to_the_extreme(x):
    one_hot = np.zeros(x.size)
    one_hot[np.argmax(x)] = 1
    np.testing.assert_array_equal(grad_of(lambda t: t.max(), x), one_hot.reshape(x.shape))
    one_hot = np.zeros(x.size)
    one_hot[np.argmin(x)] = 1
    np.testing.assert_array_equal(grad_of(lambda t: t.min(), x), one_hot.reshape(x.shape))


def test_max_min_ties_share_the_gradient_equally():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    np.testing.assert_allclose(grad_of(lambda t: t.max(axis=1), x),
                               [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(grad_of(lambda t: t.max(), x), [[0, 0.5, 0.5], [0, 0, 0]])
    np.testing.assert_allclose(grad_of(lambda t: t.min(axis=0, keepdims=True), x),
                               [[1, 0, 0], [0, 1, 1]])
    np.testing.assert_allclose(grad_of(lambda t: t.min(), np.full((2, 2), 7.0)),
                               np.full((2, 2), 0.25))


# ---- reshape, transpose, .T, flatten ----


@given(data=st.data())
def test_reshape_transpose_flatten(data):
    x = data.draw(SHAPES.flatmap(arrays))
    permutation = tuple(data.draw(st.permutations(range(x.ndim))))
    cases = [
        (lambda t: t.reshape(-1), x.reshape(-1)),
        (lambda t: t.reshape(x.shape[::-1]), x.reshape(x.shape[::-1])),
        (lambda t: t.reshape(*x.shape[::-1]), x.reshape(x.shape[::-1])),
        (lambda t: t.reshape(x.size, 1), x.reshape(x.size, 1)),
        (lambda t: t.permute(*permutation), x.transpose(permutation)),
        (lambda t: t.permute(permutation), x.transpose(permutation)),
        (lambda t: t.permute(*reversed(range(x.ndim))), x.T),
        (lambda t: t.T, x.T),
        (lambda t: t.flatten(), x.ravel()),
    ]
    for fn, expected in cases:
        out = fn(leaf(x))
        np.testing.assert_array_equal(out.data, expected)
        assert gradcheck(fn, leaf(x))


def test_permute_with_negative_axes():
    x = np.arange(24.0).reshape(2, 3, 4)
    out = leaf(x).permute(-1, 0, -2)
    assert out.shape == (4, 2, 3)
    assert gradcheck(lambda t: t.permute(-1, 0, -2), leaf(x))


# ---- indexing: slices, integer arrays (repeats accumulate), boolean masks ----


@given(data=st.data())
def test_getitem_basic_indices(data):
    x = data.draw(NONEMPTY_SHAPES.flatmap(arrays))
    index = data.draw(hnp.basic_indices(x.shape, allow_newaxis=True))
    np.testing.assert_array_equal(leaf(x)[index].data, x[index])
    assert gradcheck(lambda t: t[index], leaf(x))


@given(data=st.data())
def test_getitem_integer_arrays_accumulate_repeated_positions(data):
    x = data.draw(NONEMPTY_SHAPES.flatmap(arrays))
    index = data.draw(hnp.integer_array_indices(
        x.shape, result_shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=5)))
    np.testing.assert_array_equal(leaf(x)[index].data, x[index])
    assert gradcheck(lambda t: t[index], leaf(x))
    expected = np.zeros_like(x)
    np.add.at(expected, index, 1.0)  # how often each position was read
    np.testing.assert_array_equal(grad_of(lambda t: t[index], x), expected)


def test_getitem_repeated_indices_from_lists_and_mixed_with_slices():
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(grad_of(lambda t: t[[0, 0, 2, 0]], x).sum(axis=1),
                                  [12.0, 0.0, 4.0])
    np.testing.assert_array_equal(grad_of(lambda t: t[:, [1, 1, 3]], x)[0], [0, 2, 0, 1])
    np.testing.assert_array_equal(grad_of(lambda t: t[[2, 2], [3, 3]], x)[2, 3], 2.0)


@given(data=st.data())
def test_getitem_boolean_masks(data):
    x = data.draw(NONEMPTY_SHAPES.flatmap(arrays))
    mask = data.draw(hnp.arrays(bool, x.shape))
    np.testing.assert_array_equal(leaf(x)[mask].data, x[mask])
    assert gradcheck(lambda t: t[mask], leaf(x))
    np.testing.assert_array_equal(grad_of(lambda t: t[mask], x), mask * 1.0)
    row_mask = data.draw(hnp.arrays(bool, x.shape[:1]))
    assert gradcheck(lambda t: t[row_mask], leaf(x))


# ---- softmax and log_softmax ----


@st.composite
def array_and_one_axis(draw):
    x = draw(NONEMPTY_SHAPES.flatmap(arrays))
    return x, draw(st.integers(-x.ndim, x.ndim - 1))


def numpy_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@given(case=array_and_one_axis())
def test_softmax_and_log_softmax_gradcheck_and_values(case):
    x, axis = case
    s = leaf(x).softmax(axis=axis)
    np.testing.assert_allclose(s.data, numpy_softmax(x, axis), rtol=1e-12)
    np.testing.assert_allclose(s.data.sum(axis=axis), 1.0)
    np.testing.assert_allclose(leaf(x).log_softmax(axis=axis).data,
                               np.log(numpy_softmax(x, axis)), rtol=1e-9, atol=1e-12)
    assert gradcheck(lambda t: t.softmax(axis=axis), leaf(x))
    assert gradcheck(lambda t: t.log_softmax(axis=axis), leaf(x))


@given(x=hnp.array_shapes(min_dims=1, max_dims=1, max_side=5).flatmap(arrays),
       data=st.data())
def test_softmax_and_log_softmax_jacobians(x, data):
    upstream = data.draw(arrays(x.shape))
    s = numpy_softmax(x, -1)
    jacobian = np.diag(s) - np.outer(s, s)  # ds_i/dx_j = s_i(δ_ij - s_j)
    np.testing.assert_allclose(grad_of(lambda t: t.softmax(), x, upstream), jacobian.T @ upstream,
                               atol=1e-12)
    log_jacobian = np.eye(len(x)) - s[None, :]  # d log s_i/dx_j = δ_ij - s_j
    np.testing.assert_allclose(grad_of(lambda t: t.log_softmax(), x, upstream),
                               log_jacobian.T @ upstream, atol=1e-12)


@pytest.mark.parametrize("fn", [lambda t: t.softmax(), lambda t: t.log_softmax(),
                                lambda t: t.softmax(axis=0), lambda t: cross_entropy(t, [0, 1])])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family_is_stable_for_logits_of_5000(fn, dtype):
    logits = Tensor([[5000.0, -5000.0, 0.0], [-5000.0, 5000.0, 4999.0]], requires_grad=True,
                    dtype=dtype)
    out = fn(logits)
    out.backward(np.ones(out.shape))
    assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(logits.grad))


def test_cross_entropy_at_5000_has_the_exact_value_and_gradient():
    logits = Tensor([[5000.0, -5000.0], [-5000.0, 5000.0]], requires_grad=True)
    loss = cross_entropy(logits, [1, 1])
    loss.backward()
    assert loss.item() == pytest.approx(5000.0)  # (10000 + 0) / 2
    np.testing.assert_allclose(logits.grad, [[0.5, -0.5], [0.0, 0.0]])


# ---- cat, stack, where ----


@given(data=st.data())
def test_cat(data):
    base = data.draw(NONEMPTY_SHAPES)
    axis = data.draw(st.integers(-len(base), len(base) - 1))
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    parts = []
    for size in sizes:
        shape = list(base)
        shape[axis] = size
        parts.append(data.draw(arrays(tuple(shape))))
    out = cat([leaf(p) for p in parts], axis=axis)
    np.testing.assert_array_equal(out.data, np.concatenate(parts, axis=axis))
    assert gradcheck(lambda *ts: cat(list(ts), axis=axis), *[leaf(p) for p in parts])


@given(data=st.data())
def test_stack(data):
    shape = data.draw(SHAPES)
    count = data.draw(st.integers(1, 3))
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    parts = [data.draw(arrays(shape)) for _ in range(count)]
    out = stack([leaf(p) for p in parts], axis=axis)
    np.testing.assert_array_equal(out.data, np.stack(parts, axis=axis))
    assert gradcheck(lambda *ts: stack(ts, axis=axis), *[leaf(p) for p in parts])


def test_cat_and_stack_split_the_gradient_back():
    a, b = leaf(np.zeros((2, 2))), leaf(np.zeros((1, 2)))
    upstream = np.arange(6.0).reshape(3, 2)
    cat([a, b]).backward(upstream)
    np.testing.assert_array_equal(a.grad, upstream[:2])
    np.testing.assert_array_equal(b.grad, upstream[2:])
    c, d = leaf(np.zeros(3)), leaf(np.zeros(3))
    stack([c, d], axis=1).backward(np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(c.grad, [0, 2, 4])
    np.testing.assert_array_equal(d.grad, [1, 3, 5])


@given(data=st.data())
def test_where(data):
    (cond_shape, x_shape, y_shape), _ = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    condition = data.draw(hnp.arrays(bool, cond_shape))
    x, y = data.draw(arrays(x_shape)), data.draw(arrays(y_shape))
    out = where(condition, leaf(x), leaf(y))
    np.testing.assert_array_equal(out.data, np.where(condition, x, y))
    assert gradcheck(lambda a, b: where(condition, a, b), leaf(x), leaf(y))
    assert gradcheck(lambda a: where(condition, a, 0.5), leaf(x))


def test_where_sends_the_gradient_to_the_chosen_side():
    x, y = leaf([1.0, 2.0, 3.0]), leaf([4.0, 5.0, 6.0])
    where(Tensor([1.0, 0.0, 1.0]), x, y).backward(np.array([10.0, 20.0, 30.0]))
    np.testing.assert_array_equal(x.grad, [10.0, 0.0, 30.0])
    np.testing.assert_array_equal(y.grad, [0.0, 20.0, 0.0])


# ---- cross_entropy ----


@st.composite
def logits_and_targets(draw):
    n, c = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return draw(arrays((n, c))), draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@PER_CASE
@given(case=logits_and_targets())
def test_cross_entropy_with_class_indices(reduction, case):
    logits, target = case
    n = len(target)
    out = cross_entropy(leaf(logits), target, reduction=reduction)
    log_probs = np.log(numpy_softmax(logits, -1))
    per_sample = -log_probs[np.arange(n), target]
    expected = {"mean": per_sample.mean(), "sum": per_sample.sum(), "none": per_sample}[reduction]
    np.testing.assert_allclose(out.data, expected, rtol=1e-9)
    assert gradcheck(lambda t: cross_entropy(t, target, reduction=reduction), leaf(logits))
    # d loss/d logits = (softmax - onehot), divided by N for the mean
    one_hot = np.eye(logits.shape[1])[target]
    scale = 1 / n if reduction == "mean" else 1.0
    np.testing.assert_allclose(grad_of(lambda t: cross_entropy(t, target, reduction=reduction),
                                       logits), (np.exp(log_probs) - one_hot) * scale, atol=1e-12)
    # the fused op equals its composition from log_softmax and indexing
    composed = -leaf(logits).log_softmax()[np.arange(n), target]
    if reduction != "none":
        composed = getattr(composed, reduction)()
    np.testing.assert_allclose(out.data, composed.data, rtol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@PER_CASE
@given(data=st.data())
def test_cross_entropy_with_probability_targets(reduction, data):
    logits = data.draw(hnp.array_shapes(min_dims=2, max_dims=2, max_side=4).flatmap(arrays))
    target = numpy_softmax(data.draw(arrays(logits.shape)), -1)
    out = cross_entropy(leaf(logits), target, reduction=reduction)
    per_sample = -(target * np.log(numpy_softmax(logits, -1))).sum(axis=1)
    expected = {"mean": per_sample.mean(), "sum": per_sample.sum(), "none": per_sample}[reduction]
    np.testing.assert_allclose(out.data, expected, rtol=1e-9)
    assert gradcheck(lambda t: cross_entropy(t, target, reduction=reduction), leaf(logits))
    scale = 1 / len(logits) if reduction == "mean" else 1.0
    np.testing.assert_allclose(
        grad_of(lambda t: cross_entropy(t, target, reduction=reduction), logits),
        (numpy_softmax(logits, -1) - target) * scale, atol=1e-12)


@given(data=st.data())
def test_cross_entropy_one_hot_targets_equal_index_targets(data):
    logits, target = data.draw(logits_and_targets())
    one_hot = np.eye(logits.shape[1])[target]
    by_index, by_prob = leaf(logits), leaf(logits)
    loss_index, loss_prob = cross_entropy(by_index, target), cross_entropy(by_prob, one_hot)
    loss_index.backward()
    loss_prob.backward()
    assert loss_index.item() == pytest.approx(loss_prob.item(), rel=1e-12)
    np.testing.assert_allclose(by_index.grad, by_prob.grad, atol=1e-15)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_of_one_sample(reduction):
    logits = np.array([1.0, -0.5, 2.0])
    for target in (2, np.array([0.2, 0.3, 0.5])):
        out = cross_entropy(leaf(logits), target, reduction=reduction)
        assert out.shape == ()
        assert gradcheck(lambda t, y=target: cross_entropy(t, y, reduction=reduction),
                         leaf(logits))


def test_cross_entropy_of_float32_logits_stays_float32():
    logits = Tensor([[1.0, 2.0], [0.5, 0.1]], requires_grad=True)
    loss = cross_entropy(logits, Tensor(np.array([1, 0]), dtype=np.int64))
    loss.backward()
    assert loss.dtype == np.float32 and logits.grad.dtype == np.float32


def test_composite_mlp_gradcheck():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 3))
    w1, b1 = rng.standard_normal((3, 4)), rng.standard_normal(4)
    w2 = rng.standard_normal((4, 3))
    target = np.array([0, 2, 1, 1, 0])

    def loss(w1, b1, w2):
        hidden = (Tensor(x, dtype=np.float64) @ w1 + b1).tanh()
        return cross_entropy(hidden @ w2, target)

    assert gradcheck(loss, leaf(w1), leaf(b1), leaf(w2))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu", "relu", "leaky_relu", "abs"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_saturating_functions_are_finite_and_quiet_at_extremes(name, dtype):
    t = Tensor([-5000.0, -1000.0, 1000.0, 5000.0], requires_grad=True, dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = getattr(t, name)()
        out.sum().backward()
    assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(t.grad))
