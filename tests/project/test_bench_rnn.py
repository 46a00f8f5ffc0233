"""benchmarks/bench_rnn.py computes the same loss and gradients with every candidate (the
hand-written numpy LSTM and RNN, ours, PyTorch), or its timings would mean nothing."""

import numpy as np
import pytest

from benchmarks import bench_rnn


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_every_candidate_computes_the_same_gradients(cell):
    bench_rnn.check_same_gradients(cell, steps=6, batch=3)


@pytest.mark.parametrize("hh_by_step", [False, True])
@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_the_hand_written_bptt_equals_central_differences(cell, hh_by_step):
    """The numpy reference's own gradient, checked along a random direction in float64."""
    x, weights = bench_rnn.make_problem(cell, steps=4, batch=2, input_size=3, hidden=5)
    x = x.astype(np.float64)
    weights = {name: w.astype(np.float64) for name, w in weights.items()}
    def function(x, weights):
        return bench_rnn.NUMPY[cell](x, weights, hh_by_step=hh_by_step)

    _, grads = function(x, weights)
    rng = np.random.default_rng(1)
    for name in weights:
        direction = rng.standard_normal(weights[name].shape)
        eps = 1e-6
        plus = dict(weights, **{name: weights[name] + eps * direction})
        minus = dict(weights, **{name: weights[name] - eps * direction})
        numeric = (function(x, plus)[0] - function(x, minus)[0]) / (2 * eps)
        assert np.sum(grads[name] * direction) == pytest.approx(numeric, rel=1e-6, abs=1e-8)
