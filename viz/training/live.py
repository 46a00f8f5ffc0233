"""A live view of training: in a notebook a widget that redraws while the kernel trains,
elsewhere a progress line and one summary line per epoch.

    history = fit(model, loss_fn, optimizer, loader, callbacks=[viz.LiveView(data=(X, y))])

or by hand::

    view = viz.live(model, data=(X, y))
    for step in range(1000):
        ...; loss.backward(); optimizer.step()
        view.update(loss=loss.item(), step=step)

The widget (built on anywidget: its JavaScript is ``viz/training/assets/live_widget.js``,
no build step) shows the loss curve, the decision boundary for 2-D data, each layer's
gradient norm and the graph of a forward pass with the current values and the
parameters' gradients. Every number is kept; what is *sent* is throttled: a redraw
happens only when at least ``min_interval`` seconds passed and the time spent drawing
stays under ``budget`` (10 %) of the time since training began.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.train import (
    Callback,
    FitState,
    boundary_grid,
    gradient_norms,
    parameter_layers,
    predict,
    probabilities,
)

from ..palette import SERIES_COLOURS
from ..words import words_of

__all__ = ["LiveView", "live", "in_notebook"]

ASSETS = Path(__file__).parent / "assets"
MAX_CURVE = 500  # points of the loss curve sent to the front end
GRAPH_GUESS = 0.05  # seconds a graph layout takes, until one has been timed


def in_notebook() -> bool:
    """True inside a Jupyter kernel (a front end that can show widgets)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ipython = shell.get_ipython()
    return ipython is not None and "IPKernelApp" in getattr(ipython, "config", {})


def _make_widget():
    """The anywidget model; imported only when a notebook shows one."""
    import anywidget
    import traitlets

    class TrainingWidget(anywidget.AnyWidget):
        # one chart script for the page and the widget: charts.js, then the widget's own
        _esm = "\n".join((ASSETS / name).read_text(encoding="utf-8")
                          for name in ("charts.js", "live_widget.js"))
        _css = (ASSETS / "live_widget.css").read_text(encoding="utf-8")
        data = traitlets.Dict({}).tag(sync=True)
        words = traitlets.Dict({}).tag(sync=True)  # the widget's labels, sent once

    return TrainingWidget()


