"""What every Tensor has: dtype rules, gradient bookkeeping, detach/item/numpy/len/repr."""

import numpy as np
import pytest

from tinygrad_edu import Tensor, no_grad, topo_order

# ---- dtype ----


@pytest.mark.parametrize(
    "data",
    [[1.0, 2.0], [1, 2, 3], 3, 2.5, np.arange(4.0), np.arange(4), np.float64(1.5),
     [[1, 2], [3, 4]]],
)
def test_float32_by_default(data):
    assert Tensor(data).dtype == np.float32
    assert Tensor(data).data.dtype == np.float32


def test_dtype_float64_is_respected_and_grads_follow_the_dtype():
    for dtype in (np.float32, np.float64):
        a = Tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True, dtype=dtype)
        b = Tensor([0.5, 2.0], requires_grad=True, dtype=dtype)
        out = (a * b + a.exp() / b).tanh()
        loss = out.sum()
        assert out.dtype == dtype and loss.dtype == dtype
        loss.backward(keep_all_grads=True)
        for node in topo_order(loss):
            assert node.grad.dtype == dtype, node.op


@pytest.mark.parametrize(
    "reduce",
    [
        lambda t: t.max(),
        lambda t: t.min(),
        lambda t: t.max(axis=0).sum(),
        lambda t: t.min(axis=1, keepdims=True).sum(),
    ],
)
def test_max_and_min_gradients_keep_the_float32_dtype(reduce):
    a = Tensor([[1.0, 3.0, 3.0], [2.0, -1.0, 0.0]], requires_grad=True)
    reduce(a).backward()
    assert a.grad.dtype == np.float32


def test_numbers_and_arrays_on_either_side_keep_the_tensor_dtype():
    t = Tensor([1.0, 2.0, 3.0])
    for result in (t * 2, 2 * t, t + 1.5, t / 3, 1 - t, t**2, 2**t, t * np.float64(2.0),
                   t + np.ones(3), np.ones(3) + t, np.ones(3) * t, np.ones(3) - t, np.ones(3) / t):
        assert isinstance(result, Tensor)
        assert result.dtype == np.float32
    t64 = Tensor([1.0, 2.0], dtype=np.float64)
    assert (t64 * 2).dtype == np.float64
    assert (np.ones(2, dtype=np.float32) + t64).dtype == np.float64


def test_numpy_array_on_the_left_returns_a_tensor_with_the_right_values():
    t = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = np.array([10.0, 20.0, 30.0]) - t
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(out.data, [9.0, 18.0, 27.0])
    out.sum().backward()
    np.testing.assert_array_equal(t.grad, [-1.0, -1.0, -1.0])
    m = np.eye(3) @ t
    assert isinstance(m, Tensor) and m.shape == (3,)


def test_integer_tensor_cannot_require_grad():
    assert Tensor([1, 2], dtype=np.int64).dtype == np.int64
    with pytest.raises(TypeError, match="floating-point"):
        Tensor([1, 2], dtype=np.int64, requires_grad=True)


# ---- gradient bookkeeping ----


def test_leaf_gradients_never_alias_each_other():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([4.0, 5.0, 6.0], requires_grad=True)
    c = a + b
    c.backward(np.ones(3))
    assert not np.shares_memory(a.grad, b.grad)
    assert not np.shares_memory(a.grad, c.grad)
    a.grad += 100  # changing one gradient in place leaves the others alone
    np.testing.assert_array_equal(b.grad, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(c.grad, [1.0, 1.0, 1.0])


@pytest.mark.parametrize(
    "build",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a.reshape(3, 1).T.reshape(3) + b.permute(0),
        lambda a, b: a[:] + b[::1],
        lambda a, b: a.sum() + b,
    ],
)
def test_leaf_gradients_do_not_alias_views_or_the_seed(build):
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([4.0, 5.0, 6.0], requires_grad=True)
    seed = np.array([1.0, 2.0, 3.0])
    out = build(a, b)
    out.backward(seed)
    arrays = [a.grad, b.grad, out.grad, seed]
    for i, first in enumerate(arrays):
        for second in arrays[i + 1:]:
            if first is not out.grad and second is not out.grad:
                assert not np.shares_memory(first, second)
    assert a.grad.flags.writeable and b.grad.flags.writeable


