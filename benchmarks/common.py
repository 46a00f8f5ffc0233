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

# The CPU time of this process, for work that runs on one thread (the scalar engines):
# on a shared machine the wall clock also counts the moments another tenant had the core,
# which stretched single timings of the same code by up to 3x; the CPU time does not
# (it still counts the garbage collector and every free, which are this process's work).
CPU_CLOCK = time.process_time


def time_interleaved(candidates: dict[str, Callable[[], object]], rounds: int = 15,
                     warmup: int = 2, collect: bool = True,
                     count_release: bool = False,
                     clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Median seconds of one call of each candidate, measured round-robin.

    With ``collect`` the heap is collected (untimed) before every call, so that no
    candidate pays for another's garbage: micrograd's graphs are reference cycles (each
    node's closure refers to the node), which only the cyclic garbage collector frees.
    Whatever a call returns (a graph's root) is let go after the clock stops, unless
    ``count_release``: then the call's result is dropped and the heap collected before
    the clock stops, so each candidate pays for freeing its own graph. Candidates that
    leave no cyclic garbage (training steps) run without forced collections, as in a
    real training loop.
    """
    for _ in range(warmup):
        for run in candidates.values():
            run()
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, run in candidates.items():
            if collect:
                gc.collect()
            start = clock()
            result = run()
            if count_release:
                result = None
                gc.collect()
            elapsed = clock() - start
            del result  # without count_release, the graph is freed here, untimed
            samples[name].append(elapsed)
    return {name: statistics.median(times) for name, times in samples.items()}


def time_in_loops(candidates: dict[str, Callable[[], object]], blocks: int = 5,
                  calls: int = 5,
                  clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Median seconds per call when each candidate runs as a loop would run it.

    Each candidate makes ``calls`` calls in a row with no forced collection and its
    result dropped inside the timing, so every call pays for what it leaves behind: the
    freeing of its graph, and whatever collections of earlier garbage its allocations
    trigger. Candidates take turns block by block (a slow moment of the machine hits
    them alike); the heap is collected between blocks, untimed, and the first call of
    each block only warms the loop up (it finds no garbage from the calls before it).
    """
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(blocks):
        for name, run in candidates.items():
            gc.collect()
            for call in range(calls + 1):
                start = clock()
                run()
                elapsed = clock() - start
                if call:
                    samples[name].append(elapsed)
    return {name: statistics.median(times) for name, times in samples.items()}


def collector_seconds(run: Callable[[], object], rounds: int = 5,
                      clock: Callable[[], float] = time.perf_counter) -> float:
    """Median seconds Python's cyclic garbage collector spends inside one call of
    ``run`` (with the heap collected before the call, and the result freed after it,
    both untimed): the part of building a graph that no engine's code can speed up."""
    spent: list[float] = []
    started: list[float] = []

    def on_collection(phase: str, info: dict) -> None:
        if phase == "start":
            started.append(clock())
        else:
            spent.append(clock() - started.pop())

    samples = []
    gc.callbacks.append(on_collection)
    try:
        for _ in range(rounds):
            gc.collect()
            spent.clear()
            result = run()
            samples.append(sum(spent))
            del result
    finally:
        gc.callbacks.remove(on_collection)
    return statistics.median(samples)


def machine() -> str:
    return f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"


def fmt_time(seconds: float) -> str:
    if seconds >= 1e-1:
        return f"{seconds * 1e3:.0f} ms"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"
