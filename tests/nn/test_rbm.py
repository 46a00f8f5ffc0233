"""RBM trained by contrastive divergence, DBN pre-training and fine-tuning."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor
from tinygrad_edu.data import DataLoader, TensorDataset
from tinygrad_edu.nn.rbm import RBM, pretrain_dbn
from tinygrad_edu.train import fit


def binary_patterns(n=240, bits=16, classes=4, flip=0.05, seed=0):
    """Noisy copies of a few random binary prototypes: a toy set with structure to learn."""
    rng = np.random.default_rng(seed)
    prototypes = rng.random((classes, bits)) < 0.5
    labels = rng.integers(0, classes, n)
    noise = rng.random((n, bits)) < flip
    return (prototypes[labels] ^ noise).astype(np.float32), labels


def test_reconstruction_error_falls():
    X, _ = binary_patterns()
    rbm = RBM(16, 8, seed=0)
    before = rbm.reconstruction_error(X)
    errors = rbm.fit(X, epochs=30, batch_size=16, lr=0.1)
    assert len(errors) == 30 and errors == rbm.reconstruction_errors
    assert errors[-1] < 0.5 * errors[0]
    assert rbm.reconstruction_error(X) < 0.4 * before
    random_patterns = (np.random.default_rng(9).random((100, 16)) < 0.5).astype(np.float32)
    assert rbm.free_energy(X).mean() < rbm.free_energy(random_patterns).mean()


def test_cd_k_with_more_gibbs_steps_also_learns():
    X, _ = binary_patterns(seed=1)
    rbm = RBM(16, 8, k=3, seed=1)
    errors = rbm.fit(X, epochs=20, batch_size=16)
    assert errors[-1] < 0.6 * errors[0]


def test_contrastive_divergence_fills_gradients_of_the_right_shapes_and_sign():
    X, _ = binary_patterns(n=32)
    rbm = RBM(16, 8, seed=2)
    error = rbm.contrastive_divergence(X)
    assert 0.0 < error < 1.0
    assert rbm.weight.grad.shape == (8, 16) and rbm.weight.grad.dtype == np.float32
    assert rbm.hidden_bias.grad.shape == (8,) and rbm.visible_bias.grad.shape == (16,)
    # Starting from tiny weights, the model reconstructs every unit at ~0.5, so the
    # visible bias gradient is -(data mean - 0.5): it pushes the biases toward the data.
    assert np.allclose(rbm.visible_bias.grad, -(X.mean(axis=0) - 0.5), atol=0.05)


def test_same_seed_same_rbm():
    X, _ = binary_patterns(n=64)
    a, b = RBM(16, 4, seed=5), RBM(16, 4, seed=5)
    assert a.fit(X, epochs=3) == b.fit(X, epochs=3)
    assert np.array_equal(a.weight.numpy(), b.weight.numpy())


def test_rbm_as_a_layer_and_input_checks():
    rbm = RBM(6, 3, seed=0)
    x = np.random.default_rng(0).random((2, 6)).astype(np.float32)
    assert np.allclose(rbm(Tensor(x)).numpy(), rbm.hidden_probabilities(x), atol=1e-6)
    assert [name for name, _ in rbm.named_parameters()] == ["weight", "hidden_bias",
                                                           "visible_bias"]
    with pytest.raises(ValueError, match=r"values in \[0, 1\]"):
        rbm.fit(x * 5)
    with pytest.raises(ValueError, match=r"shape \(samples, 6\)"):
        rbm.fit(x[:, :4])


def dbn_classifier(seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(16, 12, generator=rng), nn.Sigmoid(),
                         nn.Linear(12, 6, generator=rng), nn.Sigmoid(),
                         nn.Linear(6, 4, generator=rng))


def test_dbn_pretraining_sets_the_hidden_layers_then_fine_tuning_trains():
    X, y = binary_patterns()
    model = dbn_classifier()
    before = {name: value.copy() for name, value in model.state_dict().items()}
    rbms = pretrain_dbn(model, X, epochs=15, batch_size=16, seed=0)
    assert [(r.n_visible, r.n_hidden) for r in rbms] == [(16, 12), (12, 6)]
    for rbm, layer in zip(rbms, (model[0], model[2]), strict=True):
        assert np.array_equal(layer.weight.numpy(), rbm.weight.numpy())
        assert np.array_equal(layer.bias.numpy(), rbm.hidden_bias.numpy())
        assert rbm.reconstruction_errors[-1] < rbm.reconstruction_errors[0]
    after = model.state_dict()
    for name in ("0.weight", "0.bias", "2.weight"):
        assert not np.allclose(after[name], before[name])
    for name in ("4.weight", "4.bias"):  # the output layer is left to fine-tuning
        assert np.array_equal(after[name], before[name])

    loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True, seed=0)
    history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.5, momentum=0.9),
                  loader, epochs=15, progress=False)
    assert history.per_epoch("loss")[-1] < 0.3 * history.per_epoch("loss")[0]
    assert history.per_epoch("accuracy")[-1] > 0.9


def test_pretrain_dbn_checks_the_layers():
    model = dbn_classifier()
    X, _ = binary_patterns(n=32)
    assert len(pretrain_dbn(model, X, epochs=1, layers=1)) == 1
    with pytest.raises(ValueError, match="has 3 Linear layers"):
        pretrain_dbn(model, X, layers=4)
    with pytest.raises(ValueError, match="expects 16 inputs but receives 10"):
        pretrain_dbn(model, X[:, :10])


def test_rbm_and_dbn_are_reachable_as_nn_attributes():
    import tinygrad_edu.nn as nn
    from tinygrad_edu.nn import rbm

    assert nn.RBM is rbm.RBM and nn.pretrain_dbn is rbm.pretrain_dbn
