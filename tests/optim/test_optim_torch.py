"""PyTorch as an extra oracle (skipped when torch is not installed): the same gradients
must give the same weights, step after step; BatchNorm1d must track the same statistics."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor

torch = pytest.importorskip("torch")

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.2)),
    ("Adagrad", dict(lr=0.3, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.2)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, weight_decay=0.05)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3)),
]


@pytest.mark.parametrize("name, options", CONFIGS)
def test_same_weights_as_pytorch_step_after_step(name, options):
    rng = np.random.default_rng(0)
    start = rng.standard_normal((4, 3))
    ours = Tensor(start.copy(), requires_grad=True, dtype=np.float64)
    theirs = torch.tensor(start.copy(), requires_grad=True)
    our_optimizer = getattr(optim, name)([ours], **options)
    their_optimizer = getattr(torch.optim, name)([theirs], **options)
    for step in range(6):
        grad = rng.standard_normal((4, 3))
        ours.grad = grad.copy()
        theirs.grad = torch.tensor(grad.copy())
        our_optimizer.step()
        their_optimizer.step()
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=f"{name} {options} step {step + 1}")


def test_batchnorm_matches_pytorch_in_train_and_eval():
    rng = np.random.default_rng(1)
    ours = nn.BatchNorm1d(3, dtype=np.float64)
    theirs = torch.nn.BatchNorm1d(3, dtype=torch.float64)
    for _ in range(3):
        x = rng.standard_normal((6, 3)) * 2 + 1
        np.testing.assert_allclose(ours(Tensor(x, dtype=np.float64)).data,
                                   theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-6)
    x = rng.standard_normal((2, 3))
    np.testing.assert_allclose(ours.eval()(Tensor(x, dtype=np.float64)).data,
                               theirs.eval()(torch.tensor(x)).detach().numpy(), rtol=1e-6)


def test_losses_match_pytorch():
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((5, 1)) * 3
    target = rng.integers(0, 2, (5, 1)).astype(np.float64)
    ours = F.binary_cross_entropy_with_logits(Tensor(logits, dtype=np.float64), target)
    theirs = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(logits),
                                                                   torch.tensor(target))
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-10)
    probabilities = 1 / (1 + np.exp(-logits))
    ours = F.binary_cross_entropy(Tensor(probabilities, dtype=np.float64), target)
    theirs = torch.nn.functional.binary_cross_entropy(torch.tensor(probabilities),
                                                      torch.tensor(target))
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-10)


def test_clip_grad_norm_matches_pytorch():
    rng = np.random.default_rng(3)
    grads = [rng.standard_normal(4) * 3, rng.standard_normal((2, 2))]
    ours = [Tensor(np.zeros_like(g), requires_grad=True, dtype=np.float64) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for o, t, g in zip(ours, theirs, grads, strict=True):
        o.grad, t.grad = g.copy(), torch.tensor(g.copy())
    total = optim.clip_grad_norm_(ours, 1.5)
    their_total = torch.nn.utils.clip_grad_norm_(theirs, 1.5)
    assert total == pytest.approx(float(their_total), rel=1e-10)
    for o, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=1e-10)
