"""conv2d, unfold and fold (tinygrad_edu.tensor_conv): the forward pass against the
convolution sum written out with loops, gradients against central differences
(gradcheck) and second derivatives (gradgradcheck), everything against PyTorch float64,
fold's ``+=`` counted cell by cell, and one-line errors. Hypothesis draws the shapes,
channels, kernel sizes, strides, paddings and dilations (small, so the suite stays fast).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, gradcheck, gradgradcheck, no_grad, ops
from tinygrad_edu.tensor_conv import covering_windows, output_size


def f64(array, requires_grad=True):
    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad,
                  dtype=np.float64)


@st.composite
def conv_settings(draw, max_side=3):
    """Input and weight shapes with stride, padding and dilation that fit together."""
    n, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    sides = []
    for k, p, d in zip(kernel, padding, dilation, strict=True):
        smallest = max(1, d * (k - 1) + 1 - 2 * p)  # the kernel must fit the padded input
        sides.append(draw(st.integers(smallest, smallest + max_side)))
    return {"x": (n, c_in, *sides), "w": (c_out, c_in, *kernel), "stride": stride,
            "padding": padding, "dilation": dilation, "seed": draw(st.integers(0, 2**16))}


def conv_by_loops(x, w, b, stride, padding, dilation):
    """y[n, o, i, j] = b[o] + Σ_c,p,q w[o, c, p, q] · x_padded[n, c, i·s + p·d, j·s + q·d]."""
    n, _, height, width = x.shape
    c_out, _, k_rows, k_cols = w.shape
    rows = output_size(height, k_rows, stride[0], padding[0], dilation[0])
    cols = output_size(width, k_cols, stride[1], padding[1], dilation[1])
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    y = np.zeros((n, c_out, rows, cols))
    for i in range(rows):
        for j in range(cols):
            for p in range(k_rows):
                for q in range(k_cols):
                    row, col = i * stride[0] + p * dilation[0], j * stride[1] + q * dilation[1]
                    cell = xp[:, :, row, col]
                    y[:, :, i, j] += cell @ w[:, :, p, q].T
    return y + (0 if b is None else b[None, :, None, None])


def arrays(case):
    rng = np.random.default_rng(case["seed"])
    return (rng.standard_normal(case["x"]), rng.standard_normal(case["w"]),
            rng.standard_normal(case["w"][0]))


def geometry(case):
    return {key: case[key] for key in ("stride", "padding", "dilation")}


@settings(max_examples=40)
@given(case=conv_settings())
def test_conv2d_is_the_sum_over_each_window(case):
    x, w, b = arrays(case)
    got = F.conv2d(f64(x), f64(w), f64(b), **geometry(case))
    np.testing.assert_allclose(got.data, conv_by_loops(x, w, b, **geometry(case)),
                               rtol=1e-12, atol=1e-12)
    no_bias = F.conv2d(f64(x), f64(w), **geometry(case))
    np.testing.assert_allclose(no_bias.data, conv_by_loops(x, w, None, **geometry(case)),
                               rtol=1e-12, atol=1e-12)


@settings(max_examples=15)
@given(case=conv_settings(max_side=2))
def test_conv2d_gradients_match_central_differences(case):
    x, w, b = arrays(case)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, **geometry(case)), f64(x), f64(w), f64(b))


@settings(max_examples=6)
@given(case=conv_settings(max_side=1))
def test_conv2d_second_derivatives_match_central_differences(case):
    x, w, b = arrays(case)

    def squared(x, w, b):
        y = F.conv2d(x, w, b, **geometry(case))
        return y * y

    assert gradgradcheck(squared, f64(x), f64(w), f64(b))


@settings(max_examples=25)
@given(case=conv_settings())
def test_conv2d_matches_pytorch(case):
    torch = pytest.importorskip("torch")
    x, w, b = arrays(case)
    mine = [f64(x), f64(w), f64(b)]
    out = F.conv2d(*mine, **geometry(case))
    upstream = np.random.default_rng(case["seed"] + 1).standard_normal(out.shape)
    out.backward(upstream)
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out_t = torch.nn.functional.conv2d(*theirs, **geometry(case))
    out_t.backward(torch.tensor(upstream))
    np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    for ours, reference in zip(mine, theirs, strict=True):
        np.testing.assert_allclose(ours.grad, reference.grad.numpy(), rtol=1e-10, atol=1e-12)


@st.composite
def unfold_settings(draw):
    case = draw(conv_settings())
    n, c, *_ = case["x"]
    kernel = case["w"][2:]
    return case | {"kernel": kernel, "c": c, "n": n}


@settings(max_examples=30)
@given(case=unfold_settings())
def test_unfold_and_fold_match_pytorch(case):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal(case["x"])
    settings_ = {"kernel_size": case["kernel"], **geometry(case)}
    columns = F.unfold(f64(x), **settings_)
    expected = torch.nn.functional.unfold(torch.tensor(x), **settings_).numpy()
    np.testing.assert_array_equal(columns.data, expected)
    blocks = rng.standard_normal(columns.shape)
    mine = f64(blocks)
    image = F.fold(mine, case["x"][2:], **settings_)
    theirs = torch.tensor(blocks, requires_grad=True)
    image_t = torch.nn.functional.fold(theirs, case["x"][2:], **settings_)
    np.testing.assert_allclose(image.data, image_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    upstream = rng.standard_normal(image.shape)
    image.backward(upstream)
    image_t.backward(torch.tensor(upstream))
    np.testing.assert_allclose(mine.grad, theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


@settings(max_examples=30)
@given(case=unfold_settings())
def test_fold_is_the_adjoint_of_unfold(case):
    """⟨unfold(x), c⟩ = ⟨x, fold(c)⟩: what unfold copies out, fold adds back -- which is
    why each is the other's gradient."""
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal(case["x"])
    settings_ = {"kernel_size": case["kernel"], **geometry(case)}
    columns = F.unfold(f64(x, False), **settings_)
    c = rng.standard_normal(columns.shape)
    folded = F.fold(f64(c, False), case["x"][2:], **settings_)
    assert np.sum(columns.data * c) == pytest.approx(np.sum(x * folded.data), rel=1e-10, abs=1e-10)
    assert gradcheck(lambda t: F.unfold(t, **settings_), f64(x[:1, :1]))
    assert gradcheck(lambda t: F.fold(t, case["x"][2:], **settings_), f64(c[:1]))


