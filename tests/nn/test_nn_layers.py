"""Layers and activations: outputs against formulas, gradients against gradcheck (float64)."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, gradcheck, no_grad


def gradcheck_module(module, x):
    """gradcheck the module's output with respect to its input and every parameter."""
    slots = [(owner, name) for owner in module.modules() for name in owner._parameters
             if owner._parameters[name] is not None]
    # gradcheck perturbs its inputs through a flat view, which needs C order (a Linear
    # weight is stored in F order): hand it C-ordered float64 copies
    params = [Tensor(np.ascontiguousarray(getattr(owner, name).data), requires_grad=True,
                     dtype=np.float64) for owner, name in slots]

    def run(x, *copies):  # gradcheck hands us float64 copies: put them in the module
        for (owner, name), copy in zip(slots, copies, strict=True):
            object.__setattr__(owner, name, copy)
        return module(x)

    return gradcheck(run, x, *params)


def randn(*shape, seed=0, requires_grad=True):
    return Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=requires_grad,
                  dtype=np.float64)


# ---- Linear ----


def test_linear_matches_x_times_weight_transposed_plus_bias():
    layer = nn.Linear(4, 3)
    assert layer.weight.shape == (3, 4) and layer.bias.shape == (3,)
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    out = layer(Tensor(x))
    np.testing.assert_allclose(out.data, x @ layer.weight.data.T + layer.bias.data, rtol=1e-6)
    assert out.dtype == np.float32 and out.shape == (5, 3)


def test_linear_gradients():
    assert gradcheck_module(nn.Linear(4, 3), randn(5, 4))
    assert gradcheck_module(nn.Linear(4, 3, bias=False), randn(5, 4))
    assert gradcheck_module(nn.Linear(4, 3), randn(4))  # one sample, no batch axis
    assert gradcheck_module(nn.Linear(4, 2), randn(2, 3, 4))  # extra batch axes


def test_linear_weight_and_its_gradient_share_a_layout():
    layer = nn.Linear(5, 3)
    assert layer.weight.data.flags.f_contiguous  # weight.T is a row-major (in, out) matrix
    layer(Tensor(np.ones((4, 5)))).sum().backward()
    assert layer.weight.grad.flags.f_contiguous and layer.weight.grad.shape == (3, 5)
    np.testing.assert_allclose(layer.weight.grad, np.full((3, 5), 4.0))


def test_linear_without_bias_and_input_not_requiring_grad():
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    x = Tensor(np.ones((2, 3)))
    layer(x).sum().backward()
    assert x.grad is None
    np.testing.assert_allclose(layer.weight.grad, np.full((2, 3), 2.0))


def test_linear_shape_error_names_in_features():
    with pytest.raises(ValueError, match="in_features = 3"):
        nn.Linear(3, 2)(Tensor(np.ones((4, 5))))


def test_linear_init_by_name():
    np.random.seed(0)
    default = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    assert np.abs(default.weight.data).max() <= bound and np.abs(default.bias.data).max() <= bound
    assert abs(default.weight.data.std() - bound / np.sqrt(3)) < 0.05 * bound / np.sqrt(3)
    assert not nn.Linear(4, 3, init="zeros").weight.data.any()
    he = nn.Linear(400, 300, init="he")
    assert abs(he.weight.data.std() - np.sqrt(2 / 400)) < 0.05 * np.sqrt(2 / 400)
    assert not he.bias.data.any()
    small = nn.Linear(400, 300, init="small")
    assert abs(small.weight.data.std() - 0.01) < 0.0005
    custom = nn.Linear(2, 2, init=lambda w: nn.init.constant_(w, 0.5))
    np.testing.assert_array_equal(custom.weight.data, np.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="unknown scheme 'bogus'"):
        nn.Linear(2, 2, init="bogus")


def test_linear_init_is_reproducible_with_a_seed_or_generator():
    np.random.seed(3)
    first = nn.Linear(5, 4).weight.data.copy()
    np.random.seed(3)
    np.testing.assert_array_equal(nn.Linear(5, 4).weight.data, first)
    a = nn.Linear(5, 4, init="xavier", generator=np.random.default_rng(7))
    b = nn.Linear(5, 4, init="xavier", generator=np.random.default_rng(7))
    np.testing.assert_array_equal(a.weight.data, b.weight.data)


