"""One cross-entropy: `tinygrad_edu.cross_entropy` is `F.cross_entropy`; it takes class
indices, one-hot rows (int, bool, float) and probabilities, and probability targets
that require grad get PyTorch's gradient."""

import numpy as np
import pytest

import tinygrad_edu
import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, gradcheck

RNG = np.random.default_rng(11)
LOGITS = RNG.standard_normal((5, 4))
INDICES = np.array([3, 0, 1, 1, 2])
PROBABILITIES = RNG.dirichlet(np.ones(4), size=5)


def test_there_is_one_cross_entropy():
    assert tinygrad_edu.cross_entropy is F.cross_entropy


@pytest.mark.parametrize("one_hot", [
    np.eye(4, dtype=np.int64)[INDICES],
    np.eye(4, dtype=np.int32)[INDICES],
    np.eye(4, dtype=bool)[INDICES],
    np.eye(4)[INDICES],
    np.eye(4, dtype=np.float32)[INDICES].tolist(),
], ids=["int64", "int32", "bool", "float64", "list"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_one_hot_rows_of_any_dtype_equal_class_indices(one_hot, reduction):
    by_index = Tensor(LOGITS, requires_grad=True, dtype=np.float64)
    by_row = Tensor(LOGITS, requires_grad=True, dtype=np.float64)
    a = tinygrad_edu.cross_entropy(by_index, INDICES, reduction=reduction)
    b = tinygrad_edu.cross_entropy(by_row, one_hot, reduction=reduction)
    np.testing.assert_allclose(b.data, a.data, rtol=1e-12)
    upstream = np.arange(1.0, 6.0) if reduction == "none" else None
    a.backward(upstream)
    b.backward(upstream)
    np.testing.assert_allclose(by_row.grad, by_index.grad, rtol=1e-12)


def test_one_sample_of_shape_c():
    logits = Tensor(LOGITS[0], requires_grad=True, dtype=np.float64)
    loss = tinygrad_edu.cross_entropy(logits, 3)
    row = tinygrad_edu.cross_entropy(Tensor(LOGITS[0], dtype=np.float64), np.eye(4)[3])
    expected = -(LOGITS[0][3] - np.log(np.exp(LOGITS[0]).sum()))
    assert loss.item() == pytest.approx(expected) == row.item()
    assert gradcheck(lambda x: tinygrad_edu.cross_entropy(x, 3), logits)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_probability_targets_get_gradients_that_pass_gradcheck(reduction):
    logits = Tensor(LOGITS, requires_grad=True, dtype=np.float64)
    target = Tensor(PROBABILITIES, requires_grad=True, dtype=np.float64)
    assert gradcheck(lambda x, t: F.cross_entropy(x, t, reduction=reduction), logits, target)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("kind", ["indices", "probabilities", "one-hot ints"])
def test_matches_pytorch(kind, reduction):
    torch = pytest.importorskip("torch")
    target = {"indices": INDICES, "probabilities": PROBABILITIES,
              "one-hot ints": np.eye(4, dtype=np.int64)[INDICES]}[kind]
    learned = kind == "probabilities"
    ours_x = Tensor(LOGITS, requires_grad=True, dtype=np.float64)
    ours_t = Tensor(target, requires_grad=learned, dtype=target.dtype)
    theirs_x = torch.tensor(LOGITS, requires_grad=True)
    theirs_t = torch.tensor(target.astype(np.float64) if kind == "one-hot ints" else target,
                            requires_grad=learned)
    out = F.cross_entropy(ours_x, ours_t, reduction=reduction)
    expected = torch.nn.functional.cross_entropy(theirs_x, theirs_t, reduction=reduction)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12)
    upstream = RNG.standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(ours_x.grad, theirs_x.grad.numpy(), rtol=1e-10, atol=1e-14)
    if learned:
        np.testing.assert_allclose(ours_t.grad, theirs_t.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_targets_without_requires_grad_stay_out_of_the_graph():
    logits = Tensor(LOGITS, requires_grad=True, dtype=np.float64)
    target = Tensor(PROBABILITIES, dtype=np.float64)
    loss = F.cross_entropy(logits, target)
    assert loss.parents == (logits,)


@pytest.mark.parametrize("target, error, message", [
    (np.array([0.0, 1.0, 2.0, 1.0, 0.0]), ValueError, "float targets are class probabilities"),
    (np.array([0, 1, 4, 1, 0]), ValueError, "target 4 is out of range for 4 classes"),
    (np.array([0, 1]), ValueError, r"logits of shape \(5, 4\) need 5 targets, got 2"),
    (np.array(["a"] * 5), TypeError, "class indices"),
])
def test_bad_targets_are_refused_in_one_line(target, error, message):
    with pytest.raises(error, match=message) as raised:
        F.cross_entropy(Tensor(LOGITS), target)
    assert "\n" not in str(raised.value)


# ---- the shapes PyTorch refuses are refused here, never a silent number ----

ODD_TARGETS = [
    ((2,), np.array([1, 1])), ((2,), np.array([0, 0])), ((2,), np.array([1, 0])),
    ((3, 4), np.zeros((3, 1), dtype=np.int64)), ((3, 4), np.array([0, 1, 2, 3])),
    ((1, 4), np.array(2)), ((3, 4), np.zeros((3, 4), dtype=np.int64)),
    ((3, 4), np.full((3, 4), 1, dtype=np.int64)), ((3, 4), np.array([[0, 1, 0, 0]] * 3) * 2),
    ((3, 4), np.zeros(3, dtype=bool)),
]


@pytest.mark.parametrize("shape, target", ODD_TARGETS,
                         ids=[f"{s}-{t.dtype}{t.shape}" for s, t in ODD_TARGETS])
def test_targets_pytorch_refuses_are_refused_in_one_line(shape, target):
    torch = pytest.importorskip("torch")
    logits = np.random.default_rng(0).normal(size=shape)
    with pytest.raises((RuntimeError, ValueError, IndexError)):
        torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target))
    with pytest.raises((ValueError, TypeError)) as raised:
        F.cross_entropy(Tensor(logits, dtype=np.float64), target)
    text = str(raised.value)
    assert text.startswith("cross_entropy:") and "\n" not in text