def test_intermediate_gradients_are_released_unless_retained():
    # as in PyTorch: leaves (and the root) keep their gradients, intermediates let go
    x = Tensor([[0.5, -1.0], [2.0, 1.5]], requires_grad=True, dtype=np.float64)
    w = Tensor([[1.0], [-0.5]], requires_grad=True, dtype=np.float64)
    hidden = x @ w
    activated = hidden.tanh()
    loss = activated.sum()
    activated.retain_grad()
    assert activated.retains_grad and not hidden.retains_grad and not x.retains_grad
    loss.backward()
    assert hidden.grad is None
    np.testing.assert_allclose(activated.grad, np.ones((2, 1)))
    assert x.grad is not None and w.grad is not None and loss.grad == 1.0


def test_keep_all_grads_keeps_every_tensors_gradient():
    x = Tensor([[0.5, -1.0], [2.0, 1.5]], requires_grad=True, dtype=np.float64)
    w = Tensor([[1.0], [-0.5]], requires_grad=True, dtype=np.float64)
    hidden = x @ w
    activated = hidden.tanh()
    loss = activated.sum()
    loss.backward(keep_all_grads=True)
    for node in topo_order(loss):
        assert node.grad is not None, node.op
        assert node.grad.shape == node.shape
    np.testing.assert_allclose(hidden.grad, 1 - np.tanh(hidden.data) ** 2)
    np.testing.assert_allclose(activated.grad, np.ones((2, 1)))


def test_constants_get_no_gradient():
    a = Tensor([1.0, 2.0], requires_grad=True)
    const = Tensor([3.0, 4.0])
    (a * const).sum().backward()
    assert const.grad is None
    np.testing.assert_array_equal(a.grad, [3.0, 4.0])


def test_results_of_constants_do_not_require_grad_and_build_no_graph():
    out = Tensor([1.0, 2.0]) * 3 + Tensor([1.0, 1.0])
    assert not out.requires_grad and out.is_leaf and out.parents == ()


def test_leaf_gradients_accumulate_and_intermediates_start_afresh():
    a = Tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    middle = a * a
    middle.retain_grad()
    loss = middle.sum()
    loss.backward(retain_graph=True)
    loss.backward(retain_graph=True)
    np.testing.assert_array_equal(a.grad, [4.0, 8.0])  # 2 * 2a
    np.testing.assert_array_equal(middle.grad, [1.0, 1.0])  # not 2: never stale
    a.grad = None
    loss.backward()
    np.testing.assert_array_equal(a.grad, [2.0, 4.0])


def test_retain_graph_false_frees_the_graph_and_the_error_changes_nothing():
    a = Tensor([1.0, 2.0], requires_grad=True)
    loss = (a.exp() * a).sum()
    loss.backward()
    before = a.grad.copy()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        loss.backward()
    np.testing.assert_array_equal(a.grad, before)
    # a new graph from the same leaf works and accumulates
    (a.exp() * a).sum().backward()
    np.testing.assert_allclose(a.grad, 2 * before)


def test_backward_with_an_explicit_upstream_gradient():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True, dtype=np.float64)
    out = a * a
    out.backward(grad=[1.0, 0.0, -1.0])
    np.testing.assert_array_equal(a.grad, [2.0, 0.0, -6.0])
    b = Tensor([1.0, 2.0], requires_grad=True)
    (b * 3).backward(grad=Tensor([1.0, 1.0]))
    np.testing.assert_array_equal(b.grad, [3.0, 3.0])


def test_backward_on_a_leaf_accumulates_the_seed():
    a = Tensor(2.0, requires_grad=True)
    a.backward()
    a.backward()
    assert a.grad.item() == 2.0


def test_no_grad_builds_constants_and_restores_the_mode():
    a = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        out = (a * 2).sum()
        inner = a.exp()
    assert not out.requires_grad and not inner.requires_grad
    assert out.parents == () and out.op == ""
    with pytest.raises(RuntimeError, match="does not require grad"):
        out.backward()
    assert a.grad is None
    after = (a * 2).sum()
    assert after.requires_grad


