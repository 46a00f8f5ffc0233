"""Run lab experiments and write ``results.json`` and ``REPORT.md`` into the out folder.

Ctrl-C (or SIGTERM) keeps what finished: the report files are still written, with the
finished experiments and the others listed as not run, and then the interrupt goes on.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..interrupts import sigterm_as_interrupt
from . import EXPERIMENTS
from .common import Result, RunConfig, dump_json, single_threaded_blas
from .report import write_report

__all__ = ["run_one", "run_lab"]


def run_one(name: str, config: RunConfig) -> Result:
    """Run one experiment by name, timing it."""
    if name not in EXPERIMENTS:
        known = ", ".join(EXPERIMENTS)
        raise KeyError(f"lab: no experiment named {name!r}; choose from: {known}")
    module = EXPERIMENTS[name]
    print(f"\n=== {module.NAME}: {module.TITLE} ===")
    print(f"claim: {module.CLAIM}")
    start = time.perf_counter()
    with single_threaded_blas():
        result = module.run(config)
    result.seconds = round(time.perf_counter() - start, 2)
    print(f"-> {result.verdict} ({result.seconds:.1f} s)")
    return result


def run_lab(names: list[str] | None = None, config: RunConfig | None = None) -> list[Result]:
    """Run the named experiments (all when ``names`` is empty) and write the report files.

    Returns the results; ``config.out`` gets ``results.json``, ``REPORT.md`` and one
    folder of figures per experiment.
    """
    config = config or RunConfig()
    names = list(names) if names else list(EXPERIMENTS)
    unknown = [name for name in names if name not in EXPERIMENTS]
    if unknown:  # fail before spending minutes on the first ones
        known = ", ".join(EXPERIMENTS)
        raise KeyError(f"lab: no experiment named {unknown[0]!r}; choose from: {known}")
    results: list[Result] = []
    interrupted, failure = False, None
    try:
        with sigterm_as_interrupt():
            for name in names:
                results.append(run_one(name, config))
    except KeyboardInterrupt:
        interrupted = True
    except Exception as error:  # keep what finished, then let the error speak
        failure = error
    not_run = names[len(results):]
    why = "interrupted" if interrupted else f"{not_run[0]} failed" if failure else ""
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    dump_json({"quick": config.quick, "seed": config.seed, "dataset": config.dataset,
               "interrupted": interrupted, "failed": not_run[0] if failure else None,
               "experiments": [result.to_dict() for result in results],
               "not_run": not_run}, out / "results.json")
    write_report(results, config, out / "REPORT.md",
                 not_run=[(name, EXPERIMENTS[name]) for name in not_run], why=why)
    print(f"\nwrote {out / 'results.json'} and {out / 'REPORT.md'}")
    if failure is not None:
        raise failure
    if interrupted:
        raise KeyboardInterrupt(f"lab: interrupted; {len(results)} of {len(names)} experiments "
                                f"finished and are in {out / 'REPORT.md'}; not run: "
                                + ", ".join(not_run))
    return results
