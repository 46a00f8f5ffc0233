"""Regression tests for the nn disagreements of issue 11: layer dtypes, PReLU's channel
axis, init argument checks and gradients for loss targets (PyTorch as the oracle where
installed)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.nn.init as init
from tinygrad_edu import Tensor, gradcheck

# ---- dtype= on every layer that owns parameters ----

LAYERS_WITH_PARAMETERS = {
    "Linear": lambda dtype: nn.Linear(3, 2, dtype=dtype),
    "Linear(bias=False)": lambda dtype: nn.Linear(3, 2, bias=False, dtype=dtype),
    "Maxout": lambda dtype: nn.Maxout(3, 2, pieces=3, dtype=dtype),
    "PReLU": lambda dtype: nn.PReLU(3, dtype=dtype),
    "BatchNorm1d": lambda dtype: nn.BatchNorm1d(3, dtype=dtype),
}


@pytest.mark.parametrize("name", LAYERS_WITH_PARAMETERS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_layer_honours_dtype(name, dtype):
    layer = LAYERS_WITH_PARAMETERS[name](dtype)
    parameters = list(layer.parameters())
    assert parameters, name
    assert {p.dtype for p in parameters} == {np.dtype(dtype)}, name
    x = Tensor(np.random.default_rng(0).standard_normal((4, 3)), dtype=dtype)
    out = layer(x)
    assert out.dtype == np.dtype(dtype), name
    out.sum().backward()
    assert all(p.grad.dtype == np.dtype(dtype) for p in parameters), name


def test_linear_float64_keeps_its_precision():
    layer = nn.Linear(1, 1, bias=False, dtype=np.float64)
    layer.weight.data[...] = 1 + 1e-12  # not representable in float32
    assert layer(Tensor([[1.0]], dtype=np.float64)).item() != 1.0


# the required arguments of the nn classes that need some; every other class is built bare
REQUIRED_ARGUMENTS = {"Linear": (3, 2), "Maxout": (3, 2), "BatchNorm1d": (3,), "RBM": (3, 2),
                      "Ensemble": ([nn.Identity()],), "ValueMLP": ([2, 2, 1],),
                      "Conv2d": (2, 3, 3), "MaxPool2d": (2,), "AvgPool2d": (2,),
                      "BatchNorm2d": (3,)}
REQUIRED_ARGUMENTS.update({name: (3, 2) for name in ("Embedding", "RNNCell", "LSTMCell",
                                                      "GRUCell", "RNN", "LSTM", "GRU")})


def test_every_nn_class_that_owns_parameters_takes_dtype():
    """A new layer with parameters must take dtype= too (and make them of that dtype)."""
    import inspect

    owners = []
    for name in nn.__all__:
        cls = getattr(nn, name)
        if not (inspect.isclass(cls) and issubclass(cls, nn.Module)):
            continue
        arguments = REQUIRED_ARGUMENTS.get(name, ())
        if not list(cls(*arguments).parameters()):
            continue
        owners.append(name)
        assert "dtype" in inspect.signature(cls).parameters, name
        built = cls(*arguments, dtype=np.float64)
        assert {p.dtype for p in built.parameters()} == {np.dtype(np.float64)}, name
    assert {"Linear", "Maxout", "PReLU", "BatchNorm1d", "RBM", "Conv2d",
            "BatchNorm2d"} <= set(owners)


# ---- PReLU: num_parameters on axis 1, as in PyTorch ----


def test_prelu_channels_are_on_axis_1_of_a_sequence():
    prelu = nn.PReLU(num_parameters=3, init=0.0)
    prelu.weight.data[...] = [0.1, 0.2, 0.3]
    x = -np.ones((2, 3, 3))  # (N, C, L) with L == C: the old last-axis rule was silently wrong
    out = prelu(Tensor(x)).data
    np.testing.assert_allclose(out[:, :, 0], [[-0.1, -0.2, -0.3]] * 2, rtol=1e-6)
    np.testing.assert_allclose(out[0, 1, :], [-0.2] * 3, rtol=1e-6)


def test_prelu_refuses_a_channel_count_that_does_not_fit():
    with pytest.raises(ValueError, match=r"prelu: 3 slopes .* \(2, 4\) has 4 channels on axis 1"):
        nn.PReLU(3)(Tensor(np.ones((2, 4))))
    with pytest.raises(ValueError, match="num_parameters must be at least 1"):
        nn.PReLU(0)


@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 4), (2, 3, 2, 2)])
def test_prelu_gradients_on_axis_1(shape):
    rng = np.random.default_rng(3)
    x = Tensor(rng.standard_normal(shape), requires_grad=True, dtype=np.float64)
    slopes = Tensor(rng.uniform(0.1, 0.5, 3), requires_grad=True, dtype=np.float64)
    assert gradcheck(F.prelu, x, slopes)


@settings(max_examples=20)
@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=4), seed=st.integers(0, 999))
def test_prelu_puts_one_slope_on_each_channel_of_axis_1(shape, seed):
    rng = np.random.default_rng(seed)
    channels = shape[1]
    x = rng.standard_normal(shape)
    slopes = rng.uniform(0.1, 0.9, channels)
    out = F.prelu(Tensor(x, dtype=np.float64), Tensor(slopes, dtype=np.float64)).data
    for c in range(channels):  # channel c, wherever it sits in the other axes
        plane = x[:, c]
        np.testing.assert_allclose(out[:, c], np.where(plane > 0, plane, slopes[c] * plane),
                                   rtol=1e-12)


def test_prelu_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 5))
    slopes = rng.uniform(0.1, 0.5, 3)
    upstream = rng.standard_normal(x.shape)
    ours_x = Tensor(x, requires_grad=True, dtype=np.float64)
    ours_w = Tensor(slopes, requires_grad=True, dtype=np.float64)
    out = F.prelu(ours_x, ours_w)
    out.backward(upstream)
    theirs_x = torch.tensor(x, requires_grad=True)
    theirs_w = torch.tensor(slopes, requires_grad=True)
    expected = torch.nn.functional.prelu(theirs_x, theirs_w)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours_x.grad, theirs_x.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours_w.grad, theirs_w.grad.numpy(), rtol=1e-12)


# ---- init: arguments that describe no distribution are refused ----


@pytest.mark.parametrize("call, message", [
    (lambda t: init.normal_(t, std=-1), r"init.normal_: std must be 0 or more, got -1"),
    (lambda t: init.normal_(t, std=float("nan")), r"std must be 0 or more, got nan"),
    (lambda t: init.uniform_(t, 1, 0), r"init.uniform_: needs a <= b .*a=1, b=0"),
])
def test_init_refuses_impossible_arguments_and_changes_nothing(call, message):
    tensor = Tensor(np.arange(4.0))
    with pytest.raises(ValueError, match=message) as error:
        call(tensor)
    assert "\n" not in str(error.value)
    np.testing.assert_array_equal(tensor.data, np.arange(4.0))


def test_init_still_accepts_the_edges():
    tensor = Tensor(np.ones(3))
    np.testing.assert_array_equal(init.normal_(tensor, mean=2.0, std=0).data, [2.0] * 3)
    np.testing.assert_array_equal(init.uniform_(tensor, 0.5, 0.5).data, [0.5] * 3)


# ---- loss targets that require grad get their gradient ----

BINARY_LOSSES = {
    "binary_cross_entropy": (F.binary_cross_entropy, (0.05, 0.95)),
    "binary_cross_entropy_with_logits": (F.binary_cross_entropy_with_logits, (-3.0, 3.0)),
}


@pytest.mark.parametrize("name", BINARY_LOSSES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_loss_targets_get_gradients_matching_gradcheck(name, reduction):
    loss, (low, high) = BINARY_LOSSES[name]
    rng = np.random.default_rng(5)
    x = Tensor(rng.uniform(low, high, (4, 3)), requires_grad=True, dtype=np.float64)
    t = Tensor(rng.uniform(0, 1, (4, 3)), requires_grad=True, dtype=np.float64)
    assert gradcheck(lambda x, t: loss(x, t, reduction=reduction), x, t)


@pytest.mark.parametrize("name", BINARY_LOSSES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_loss_target_gradients_match_pytorch(name, reduction):
    torch = pytest.importorskip("torch")
    loss, (low, high) = BINARY_LOSSES[name]
    rng = np.random.default_rng(6)
    x, t = rng.uniform(low, high, (4, 3)), rng.uniform(0, 1, (4, 3))
    ours_x = Tensor(x, requires_grad=True, dtype=np.float64)
    ours_t = Tensor(t, requires_grad=True, dtype=np.float64)
    out = loss(ours_x, ours_t, reduction=reduction)
    (out.sum() if reduction == "none" else out).backward()
    theirs_x = torch.tensor(x, requires_grad=True)
    theirs_t = torch.tensor(t, requires_grad=True)
    expected = getattr(torch.nn.functional, name)(theirs_x, theirs_t, reduction=reduction)
    expected.sum().backward()
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours_x.grad, theirs_x.grad.numpy(), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(ours_t.grad, theirs_t.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_a_target_without_requires_grad_stays_out_of_the_graph():
    x = Tensor(np.array([0.3, 0.6]), requires_grad=True, dtype=np.float64)
    target = Tensor(np.array([0.0, 1.0]), dtype=np.float64)
    loss = F.binary_cross_entropy(x, target)
    assert loss.parents == (x,)
    loss.backward()
    assert target.grad is None
