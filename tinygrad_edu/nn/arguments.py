"""The checks of a layer's settings, so that ``Linear(0, 3)`` or ``Linear(2.5, 3)`` is one
line naming the layer and the setting, not a ZeroDivisionError from deep inside the
initialisation. Every layer checks its sizes and numbers with these two."""

from __future__ import annotations

import math
import numbers

__all__ = ["whole_number", "real_number"]


def whole_number(who: str, name: str, value, minimum: int = 1) -> int:
    """``value`` as an int when it is a whole number (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{who}: {name} must be a whole number, got {type(value).__name__} "
                        f"{value!r}"[:160])
    if value < minimum:
        raise ValueError(f"{who}: {name} must be at least {minimum}, got {value}")
    return int(value)


def real_number(who: str, name: str, value, low: float | None = None,
                high: float | None = None, above_low: bool = False) -> float:
    """``value`` as a float when it is a finite real number (not a bool) in [low, high]
    (or (low, high] with ``above_low``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{who}: {name} must be a number, got {type(value).__name__} "
                        f"{value!r}"[:160])
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{who}: {name} must be a finite number, got {value}")
    too_low = low is not None and (value <= low if above_low else value < low)
    if too_low or (high is not None and value > high):
        bounds = (f"{'(' if above_low else '['}{low:g}, {high:g}]" if high is not None
                  else f"{'>' if above_low else '>='} {low:g}")
        raise ValueError(f"{who}: {name} must be {'in ' if high is not None else ''}{bounds}, "
                         f"got {value:g}")
    return value
