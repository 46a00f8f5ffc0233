"""Memory: 1,000 training steps must not grow the heap (graphs are freed after backward).

We train a small MLP with the Tensor engine and sample the traced heap (numpy
reports its buffers to tracemalloc) after step 100 and after step 1,000: with every
graph released at the end of its step, the two must be the same up to noise.
"""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import numpy as np

from tinygrad_edu import Tensor, cross_entropy, no_grad


def train_steps(steps: int, sample_at: tuple[int, ...]) -> tuple[dict[int, int], bool]:
    """Train; return the traced heap at the chosen steps and whether the first step's
    graph is gone by the end."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 32)).astype(np.float32)
    y = rng.integers(0, 4, size=64)
    params = [
        Tensor(rng.standard_normal((32, 64)) * 0.1, requires_grad=True),
        Tensor(np.zeros(64), requires_grad=True),
        Tensor(rng.standard_normal((64, 4)) * 0.1, requires_grad=True),
        Tensor(np.zeros(4), requires_grad=True),
    ]
    samples = {}
    first_graph = None
    for step in range(1, steps + 1):
        hidden = (Tensor(x) @ params[0] + params[1]).relu()
        loss = cross_entropy(hidden @ params[2] + params[3], y)
        for p in params:
            p.grad = None
        loss.backward()
        if first_graph is None:
            first_graph = weakref.ref(hidden)
        with no_grad():
            for p in params:
                p.data -= 0.1 * p.grad
        if step in sample_at:
            gc.collect()
            samples[step] = tracemalloc.get_traced_memory()[0]
    return samples, first_graph() is None


def run(rounds: int = 0) -> list[dict]:
    tracemalloc.start()
    try:
        samples, first_graph_freed = train_steps(1000, (100, 1000))
    finally:
        tracemalloc.stop()
    growth = samples[1000] - samples[100]
    return [{
        "benchmark": "memory: heap growth over 1,000 training steps",
        "bytes_at_100": samples[100],
        "bytes_at_1000": samples[1000],
        "growth_bytes": growth,
        "first_graph_freed": first_graph_freed,
        "summary": f"traced heap {samples[100] / 1024:.0f} KiB after step 100, "
                   f"{samples[1000] / 1024:.0f} KiB after step 1000 "
                   f"(growth {growth / 1024:+.1f} KiB; target: no growth, < 16 KiB); "
                   f"step 1's graph freed: {first_graph_freed}",
        "met": growth < 16 * 1024 and first_graph_freed,
    }]