# ---- activations ----


@pytest.mark.parametrize("module, formula", [
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh),
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.LeakyReLU(0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    (nn.ELU(0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(x))),
    (nn.PReLU(), lambda x: np.where(x > 0, x, 0.25 * x)),
    (nn.Softmax(axis=1), lambda x: np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)),
    (nn.LogSoftmax(dim=1), lambda x: x - np.log(np.exp(x).sum(axis=1, keepdims=True))),
])
def test_activation_values_and_gradients(module, formula):
    x = randn(4, 3, seed=2)
    np.testing.assert_allclose(module(x).data, formula(x.data), rtol=1e-6, atol=1e-7)
    assert gradcheck_module(module, x)


def test_prelu_learns_its_slope_per_channel():
    prelu = nn.PReLU(num_parameters=3, init=0.1)
    assert prelu.weight.shape == (3,) and [n for n, _ in prelu.named_parameters()] == ["weight"]
    x = Tensor(np.array([[-1.0, 2.0, -3.0], [-2.0, -1.0, 1.0]]), requires_grad=True)
    prelu(x).sum().backward()
    np.testing.assert_allclose(prelu.weight.grad, [-3.0, -1.0, -3.0])  # Σ of negative inputs
    np.testing.assert_allclose(x.grad, [[0.1, 1.0, 0.1], [0.1, 0.1, 1.0]], rtol=1e-6)
    assert gradcheck_module(nn.PReLU(3), randn(5, 3, seed=4))


def test_maxout_takes_the_largest_piece():
    maxout = nn.Maxout(3, 2, pieces=4)
    assert maxout.linear.weight.shape == (8, 3)
    x = randn(5, 3, seed=5)
    pieces = (x.data @ maxout.linear.weight.data.T + maxout.linear.bias.data).reshape(5, 2, 4)
    np.testing.assert_allclose(maxout(x).data, pieces.max(axis=2), rtol=1e-6)
    assert gradcheck_module(maxout, x)
    assert "pieces=4" in repr(maxout)


# ---- Dropout ----


def test_dropout_statistics_while_training():
    np.random.seed(0)
    drop = nn.Dropout(p=0.3)
    x = Tensor(np.ones((200, 500)))
    out = drop(x).data
    dropped = (out == 0).mean()
    assert abs(dropped - 0.3) < 0.01
    np.testing.assert_allclose(out[out != 0], 1 / 0.7, rtol=1e-6)  # inverted: survivors scaled
    assert abs(out.mean() - 1.0) < 0.01  # the expected value is kept


def test_dropout_is_the_identity_in_eval_and_for_p_zero():
    x = Tensor(np.random.default_rng(0).standard_normal((4, 5)))
    assert nn.Dropout(0.5).eval()(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).data.any()
    with pytest.raises(ValueError, match="probability"):
        nn.Dropout(1.5)


def test_dropout_gradient_is_the_mask():
    x = randn(6, 4, seed=6)
    assert gradcheck(lambda x: F.dropout(x, 0.4, generator=np.random.default_rng(1)), x)
    out = F.dropout(x, 0.4, generator=np.random.default_rng(1))
    out.sum().backward()
    np.testing.assert_allclose(x.grad, (out.data != 0) / 0.6)


# ---- BatchNorm1d ----


def batchnorm_formula(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0)
    var = x.var(axis=0)  # biased, as the lecture's σ²_B
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def test_batchnorm_training_normalises_with_batch_statistics():
    bn = nn.BatchNorm1d(3)
    x = np.random.default_rng(0).standard_normal((8, 3)) * [1, 5, 0.1] + [2, -1, 7]
    out = bn(Tensor(x, dtype=np.float64)).data
    np.testing.assert_allclose(out, batchnorm_formula(x, 1.0, 0.0), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=2e-3)  # ε shrinks it a little


