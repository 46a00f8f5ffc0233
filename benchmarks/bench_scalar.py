"""Scalar engine vs micrograd: the same work, written once, run on both `Value` classes.

1. A 20,000-term sum of squares (60k nodes), built and back-propagated.
2. A 2-16-16-1 ReLU MLP, forward and backward over 100 points (one graph, one backward).
"""

from __future__ import annotations

import random
import sys

from tinygrad_edu import Value

from .common import fmt_time, time_interleaved


def sum_of_squares(value_class, terms: int = 20_000) -> None:
    xs = [value_class(float(i % 7) - 3.0) for i in range(terms)]
    total = value_class(0.0)
    for x in xs:
        total = total + x * x
    total.backward()


def make_mlp(value_class, sizes=(2, 16, 16, 1), seed: int = 0) -> list:
    """Layers as lists of neurons; a neuron is its weights followed by its bias."""
    rng = random.Random(seed)
    return [
        [[value_class(rng.uniform(-1, 1)) for _ in range(fan_in)] + [value_class(0.0)]
         for _ in range(fan_out)]
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def mlp_forward_backward(value_class, layers, points) -> None:
    loss = value_class(0.0)
    for a, b in points:
        activations = [value_class(a), value_class(b)]
        for depth, layer in enumerate(layers):
            outputs = []
            for neuron in layer:
                total = neuron[-1]
                for weight, x in zip(neuron[:-1], activations, strict=True):
                    total = total + weight * x
                outputs.append(total.relu() if depth < len(layers) - 1 else total)
            activations = outputs
        loss = loss + activations[0] * activations[0]
    loss.backward()


def run(rounds: int = 15) -> list[dict]:
    try:
        from micrograd.engine import Value as MicrogradValue
    except ImportError:
        print("bench scalar: micrograd is not installed (pip install -e '.[bench]'); skipped")
        return []
    # micrograd's recursive topological sort needs room for a 60k-deep graph
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 200_000))
    rng = random.Random(1)
    points = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(100)]
    ours_layers, theirs_layers = make_mlp(Value), make_mlp(MicrogradValue)
    results = []
    for name, ours, theirs in [
        ("sum of squares, 20k terms (60k nodes)",
         lambda: sum_of_squares(Value), lambda: sum_of_squares(MicrogradValue)),
        ("2-16-16-1 ReLU MLP, 100 points",
         lambda: mlp_forward_backward(Value, ours_layers, points),
         lambda: mlp_forward_backward(MicrogradValue, theirs_layers, points)),
    ]:
        pair = {"tinygrad_edu": ours, "micrograd": theirs}
        times = time_interleaved(pair, rounds=rounds)
        with_release = time_interleaved(pair, rounds=rounds, count_release=True)
        speedup = times["micrograd"] / times["tinygrad_edu"]
        speedup_release = with_release["micrograd"] / with_release["tinygrad_edu"]
        results.append({
            "benchmark": f"scalar: {name}",
            "ours_s": times["tinygrad_edu"],
            "micrograd_s": times["micrograd"],
            "speedup": speedup,
            "ours_with_release_s": with_release["tinygrad_edu"],
            "micrograd_with_release_s": with_release["micrograd"],
            "speedup_with_release": speedup_release,
            "summary": f"build+backward: ours {fmt_time(times['tinygrad_edu'])}, micrograd "
                       f"{fmt_time(times['micrograd'])} = {speedup:.2f}x; counting the graph's "
                       f"release: {fmt_time(with_release['tinygrad_edu'])} vs "
                       f"{fmt_time(with_release['micrograd'])} = {speedup_release:.2f}x "
                       f"(target >= 4x)",
            "met": speedup >= 4,
        })
    return results
