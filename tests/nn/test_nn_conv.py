"""Layers for images: Conv2d, MaxPool2d, AvgPool2d, Flatten, BatchNorm2d, Dropout2d.
Against PyTorch with state dicts copied across (outputs, gradients, running statistics),
PyTorch's parameter names, shapes and default initialisation, nn.init's fans of conv
weights, reprs, and one-line errors."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor


def f64(array, requires_grad=True):
    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad,
                  dtype=np.float64)


def state_of(torch_module) -> dict:
    return {name: value.detach().numpy() for name, value in torch_module.state_dict().items()}


def lenet(torch=None):
    """The LeNet-5-style net, from our nn or (given the module) from torch.nn."""
    layers = nn if torch is None else torch.nn
    return layers.Sequential(
        layers.Conv2d(1, 6, 5, padding=2), layers.BatchNorm2d(6), layers.ReLU(),
        layers.MaxPool2d(2), layers.Conv2d(6, 16, 5), layers.ReLU(), layers.AvgPool2d(2),
        layers.Flatten(), layers.Linear(400, 120), layers.ReLU(), layers.Linear(120, 10))


# ---- against PyTorch, state dict copied across ----


@pytest.mark.parametrize("settings", [
    {}, {"stride": 2}, {"padding": 1}, {"padding": (2, 0), "dilation": (1, 2)},
    {"stride": (1, 2), "bias": False}, {"kernel_size": (2, 3), "stride": 3, "padding": 1}])
def test_conv2d_layer_equals_pytorchs_with_its_state_dict(settings):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    arguments = {"kernel_size": 3} | settings
    theirs = torch.nn.Conv2d(3, 4, **arguments).double()
    ours = nn.Conv2d(3, 4, **arguments, dtype=np.float64)
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    ours.load_state_dict(state_of(theirs))
    x = np.random.default_rng(1).standard_normal((2, 3, 7, 6))
    mine, reference = f64(x), torch.tensor(x, requires_grad=True)
    out, out_t = ours(mine), theirs(reference)
    np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    upstream = np.random.default_rng(2).standard_normal(out.shape)
    out.backward(upstream)
    out_t.backward(torch.tensor(upstream))
    np.testing.assert_allclose(mine.grad, reference.grad.numpy(), rtol=1e-12, atol=1e-12)
    for (name, parameter), (_, parameter_t) in zip(ours.named_parameters(),
                                                   theirs.named_parameters(), strict=True):
        np.testing.assert_allclose(parameter.grad, parameter_t.grad.numpy(), rtol=1e-10,
                                   atol=1e-12, err_msg=name)


def test_a_small_cnn_trains_as_pytorchs_does():
    """Three SGD steps of conv → batch norm → relu → max pool → conv → relu → avg pool →
    flatten → linear: the same losses, gradients and running statistics as PyTorch."""
    torch = pytest.importorskip("torch")
    import tinygrad_edu.optim as optim

    torch.manual_seed(3)
    theirs = lenet(torch).double()
    ours = lenet().to(np.float64)
    ours.load_state_dict(state_of(theirs))
    optimizer = optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    optimizer_t = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(4)
    for _ in range(3):
        x, y = rng.standard_normal((4, 1, 28, 28)), rng.integers(0, 10, 4)
        optimizer.zero_grad()
        loss = F.cross_entropy(ours(f64(x, False)), y)
        loss.backward()
        optimizer_t.zero_grad()
        loss_t = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y))
        loss_t.backward()
        assert loss.item() == pytest.approx(loss_t.item(), rel=1e-10)
        for (name, p), p_t in zip(ours.named_parameters(), theirs.parameters(), strict=True):
            np.testing.assert_allclose(p.grad, p_t.grad.numpy(), rtol=1e-7, atol=1e-10,
                                       err_msg=name)
        optimizer.step()
        optimizer_t.step()
    for name, value in state_of(theirs).items():
        np.testing.assert_allclose(ours.state_dict()[name], value, rtol=1e-8, atol=1e-10,
                                   err_msg=name)
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((2, 1, 28, 28))
    np.testing.assert_allclose(ours(f64(x, False)).data,
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("momentum, affine, track", [
    (0.1, True, True), (None, True, True), (0.3, False, True), (0.1, True, False)])
def test_batchnorm2d_equals_pytorchs(momentum, affine, track):
    torch = pytest.importorskip("torch")
    kwargs = {"momentum": momentum, "affine": affine, "track_running_stats": track}
    theirs = torch.nn.BatchNorm2d(3, **kwargs).double()
    ours = nn.BatchNorm2d(3, **kwargs, dtype=np.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    rng = np.random.default_rng(5)
    if affine:
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(rng.uniform(0.5, 2, 3)))
            theirs.bias.copy_(torch.tensor(rng.standard_normal(3)))
        ours.load_state_dict(state_of(theirs))
    for _ in range(3):
        x = rng.standard_normal((4, 3, 5, 2)) * [[[[2]], [[0.5]], [[1]]]] + 1
        mine, reference = f64(x), torch.tensor(x, requires_grad=True)
        out, out_t = ours(mine), theirs(reference)
        np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
        upstream = rng.standard_normal(x.shape)
        out.backward(upstream)
        out_t.backward(torch.tensor(upstream))
        np.testing.assert_allclose(mine.grad, reference.grad.numpy(), rtol=1e-9, atol=1e-12)
    for name, value in state_of(theirs).items():
        np.testing.assert_allclose(ours.state_dict()[name], value, rtol=1e-12, err_msg=name)
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((1, 3, 2, 2))
    np.testing.assert_allclose(ours(f64(x)).data, theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-10, atol=1e-12)


def test_batchnorm2d_statistics_are_per_channel_over_batch_and_positions():
    x = np.random.default_rng(6).standard_normal((3, 2, 4, 4)) * [[[[3]], [[0.1]]]] + 5
    out = nn.BatchNorm2d(2, dtype=np.float64)(f64(x)).data
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    variance = x.var(axis=(0, 2, 3))  # ε = 1e-5 shrinks a small variance a little
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), variance / (variance + 1e-5), rtol=1e-10)
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected input of shape \(N, 2, H, W\), "
                                         r"got \(3, 2, 4\)"):
        nn.BatchNorm2d(2)(Tensor(np.ones((3, 2, 4))))
    with pytest.raises(ValueError, match="BatchNorm2d: training needs more than one value"):
        nn.BatchNorm2d(2)(Tensor(np.ones((1, 2, 1, 1))))


@pytest.mark.parametrize("ours, theirs", [
    (lambda: nn.MaxPool2d(2), lambda torch: torch.nn.MaxPool2d(2)),
    (lambda: nn.MaxPool2d(3, 2, 1, 2), lambda torch: torch.nn.MaxPool2d(3, 2, 1, 2)),
    (lambda: nn.AvgPool2d((2, 3), 1, (1, 0)), lambda torch: torch.nn.AvgPool2d((2, 3), 1, (1, 0))),
    (lambda: nn.Flatten(), lambda torch: torch.nn.Flatten()),
    (lambda: nn.Flatten(0, 2), lambda torch: torch.nn.Flatten(0, 2)),
])
def test_pooling_and_flatten_layers_equal_pytorchs(ours, theirs):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(7).standard_normal((2, 3, 6, 5))
    mine, reference = f64(x), torch.tensor(x, requires_grad=True)
    out, out_t = ours()(mine), theirs(torch)(reference)
    np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-12)
    out.backward(np.cos(out.data))
    out_t.backward(torch.cos(out_t.detach()))
    np.testing.assert_allclose(mine.grad, reference.grad.numpy(), rtol=1e-12)


def test_reprs_read_as_pytorchs():
    torch = pytest.importorskip("torch")
    same = [(nn.Conv2d(1, 6, 5), torch.nn.Conv2d(1, 6, 5)),
            (nn.Conv2d(3, 8, (3, 2), stride=2, padding=1, dilation=(2, 1), bias=False),
             torch.nn.Conv2d(3, 8, (3, 2), stride=2, padding=1, dilation=(2, 1), bias=False)),
            (nn.AvgPool2d(2), torch.nn.AvgPool2d(2)),
            (nn.Flatten(), torch.nn.Flatten())]
    for ours, theirs in same:
        assert repr(ours) == repr(theirs)
    # without the options we do not have (ceil_mode, inplace, batch norm's bias switch)
    assert repr(nn.BatchNorm2d(6)) == ("BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, "
                                       "track_running_stats=True)")
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1)"
    assert repr(nn.Dropout2d(0.2)) == "Dropout2d(p=0.2)"


# ---- initialisation: PyTorch's default, and fans of conv weights ----


def test_conv2d_default_init_is_pytorchs():
    """kaiming_uniform(a=√5) for the weight and U(±1/√fan_in) for the bias: both
    bounded by 1/√fan_in, fan_in = in_channels · kH · kW = 8 · 3 · 3 = 72."""
    np.random.seed(0)
    layer = nn.Conv2d(8, 64, 3)
    bound = 1 / np.sqrt(72)
    for values in (layer.weight.data, layer.bias.data):
        assert np.abs(values).max() <= bound
    assert layer.weight.data.std() == pytest.approx(bound / np.sqrt(3), rel=0.05)
    assert np.abs(layer.weight.data).max() > 0.95 * bound
    assert layer.weight.dtype == np.float32 and layer.weight.shape == (64, 8, 3, 3)
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    assert torch.nn.Conv2d(8, 64, 3).weight.abs().max().item() <= bound
    assert torch.nn.Conv2d(8, 64, 3).weight.std().item() == pytest.approx(bound / np.sqrt(3),
                                                                            rel=0.05)


def test_conv2d_init_by_name_and_generator():
    he = nn.Conv2d(16, 32, 3, init="he", generator=np.random.default_rng(0))
    assert he.weight.data.std() == pytest.approx(np.sqrt(2 / (16 * 9)), rel=0.05)
    assert not he.bias.data.any()
    again = nn.Conv2d(16, 32, 3, init="he", generator=np.random.default_rng(0))
    np.testing.assert_array_equal(he.weight.data, again.weight.data)


@pytest.mark.parametrize("ours, theirs", [
    (nn.init.xavier_normal_, "xavier_normal_"), (nn.init.xavier_uniform_, "xavier_uniform_"),
    (nn.init.kaiming_normal_, "kaiming_normal_"), (nn.init.kaiming_uniform_, "kaiming_uniform_"),
    (lambda w: nn.init.kaiming_normal_(w, mode="fan_out"),
     lambda torch, w: torch.nn.init.kaiming_normal_(w, mode="fan_out"))])
def test_initialisers_count_the_receptive_field_as_pytorch(ours, theirs):
    """A conv weight (out, in, kH, kW) has fan_in = in·kH·kW, fan_out = out·kH·kW."""
    weight = nn.Parameter(np.zeros((48, 24, 5, 3)))
    assert nn.init.calculate_fans(weight) == (24 * 15, 48 * 15)
    np.random.seed(1)
    ours(weight)
    torch = pytest.importorskip("torch")
    torch.manual_seed(1)
    reference = torch.zeros(48, 24, 5, 3)
    if isinstance(theirs, str):
        getattr(torch.nn.init, theirs)(reference)
    else:
        theirs(torch, reference)
    assert weight.data.std() == pytest.approx(reference.std().item(), rel=0.03)


# ---- Dropout2d ----


def test_dropout2d_drops_whole_channels_and_scales_the_rest():
    layer = nn.Dropout2d(0.25, generator=np.random.default_rng(0))
    x = Tensor(np.ones((50, 40, 3, 3)), requires_grad=True)
    out = layer(x)
    per_channel = out.data.reshape(50, 40, 9)
    assert np.all(per_channel.min(axis=2) == per_channel.max(axis=2))  # whole maps
    assert set(np.unique(per_channel)) == {0.0, np.float32(1 / 0.75)}
    assert (per_channel[:, :, 0] == 0).mean() == pytest.approx(0.25, abs=0.03)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, out.data)  # the gradient is the mask
    layer.eval()
    assert layer(x) is x
    assert nn.Dropout2d(0.0)(x) is x
    assert not nn.Dropout2d(1.0)(x).data.any()


def test_dropout2d_takes_unbatched_images_and_refuses_bad_input():
    out = F.dropout2d(Tensor(np.ones((8, 2, 2))), 0.5, generator=np.random.default_rng(1))
    assert out.shape == (8, 2, 2)
    assert np.all(out.data.reshape(8, 4).min(axis=1) == out.data.reshape(8, 4).max(axis=1))
    with pytest.raises(ValueError, match=r"Dropout2d: p must be a probability in \[0, 1\], got 2"):
        nn.Dropout2d(2)
    with pytest.raises(ValueError, match=r"dropout2d: input must be \(N, C, H, W\) or \(C, H, W\)"):
        F.dropout2d(Tensor(np.ones((4, 5))))


# ---- errors and small things ----


def test_layers_refuse_bad_settings_when_built():
    with pytest.raises(ValueError, match="Conv2d: in_channels must be a positive int, got 0"):
        nn.Conv2d(0, 4, 3)
    with pytest.raises(ValueError, match=r"Conv2d: groups=2 is not supported here"):
        nn.Conv2d(4, 4, 3, groups=2)
    with pytest.raises(ValueError, match="Conv2d: stride must be positive, got 0"):
        nn.Conv2d(1, 1, 3, stride=0)
    with pytest.raises(ValueError, match=r"MaxPool2d: padding \(2, 2\) is more than half"):
        nn.MaxPool2d(2, padding=2)
    with pytest.raises(TypeError, match="AvgPool2d: kernel_size must be an int or a pair"):
        nn.AvgPool2d("2")
    with pytest.raises(ValueError, match="conv2d: input has 3 channels but the weight expects 1"):
        nn.Conv2d(1, 6, 5)(Tensor(np.zeros((1, 3, 28, 28))))


def test_conv2d_dtype_and_unbatched_input():
    layer = nn.Conv2d(2, 3, 3, padding=1, dtype=np.float64)
    assert layer.weight.dtype == np.float64 and layer.bias.dtype == np.float64
    out = layer(Tensor(np.ones((2, 4, 4)), dtype=np.float64))
    assert out.shape == (3, 4, 4) and out.dtype == np.float64
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert sum(p.size for p in layer.parameters()) == 3 * 2 * 3 * 3 + 3