def test_batchnorm_running_statistics_follow_pytorch():
    bn = nn.BatchNorm1d(2)  # momentum 0.1, eps 1e-5
    assert bn.momentum == 0.1 and bn.eps == 1e-5
    rng = np.random.default_rng(1)
    running_mean, running_var = np.zeros(2), np.ones(2)
    for _ in range(3):
        x = rng.standard_normal((5, 2)) * 3 + 1
        bn(Tensor(x))
        running_mean = 0.9 * running_mean + 0.1 * x.mean(axis=0)
        running_var = 0.9 * running_var + 0.1 * x.var(axis=0, ddof=1)  # unbiased
    np.testing.assert_allclose(bn.running_mean, running_mean, rtol=1e-5)
    np.testing.assert_allclose(bn.running_var, running_var, rtol=1e-5)
    assert int(bn.num_batches_tracked) == 3


def test_batchnorm_eval_uses_running_statistics():
    bn = nn.BatchNorm1d(2)
    bn.running_mean = np.array([1.0, -2.0], dtype=np.float32)
    bn.running_var = np.array([4.0, 0.25], dtype=np.float32)
    bn.weight.data[:] = [2.0, 1.0]
    bn.bias.data[:] = [0.5, 0.0]
    bn.eval()
    x = np.array([[3.0, -2.0]])  # a single sample is fine in eval
    expected = [[2.0 * (3.0 - 1.0) / np.sqrt(4 + 1e-5) + 0.5, 0.0]]
    np.testing.assert_allclose(bn(Tensor(x)).data, expected, rtol=1e-5)
    train_out = bn.train()(Tensor(np.array([[3.0, -2.0], [1.0, 0.0]]))).data
    eval_out = bn.eval()(Tensor(np.array([[3.0, -2.0], [1.0, 0.0]]))).data
    assert not np.allclose(train_out, eval_out)


def test_batchnorm_gradient_flows_through_the_batch_statistics():
    bn = nn.BatchNorm1d(3, dtype=np.float64)
    bn.weight.data[:] = [1.5, -0.5, 2.0]
    bn.bias.data[:] = [0.1, 0.2, -0.3]
    assert gradcheck_module(bn, randn(6, 3, seed=8))
    # the gradient of Σ output w.r.t. x is 0: the mean of x̂ does not depend on x
    x = randn(6, 3, seed=9)
    nn.BatchNorm1d(3)(x).sum().backward()
    np.testing.assert_allclose(x.grad, 0, atol=1e-6)


def test_batchnorm_3d_input_and_errors():
    bn = nn.BatchNorm1d(2)
    x = np.random.default_rng(2).standard_normal((4, 2, 5))
    out = bn(Tensor(x)).data
    np.testing.assert_allclose(out.mean(axis=(0, 2)), 0, atol=1e-5)
    with pytest.raises(ValueError, match="more than one value"):
        bn(Tensor(np.ones((1, 2))))
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        bn(Tensor(np.ones((4, 3))))


def test_batchnorm_cumulative_average_when_momentum_is_none():
    bn = nn.BatchNorm1d(1, momentum=None)
    batches = [np.array([[1.0], [3.0]]), np.array([[5.0], [9.0]])]
    for x in batches:
        bn(Tensor(x))
    np.testing.assert_allclose(bn.running_mean, [(2.0 + 7.0) / 2])


# ---- containers ----


def test_sequential_indexing_and_iteration():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    assert model[0] is layers[0] and model[-1] is layers[2] and len(model) == 3
    assert list(model) == layers
    assert isinstance(model[:2], nn.Sequential) and len(model[:2]) == 2
    with pytest.raises(TypeError, match="not a Module"):
        nn.Sequential(nn.Linear(2, 2), F.relu)
    with no_grad():
        x = Tensor(np.ones((2, 2)))
        np.testing.assert_allclose(model(x).data, layers[2](layers[1](layers[0](x))).data)


def test_module_list_registers_its_members():
    blocks = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    assert [n for n, _ in blocks.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert len(blocks) == 2 and blocks[1] is list(blocks)[1]