def test_no_grad_restores_the_mode_after_an_error():
    a = Tensor([1.0], requires_grad=True)
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            raise ZeroDivisionError
    assert (a * 2).requires_grad


# ---- detach, item, numpy, len, repr ----


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_detach_is_a_constant_leaf_with_the_same_data_and_dtype(dtype):
    a = Tensor([1.0, 2.0], requires_grad=True, dtype=dtype)
    product = a * 3
    b = product.detach()
    assert not b.requires_grad and b.is_leaf and b.parents == ()
    assert b.op == "detach" and b.data is product.data  # marked as a cut; the data shared
    assert b.dtype == dtype
    np.testing.assert_array_equal(b.data, [3.0, 6.0])
    out = (b * a).sum()
    out.backward()
    np.testing.assert_array_equal(a.grad, [3.0, 6.0])  # no gradient flows through b
    assert b.grad is None


def test_item():
    assert Tensor(2.5).item() == 2.5
    assert isinstance(Tensor([[7.0]]).item(), float)
    assert Tensor([[7.0]]).item() == 7.0
    with pytest.raises(ValueError, match=r"shape \(2,\) has 2 elements"):
        Tensor([1.0, 2.0]).item()


def test_numpy_shares_the_data():
    a = Tensor(np.arange(3.0, dtype=np.float32))
    array = a.numpy()
    assert isinstance(array, np.ndarray) and array is a.data
    assert a.numpy().dtype == np.float32


def test_float32_array_is_used_without_a_copy():
    array = np.arange(3.0, dtype=np.float32)
    assert Tensor(array).data is array
    assert Tensor(np.arange(3.0)).data.dtype == np.float32


def test_len_shape_ndim_size():
    a = Tensor(np.zeros((3, 4, 2)))
    assert len(a) == 3
    assert a.shape == (3, 4, 2) and a.ndim == 3 and a.size == 24
    with pytest.raises(TypeError, match="0-d"):
        len(Tensor(1.0))


def test_repr():
    assert repr(Tensor([1.0, 2.0])) == "Tensor([1., 2.])"
    assert repr(Tensor([1.0, 2.0], requires_grad=True)) == "Tensor([1., 2.], requires_grad=True)"
    assert repr(Tensor(3.0, dtype=np.float64)) == "Tensor(3., dtype=float64)"
    assert "label='w'" in repr(Tensor([1.0], label="w"))
    assert "requires_grad" not in repr(Tensor([1.0]) * 2)


def test_retain_grad_returns_the_tensor():
    a = Tensor([1.0], requires_grad=True)
    b = a * 2
    assert b.retain_grad() is b


def test_numbers_meet_a_float64_tensor_in_float64():
    # a constant on the other side must not pass through float32 on its way in
    t = Tensor([1.0, 3.0], dtype=np.float64)
    np.testing.assert_array_equal((t * 0.1).data, np.array([1.0, 3.0]) * 0.1)
    np.testing.assert_array_equal((0.1 + t).data, 0.1 + np.array([1.0, 3.0]))
    np.testing.assert_array_equal((t - np.array([0.1, 0.2])).data, [1.0 - 0.1, 3.0 - 0.2])
    x = Tensor(0.0, requires_grad=True, dtype=np.float64)
    (2.0**x).backward()
    assert x.grad == np.log(2.0)


def test_gradient_of_a_0d_tensor_is_an_ndarray():
    w, x = Tensor(-2.0, requires_grad=True), Tensor(5.0, requires_grad=True)
    (w * x).backward()
    assert isinstance(w.grad, np.ndarray) and isinstance(x.grad, np.ndarray)


def test_mixed_dtypes_give_each_tensor_a_gradient_of_its_own_dtype():
    a = Tensor([1.0, 2.0], requires_grad=True)  # float32
    b = Tensor([3.0, 4.0], requires_grad=True, dtype=np.float64)
    w = Tensor(np.ones((2, 2)), requires_grad=True, dtype=np.float64)
    out = (a * b) @ w  # computed in float64, as numpy promotes
    assert out.dtype == np.float64
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64 and w.grad.dtype == np.float64
    np.testing.assert_array_equal(a.grad, [6.0, 8.0])