class LiveView(Callback):
    """Watch training live. ``data=(X, y)``: the points the boundary is drawn for (2-D
    inputs). ``widget``: True / False, or None to use one only in a notebook.
    ``clock``: where time comes from (tests pass a fake one); ``display=False`` builds
    the widget's state without showing it (benchmarks); ``lang``: "en" or "ko"."""

    def __init__(self, model=None, data=None, min_interval: float = 0.25, budget: float = 0.1,
                 graph: bool = True, grid: int = 24, widget: bool | None = None, stream=None,
                 clock: Callable[[], float] = time.perf_counter, display: bool = True,
                 lang: str = "en") -> None:
        self.words = words_of("live", lang, who="LiveView")
        if not 0 < budget <= 1:
            raise ValueError(f"LiveView: budget is a share of the training time in (0, 1], "
                             f"got {budget}")
        self.model, self.min_interval, self.budget = model, min_interval, budget
        self.graph, self.grid_size, self.clock = graph, grid, clock
        self.stream = stream if stream is not None else sys.stderr
        self.use_widget = in_notebook() if widget is None else widget
        self.display = display  # False: build the widget's state without showing it
        self.widget = None
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.metrics: dict[str, float] = {}
        self.epochs: list[dict] = []
        self.pushes = 0
        self.drawing_time = 0.0
        self.started = None
        self.last_push = -math.inf
        self.state: dict = {}
        self.last_graph: str | None = None
        self.graph_cost = GRAPH_GUESS  # seconds one graph drawing took (a guess at first)
        self.X = self.y = None
        self.dead_layer: dict | None = None
        self.dead_said = False
        if data is not None:
            self.X, self.y = (np.asarray(a) for a in data)

    # ---- the fit callback ----

    def on_train_begin(self, state: FitState) -> None:
        if self.model is None:
            self.model = state.model
        self._start()

    def on_step_end(self, state: FitState) -> None:
        self.dead_layer = state.history.dead_layer  # the Recorder's finding, shown as is
        self.update(step=state.step, **state.logs)

    def on_epoch_end(self, state: FitState) -> None:
        self.epochs.append({"epoch": state.epoch, **state.logs})
        if not self.use_widget:
            shown = " ".join(f"{k} {v:.4g}" for k, v in state.logs.items())
            print("\r" + self.words["epoch"].format(epoch=state.epoch + 1, shown=shown),
                  file=self.stream, flush=True)

    def on_train_end(self, state: FitState) -> None:
        self.flush()

    # ---- by hand ----

    def update(self, loss: float, step: int | None = None, **metrics: float) -> bool:
        """Record one step; redraw if the throttle allows. Returns True when it redrew."""
        if self.started is None:
            self._start()
        self.steps.append(len(self.steps) if step is None else int(step))
        self.losses.append(float(loss))
        self.metrics = {k: float(v) for k, v in metrics.items()}
        now = self.clock()
        elapsed = now - self.started
        if now - self.last_push < self.min_interval:
            return False
        if self.pushes and self.drawing_time > self.budget * elapsed:
            return False  # drawing already took its share: let training run
        self._push(now)
        return True

    def flush(self) -> None:
        """Redraw now, whatever the throttle says (the end of training)."""
        if self.started is None:
            self._start()
        self._push(self.clock())
        if not self.use_widget and self.losses:
            print(file=self.stream, flush=True)

    # ---- drawing ----

    def _start(self) -> None:
        self.started = self.clock()
        if self.use_widget and self.widget is None:
            try:
                self.widget = _make_widget()
            except ImportError:  # a plain install: say how to get the widget, then print
                print(self.words["no_widget"], file=self.stream, flush=True)
                self.use_widget = False
                return
            self.widget.words = self.words
            if self.display:
                from IPython.display import display

                display(self.widget)

    def _push(self, now: float) -> None:
        begin = self.clock()
        self.state = self.snapshot()
        if self.widget is not None:
            self.widget.data = self.state
        else:
            loss = self.losses[-1] if self.losses else float("nan")
            shown = self.words["status"].format(step=self.steps[-1] if self.steps else 0,
                                                loss=f"{loss:.4g}")
            print("\r" + shown, end="", file=self.stream, flush=True)
            if self.state.get("dead") and not self.dead_said:  # once, on a line of its own
                self.dead_said = True
                print("\n" + self.state["dead"], file=self.stream, flush=True)
        self.pushes += 1
        self.drawing_time += self.clock() - begin
        self.last_push = now

    def snapshot(self) -> dict:
        """What a redraw shows (and a widget is sent): the loss curve (at most MAX_CURVE
        points), the last step's numbers, each layer's gradient norm; in a widget also
        the decision boundary and the graph."""
        stride = max(1, math.ceil(len(self.losses) / MAX_CURVE))
        state = {"steps": self.steps[::stride], "loss": self.losses[::stride],
                 "last": {"step": self.steps[-1] if self.steps else 0,
                          "loss": self.losses[-1] if self.losses else None, **self.metrics},
                 "epochs": self.epochs[-50:], "grad_norms": self._grad_norms(),
                 "dead": self.words["dead"].format(**self.dead_layer) if self.dead_layer
                 else None,
                 "colours": SERIES_COLOURS}
        if self.use_widget:  # the pictures are for the widget only: the terminal gets text
            state["boundary"] = self._boundary()
            if self.graph:
                state["graph"] = self._graph_within_budget()
        return state

    def _grad_norms(self) -> dict[str, float]:
        """Each layer's gradient norm now (`tinygrad_edu.train.gradient_norms`)."""
        if self.model is None or not hasattr(self.model, "named_parameters"):
            return {}
        return gradient_norms(self.model.named_parameters(), parameter_layers(self.model))

    def _boundary(self) -> dict | None:
        if self.model is None or self.X is None or self.X.ndim != 2 or self.X.shape[1] != 2:
            return None
        grid, points = boundary_grid(self.X, self.grid_size)
        output = self.model.predict(points) if hasattr(self.model, "predict") \
            else predict(self.model, points.astype(np.float32))
        keep = slice(None, 300)
        return {**grid, "values": [int(round(100 * p)) for p in probabilities(output)],
                "points": np.round(self.X[keep], 3).tolist(),
                "labels": [int(v) for v in self.y[keep]] if self.y is not None else []}

    def _graph_within_budget(self) -> str | None:
        """The graph is the dearest picture (a layout): redrawn only when its last cost
        still fits in the budget, else the previous drawing is sent again."""
        elapsed = self.clock() - self.started
        if self.drawing_time + self.graph_cost > self.budget * elapsed:
            return self.last_graph
        begin = self.clock()
        self.last_graph = self._graph_svg()
        self.graph_cost = self.clock() - begin
        return self.last_graph

    def _graph_svg(self) -> str | None:
        """A forward pass on two points: current values, and the parameters' gradients
        from the last backward (a forward pass builds a graph but touches no .grad)."""
        if self.model is None or self.X is None:
            return None
        from ..dot import draw
        from ..render import svg_text

        output = self.model(Tensor(self.X[:2].astype(np.float32)))
        svg = svg_text(draw(output, modules=self.model, legend=False))
        return svg[svg.index("<svg"):]


def live(model, data=None, **options) -> LiveView:
    """A `LiveView` of ``model`` for a loop written by hand: call ``view.update(loss=...,
    step=...)`` after each step and ``view.flush()`` at the end."""
    return LiveView(model=model, data=data, **options)
