"""nn.utils.clip_grad_norm_ and clip_grad_value_ behave as PyTorch's (what the RNN
examples rely on against exploding gradients)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu.nn as nn
from tinygrad_edu import Tensor

torch = pytest.importorskip("torch")


def pairs(grads):
    ours = [Tensor(np.zeros_like(g), requires_grad=True, dtype=np.float64) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for o, t, g in zip(ours, theirs, grads, strict=True):
        o.grad, t.grad = g.copy(), torch.tensor(g)
    return ours, theirs


@given(st.floats(0.01, 20.0), st.sampled_from([1.0, 2.0, 3.0, float("inf")]),
       st.integers(0, 1000))
def test_clip_grad_norm_equals_pytorch_and_returns_the_total_norm(max_norm, norm_type, seed):
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal(5) * 4, rng.standard_normal((2, 3))]
    ours, theirs = pairs(grads)
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    their_total = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total, float)
    assert total == pytest.approx(float(their_total), rel=1e-10)
    for o, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=1e-10)


def test_clip_grad_norm_skips_parameters_without_gradients():
    ours, theirs = pairs([np.array([3.0, 4.0])])
    ours.append(Tensor(np.zeros(2), requires_grad=True))
    theirs.append(torch.zeros(2, requires_grad=True))
    assert nn.utils.clip_grad_norm_(ours, 1.0) == pytest.approx(
        float(torch.nn.utils.clip_grad_norm_(theirs, 1.0)))
    assert ours[1].grad is None
    assert nn.utils.clip_grad_norm_([Tensor(np.zeros(2), requires_grad=True)], 1.0) == 0.0


@given(st.floats(0.01, 3.0), st.integers(0, 1000))
def test_clip_grad_value_equals_pytorch(clip_value, seed):
    grads = [np.random.default_rng(seed).standard_normal((3, 2)) * 2]
    ours, theirs = pairs(grads)
    nn.utils.clip_grad_value_(ours, clip_value)
    torch.nn.utils.clip_grad_value_(theirs, clip_value)
    np.testing.assert_array_equal(ours[0].grad, theirs[0].grad.numpy())
