"""bench_conv's machinery: the hand-written im2col network does the same work as ours
(so its timings compare like with like) and its memory probe sees allocations. The
timings themselves are `make bench`'s job."""

import numpy as np
import pytest

from benchmarks import bench_conv


def test_the_hand_written_lenet_computes_what_ours_computes():
    bench_conv.check_same_work(batch=3)  # loss and every gradient, float64


def test_hand_im2col_and_col2im_are_adjoint():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 6, 5))
    rows = bench_conv.im2col(x, 3, 2, stride=2, pad=1)
    c = rng.standard_normal(rows.shape)
    back = bench_conv.col2im(c, x.shape, 3, 2, stride=2, pad=1)
    assert np.sum(rows * c) == pytest.approx(np.sum(x * back), rel=1e-12)


def test_the_conv_candidates_agree_and_run():
    candidates = bench_conv.conv_candidates((2, 3, 8, 8), (4, 3, 3, 3), 1)  # checks agreement
    assert set(candidates) == {"hand im2col", "ours"}
    assert candidates["ours"]().shape == (2, 3, 8, 8)


def test_peak_bytes_sees_what_a_step_allocates():
    assert bench_conv.peak_bytes(lambda: np.ones(1 << 20)) >= 8 << 20
    assert bench_conv.peak_bytes(lambda: None) < 64 << 10
