"""The lecture's worked example and the classic engine pitfalls."""

import math
import sys

import numpy as np
import pytest

from tinygrad_edu import Tensor, Value, no_grad, topo_order


def test_f_equals_w_x_plus_b():
    w, x, b = Value(-2.0, label="w"), Value(5.0, label="x"), Value(3.0, label="b")
    f = w * x + b
    f.backward()
    assert f.data == -7.0
    assert (w.grad, x.grad, b.grad) == (5.0, -2.0, 1.0)


def test_f_equals_w_x_plus_b_on_tensors_agrees():
    w, x, b = (Tensor(v, requires_grad=True, dtype=np.float64) for v in (-2.0, 5.0, 3.0))
    f = w * x + b
    f.backward()
    assert f.item() == -7.0
    assert (w.grad.item(), x.grad.item(), b.grad.item()) == (5.0, -2.0, 1.0)


@pytest.mark.parametrize("make", [lambda v: Value(v), lambda v: Tensor(v, requires_grad=True)])
def test_intermediate_gradients_are_never_stale(make):
    # y = x³ at x = 3: dy/dx = 3x² = 27 on every pass; a stale x*x gradient would give 45
    x = make(3.0)
    y = x * x * x
    y.backward(retain_graph=True)
    assert float(x.grad) == 27.0
    x.grad = 0.0 if isinstance(x, Value) else None
    y.backward()
    assert float(x.grad) == 27.0


@pytest.mark.parametrize("make", [lambda v: Value(v), lambda v: Tensor(v, requires_grad=True)])
def test_leaf_gradients_accumulate_until_zeroed(make):
    x = make(2.0)
    (x * x).backward()
    (x * x).backward()
    assert float(x.grad) == 8.0


@pytest.mark.parametrize("make", [lambda v: Value(v), lambda v: Tensor(v, requires_grad=True)])
def test_second_backward_through_freed_graph_raises_and_changes_nothing(make):
    x = make(3.0)
    y = x * x
    y.backward()
    before = float(x.grad)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
    assert float(x.grad) == before


def test_million_node_chain_under_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0
    assert y.data == 1_000_000.5


def test_no_grad_records_nothing():
    x = Value(2.0)
    t = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        y = x * x
        u = (t * t).sum()
    assert y.parents == () and y.is_leaf
    assert u.parents == () and not u.requires_grad
    assert topo_order(y) == [y]


def test_parents_are_a_tuple_in_argument_order():
    a, b = Value(1.0), Value(2.0)
    c = b * a
    assert c.parents == (b, a)
    assert isinstance(c.parents, tuple)


@pytest.mark.parametrize("x", [1000.0, -1000.0])
def test_fused_and_decomposed_sigmoid_are_finite_at_extremes(x):
    for decompose in (False, True):
        v = Value(x)
        s = v.sigmoid(decompose=decompose)
        s.backward()
        assert math.isfinite(s.data) and math.isfinite(v.grad)


@pytest.mark.parametrize("x", [-3.0, -0.5, 0.0, 0.7, 4.0])
def test_sigmoid_fused_equals_decomposed(x):
    fused_in, decomposed_in = Value(x), Value(x)
    fused = fused_in.sigmoid()
    decomposed = decomposed_in.sigmoid(decompose=True)
    fused.backward()
    decomposed.backward()
    sigma = 1 / (1 + math.exp(-x))
    assert fused.data == pytest.approx(sigma, rel=1e-12)
    assert decomposed.data == pytest.approx(sigma, rel=1e-12)
    assert fused_in.grad == pytest.approx(sigma * (1 - sigma), rel=1e-12)
    assert decomposed_in.grad == pytest.approx(sigma * (1 - sigma), rel=1e-12)
    # the decomposed graph is the lecture's four gates: ×(-1) → exp → +1 → 1/x
    ops = [node.op for node in topo_order(decomposed) if node.op]
    assert ops == ["*", "exp", "+", "1/x"]
    assert fused.op == "sigmoid"


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_family_names_a_tuple_axis_clearly(op):
    t = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=f"^{op}: axis must be a single int, got \\(0, 1\\)$"):
        getattr(t, op)(axis=(0, 1))


def test_log_and_sqrt_backward_at_zero_give_inf_without_warnings(recwarn):
    t = Tensor([0.0, 4.0], requires_grad=True)
    (t.log().sum() + t.sqrt().sum()).backward()
    assert np.isinf(t.grad[0]) and t.grad[1] == pytest.approx(0.25 + 0.25)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_gradcheck_accepts_column_major_inputs():
    from tinygrad_edu import gradcheck

    weight = Tensor(np.asfortranarray(np.arange(6.0).reshape(2, 3)), requires_grad=True)
    x = Tensor(np.ones((4, 3)), dtype=np.float64)
    assert gradcheck(lambda w: (x @ w.T).tanh().sum(), weight)
