"""What `fit` shows while it trains: a progress bar and one summary line per epoch.

``verbose`` follows Keras:

* ``0`` -- nothing;
* ``1`` -- a progress bar over all steps (loss and epoch on it) and, above it, one line
  per epoch that stays when the bar is gone;
* ``2`` -- only the line per epoch (good for logs and CI).

The line holds the epoch, its mean loss and metrics, the validation figures and the
time the epoch took::

    epoch  3/20  loss 0.4123  accuracy 0.8750  val_loss 0.5012  val_accuracy 0.8400  (0.41 s)

In a terminal the bar is tqdm's text bar on stderr. In Jupyter it is tqdm's notebook
widget, which needs ipywidgets (the ``notebook`` extra); without it there is no bar,
only the epoch lines and, once, a line saying what to install -- never tqdm's
"IProgress not found" warning, because ``tqdm.autonotebook`` is never imported.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping

__all__ = ["Progress", "resolve_verbose", "in_notebook", "epoch_line", "NOTEBOOK_HINT"]

NOTEBOOK_HINT = ("progress bar: Jupyter needs ipywidgets: pip install -e '.[notebook]' "
                 "(in a clone) or pip install 'tinygrad-edu[notebook]'")
_hint_shown = False  # the missing-widget hint is worth reading once per session, not per fit


def in_notebook() -> bool:
    """True inside a Jupyter kernel (IPython's ZMQ shell, or a subclass of it as Colab
    has), without importing IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return any(cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__)


def _widgets_available() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_verbose(verbose: int | str | None, progress: bool | None = None) -> int:
    """The verbosity `fit` runs with. ``"auto"``/None: 1 when a person is watching (a
    terminal or a notebook), else 0; the older ``progress=True/False`` means 1/0."""
    if verbose is None or verbose == "auto":
        if progress is not None:
            return 1 if progress else 0
        watched = in_notebook() or (hasattr(sys.stderr, "isatty") and sys.stderr.isatty())
        return 1 if watched else 0
    if verbose not in (0, 1, 2):
        raise ValueError(f"fit: verbose must be 0 (silent), 1 (bar and a line per epoch), "
                         f"2 (a line per epoch) or 'auto', got {verbose!r}")
    return int(verbose)


def _number(value: float) -> str:
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.3e}"


def epoch_line(epoch: int, epochs: int, logs: Mapping[str, float], seconds: float) -> str:
    """``epoch  3/20  loss 0.4123  accuracy 0.8750  val_loss ...  (0.41 s)``."""
    width = len(str(epochs))
    figures = "  ".join(f"{name} {_number(value)}" for name, value in logs.items())
    return f"epoch {epoch + 1:{width}d}/{epochs}  {figures}  ({seconds:.2f} s)"


class Progress:
    """The bar and the epoch lines of one `fit` run; every method is cheap when silent."""

    def __init__(self, verbose: int, epochs: int, total_steps: int, stream=None) -> None:
        self.verbose, self.epochs = verbose, epochs
        self.stream = stream  # None: sys.stdout at the time of writing (pytest swaps it)
        self.bar = None  # set first: making the bar may print the missing-widget hint
        self.bar = self._make_bar(total_steps) if verbose == 1 else None
        self.started = time.perf_counter()

    def _make_bar(self, total_steps: int):
        global _hint_shown
        if in_notebook():
            if _widgets_available():
                from tqdm.notebook import tqdm as notebook_tqdm

                return notebook_tqdm(total=total_steps, leave=False, unit="step")
            if not _hint_shown:
                _hint_shown = True
                self._print(NOTEBOOK_HINT)
            return None
        from tqdm.std import tqdm

        return tqdm(total=total_steps, leave=False, unit="step", dynamic_ncols=True,
                    file=sys.stderr)

    def _print(self, line: str) -> None:
        stream = self.stream or sys.stdout
        if self.bar is not None:
            self.bar.write(line, file=stream)  # clears the bar, writes, redraws it below
        else:
            print(line, file=stream, flush=True)

    def begin_epoch(self, epoch: int) -> None:
        self.started = time.perf_counter()

    def step(self, epoch: int, loss: float) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(epoch=epoch + 1, loss=f"{loss:.4f}", refresh=False)

    def end_epoch(self, epoch: int, logs: Mapping[str, float]) -> None:
        if self.verbose:
            self._print(epoch_line(epoch, self.epochs, logs, time.perf_counter() - self.started))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
