"""The benchmarks' own machinery: the work is the same on every engine, and the timers
measure what they say they measure. (The timings themselves are `make bench`'s job.)"""

import gc

import pytest

from benchmarks.bench_scalar import FloorValue, make_mlp, mlp_forward_backward, sum_of_squares
from benchmarks.common import collector_seconds, time_in_loops, time_interleaved
from tinygrad_edu import Value


def test_sum_of_squares_is_the_same_work_on_every_engine():
    ours, floor = sum_of_squares(Value, terms=50), sum_of_squares(FloorValue, terms=50)
    expected = sum((float(i % 7) - 3.0) ** 2 for i in range(50))
    assert ours.data == floor.data == expected
    # total = ((0 + x0*x0) + x1*x1) + ...: walk down the chain of additions;
    # d total / d x_i = 2 x_i, and the starting 0 gets d total / d 0 = 1
    for node in (ours, floor):
        squares = 0
        while node.parents:
            node, square = node.parents
            x, same_x = square.parents
            assert x is same_x and x.grad == 2 * x.data
            squares += 1
        assert squares == 50 and node.data == 0.0 and node.grad == 1.0


def test_the_mlp_is_the_same_work_on_every_engine():
    points = [(0.5, -0.25), (-1.0, 0.75), (0.1, 0.2)]
    results = {}
    for cls in (Value, FloorValue):
        layers = make_mlp(cls, sizes=(2, 4, 4, 1), seed=3)
        loss = mlp_forward_backward(cls, layers, points)
        grads = [weight.grad for layer in layers for neuron in layer for weight in neuron]
        results[cls] = (loss.data, grads)
    assert results[Value][0] == pytest.approx(results[FloorValue][0], rel=1e-12)
    assert results[Value][1] == pytest.approx(results[FloorValue][1], rel=1e-9, abs=1e-12)
    assert any(grad != 0.0 for grad in results[Value][1])


def test_micrograd_does_the_same_work_when_installed():
    micrograd = pytest.importorskip("micrograd.engine")
    ours = sum_of_squares(Value, terms=40)
    theirs = sum_of_squares(micrograd.Value, terms=40)
    assert ours.data == theirs.data


def test_timers_call_every_candidate_and_return_medians():
    calls = {"a": 0, "b": 0}

    def candidate(name):
        def run():
            calls[name] += 1
            return [name]
        return run

    candidates = {name: candidate(name) for name in calls}
    times = time_interleaved(candidates, rounds=3, warmup=1, count_release=True)
    assert set(times) == {"a", "b"} and all(seconds > 0 for seconds in times.values())
    assert calls == {"a": 4, "b": 4}
    looped = time_in_loops(candidates, blocks=2, calls=3)
    assert set(looped) == {"a", "b"}
    assert calls == {"a": 4 + 2 * 4, "b": 4 + 2 * 4}  # each block: one warm-up call + 3


def test_collector_seconds_sees_collections_inside_the_call_only():
    assert collector_seconds(lambda: None, rounds=3) == 0.0
    assert collector_seconds(gc.collect, rounds=3) > 0.0
    assert not any(callback.__name__ == "on_collection" for callback in gc.callbacks)


def test_the_hessian_vector_product_benchmark_computes_the_right_thing():
    import numpy as np

    from benchmarks.bench_tensor import check_hvp, hvp_candidates

    check_hvp(batch=5)  # raises if it disagrees with central differences
    candidates = hvp_candidates(batch=8)
    ours = candidates["ours hvp"]()
    if "torch hvp" in candidates:
        theirs = candidates["torch hvp"]()
        for mine, reference in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(mine.data, reference.numpy(), rtol=2e-3, atol=1e-5)
