"""Drawing big graphs: building the graphviz.Digraph of a 5,000-node scalar graph.

The target (issue 3): drawing -- walking the graph into the model and building the
Digraph, not laying it out -- takes under 2 s, folded into group boxes (the default)
and expanded (every node drawn). Laying out the folded drawing as SVG is timed too.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from tinygrad_edu import Value, topo_order

from .common import fmt_time, time_interleaved

TARGET_S = 2.0


def scalar_graph(nodes: int = 5000, seed: int = 0) -> Value:
    """A small MLP-like sum of tanh(w*x + b) terms with about ``nodes`` nodes, after
    backward: each term adds w, x, b, w*x, +b, tanh and the running sum (7 nodes)."""
    rng = random.Random(seed)
    total = Value(0.0, label="total")
    for i in range(-(-nodes // 7)):  # rounded up: at least `nodes` nodes
        w = Value(rng.uniform(-1, 1), label=f"w{i}")
        x = Value(rng.uniform(-1, 1))
        b = Value(0.1)
        total = total + (w * x + b).tanh()
    total.label = "loss"
    total.backward()
    return total


def run(rounds: int = 15) -> list[dict]:
    import viz  # imported here so `python -m benchmarks --only scalar` does not need it

    root = scalar_graph()
    count = len(topo_order(root))
    folder = Path(tempfile.mkdtemp(prefix="bench_viz_"))
    candidates = {
        "folded": lambda: viz.draw(root).source,
        "expanded": lambda: viz.draw(root, expand=True).source,
    }
    times = time_interleaved(candidates, rounds=max(3, rounds // 3), warmup=1)
    layout = time_interleaved({"svg": lambda: viz.render(viz.draw(root), folder / "big.svg")},
                              rounds=max(3, rounds // 3), warmup=1)["svg"]
    rows = []
    for name, seconds in times.items():
        met = "met" if seconds < TARGET_S else "NOT met"
        rows.append({
            "benchmark": f"viz: draw a {count:,}-node scalar graph ({name})",
            "seconds": seconds,
            "summary": f"{fmt_time(seconds):>9s}  target < {TARGET_S:g} s: {met}",
        })
    rows.append({
        "benchmark": f"viz: draw + lay out as SVG ({count:,} nodes, folded)",
        "seconds": layout,
        "summary": f"{fmt_time(layout):>9s}",
    })
    return rows


if __name__ == "__main__":
    for row in run(6):
        print(f"  {row['benchmark']:55s} {row['summary']}")
