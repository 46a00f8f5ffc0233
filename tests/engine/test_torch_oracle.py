"""PyTorch as the oracle: the same computation gives the same values and gradients.

Runs only where torch is installed (the `bench` extra); skipped otherwise.
"""

import numpy as np
import pytest

from tinygrad_edu import Tensor, Value, cat, cross_entropy, stack, where

torch = pytest.importorskip("torch")
F = torch.nn.functional


def both(arrays, ours, theirs, upstream_seed=0):
    """Run ours on float64 Tensors and theirs on float64 torch tensors; compare the
    output and every input gradient."""
    mine = [Tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    reference = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out, expected = ours(*mine), theirs(*reference)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = np.random.default_rng(upstream_seed).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream, dtype=torch.float64))
    for t, r in zip(mine, reference, strict=True):
        expected_grad = np.zeros(t.shape) if r.grad is None else r.grad.numpy()
        got = np.zeros(t.shape) if t.grad is None else t.grad
        np.testing.assert_allclose(got, expected_grad, rtol=1e-9, atol=1e-12)


rng = np.random.default_rng(42)
X = rng.standard_normal((3, 4))
Y = rng.standard_normal((3, 4))
POS = rng.uniform(0.2, 3.0, (3, 4))
ROW = rng.standard_normal(4)
COL = rng.standard_normal((3, 1))
TIES = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [0.0, -1.0, 5.0, 5.0]])

UNARY = {
    "neg": (lambda t: -t, lambda r: -r),
    "exp": (lambda t: t.exp(), torch.exp),
    "log": (lambda t: t.log(), torch.log),
    "sqrt": (lambda t: t.sqrt(), torch.sqrt),
    "abs": (lambda t: t.abs(), torch.abs),
    "tanh": (lambda t: t.tanh(), torch.tanh),
    "sigmoid": (lambda t: t.sigmoid(), torch.sigmoid),
    "relu": (lambda t: t.relu(), torch.relu),
    "leaky_relu": (lambda t: t.leaky_relu(0.2), lambda r: F.leaky_relu(r, 0.2)),
    "elu": (lambda t: t.elu(1.5), lambda r: F.elu(r, 1.5)),
    "pow": (lambda t: t**3, lambda r: r**3),
    "rpow": (lambda t: 2.0**t, lambda r: 2.0**r),
    "softmax": (lambda t: t.softmax(axis=0), lambda r: torch.softmax(r, dim=0)),
    "log_softmax": (lambda t: t.log_softmax(), lambda r: torch.log_softmax(r, dim=-1)),
    "sum": (lambda t: t.sum(axis=1, keepdims=True), lambda r: r.sum(dim=1, keepdim=True)),
    "mean": (lambda t: t.mean(axis=(0, 1)), lambda r: r.mean(dim=(0, 1))),
    "max": (lambda t: t.max(axis=1), lambda r: torch.amax(r, dim=1)),
    "min": (lambda t: t.min(axis=0, keepdims=True), lambda r: torch.amin(r, dim=0, keepdim=True)),
    "max_all": (lambda t: t.max(), torch.amax),
    "reshape": (lambda t: t.reshape(2, 6), lambda r: r.reshape(2, 6)),
    "T": (lambda t: t.T, lambda r: r.T),
    "slice": (lambda t: t[1:, ::2], lambda r: r[1:, ::2]),
    "repeats": (lambda t: t[[0, 2, 0, 0]], lambda r: r[[0, 2, 0, 0]]),
    "mask": (lambda t: t[TIES > 1.5], lambda r: r[torch.tensor(TIES > 1.5)]),
}


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("data", [POS, TIES], ids=["positive", "ties"])
# TIES holds 0 and negatives: log and sqrt must give torch's inf/nan there (numpy warns)
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_unary_ops_match_torch(name, data):
    ours, theirs = UNARY[name]
    both([data], ours, theirs)


@pytest.mark.parametrize(
    "ours, theirs, arrays",
    [
        (lambda a, b: a + b, lambda a, b: a + b, [X, ROW]),
        (lambda a, b: a - b, lambda a, b: a - b, [COL, ROW]),
        (lambda a, b: a * b, lambda a, b: a * b, [X, COL]),
        (lambda a, b: a / b, lambda a, b: a / b, [X, POS]),
        (lambda a, b: a**b, lambda a, b: a**b, [POS, Y]),
        (lambda a, b: a @ b.T, lambda a, b: a @ b.T, [X, Y]),
        (lambda a, b: a @ b, lambda a, b: a @ b, [X, ROW]),
        (lambda a, b: a @ b, lambda a, b: a @ b,
         [rng.standard_normal((2, 1, 3, 4)), rng.standard_normal((5, 4, 2))]),
        (lambda a, b: cat([a, b], axis=1), lambda a, b: torch.cat([a, b], dim=1), [X, COL]),
        (lambda a, b: stack([a, b], axis=-1), lambda a, b: torch.stack([a, b], dim=-1), [X, Y]),
        (lambda a, b: where(X > 0, a, b), lambda a, b: torch.where(torch.tensor(X > 0), a, b),
         [ROW, COL]),
    ],
)
def test_binary_ops_match_torch(ours, theirs, arrays):
    both(arrays, ours, theirs)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_matches_torch(reduction):
    target = np.array([3, 0, 3])
    both([X], lambda t: cross_entropy(t, target, reduction=reduction),
         lambda r: F.cross_entropy(r, torch.tensor(target), reduction=reduction))
    probs = np.exp(Y) / np.exp(Y).sum(axis=1, keepdims=True)
    both([X], lambda t: cross_entropy(t, probs, reduction=reduction),
         lambda r: F.cross_entropy(r, torch.tensor(probs), reduction=reduction))
    extreme = np.array([[5000.0, -5000.0, 0.0, 1.0], [-5000.0, 5000.0, 4999.0, 0.0]])
    both([extreme], lambda t: cross_entropy(t, [1, 2], reduction=reduction),
         lambda r: F.cross_entropy(r, torch.tensor([1, 2]), reduction=reduction))


def test_value_engine_matches_torch():
    a, b = Value(0.7), Value(-1.3)
    out = (a * b + a.tanh()) / (b * b + 1) + (a.sigmoid(decompose=True) + 0.5) ** b.elu()
    out.backward()
    ta = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(-1.3, dtype=torch.float64, requires_grad=True)
    expected = (ta * tb + ta.tanh()) / (tb * tb + 1) + (ta.sigmoid() + 0.5) ** F.elu(tb)
    expected.backward()
    assert out.data == pytest.approx(expected.item(), rel=1e-12)
    assert (a.grad, b.grad) == pytest.approx((ta.grad.item(), tb.grad.item()), rel=1e-10)
