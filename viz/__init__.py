"""viz: see the graph -- every forward value and every gradient -- and walk backward.

Reads the engine's graphs and never changes them (the engine never imports viz).

* `draw(root)`       -> graphviz.Digraph: values in blue, gradients in red, op symbols
* `render(d, path)`  -> SVG / PNG / PDF / DOT, through `dot` or graphviz-pure
* `steps(root)`      -> the forward and backward passes as a list of explained steps
* `html(root, path)` -> a self-contained step-through page (buttons, ←/→, slider)
* `parse_expression` -> a toy expression ("g = w*x; f = g + b") as a Value graph
* `viz.plots`        -> matplotlib figures for the experiments
"""

from .dot import Drawing, draw
from .graph import to_networkx
from .render import RenderError, render, svg_text

__all__ = ["draw", "Drawing", "render", "svg_text", "RenderError", "to_networkx"]
