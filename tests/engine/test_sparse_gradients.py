"""Indexing hands back a part of a gradient (`SparseGrad`) that the backward driver adds
where it lies, and a gradient that collects many contributions is summed in place: the
results must equal the dense sums they replace, and no array anyone else holds may
change."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_edu import Tensor, grad, stack
from tinygrad_edu.autograd import SparseGrad


def leaf(shape, seed=0, dtype=np.float64):
    return Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True,
                  dtype=dtype)


@given(st.integers(1, 6), st.booleans(), st.booleans(), st.integers(0, 1000))
def test_reading_a_sequence_step_by_step_gives_the_dense_gradient(steps, through_op, axis1, seed):
    """Σ_t w_t · x[t]: each x[t] gets w_t back, however the pieces were read."""
    rng = np.random.default_rng(seed)
    shape = (3, steps, 2) if axis1 else (steps, 3, 2)
    x = leaf(shape, seed)
    source = x * 1.0 if through_op else x  # an op result or a leaf receives the parts
    weights = rng.standard_normal((steps, 3, 2))
    total = 0
    for t in range(steps):
        piece = source[:, t] if axis1 else source[t]
        total = total + (piece * Tensor(weights[t], dtype=np.float64)).sum()
    # the same x also feeds a dense use, before and after the parts
    total = total + (source * 2.0).sum()
    total.backward()
    expected = np.swapaxes(weights, 0, 1) if axis1 else weights
    np.testing.assert_allclose(x.grad, expected + 2.0, rtol=1e-12)


def test_repeated_integer_indices_add_up():
    x = leaf((4, 2))
    picked = x[np.array([0, 2, 0, 0])]
    (picked * Tensor(np.arange(8.0).reshape(4, 2), dtype=np.float64)).sum().backward()
    np.testing.assert_allclose(x.grad, [[0 + 4 + 6, 1 + 5 + 7], [0, 0], [2, 3], [0, 0]])


def test_grad_and_local_grads_give_dense_arrays():
    x = leaf((3, 2))
    y = stack([x[2], x[0], x[2]]).sum()
    (found,) = grad(y, x)
    np.testing.assert_allclose(found.data, [[1, 1], [0, 0], [2, 2]])
    piece = x[1]
    (local,) = piece.local_grads(np.ones(2))
    assert type(local) is np.ndarray and not isinstance(local, SparseGrad)
    np.testing.assert_array_equal(local, [[0, 0], [1, 1], [0, 0]])


def test_second_derivatives_through_the_pieces():
    x = leaf((3,))
    y = (x[0] ** 3) + (x[2] ** 2) * x[0]
    (first,) = grad(y, x, create_graph=True)
    (second,) = grad(first[0], x)
    a, _, c = x.data
    np.testing.assert_allclose(second.data, [6 * a, 0, 2 * c])


@pytest.mark.parametrize("dense_too", [False, True])
def test_a_gradient_someone_holds_is_never_changed_in_place(dense_too):
    x = leaf((5, 2))
    (x[1] + x[3]).sum().backward()
    held = x.grad
    copy = held.copy()
    total = (x[1] + x[1] + x[4] * 2.0).sum()  # only parts: the first lands on `held`
    if dense_too:
        total = total + (x * 3.0).sum()
    total.backward()  # adds to x.grad
    np.testing.assert_array_equal(held, copy)
    assert x.grad is not held
    added = np.array([0, 2, 0, 0, 2.0])[:, None] + (3.0 if dense_too else 0.0)
    np.testing.assert_allclose(x.grad, copy + added)


def test_shared_upstream_arrays_stay_apart():
    """An add hands its upstream array to both parents; summing more into one of them in
    place must not change the other, nor a gradient kept with retain_grad."""
    x = leaf((2, 3))
    a = x * 3.0
    a.retain_grad()
    s = a + a  # both parents are `a`: the same upstream twice
    s.retain_grad()
    t = s + a + a[0] * 0.0 + a[1]
    t.retain_grad()
    weights = np.random.default_rng(1).standard_normal((2, 3))
    (t * Tensor(weights, dtype=np.float64)).sum().backward()
    np.testing.assert_allclose(t.grad, weights)
    np.testing.assert_allclose(s.grad, weights)
    expected_a = 3 * weights + np.array([0.0, 1.0])[:, None] * weights.sum(axis=0)
    np.testing.assert_allclose(a.grad, expected_a)
    np.testing.assert_allclose(x.grad, 3 * expected_a)


@pytest.mark.parametrize("first", ["sparse", "dense"])
def test_mixed_dtypes_follow_numpys_promotion_and_end_in_the_leafs_dtype(first):
    x = leaf((3,), dtype=np.float32)
    wide = Tensor(np.array([1.0, 2.0, 3.0]), dtype=np.float64)
    parts = [x[0] * wide[0], (x * wide).sum()]
    total = parts[0] + parts[1] if first == "sparse" else parts[1] + parts[0]
    total = total + x[0] * 1.0
    total.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, [3.0, 2.0, 3.0])