def test_fold_adds_where_windows_overlap():
    """Every cell of fold(unfold(ones)) counts the windows that read it: a 4×4 image,
    3×3 kernel, stride 1 -- the corners are read once, the middle four cells 4 times."""
    ones = Tensor(np.ones((1, 1, 4, 4)))
    counts = F.fold(F.unfold(ones, 3), (4, 4), 3).numpy()[0, 0]
    np.testing.assert_array_equal(counts, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2],
                                           [1, 2, 2, 1]])
    for row in range(4):
        for col in range(4):
            assert counts[row, col] == len(covering_windows((row, col), (4, 4), 3))


@settings(max_examples=30)
@given(case=conv_settings())
def test_the_covering_windows_add_up_to_the_input_gradient(case):
    """∂L/∂x[n, c, i, j] = Σ over the windows that covered (i, j) of upstream × the weight
    that touched the cell: the sum a drawing writes out, cell by cell."""
    x, w, b = arrays(case)
    xt = f64(x)
    out = F.conv2d(xt, f64(w), f64(b), **geometry(case))
    upstream = np.random.default_rng(case["seed"] + 2).standard_normal(out.shape)
    out.backward(upstream)
    kernel = case["w"][2:]
    for i in range(case["x"][2]):
        for j in range(case["x"][3]):
            total = np.zeros(case["x"][:2])
            for out_row, out_col, p, q in covering_windows((i, j), case["x"][2:], kernel,
                                                           **geometry(case)):
                total += upstream[:, :, out_row, out_col] @ w[:, :, p, q]
            np.testing.assert_allclose(xt.grad[:, :, i, j], total, rtol=1e-10, atol=1e-12)


def test_an_unbatched_image_is_one_batch_of_one():
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((2, 5, 4)), rng.standard_normal((3, 2, 2, 2)), \
        rng.standard_normal(3)
    single, batch = f64(x), f64(x[None])
    out = F.conv2d(single, f64(w), f64(b), padding=1)
    assert out.shape == (3, 6, 5)
    np.testing.assert_array_equal(out.data, F.conv2d(batch, f64(w), f64(b), padding=1).data[0])
    out.sum().backward()
    assert single.grad.shape == (2, 5, 4)
    columns = F.unfold(single, 2)
    assert columns.shape == (8, 12)
    np.testing.assert_array_equal(F.fold(columns, (5, 4), 2).data,
                                  F.fold(F.unfold(batch, 2), (5, 4), 2).data[0])


def test_float32_stays_float32_and_the_node_keeps_its_settings():
    x = Tensor(np.ones((1, 1, 5, 5)), requires_grad=True)
    w = Tensor(np.ones((2, 1, 3, 3)), requires_grad=True)
    out = F.conv2d(x, w, None, 2, 1, 1)
    assert out.dtype == np.float32 and out.shape == (1, 2, 3, 3)
    assert out.op == "conv2d" and out.parents == (x, w)
    assert out.args == ((2, 2), (1, 1), (1, 1))  # stride, padding, dilation as pairs
    spec = ops.spec_of(out)
    np.testing.assert_array_equal(spec.forward(out.args, x.data, w.data), out.data)
    assert "fold" in spec.math and len(spec.local) == 3
    out.sum().backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32
    # the middle cell sits in all 9 windows (3×3 output, stride 2, padding 1): 2 kernels
    assert x.grad[0, 0, 2, 2] == 2.0
    with no_grad():
        assert F.conv2d(x, w).op == ""


