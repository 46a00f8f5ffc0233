"""`viz.show(root)`: the explorer inline in a notebook, inside its own frame.

The page goes into an ``<iframe srcdoc>`` with ``sandbox="allow-scripts"``: it runs its
script, but its styles, its keys and its script stay inside the frame -- the notebook's
own ``body``, ``button`` and arrow keys are untouched -- and it cannot reach the
notebook's page or the network. The same markup works in JupyterLab, Notebook 7 and in a
notebook exported to HTML, because it is plain HTML with the page inside an attribute.
"""

from __future__ import annotations

from html import escape

from tinygrad_edu.autograd import Node
from tinygrad_edu.files import write_text

from .html import html_page

__all__ = ["Explorer", "show"]


class Explorer:
    """The explorer page of one graph; a notebook displays it inline (``_repr_html_``)."""

    def __init__(self, page: str, height: int = 640) -> None:
        self.page = page
        self.height = height

    def iframe(self) -> str:
        """The page in an isolated ``<iframe srcdoc>`` (``escape`` quotes it for the
        attribute, so nothing in it can end the attribute or the element)."""
        return (f'<iframe srcdoc="{escape(self.page, quote=True)}" sandbox="allow-scripts" '
                f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ddd" '
                f'title="backprop explorer"></iframe>')

    def _repr_html_(self) -> str:
        return self.iframe()

    def save(self, path) -> None:
        """Write the page itself (not the frame) to ``path``."""
        write_text(path, self.page, "save")


def show(root: Node, height: int = 640, **options) -> Explorer:
    """The explorer of ``root``'s graph for a notebook cell: ``viz.show(loss)``.

    Takes the options of `viz.html_page` (``lang``, ``practice``, ``passes``, ...);
    ``height`` is the frame's height in CSS pixels."""
    return Explorer(html_page(root, **options), height=height)
