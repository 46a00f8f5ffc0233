"""Timing helpers: candidates run interleaved in one process, medians compared.

These machines are shared and noisy, so a single timing means little; we alternate
the candidates round by round (so a slow moment hits all of them alike) and compare
medians.
"""

from __future__ import annotations

import gc
import platform
import statistics
import time
from collections.abc import Callable


def time_interleaved(candidates: dict[str, Callable[[], object]], rounds: int = 15,
                     warmup: int = 2, collect: bool = True,
                     count_release: bool = False) -> dict[str, float]:
    """Median seconds of one call of each candidate, measured round-robin.

    With ``collect`` the heap is collected before every call, so that no candidate pays
    for another's garbage: micrograd's graphs are reference cycles (each node's closure
    refers to the node), which only the cyclic garbage collector frees. With
    ``count_release`` that collection after the call is timed too, so each candidate
    pays for freeing its own graph; without it, only building and back-propagating are
    timed. Candidates that leave no cyclic garbage (training steps) run without forced
    collections, as in a real training loop.
    """
    for _ in range(warmup):
        for run in candidates.values():
            run()
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, run in candidates.items():
            if collect:
                gc.collect()
            start = time.perf_counter()
            run()
            if count_release:
                gc.collect()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


def machine() -> str:
    return f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"


def fmt_time(seconds: float) -> str:
    if seconds >= 1e-1:
        return f"{seconds * 1e3:.0f} ms"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"
