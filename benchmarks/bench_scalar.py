"""Scalar engine vs micrograd: the same work, written once, run on both `Value` classes.

1. A 20,000-term sum of squares (60k nodes), built and back-propagated.
2. A 2-16-16-1 ReLU MLP, forward and backward over 100 points (one graph, one backward).
"""

from __future__ import annotations

import random
import sys

from tinygrad_edu import Value

from .common import fmt_time, time_interleaved


class FloorValue:
    """The least a Python scalar node can be: four slots, no label, no op name, no
    checks, no grad mode — a reference for how fast any pure-Python engine can get,
    not something to use (it cannot be drawn, checked or explained)."""

    __slots__ = ("data", "grad", "parents", "rule")

    def __init__(self, data, parents=(), rule=None):
        self.data, self.grad, self.parents, self.rule = data, 0.0, parents, rule

    def __add__(self, other):
        return FloorValue(self.data + other.data, (self, other), _floor_add)

    def __mul__(self, other):
        return FloorValue(self.data * other.data, (self, other), _floor_mul)

    def relu(self):
        return FloorValue(max(self.data, 0.0), (self,), _floor_relu)

    def backward(self):
        order, visited, stack = [], {self}, [self]
        while stack:
            node = stack[-1]
            for parent in node.parents:
                if parent not in visited:
                    visited.add(parent)
                    stack.append(parent)
                    break
            else:
                stack.pop()
                order.append(node)
        self.grad = 1.0
        for node in reversed(order):
            if node.rule is not None:
                grads = node.rule(node, node.grad)
                for i, parent in enumerate(node.parents):
                    parent.grad += grads[i]


def _floor_add(node, upstream):
    return upstream, upstream


def _floor_mul(node, upstream):
    a, b = node.parents
    return upstream * b.data, upstream * a.data


def _floor_relu(node, upstream):
    return (upstream if node.data > 0 else 0.0,)


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
    layers = {cls: make_mlp(cls) for cls in (Value, MicrogradValue, FloorValue)}
    results = []
    for name, work in [
        ("sum of squares, 20k terms (60k nodes)", sum_of_squares),
        ("2-16-16-1 ReLU MLP, 100 points",
         lambda cls: mlp_forward_backward(cls, layers[cls], points)),
    ]:
        candidates = {
            "tinygrad_edu": lambda work=work: work(Value),
            "micrograd": lambda work=work: work(MicrogradValue),
            "floor": lambda work=work: work(FloorValue),
        }
        times = time_interleaved(candidates, rounds=rounds)
        with_release = time_interleaved(candidates, rounds=rounds, count_release=True)
        floor_speedup = times["micrograd"] / times["floor"]
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
            "floor_s": times["floor"],
            "floor_speedup": floor_speedup,
            "summary": f"build+backward: ours {fmt_time(times['tinygrad_edu'])}, micrograd "
                       f"{fmt_time(times['micrograd'])} = {speedup:.2f}x; counting the graph's "
                       f"release: {fmt_time(with_release['tinygrad_edu'])} vs "
                       f"{fmt_time(with_release['micrograd'])} = {speedup_release:.2f}x "
                       f"(target >= 4x); a bare 4-slot node: {floor_speedup:.2f}x",
            "met": speedup >= 4,
        })
    return results
