"""Drawing big graphs: building the graphviz.Digraph of a 5,000-node scalar graph, and
the explorer page of graphs of 10 to 100,000 nodes.

The targets: drawing (issue 3) -- walking the graph into the model and building the
Digraph, not laying it out -- takes under 2 s, folded into group boxes (the default)
and expanded (every node drawn); laying out the folded drawing as SVG is timed too. The
explorer (issue 10): a 100k-node graph gives a page of at most 2 MB that a browser
loads in under 2 s; its build time (document, layout and page) is measured beside.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from pathlib import Path

from tinygrad_edu import Value, topo_order

from .common import fmt_time, time_interleaved

TARGET_S = 2.0
PAGE_TARGET_BYTES = 2_000_000
EXPLORER_SIZES = (10, 1_000, 10_000, 100_000)


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


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _in_chromium(paths: list[Path], measure) -> dict[Path, float]:
    """``measure(page, path)`` for each page in headless chromium at 1400×900; empty when
    playwright or chromium is missing."""
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    if chromium is None:
        return {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        found = {path: measure(page, path) for path in paths}
        browser.close()
    return found


def _load_seconds(page, path: Path) -> float:
    """Seconds from navigation to the load event and the first frame (median of 3)."""
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(0)))")
        samples.append(time.perf_counter() - start)
    return sorted(samples)[1]


# One step of the page, timed inside it: a key press and the layout it causes, averaged
# over 40 steps back and forth (the page's script runs the step synchronously).
STEP_JS = """() => {
    const n = 40, start = performance.now();
    for (let i = 0; i < n; i++) {
        const key = i % 2 ? 'ArrowLeft' : 'ArrowRight';
        document.dispatchEvent(new KeyboardEvent('keydown', {key: key}));
        document.body.getBoundingClientRect();
    }
    return (performance.now() - start) / n / 1000; }"""
STEP_TARGET_S = 0.016


def _step_seconds(page, path: Path) -> float:
    """Seconds per step of the page (median of 3 runs of 40 steps)."""
    page.goto(path.as_uri(), wait_until="load")
    return sorted(page.evaluate(STEP_JS) for _ in range(3))[1]


def explorer_rows(sizes=EXPLORER_SIZES, rounds: int = 3) -> list[dict]:
    """Build time and size of the explorer page (and its document) per graph size, and
    the page's load time in a browser when one is there."""
    import viz

    folder = Path(tempfile.mkdtemp(prefix="bench_explorer_"))
    built = []
    for size in sizes:
        root = scalar_graph(size)
        count = len(topo_order(root))
        times = time_interleaved({"page": lambda root=root: viz.html_page(root)},
                                 rounds=rounds, warmup=0)
        page = viz.html_page(root)
        path = folder / f"explorer_{size}.html"
        path.write_text(page, encoding="utf-8")
        built.append((count, times["page"], len(page.encode("utf-8")), path))
    loads = _in_chromium([path for *_, path in built], _load_seconds)
    steps = _in_chromium([path for *_, path in built], _step_seconds)
    rows = []
    for count, seconds, size, path in built:
        met = "met" if size <= PAGE_TARGET_BYTES else "NOT met"
        rows.append({"benchmark": f"viz: explorer page of a {count:,}-node graph (build)",
                     "seconds": seconds, "bytes": size,
                     "summary": f"{fmt_time(seconds):>9s}  {size / 1e6:.2f} MB "
                                f"(target ≤ 2 MB: {met})"})
        if path in loads:
            load = loads[path]
            met = "met" if load < TARGET_S else "NOT met"
            rows.append({"benchmark": f"viz: explorer page of a {count:,}-node graph (load)",
                         "seconds": load,
                         "summary": f"{fmt_time(load):>9s}  target < {TARGET_S:g} s: {met}"})
        if path in steps:
            step = steps[path]
            met = "met" if step <= STEP_TARGET_S else "NOT met"
            rows.append({"benchmark": f"viz: explorer page of a {count:,}-node graph (one step)",
                         "seconds": step,
                         "summary": f"{fmt_time(step):>9s}  target ≤ 16 ms: {met}"})
    return rows


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
    return rows + explorer_rows(rounds=max(3, rounds // 5))


if __name__ == "__main__":
    for row in run(6):
        print(f"  {row['benchmark']:55s} {row['summary']}")
