"""max_pool2d and avg_pool2d (tinygrad_edu.tensor_pool): the forward pass against the
windows written out with loops, max pooling routing the gradient to each window's
maximum (the first one on ties, as PyTorch), average pooling splitting it evenly
(padding counted), gradients against central differences and PyTorch float64."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, gradcheck, gradgradcheck
from tinygrad_edu.tensor_conv import output_size


def f64(array, requires_grad=True):
    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad,
                  dtype=np.float64)


@st.composite
def pool_settings(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    sides = [draw(st.integers(max(1, k - 2 * p), k + 3)) for k, p in
             zip(kernel, padding, strict=True)]
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), *sides)
    return {"shape": shape, "kernel_size": kernel, "stride": stride, "padding": padding,
            "seed": draw(st.integers(0, 2**16))}


def distinct(rng, shape):
    """No two equal values (no ties), gaps of 0.25: central differences stay on one side."""
    return (rng.permutation(int(np.prod(shape))) * 0.25).reshape(shape)


def pool_by_loops(x, kernel_size, stride, padding, reduce, fill):
    n, c, height, width = x.shape
    rows = output_size(height, kernel_size[0], stride[0], padding[0], 1)
    cols = output_size(width, kernel_size[1], stride[1], padding[1], 1)
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2), constant_values=fill)
    y = np.zeros((n, c, rows, cols))
    for i in range(rows):
        for j in range(cols):
            window = xp[:, :, i * stride[0]:i * stride[0] + kernel_size[0],
                        j * stride[1]:j * stride[1] + kernel_size[1]]
            y[:, :, i, j] = reduce(window, axis=(2, 3))
    return y


def pool_args(case):
    return {key: case[key] for key in ("kernel_size", "stride", "padding")}


@settings(max_examples=40)
@given(case=pool_settings())
def test_pools_take_the_max_and_the_mean_of_every_window(case):
    x = np.random.default_rng(case["seed"]).standard_normal(case["shape"])
    np.testing.assert_array_equal(F.max_pool2d(f64(x), **pool_args(case)).data,
                                  pool_by_loops(x, **pool_args(case), reduce=np.max,
                                                fill=-np.inf))
    # count_include_pad=True: the zeros of the padding count in the mean
    np.testing.assert_allclose(F.avg_pool2d(f64(x), **pool_args(case)).data,
                               pool_by_loops(x, **pool_args(case), reduce=np.mean, fill=0.0),
                               rtol=1e-12, atol=1e-14)


@settings(max_examples=20)
@given(case=pool_settings())
def test_pool_gradients_match_central_differences(case):
    x = distinct(np.random.default_rng(case["seed"]), case["shape"])
    assert gradcheck(lambda t: F.max_pool2d(t, **pool_args(case)), f64(x))
    assert gradcheck(lambda t: F.avg_pool2d(t, **pool_args(case)), f64(x))


@settings(max_examples=6)
@given(case=pool_settings())
def test_pool_second_derivatives(case):
    x = distinct(np.random.default_rng(case["seed"]), case["shape"])
    assert gradgradcheck(lambda t: F.max_pool2d(t, **pool_args(case)) ** 2, f64(x))
    assert gradgradcheck(lambda t: F.avg_pool2d(t, **pool_args(case)) ** 2, f64(x))


@settings(max_examples=40)
@given(case=pool_settings(), dilation=st.integers(1, 2), ties=st.booleans())
def test_pools_match_pytorch_ties_included(case, dilation, ties):
    """On ties (integer images with few values) max pooling gives the whole gradient to
    the first maximum of the window, row by row: the same cell as PyTorch."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(case["seed"])
    x = rng.integers(0, 3, case["shape"]).astype(float) if ties else \
        rng.standard_normal(case["shape"])
    span = [dilation * (k - 1) + 1 for k in case["kernel_size"]]
    if any(side + 2 * p < s for side, p, s in zip(case["shape"][2:], case["padding"], span,
                                                   strict=True)):
        return  # the dilated kernel does not fit this image
    for ours, theirs, extra in (
            (F.max_pool2d, torch.nn.functional.max_pool2d, {"dilation": dilation}),
            (F.avg_pool2d, torch.nn.functional.avg_pool2d, {})):
        mine = f64(x)
        out = ours(mine, **pool_args(case), **extra)
        upstream = rng.standard_normal(out.shape)
        out.backward(upstream)
        reference = torch.tensor(x, requires_grad=True)
        out_t = theirs(reference, **pool_args(case), **extra)
        out_t.backward(torch.tensor(upstream))
        np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(mine.grad, reference.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_max_pool_routes_and_avg_pool_splits():
    x = f64([[[[1.0, 5.0, 2.0, 0.0],
                [3.0, 4.0, 7.0, 7.0],
                [0.0, 0.0, 1.0, 2.0],
                [9.0, 0.0, 3.0, 3.0]]]])
    out = F.max_pool2d(x, 2)
    np.testing.assert_array_equal(out.data[0, 0], [[5.0, 7.0], [9.0, 3.0]])
    out.backward(np.array([[[[10.0, 20.0], [30.0, 40.0]]]]))
    # each window's gradient lands on its maximum; ties (7, 7 and 3, 3): the first one
    np.testing.assert_array_equal(x.grad[0, 0], [[0, 10, 0, 0], [0, 0, 20, 0],
                                                 [0, 0, 0, 0], [30, 0, 40, 0]])
    y = f64(np.ones((1, 1, 4, 4)))
    F.avg_pool2d(y, 2).backward(np.array([[[[4.0, 8.0], [12.0, 16.0]]]]))
    np.testing.assert_array_equal(y.grad[0, 0], [[1, 1, 2, 2], [1, 1, 2, 2],
                                                 [3, 3, 4, 4], [3, 3, 4, 4]])


def test_overlapping_windows_add_up_at_a_shared_maximum():
    x = f64([[[[0.0, 0.0, 0.0], [0.0, 9.0, 0.0], [0.0, 0.0, 0.0]]]])
    F.max_pool2d(x, 2, stride=1).sum().backward()
    assert x.grad[0, 0, 1, 1] == 4.0 and x.grad.sum() == 4.0  # the max of all 4 windows


def test_max_pool_padding_is_never_the_maximum_and_gets_nothing():
    x = f64(-np.ones((1, 1, 2, 2)))
    out = F.max_pool2d(x, 3, stride=1, padding=1)
    np.testing.assert_array_equal(out.data, -np.ones((1, 1, 2, 2)))
    out.sum().backward()
    assert x.grad.sum() == 4.0


def test_unbatched_images_and_dtypes():
    x = Tensor(np.arange(16.0).reshape(1, 4, 4), requires_grad=True)
    out = F.max_pool2d(x, 2)
    assert out.shape == (1, 2, 2) and out.dtype == np.float32
    np.testing.assert_array_equal(out.data[0], [[5, 7], [13, 15]])
    F.avg_pool2d(x, 2).sum().backward()
    assert x.grad.shape == (1, 4, 4) and x.grad.dtype == np.float32
    assert F.max_pool2d(Tensor(np.arange(16, dtype=np.uint8).reshape(1, 1, 4, 4)), 2).dtype \
        == np.float32


def test_the_node_keeps_its_settings_and_what_it_picked():
    x = f64(np.arange(16.0).reshape(1, 1, 4, 4))
    out = F.max_pool2d(x, 2)
    assert out.op == "max_pool2d" and out.args == ((2, 2), (2, 2), (0, 0), (1, 1))
    np.testing.assert_array_equal(out.saved, np.full((1, 1, 2, 2), 3))  # bottom right
    assert F.avg_pool2d(x, 2, 1).args == ((2, 2), (1, 1), (0, 0), (1, 1))


@pytest.mark.parametrize("call, message", [
    (lambda x: F.max_pool2d(x, 2, padding=2),
     r"max_pool2d: padding \(2, 2\) is more than half the kernel 2×2"),
    (lambda x: F.avg_pool2d(x, 5), r"avg_pool2d: the kernel 5×5 is larger than the padded input"),
    (lambda x: F.max_pool2d(x, 0), r"max_pool2d: kernel_size must be positive, got 0"),
    (lambda x: F.avg_pool2d(x, 2, stride=-1), r"avg_pool2d: stride must be positive, got -1"),
    (lambda x: F.max_pool2d(x[0, 0], 2),
     r"max_pool2d: input must be \(N, C, H, W\) or unbatched \(C, H, W\), got shape \(4, 4\)"),
])
def test_bad_pool_settings_get_one_line(call, message):
    with pytest.raises((ValueError, TypeError), match=message) as error:
        call(Tensor(np.zeros((1, 1, 4, 4))))
    assert "\n" not in str(error.value)