def test_covering_windows_of_a_strided_dilated_kernel():
    # 5×5 input, 2×2 kernel with dilation 2 (spans 3×3), stride 2: windows at 0 and 2
    assert covering_windows((2, 2), (5, 5), 2, stride=2, dilation=2) == [
        (0, 0, 1, 1), (0, 1, 1, 0), (1, 0, 0, 1), (1, 1, 0, 0)]
    assert covering_windows((1, 1), (5, 5), 2, stride=2, dilation=2) == []  # in a gap
    assert covering_windows((0, 0), (3, 3), 3, padding=1) == [
        (0, 0, 1, 1), (0, 1, 1, 0), (1, 0, 0, 1), (1, 1, 0, 0)]


# ---- one-line errors that say what to change ----

RNG = np.random.default_rng(0)
IMAGES = Tensor(RNG.standard_normal((2, 3, 6, 6)))
KERNELS = Tensor(RNG.standard_normal((6, 1, 5, 5)))
ERRORS = [
    (lambda: F.conv2d(IMAGES, KERNELS),
     r"conv2d: input has 3 channels but the weight expects 1 \(weight \(6, 1, 5, 5\)"),
    (lambda: F.conv2d(IMAGES[:, :1], KERNELS, dilation=2),
     r"conv2d: the kernel 5×5 \(spanning 9×9 with dilation \(2, 2\)\) is larger than the padded "
     r"input 6×6 \(input 6×6, padding \(0, 0\)\); use a smaller kernel or more padding"),
    (lambda: F.conv2d(IMAGES[:, :1, :3], KERNELS, padding=(0, 1)),
     r"conv2d: the kernel 5×5 is larger than the padded input 3×8"),
    (lambda: F.conv2d(IMAGES[:, :1], KERNELS, stride=0), r"conv2d: stride must be positive, got 0"),
    (lambda: F.conv2d(IMAGES[:, :1], KERNELS, padding=-1),
     r"conv2d: padding must be at least 0, got -1"),
    (lambda: F.conv2d(IMAGES[:, :1], KERNELS, stride=(1, 2, 3)),
     r"conv2d: stride must be an int or a pair of ints, got \(1, 2, 3\)"),
    (lambda: F.conv2d(IMAGES[0, 0], KERNELS),
     r"conv2d: input must be \(N, C, H, W\) or unbatched \(C, H, W\), got shape \(6, 6\)"),
    (lambda: F.conv2d(IMAGES, KERNELS[0]),
     r"conv2d: weight must be \(C_out, C_in, kH, kW\), got shape \(1, 5, 5\)"),
    (lambda: F.conv2d(IMAGES[:, :1], KERNELS, Tensor(np.zeros(5))),
     r"conv2d: bias must have shape \(6,\), one per output channel"),
    (lambda: F.conv2d(IMAGES, KERNELS, groups=3), r"conv2d: groups=3 is not supported here"),
    (lambda: F.unfold(IMAGES, 7), r"unfold: the kernel 7×7 is larger than the padded input 6×6"),
    (lambda: F.unfold(IMAGES[0, 0], 2), r"unfold: input must be \(N, C, H, W\)"),
    (lambda: F.fold(Tensor(np.zeros((1, 8, 5))), (3, 3), 2),
     r"fold: input has 5 columns \(windows\) but a 3×3 output with kernel \(2, 2\) has 2×2 = 4"),
    (lambda: F.fold(Tensor(np.zeros((1, 7, 4))), (3, 3), 2),
     r"fold: input has 7 rows, not a multiple of the kernel's 2×2 = 4 cells"),
]


@pytest.mark.parametrize("call, message", ERRORS, ids=[m[:30] for _, m in ERRORS])
def test_bad_settings_get_one_line_that_says_what_to_change(call, message):
    with pytest.raises((ValueError, TypeError), match=message) as error:
        call()
    assert "\n" not in str(error.value)


# ---- Tensor.flatten, as PyTorch ----


@pytest.mark.parametrize("start, end, shape", [
    (0, -1, (120,)), (1, -1, (2, 60)), (1, 2, (2, 12, 5)), (-2, -1, (2, 3, 20)),
    (2, 2, (2, 3, 4, 5)), (0, 1, (6, 4, 5))])
def test_flatten_merges_the_axes_from_start_to_end(start, end, shape):
    x = Tensor(np.arange(120.0).reshape(2, 3, 4, 5), requires_grad=True)
    out = x.flatten(start, end)
    assert out.shape == shape
    np.testing.assert_array_equal(out.data.reshape(-1), np.arange(120.0))
    torch = pytest.importorskip("torch")
    assert tuple(torch.zeros(2, 3, 4, 5).flatten(start, end).shape) == shape


def test_flatten_without_arguments_and_its_errors():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    assert x.flatten().shape == (6,)
    x.flatten(1).sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))
    assert Tensor(3.0).flatten().shape == (1,)
    with pytest.raises(ValueError, match=r"flatten: start_dim 1 comes after end_dim 0"):
        x.flatten(1, 0)
    with pytest.raises(ValueError, match=r"flatten: axis 2 is out of range"):
        x.flatten(2)
