"""nn.functional: losses against their formulas and gradcheck; softmax; accuracy; ensembles."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, gradcheck


def rand(*shape, seed=0, requires_grad=True):
    return Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=requires_grad,
                  dtype=np.float64)


def log_softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


# ---- cross-entropy ----


def test_cross_entropy_with_indices_and_one_hot_agree():
    logits = rand(5, 4)
    target = np.array([0, 3, 1, 1, 2])
    expected = -log_softmax(logits.data)[np.arange(5), target].mean()
    one_hot_int = np.eye(4, dtype=np.int64)[target]
    for t in (target, one_hot_int, one_hot_int.astype(np.float64)):
        np.testing.assert_allclose(F.cross_entropy(logits, t).item(), expected, rtol=1e-10)
        assert gradcheck(lambda z, t=t: F.cross_entropy(z, t), logits)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_reductions(reduction):
    logits, target = rand(3, 4, seed=1), np.array([1, 0, 3])
    per_sample = -log_softmax(logits.data)[np.arange(3), target]
    expected = {"mean": per_sample.mean(), "sum": per_sample.sum(), "none": per_sample}[reduction]
    np.testing.assert_allclose(F.cross_entropy(logits, target, reduction=reduction).data, expected)


def test_nll_of_log_softmax_is_cross_entropy():
    logits, target = rand(4, 3, seed=2), np.array([2, 0, 1, 1])
    nll = F.nll_loss(F.log_softmax(logits, axis=1), target)
    np.testing.assert_allclose(nll.item(), F.cross_entropy(logits, target).item(), rtol=1e-10)
    assert gradcheck(lambda z: F.nll_loss(F.log_softmax(z, dim=1), target), logits)


# ---- regression and binary losses ----


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss(reduction):
    prediction, target = rand(4, 2, seed=3), np.random.default_rng(4).standard_normal((4, 2))
    squared = (prediction.data - target) ** 2
    expected = {"mean": squared.mean(), "sum": squared.sum(), "none": squared}[reduction]
    np.testing.assert_allclose(F.mse_loss(prediction, target, reduction).data, expected)
    assert gradcheck(lambda p: F.mse_loss(p, target, reduction), prediction)
    with pytest.raises(ValueError, match="target of shape"):
        F.mse_loss(prediction, np.zeros(3))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy(reduction):
    rng = np.random.default_rng(5)
    p = Tensor(rng.uniform(0.05, 0.95, (6, 1)), requires_grad=True, dtype=np.float64)
    t = rng.integers(0, 2, (6, 1)).astype(np.float64)
    per = -(t * np.log(p.data) + (1 - t) * np.log(1 - p.data))
    expected = {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]
    np.testing.assert_allclose(F.binary_cross_entropy(p, t, reduction).data, expected, rtol=1e-10)
    assert gradcheck(lambda q: F.binary_cross_entropy(q, t, reduction), p)


def test_binary_cross_entropy_at_exactly_zero_and_one_is_finite():
    p = Tensor(np.array([0.0, 1.0, 0.0, 1.0]), requires_grad=True)
    loss = F.binary_cross_entropy(p, np.array([0.0, 1.0, 1.0, 0.0]), reduction="sum")
    assert loss.item() == pytest.approx(200.0)  # log floored at -100, as PyTorch
    loss.backward()
    assert np.isfinite(p.grad).all()
    with pytest.raises(ValueError, match="probabilities"):
        F.binary_cross_entropy(Tensor([1.5]), [1.0])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_with_logits_matches_sigmoid_then_bce(reduction):
    x = rand(7, seed=6)
    t = np.random.default_rng(7).uniform(0, 1, 7)  # soft targets are allowed
    sigma = 1 / (1 + np.exp(-x.data))
    per = -(t * np.log(sigma) + (1 - t) * np.log(1 - sigma))
    expected = {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]
    out = F.binary_cross_entropy_with_logits(x, t, reduction)
    np.testing.assert_allclose(out.data, expected, rtol=1e-10)
    assert gradcheck(lambda z: F.binary_cross_entropy_with_logits(z, t, reduction), x)


def test_binary_cross_entropy_with_logits_is_stable_for_huge_logits():
    x = Tensor(np.array([-1000.0, 1000.0, 800.0]), requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, np.array([1.0, 0.0, 1.0]), reduction="none")
    np.testing.assert_allclose(loss.data, [1000.0, 1000.0, 0.0])
    loss.sum().backward()
    np.testing.assert_allclose(x.grad, [-1.0, 1.0, 0.0])


def test_unknown_reduction_is_an_error():
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(rand(2), np.zeros(2), reduction="average")


# ---- softmax and friends ----


def test_softmax_and_log_softmax_functions():
    x = rand(3, 4, seed=8)
    np.testing.assert_allclose(F.softmax(x).data.sum(axis=-1), 1.0)
    np.testing.assert_allclose(F.log_softmax(x, dim=1).data, log_softmax(x.data), rtol=1e-12)
    np.testing.assert_allclose(F.softmax(x, axis=0).data.sum(axis=0), 1.0)
    assert gradcheck(lambda z: F.softmax(z, axis=0), x)


def test_function_forms_of_activations():
    x = rand(5, seed=9)
    np.testing.assert_allclose(F.relu(x).data, np.maximum(x.data, 0))
    np.testing.assert_allclose(F.sigmoid(x).data, 1 / (1 + np.exp(-x.data)))
    np.testing.assert_allclose(F.tanh(x).data, np.tanh(x.data))
    leaky = np.where(x.data > 0, x.data, 0.2 * x.data)
    np.testing.assert_allclose(F.leaky_relu(x, 0.2).data, leaky)
    np.testing.assert_allclose(F.elu(x).data, np.where(x.data > 0, x.data, np.expm1(x.data)))
    slope = Tensor([0.3], requires_grad=True, dtype=np.float64)
    assert gradcheck(F.prelu, x, slope)


# ---- accuracy ----


def test_accuracy_multiclass_binary_and_one_hot():
    logits = Tensor(np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0], [0.2, 0.1]]))
    assert F.accuracy(logits, [0, 1, 1, 0]) == 0.75
    assert F.accuracy(logits, np.eye(2)[[0, 1, 1, 0]]) == 0.75
    probabilities = Tensor(np.array([[0.9], [0.2], [0.6], [0.4]]))
    assert F.accuracy(probabilities, np.array([[1], [0], [0], [0]])) == 0.75
    assert F.accuracy(Tensor([3.0, -1.0]), [1, 1], threshold=0.0) == 0.5
    with pytest.raises(ValueError, match="3 targets"):
        F.accuracy(logits, [0, 1, 1])


# ---- ensembles ----


def test_ensemble_averages_the_predicted_probabilities():
    np.random.seed(0)
    models = [nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 3)) for _ in range(3)]
    x = Tensor(np.random.randn(5, 3))
    softmaxes = [F.softmax(model(x)).data for model in models]
    ensemble = nn.Ensemble(models)
    np.testing.assert_allclose(ensemble(x).data, np.mean(softmaxes, axis=0), rtol=1e-6)
    np.testing.assert_allclose(nn.average_probabilities(models, x), np.mean(softmaxes, axis=0),
                               rtol=1e-6)
    assert len(list(ensemble.parameters())) == 12
    assert list(ensemble.state_dict())[0] == "models.0.0.weight"


def test_average_probabilities_runs_in_eval_mode_and_restores_modes():
    models = [nn.Sequential(nn.Linear(2, 1), nn.Dropout(0.9)) for _ in range(2)]
    x = np.ones((3, 2))
    first = nn.average_probabilities(models, x, to_probabilities="sigmoid")
    second = nn.average_probabilities(models, x, to_probabilities="sigmoid")
    np.testing.assert_array_equal(first, second)  # no dropout noise
    assert all(model.training for model in models)
    with pytest.raises(ValueError, match="to_probabilities"):
        nn.Ensemble(models, to_probabilities="argmax")