@pytest.mark.parametrize("shape, target", [
    ((4,), np.array(2)), ((4,), np.array([2])), ((4,), np.eye(4)[1]), ((3, 4), np.array([0, 3, 1])),
    ((3, 4), np.eye(4)[[0, 3, 1]]),
])
def test_targets_pytorch_accepts_give_its_loss(shape, target):
    torch = pytest.importorskip("torch")
    logits = np.random.default_rng(1).normal(size=shape)
    expected = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target))
    got = F.cross_entropy(Tensor(logits, dtype=np.float64), target)
    assert got.item() == pytest.approx(expected.item(), rel=1e-12)


def test_int_one_hot_rows_of_a_batch_are_kept_and_checked():
    logits = Tensor(LOGITS, dtype=np.float64)
    rows = np.eye(4, dtype=np.int64)[INDICES]
    assert F.cross_entropy(logits, rows).item() == pytest.approx(
        F.cross_entropy(logits, INDICES).item())
    rows[2] = [1, 1, 0, 0]
    with pytest.raises(ValueError, match=r"row 2 is \[1, 1, 0, 0\], not one 1 among 0s"):
        F.cross_entropy(logits, rows)


def test_nll_loss_refuses_what_pytorch_refuses():
    log_probs = F.log_softmax(Tensor(LOGITS[:3], dtype=np.float64), axis=1)
    for target in (np.zeros((3, 1), dtype=np.int64), np.array([0.0, 1.0, 2.0]), [0, 1],
                   [0, 1, 9]):
        with pytest.raises(ValueError, match="nll_loss:") as raised:
            F.nll_loss(log_probs, target)
        assert "\n" not in str(raised.value)
    one = F.nll_loss(F.log_softmax(Tensor(LOGITS[0], dtype=np.float64)), 2)
    assert one.item() == pytest.approx(F.cross_entropy(Tensor(LOGITS[0], dtype=np.float64),
                                                       2).item())
