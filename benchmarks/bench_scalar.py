"""Scalar engine vs micrograd: the same work, written once, run on both `Value` classes.

1. A 20,000-term sum of squares (60k nodes), built and back-propagated.
2. A 2-16-16-1 ReLU MLP, forward and backward over 100 points (one graph, one backward).

Each is timed three ways, because micrograd leaves part of its cost to Python's cyclic
garbage collector (its graphs are reference cycles) while ours are freed the moment they
are dropped:

* in a loop  -- calls in a row, each paying for everything it causes, as in training;
* one call, counting the release -- the heap is collected before the clock stops;
* build + backward only -- the graph is kept until the clock stops, then freed untimed.

Timed in CPU time (`common.CPU_CLOCK`): the three are pure Python on one thread.

The targets (sum of squares at least 4.3x micrograd, the MLP at least 6x) are judged in
the loop, which is what a user sees.

Beside micrograd runs `FloorValue`, a bare four-slot node: the least any pure-Python
engine can cost. Ours over it is the price of everything a bare node lacks (labels and
op names for drawings, per-thread grad mode, a failed pass that changes nothing, ...);
on the sum of squares it must stay at most 1.25x in each of the three ways (its own row,
so that a regression shows where developers look).
"""

from __future__ import annotations

import random
import sys

from tinygrad_edu import Value

from .common import CPU_CLOCK, collector_seconds, fmt_time, time_in_loops, time_interleaved


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


def sum_of_squares(value_class, terms: int = 20_000):
    """Returns the root, which holds the whole graph."""
    xs = [value_class(float(i % 7) - 3.0) for i in range(terms)]
    total = value_class(0.0)
    for x in xs:
        total = total + x * x
    total.backward()
    return total


def make_mlp(value_class, sizes=(2, 16, 16, 1), seed: int = 0) -> list:
    """Layers as lists of neurons; a neuron is its weights followed by its bias."""
    rng = random.Random(seed)
    return [
        [[value_class(rng.uniform(-1, 1)) for _ in range(fan_in)] + [value_class(0.0)]
         for _ in range(fan_out)]
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def mlp_forward_backward(value_class, layers, points):
    """Returns the loss, which holds the whole graph."""
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
    return loss


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
    for name, work, target in [
        ("sum of squares, 20k terms (60k nodes)", sum_of_squares, 4.3),
        ("2-16-16-1 ReLU MLP, 100 points",
         lambda cls: mlp_forward_backward(cls, layers[cls], points), 6.0),
    ]:
        candidates = {
            "ours": lambda work=work: work(Value),
            "micrograd": lambda work=work: work(MicrogradValue),
            "floor": lambda work=work: work(FloorValue),
        }
        # CPU time: all three engines are pure Python on one thread (see common.CPU_CLOCK)
        ways = {
            "loop": time_in_loops(candidates, blocks=max(3, rounds // 3), clock=CPU_CLOCK),
            "release": time_interleaved(candidates, rounds=rounds, count_release=True,
                                        clock=CPU_CLOCK),
            "build_backward": time_interleaved(candidates, rounds=rounds, clock=CPU_CLOCK),
        }
        row = {"benchmark": f"scalar: {name}", "clock": "CPU time of this process"}
        for way, times in ways.items():
            row[way] = {f"{who}_s": seconds for who, seconds in times.items()}
            row[way]["speedup"] = times["micrograd"] / times["ours"]
            row[way]["floor_speedup"] = times["micrograd"] / times["floor"]
        for who, call in candidates.items():  # the garbage collector's share of building
            row["build_backward"][f"{who}_collector_s"] = collector_seconds(call,
                                                                            clock=CPU_CLOCK)
        for way in ways:  # ours over the bare node (micrograd out of it)
            row[way]["floor_ratio"] = row[way]["ours_s"] / row[way]["floor_s"]
        row["speedup"] = row["loop"]["speedup"]
        row["target"] = target
        row["met"] = row["speedup"] >= target
        row["summary"] = "; ".join(
            f"{label}: ours {fmt_time(row[way]['ours_s'])} vs micrograd "
            f"{fmt_time(row[way]['micrograd_s'])} = {row[way]['speedup']:.2f}x "
            f"(bare 4-slot node {row[way]['floor_speedup']:.2f}x)"
            for way, label in [("loop", "in a loop"), ("release", "one call + release"),
                               ("build_backward", "build+backward only")]
        ) + (f"; of build+backward, the garbage collector takes "
             f"{fmt_time(row['build_backward']['ours_collector_s'])} of ours and "
             f"{fmt_time(row['build_backward']['micrograd_collector_s'])} of micrograd's"
             f" (target >= {target:g}x, in a loop)")
        results.append(row)
        results.append(_floor_row(name, row, FLOOR_TARGET if work is sum_of_squares else None))
    return results


FLOOR_TARGET = 1.25  # ours / bare 4-slot node on the sum of squares, in every way


def _floor_row(name: str, row: dict, target: float | None) -> dict:
    """The ratio of ours to the bare node, each way, as a row of its own."""
    ratios = {way: row[way]["floor_ratio"] for way in ("loop", "release", "build_backward")}
    worst = max(ratios.values())
    summary = "ours / bare 4-slot node: " + ", ".join(
        f"{label} {ratios[way]:.2f}x" for way, label in
        [("loop", "in a loop"), ("release", "one call + release"),
         ("build_backward", "build+backward only")])
    if target is not None:
        summary += f" (target <= {target:g}x in each way)"
    return {"benchmark": f"scalar: {name}, vs a bare node", "floor_ratio": ratios,
            "worst_floor_ratio": worst, "target": target,
            "met": None if target is None else worst <= target, "summary": summary}
