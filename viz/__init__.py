"""viz: see the graph -- every forward value and every gradient -- and walk backward.

It shows and never trains: it reads the engine's graphs and the records of a run that
`tinygrad_edu.train` keeps (`fit`, its `Recorder`, `History`); training, recording and
replaying a recorded step are the library's (the engine never imports viz). Every page
is one offline file in one shell (`viz.shell`). The one call that moves weights is one
you make yourself: `narrated_step(optimizer)`, which is ``optimizer.step()`` explained.

* `draw(root)`        -> graphviz.Digraph: values in blue, gradients in red, op symbols
* `render(d, path)`   -> SVG / PNG / PDF / DOT, through `dot` or graphviz-pure
* `steps(root)`       -> the forward and backward passes as a list of explained steps
* `explorer_document(root)` -> everything the explorer page shows, as JSON-able data
* `html(root, path)`  -> the explorer: one offline page to step through, check, practise
* `show(root)`        -> the explorer inline in a notebook, in its own frame
* `build_graph(text, values)` -> a toy expression ("g = w*x; f = g + b") as a Value graph
* `record_training(model, X, y)` + `training_page(recording, path)` -> a run trained by
  the library (`train.record_run`: `fit` on the whole batch with a `Recorder`), replayed
* `narrated_step(optimizer)` -> ``step()`` with each weight's update written out
* `LiveView()` (a `fit` callback) / `live(model)` -> training watched live in a notebook
* `viz.plots`         -> matplotlib figures for the experiments (imported on its own)
"""

from .demo import DemoOutputs, demo_outputs
from .dot import Drawing, draw
from .explorer_data import explorer_document
from .expr import ExpressionError, build_graph, parse_expression
from .graph import to_networkx
from .html import html, html_page
from .notebook import Explorer, show
from .render import RenderError, render, svg_text
from .steps import Step, format_steps, steps
from .training.live import LiveView, live
from .training.page import training_page
from .training.recording import Recording, ValueMLP, record_training
from .training.updates import narrated_step

__all__ = ["draw", "Drawing", "render", "svg_text", "RenderError", "to_networkx", "steps",
           "Step", "format_steps", "html", "html_page", "show", "Explorer", "build_graph",
           "parse_expression", "ExpressionError", "demo_outputs", "DemoOutputs",
           "explorer_document", "training_page", "record_training", "Recording", "ValueMLP",
           "narrated_step", "LiveView", "live"]
