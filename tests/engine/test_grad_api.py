"""Gradients of gradients on both engines: backward(create_graph=True) and grad(),
checked against formulas, central differences of the first derivative, and PyTorch."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_edu import Tensor, Value, grad

RNG = np.random.default_rng(7)


def leaf(data):
    return Tensor(np.asarray(data, dtype=np.float64), requires_grad=True, dtype=np.float64)


def nth_derivatives(fn, x0: float, n: int) -> list[float]:
    """d/dx, d²/dx², ... of fn at x0, by differentiating the gradient again and again."""
    x = Value(x0)
    out, found = fn(x), []
    for _ in range(n):
        (out,) = grad(out, x, create_graph=True)
        found.append(out.data)
    return found


@given(st.floats(-2.0, 2.0))
def test_derivatives_of_tanh_follow_the_formulas(x0):
    t = math.tanh(x0)
    first, second, third = nth_derivatives(lambda x: x.tanh(), x0, 3)
    assert first == pytest.approx(1 - t * t)
    assert second == pytest.approx(-2 * t * (1 - t * t), abs=1e-12)
    assert third == pytest.approx((1 - t * t) * (6 * t * t - 2), abs=1e-12)


def test_x_cubed_has_derivatives_3x2_6x_6_0():
    assert nth_derivatives(lambda x: x ** 3, 1.5, 4) == pytest.approx([6.75, 9.0, 6.0, 0.0])


@given(st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
def test_mixed_second_derivatives_of_a_product(a0, b0):
    """f = a²b + sin(a)b: ∂²f/∂a∂b = 2a + cos a, ∂²f/∂a² = 2b − sin(a) b."""
    a, b = Value(a0), Value(b0)
    f = a * a * b + a.sin() * b
    grad_a, grad_b = grad(f, [a, b], create_graph=True)
    assert grad_a.data == pytest.approx(2 * a0 * b0 + math.cos(a0) * b0)
    d2_aa, d2_ab = grad(grad_a, [a, b])
    assert d2_aa.data == pytest.approx(2 * b0 - math.sin(a0) * b0, abs=1e-12)
    assert d2_ab.data == pytest.approx(2 * a0 + math.cos(a0), abs=1e-12)


def test_second_derivative_matches_central_differences_of_the_first_value_ops():
    fns = [lambda x: x.exp() * x.sigmoid(), lambda x: (x * x + 1).log(), lambda x: x ** x,
           lambda x: 1 / (x * x + 0.5), lambda x: x.elu() * x, lambda x: x.cos().sqrt()]
    eps = 1e-6
    for fn in fns:
        x0 = 0.6

        def derivative(v, fn=fn):
            x = Value(v)
            (g,) = grad(fn(x), x)
            return g.data

        _, second = nth_derivatives(fn, x0, 2)
        numeric = (derivative(x0 + eps) - derivative(x0 - eps)) / (2 * eps)
        assert second == pytest.approx(numeric, rel=1e-5, abs=1e-6)


def test_backward_with_create_graph_leaves_differentiable_grads():
    x = Value(2.0)
    y = x ** 3
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 12.0
    first = x.grad
    x.grad = 0.0
    first.backward()
    assert x.grad == 12.0  # d(3x²)/dx = 6x


def test_tensor_hessian_vector_product_of_a_matmul_model():
    """f(w) = Σ tanh(X w)²; the Hessian-vector product from grad-of-grad equals H v
    with H written out by hand."""
    X = RNG.standard_normal((5, 3))
    w0, v = RNG.standard_normal(3), RNG.standard_normal(3)
    w = leaf(w0)
    f = ((Tensor(X, dtype=np.float64) @ w).tanh() ** 2).sum()
    (g,) = grad(f, w, create_graph=True)
    (hv,) = grad((g * Tensor(v, dtype=np.float64)).sum(), w)
    t = np.tanh(X @ w0)
    # f = Σ t², df/dz = 2 t (1 − t²), d²f/dz² = 2(1 − t²)(1 − 3t²)
    curvature = 2 * (1 - t**2) * (1 - 3 * t**2)
    np.testing.assert_allclose(g.data, X.T @ (2 * t * (1 - t**2)), rtol=1e-10)
    np.testing.assert_allclose(hv.data, X.T @ (curvature * (X @ v)), rtol=1e-10)


def test_tensor_second_derivatives_match_central_differences():
    fns = [lambda t: (t.sigmoid() * t).sum(), lambda t: t.softmax(0).log()[0],
           lambda t: (t @ t.reshape(3, 1)).sum() ** 2, lambda t: t.log_softmax().sum() * t[0],
           lambda t: (t.reshape(1, 3) / (t * t + 1)).mean(), lambda t: t.max() * t.sum()]
    x0 = np.array([0.3, -0.8, 1.1])
    eps = 1e-6
    for fn in fns:
        x = leaf(x0)
        (g,) = grad(fn(x), x, create_graph=True)
        direction = np.array([0.2, 0.5, -0.7])
        (hv,) = grad((g * Tensor(direction, dtype=np.float64)).sum(), x)

        def gradient(at, fn=fn):
            t = leaf(at)
            (first,) = grad(fn(t), t)
            return first.data

        numeric = (gradient(x0 + eps * direction) - gradient(x0 - eps * direction)) / (2 * eps)
        np.testing.assert_allclose(hv.data, numeric, rtol=1e-5, atol=1e-7)


def test_grad_options():
    x, unused = leaf([1.0, 2.0]), leaf([3.0])
    out = (x * x).sum()
    with pytest.raises(RuntimeError, match="not used"):
        grad(out, [x, unused], retain_graph=True)
    gx, none = grad(out, [x, unused], allow_unused=True, retain_graph=True)
    assert none is None and np.array_equal(gx.data, [2.0, 4.0])
    assert x.grad is None  # grad() never touches .grad
    y = x * 3
    (gy,) = grad(y, x, grad_outputs=np.array([1.0, -1.0]))
    np.testing.assert_array_equal(gy.data, [3.0, -3.0])
    with pytest.raises(RuntimeError, match="freed"):
        grad(out, x)
        grad(out, x)


def test_against_torch_second_derivatives():
    torch = pytest.importorskip("torch")
    x0 = RNG.standard_normal((3, 4))
    w0 = RNG.standard_normal((4, 2))
    x, w = leaf(x0), leaf(w0)
    loss = ((x @ w).gelu().softplus() * (x @ w).sin()).sum()
    (gw,) = grad(loss, w, create_graph=True)
    (hw,) = grad((gw * gw).sum(), w)
    tx = torch.tensor(x0, requires_grad=True)
    tw = torch.tensor(w0, requires_grad=True)
    z = tx @ tw
    tloss = (torch.nn.functional.softplus(torch.nn.functional.gelu(z, approximate="tanh"))
             * z.sin()).sum()
    (tgw,) = torch.autograd.grad(tloss, tw, create_graph=True)
    (thw,) = torch.autograd.grad((tgw * tgw).sum(), tw)
    np.testing.assert_allclose(gw.data, tgw.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(hw.data, thw.numpy(), rtol=1e-9)


def test_tensor_backward_with_create_graph_gives_tensor_grads_with_a_graph():
    x = leaf([1.0, -2.0, 0.5])
    (x ** 3).sum().backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Tensor) and first.requires_grad
    np.testing.assert_allclose(first.data, 3 * x.data ** 2)
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad, 6 * x.data)


def test_create_graph_through_a_rule_that_cannot_is_refused_clearly():
    from tinygrad_edu import ops

    @ops.declare("plain_square", symbol="x²", math="d(a²)/da = 2a", local=("2·{0}",),
                 differentiable=False)
    def plain_rule(node, upstream):
        return (upstream * 2 * np.asarray(node.parents[0].data),)

    x = leaf([1.0, 2.0])
    out = ops.apply(plain_rule, x.data ** 2, (x,)).sum()
    with pytest.raises(RuntimeError, match="'plain_square'.*plain numbers only"):
        grad(out, x, create_graph=True)
    (g,) = grad(out, x)  # the ordinary pass is fine
    np.testing.assert_array_equal(g.data, [2.0, 4.0])
