"""Second derivatives through nn layers and losses: gradgradcheck with respect to the
input and every parameter, and a gradient penalty's parameter gradients against PyTorch."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, grad, gradgradcheck


def gradgradcheck_module(module, x):
    """gradgradcheck the module's output (squared, so both chain-rule terms show) with
    respect to its input and every parameter."""
    slots = [(owner, name) for owner in module.modules() for name, p in owner.named_parameters()
             if "." not in name and p is not None]
    params = [Tensor(np.ascontiguousarray(getattr(owner, name).data), requires_grad=True,
                     dtype=np.float64) for owner, name in slots]

    def run(x, *copies):  # gradgradcheck hands us float64 copies: put them in the module
        for (owner, name), copy in zip(slots, copies, strict=True):
            object.__setattr__(owner, name, copy)
        out = module(x)
        return out * out

    return gradgradcheck(run, x, *params)


def float64(*shape, seed=0, low=-1.5, high=1.5):
    return Tensor(np.random.default_rng(seed).uniform(low, high, shape), requires_grad=True,
                  dtype=np.float64)


LAYERS = {
    "Linear": lambda: nn.Linear(3, 2, dtype=np.float64, generator=np.random.default_rng(1)),
    "Linear(bias=False)": lambda: nn.Linear(3, 2, bias=False, dtype=np.float64,
                                            generator=np.random.default_rng(2)),
    "Maxout": lambda: nn.Maxout(3, 2, pieces=2, dtype=np.float64,
                                generator=np.random.default_rng(3)),
    "PReLU": lambda: nn.PReLU(3, dtype=np.float64),
    "BatchNorm1d": lambda: nn.BatchNorm1d(3, dtype=np.float64, track_running_stats=False),
    "MLP": lambda: nn.Sequential(
        nn.Linear(3, 4, dtype=np.float64, generator=np.random.default_rng(4)), nn.Tanh(),
        nn.Linear(4, 2, dtype=np.float64, generator=np.random.default_rng(5)), nn.Sigmoid()),
    "ELU": lambda: nn.ELU(0.5),
    "Softmax": lambda: nn.Softmax(axis=1),
    "LogSoftmax": lambda: nn.LogSoftmax(axis=1),
}


@pytest.mark.parametrize("name", LAYERS)
def test_layers_have_right_second_derivatives(name):
    x = float64(4, 3, seed=len(name))
    if name in ("PReLU", "ELU"):  # away from the kink at 0
        x.data[np.abs(x.data) < 0.1] += 0.3
    assert gradgradcheck_module(LAYERS[name](), x)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_losses_have_right_second_derivatives(reduction):
    logits, target = float64(3, 4, seed=1), float64(3, 4, seed=2, low=0.1, high=0.9)
    assert gradgradcheck(lambda x: F.cross_entropy(x, [0, 3, 1], reduction=reduction), logits)
    assert gradgradcheck(lambda x, t: F.binary_cross_entropy_with_logits(
        x, t, reduction=reduction), logits, target)
    assert gradgradcheck(lambda p, t: F.binary_cross_entropy(p, t, reduction=reduction),
                         float64(3, 4, seed=3, low=0.1, high=0.9), target)
    assert gradgradcheck(lambda x, t: F.mse_loss(x, t, reduction=reduction), logits, target)


def test_a_gradient_penalty_matches_pytorch():
    """(‖∂D/∂x‖ - 1)² for a Linear-Tanh-Linear critic: its gradient with respect to the
    parameters mixes second derivatives of every layer."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    critic = nn.Sequential(nn.Linear(2, 5, dtype=np.float64, generator=rng), nn.Tanh(),
                           nn.Linear(5, 1, dtype=np.float64, generator=rng))
    points = rng.standard_normal((6, 2))

    x = Tensor(points, requires_grad=True, dtype=np.float64)
    (slope,) = grad(critic(x).sum(), x, create_graph=True)
    penalty = ((((slope ** 2).sum(axis=1)).sqrt() - 1) ** 2).mean()
    penalty.backward()

    w1, b1, w2, b2 = (torch.tensor(p.data, requires_grad=True) for p in critic.parameters())
    x_t = torch.tensor(points, requires_grad=True)
    out = torch.tanh(x_t @ w1.T + b1) @ w2.T + b2
    (slope_t,) = torch.autograd.grad(out.sum(), x_t, create_graph=True)
    penalty_t = (((slope_t ** 2).sum(dim=1).sqrt() - 1) ** 2).mean()
    penalty_t.backward()

    assert penalty.item() == pytest.approx(penalty_t.item(), rel=1e-12)
    np.testing.assert_allclose(slope.data, slope_t.detach().numpy(), rtol=1e-12)
    for ours, theirs in zip(critic.parameters(), (w1, b1, w2, b2), strict=True):
        # the output bias does not change ∂D/∂x: no gradient at all (None) in both
        expected = np.zeros(ours.shape) if theirs.grad is None else theirs.grad.numpy()
        got = np.zeros(ours.shape) if ours.grad is None else ours.grad
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)
    assert critic[2].bias.grad is None and w2.grad is not None
