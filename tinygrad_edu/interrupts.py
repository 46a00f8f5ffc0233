"""Stopping long work politely: Ctrl-C and SIGTERM end it, and what was done is kept.

Python turns Ctrl-C (SIGINT) into ``KeyboardInterrupt`` but lets SIGTERM -- what
``kill``, a batch scheduler or a closing terminal sends -- end the process on the spot,
losing the history of a training run. Inside `sigterm_as_interrupt` SIGTERM raises
``KeyboardInterrupt`` too, so one ``except KeyboardInterrupt`` keeps the work for both.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["catch_sigterm", "sigterm_as_interrupt"]


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"stopped by signal {signal.Signals(signum).name}")


def catch_sigterm() -> Callable[[], None]:
    """From now on SIGTERM raises ``KeyboardInterrupt``; returns the function that puts
    the old handler back. Does nothing outside the main thread (signals only reach that
    one) or when the program already chose its own SIGTERM handler."""
    if threading.current_thread() is not threading.main_thread():
        return _nothing
    try:
        previous = signal.getsignal(signal.SIGTERM)
    except (ValueError, AttributeError):  # no SIGTERM on this platform
        return _nothing
    if previous not in (signal.SIG_DFL, None):
        return _nothing
    signal.signal(signal.SIGTERM, _raise_interrupt)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _nothing() -> None:
    pass


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """`catch_sigterm` for the length of a ``with`` block."""
    undo = catch_sigterm()
    try:
        yield
    finally:
        undo()
