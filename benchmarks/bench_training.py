"""Training, watching it, and what it costs.

* recording: a 2,000-iteration 2-8-1 XOR run recorded for the training page
  (`viz.record_training`: `fit` with a `Recorder`) against the same run as a plain loop
  of the lecture's four lines -- target at most 1.3x; the page's build time and size
  (target < 3 MB);
* `fit` itself: 10 epochs on digits against the same epochs as a plain loop of
  `train_step` over the same loader -- what the callbacks cost (target at most 1.05x);
* the live view: a digits `fit` with `viz.LiveView` (the widget's state built as in a
  notebook: loss curve, gradient norms, the graph drawn) against the same `fit`
  without it -- target at most 10 % more time;
* the lab's ``--quick`` run, experiment by experiment (it was a test's bound: 30 s each).
"""

from __future__ import annotations

import io
import statistics
import time

from tinygrad_edu import Tensor, optim
from tinygrad_edu.nn import functional as F

from .common import fmt_time, time_interleaved

STEPS = 2000
RECORDING_TARGET, LIVE_TARGET, SIZE_TARGET, FIT_TARGET = 1.3, 1.10, 3_000_000, 1.05
LAB_QUICK_TARGET = 30.0  # seconds per experiment with --quick


def _xor_model():
    from tinygrad_edu.lab.models import mlp

    return mlp([2, 8, 1], activation="tanh", init="xavier", seed=0, output="sigmoid")


def plain_loop(steps: int = STEPS) -> float:
    """The run without any recording: zero_grad, forward, backward, step."""
    from tinygrad_edu.data import toy_dataset

    X, y = toy_dataset("xor")
    model = _xor_model()
    optimizer = optim.SGD(model.parameters(), lr=1.0)
    x = Tensor(X)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.binary_cross_entropy(model(x).reshape(-1), y)
        loss.backward()
        optimizer.step()
    return loss.item()


def recorded(steps: int = STEPS):
    import viz
    from tinygrad_edu.data import toy_dataset

    X, y = toy_dataset("xor")
    return viz.record_training(_xor_model(), X, y, optimizer="sgd", lr=1.0, steps=steps)


def _digits_loop(epochs: int = 10) -> float:
    """The same training as `_digits_fit` without `fit`: train_step over the loader."""
    from tinygrad_edu.data import DataLoader, TensorDataset, digits
    from tinygrad_edu.lab.models import mlp
    from tinygrad_edu.train import train_step

    X, y = digits()
    model = mlp([64, 64, 10], activation="relu", init="he", seed=0)
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=0)
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        model.train()
        for x, target in loader:
            _, loss = train_step(model, F.cross_entropy, optimizer, x, target)
    return loss.item()


def lab_quick() -> list[dict]:
    """Each lab experiment once with --quick, timed (single-threaded BLAS, as the lab)."""
    import contextlib
    import io
    import tempfile

    from tinygrad_edu.lab import EXPERIMENTS, RunConfig, run_one

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in EXPERIMENTS:
            with contextlib.redirect_stdout(io.StringIO()):
                result = run_one(name, RunConfig(quick=True, seed=0, out=folder))
            rows.append({"benchmark": f"lab --quick {name}", "seconds": result.seconds,
                         "met": result.seconds <= LAB_QUICK_TARGET,
                         "summary": f"{result.seconds:8.1f} s (target <= "
                                    f"{LAB_QUICK_TARGET:.0f} s)"})
    return rows


def _digits_fit(view=None, epochs: int = 10):
    from tinygrad_edu.data import DataLoader, TensorDataset, digits
    from tinygrad_edu.lab.models import mlp
    from tinygrad_edu.train import fit

    X, y = digits()
    model = mlp([64, 64, 10], activation="relu", init="he", seed=0)
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=0)
    callbacks = [] if view is None else [view(model)]
    return fit(model, F.cross_entropy, optim.Adam(model.parameters(), lr=1e-3), loader,
               epochs=epochs, metrics=(), callbacks=callbacks, progress=False)


def run(rounds: int = 15) -> list[dict]:
    import viz

    rows = []
    times = time_interleaved({"plain": plain_loop, "recorded": recorded},
                             rounds=max(3, rounds // 3), warmup=1, collect=False)
    ratio = times["recorded"] / times["plain"]
    rows.append({"benchmark": f"train: record {STEPS} iterations of 2-8-1 XOR vs plain loop",
                 "seconds": times["recorded"], "ratio": ratio, "met": ratio <= RECORDING_TARGET,
                 "summary": f"{fmt_time(times['recorded']):>9s} vs {fmt_time(times['plain'])}"
                            f"  {ratio:.2f}x (target <= {RECORDING_TARGET}x)"})
    builds, size = [], 0
    for _ in range(3):  # the first page of a fresh recording: its snapshots are replayed
        recording = recorded()
        start = time.perf_counter()
        size = len(viz.training_page(recording).encode("utf-8"))
        builds.append(time.perf_counter() - start)
    build = statistics.median(builds)
    rows.append({"benchmark": f"train: page of those {STEPS} iterations (build, size)",
                 "seconds": build, "bytes": size, "met": size < SIZE_TARGET,
                 "summary": f"{fmt_time(build):>9s}  {size / 1e6:.2f} MB (target < 3 MB)"})

    def live(model):
        # the widget's whole state, graph included, built as in a notebook (not shown)
        return viz.LiveView(model=model, widget=True, display=False, stream=io.StringIO())

    try:
        import anywidget  # noqa: F401
    except ImportError:
        def live(model):  # the terminal fallback then
            return viz.LiveView(model=model, widget=False, stream=io.StringIO())
    fits = time_interleaved({"loop": _digits_loop, "fit": lambda: _digits_fit(),
                             "live": lambda: _digits_fit(live)},
                            rounds=max(5, rounds // 2), warmup=1, collect=False)
    ratio = fits["fit"] / fits["loop"]
    rows.append({"benchmark": "train: digits fit (10 epochs) vs a plain train_step loop",
                 "seconds": fits["fit"], "ratio": ratio, "met": ratio <= FIT_TARGET,
                 "summary": f"{fmt_time(fits['fit']):>9s} vs {fmt_time(fits['loop'])}  "
                            f"{ratio:.2f}x (target <= {FIT_TARGET}x)"})
    ratio = fits["live"] / fits["fit"]
    rows.append({"benchmark": "train: digits fit (10 epochs) with LiveView vs without",
                 "seconds": fits["live"], "ratio": ratio, "met": ratio <= LIVE_TARGET,
                 "summary": f"{fmt_time(fits['live']):>9s} vs {fmt_time(fits['fit'])}  "
                            f"{(ratio - 1) * 100:+.1f} % (target <= +10 %)"})
    return rows + lab_quick()


if __name__ == "__main__":
    for row in run(15):
        print(f"  {row['benchmark']:60s} {row['summary']}")
