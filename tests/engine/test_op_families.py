"""The ops learners reach for: forward against numpy (and PyTorch where installed), first
derivatives against central differences (gradcheck), second derivatives against central
differences of the first (gradgradcheck), on broadcastable shapes and safe domains."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from tinygrad_edu import Tensor, Value, gradcheck, gradgradcheck

FLOATS = st.floats(-2.0, 2.0, allow_nan=False, width=64)


def leaf(data):
    return Tensor(np.asarray(data, dtype=np.float64), requires_grad=True, dtype=np.float64)


def spread(x: np.ndarray) -> np.ndarray:
    """Move elements apart (kinks of max/clip/relu stay away from central differences)."""
    return x + np.arange(x.size).reshape(x.shape) * 0.37


ARRAYS = array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3).flatmap(
    lambda shape: arrays(np.float64, shape, elements=FLOATS))

UNARY = {
    "sin": (lambda t: t.sin(), np.sin),
    "cos": (lambda t: t.cos(), np.cos),
    "softplus": (lambda t: t.softplus(), lambda x: np.log1p(np.exp(x))),
    "silu": (lambda t: t.silu(), lambda x: x / (1 + np.exp(-x))),
    "gelu": (lambda t: t.gelu(), lambda x: 0.5 * x * (1 + np.tanh(
        math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
    "log1p": (lambda t: (t * t).log1p(), lambda x: np.log1p(x * x)),
    "expm1": (lambda t: t.expm1(), np.expm1),
    "tanh": (lambda t: t.tanh(), np.tanh),
    "sigmoid": (lambda t: t.sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    "exp": (lambda t: t.exp(), np.exp),
    "sqrt": (lambda t: (t * t + 1).sqrt(), lambda x: np.sqrt(x * x + 1)),
    "log": (lambda t: (t * t + 1).log(), lambda x: np.log(x * x + 1)),
    "elu": (lambda t: t.elu(), lambda x: np.where(x > 0, x, np.expm1(x))),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(x=ARRAYS)
@settings(max_examples=8)
def test_elementwise_forward_first_and_second_derivatives(name, x):
    fn, reference = UNARY[name]
    if name == "elu":
        x = spread(x) + 0.05  # away from the kink at 0
    np.testing.assert_allclose(fn(leaf(x)).data, reference(x), rtol=1e-10, atol=1e-12)
    assert gradcheck(fn, leaf(x))
    assert gradgradcheck(fn, leaf(x))


@given(x=ARRAYS)
@settings(max_examples=10)
def test_maximum_minimum_clip_with_broadcasting(x):
    x = spread(x)
    other = spread(np.linspace(-1.5, 1.5, x.shape[-1])) + 0.011
    for fn, reference in [
        (lambda a, b: a.maximum(b) * a, lambda a, b: np.maximum(a, b) * a),
        (lambda a, b: a.minimum(b) * b, lambda a, b: np.minimum(a, b) * b),
        (lambda a, b: a.clip(-0.513, 0.917) * b, lambda a, b: np.clip(a, -0.513, 0.917) * b),
    ]:
        np.testing.assert_allclose(fn(leaf(x), leaf(other)).data, reference(x, other))
        assert gradcheck(fn, leaf(x), leaf(other))
        assert gradgradcheck(fn, leaf(x), leaf(other))


def test_ties_share_the_gradient_and_clamp_passes_its_bounds():
    a, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 0.0, 5.0])
    a.maximum(b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 1.0, 0.0])
    np.testing.assert_array_equal(b.grad, [0.5, 0.0, 1.0])
    c = leaf([-1.0, 0.0, 0.5, 1.0, 2.0])
    c.clamp(0.0, 1.0).sum().backward()
    np.testing.assert_array_equal(c.grad, [0, 1, 1, 1, 0])
    with pytest.raises(ValueError, match="clip: give min, max or both"):
        c.clip()


@given(x=ARRAYS, correction=st.sampled_from([0, 1]))
@settings(max_examples=10)
def test_var_std_logsumexp_along_every_axis(x, correction):
    x = spread(x)
    for axis in [None] + list(range(x.ndim)):
        count = x.size if axis is None else x.shape[axis]
        if count <= 1:  # var 0: √ has no derivative there (nan, as in PyTorch)
            continue
        np.testing.assert_allclose(leaf(x).var(axis, correction).data,
                                   np.var(x, axis=axis, ddof=correction), rtol=1e-10)
        np.testing.assert_allclose(leaf(x).std(axis, correction, keepdims=True).data,
                                   np.std(x, axis=axis, ddof=correction, keepdims=True),
                                   rtol=1e-10)
        lse = np.log(np.exp(x).sum(axis=axis))
        np.testing.assert_allclose(leaf(x).logsumexp(axis).data, lse, rtol=1e-10)
        for fn in [lambda t, a=axis: t.var(a, correction) * 1.0,
                   lambda t, a=axis: t.std(a, correction, keepdims=True),
                   lambda t, a=axis: t.logsumexp(a)]:
            assert gradcheck(fn, leaf(x))
            assert gradgradcheck(fn, leaf(x))


def test_logsumexp_is_stable_and_argmax_argmin_are_constants():
    big = leaf([1000.0, 1000.0])
    assert big.logsumexp().item() == pytest.approx(1000 + math.log(2))
    x = leaf([[0.5, 3.0, -1.0], [2.0, 2.5, 9.0]])
    assert x.argmax().item() == 5 and x.argmin(axis=1).data.tolist() == [2, 0]
    assert x.argmax(axis=0, keepdims=True).shape == (1, 3)
    assert not x.argmax().requires_grad and x.argmax().dtype == np.int64


def test_shape_ops_forward_and_gradients():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 1, 3))
    index = np.array([[[2, 0, 1]], [[1, 1, 0]]])
    cases = [
        (lambda t: t.squeeze(), x.squeeze()),
        (lambda t: t.squeeze(1), x.squeeze(1)),
        (lambda t: t.unsqueeze(0), x[None]),
        (lambda t: t.unsqueeze(-1), x[..., None]),
        (lambda t: t.expand(4, 2, 5, 3), np.broadcast_to(x, (4, 2, 5, 3))),
        (lambda t: t.expand(-1, 2, -1), np.broadcast_to(x, (2, 2, 3))),
        (lambda t: t.flip(), x[::-1, ::-1, ::-1]),
        (lambda t: t.flip(-1), x[..., ::-1]),
        (lambda t: t.pad(((0, 1), (2, 0), (1, 1))), np.pad(x, ((0, 1), (2, 0), (1, 1)))),
        (lambda t: t.pad(1, value=3.0), np.pad(x, 1, constant_values=3.0)),
        (lambda t: t.gather(2, index), np.take_along_axis(x, index, 2)),
        (lambda t: t.masked_fill(x > 0, -1.0), np.where(x > 0, -1.0, x)),
        (lambda t: t.transpose(0, 2), x.swapaxes(0, 2)),
        (lambda t: t.permute(2, 0, 1), x.transpose(2, 0, 1)),
    ]
    for fn, expected in cases:
        np.testing.assert_array_equal(fn(leaf(x)).data, expected)
        assert gradcheck(lambda t, fn=fn: fn(t) * fn(t), leaf(x))
        assert gradgradcheck(lambda t, fn=fn: fn(t) * fn(t), leaf(x))


def test_gather_repeats_add_up_and_split_chunk_give_the_pieces():
    x = leaf([[1.0, 2.0, 3.0]])
    x.gather(1, np.array([[0, 0, 2]])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[2.0, 0.0, 1.0]])
    y = leaf(np.arange(10.0))
    assert [p.shape for p in y.split(4)] == [(4,), (4,), (2,)]
    assert [p.shape for p in y.split([3, 7])] == [(3,), (7,)]
    assert [p.shape for p in y.chunk(3)] == [(4,), (4,), (2,)]
    pieces = y.chunk(2)
    (pieces[0] * 2 + pieces[1]).sum().backward()
    np.testing.assert_array_equal(y.grad, [2] * 5 + [1] * 5)
    with pytest.raises(ValueError, match="split: sizes"):
        y.split([3, 3])


def test_shape_op_errors_are_clear():
    x = leaf(np.zeros((2, 3)))
    for call, start in [(lambda: x.squeeze(0), "squeeze: "),
                        (lambda: x.unsqueeze(5), "unsqueeze: "),
                        (lambda: x.expand(4, 3), "expand: "), (lambda: x.pad(-1), "pad: "),
                        (lambda: x.gather(0, np.zeros(2, dtype=int)), "gather: "),
                        (lambda: x.transpose(0, 2), "transpose: "),
                        (lambda: x.permute(1), "permute: ")]:
        with pytest.raises(ValueError) as error:
            call()
        assert str(error.value).startswith(start)


@given(a=FLOATS, b=FLOATS)
def test_value_max_min_abs_and_their_second_derivatives(a, b):
    if abs(a - b) < 1e-3 or abs(a) < 1e-3:
        return
    assert Value(a).max(b).data == max(a, b) and Value(a).min(Value(b)).data == min(a, b)
    assert Value(a).abs().data == abs(a) and abs(Value(a)).data == abs(a)
    fns = [lambda x, y: x.max(y) * x, lambda x, y: x.min(y) * y * y,
           lambda x, y: x.abs() * y, lambda x, y: (x * x + 1).sqrt() * y.sin() + y.cos()]
    for fn in fns:
        assert gradcheck(fn, Value(a), Value(b))
        assert gradgradcheck(fn, Value(a), Value(b))


def test_value_max_gate_routes_the_gradient_to_the_larger_input():
    x, y = Value(3.0), Value(-1.0)
    z = x.max(y) * 2
    z.backward()
    assert (x.grad, y.grad) == (2.0, 0.0)


def test_new_ops_agree_with_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x0 = rng.standard_normal((3, 4))
    ours = [lambda t: t.gelu(), lambda t: t.silu(), lambda t: t.softplus(),
            lambda t: t.var(1), lambda t: t.std(0, correction=0), lambda t: t.logsumexp(1),
            lambda t: t.clamp(-0.5, 0.5), lambda t: (t * t).log1p()]
    theirs = [lambda t: torch.nn.functional.gelu(t, approximate="tanh"),
              torch.nn.functional.silu, torch.nn.functional.softplus,
              lambda t: t.var(1), lambda t: t.std(0, correction=0),
              lambda t: t.logsumexp(1), lambda t: t.clamp(-0.5, 0.5),
              lambda t: (t * t).log1p()]
    for mine, reference in zip(ours, theirs, strict=True):
        x = leaf(x0)
        out = mine(x)
        out.sum().backward()
        t = torch.tensor(x0, requires_grad=True)
        expected = reference(t)
        expected.sum().backward()
        np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-10, atol=1e-12)
