"""What every lab experiment shares: its settings, its result record, figures, seeds.

An experiment is a module with ``NAME``, ``TITLE``, ``CLAIM`` and ``run(config) ->
Result``. It measures, prints what it measured, saves its figures under
``config.out / NAME`` and says whether the lecture's claim held *in this measurement*.
The verdict is computed from the numbers with a rule written in the experiment, never
adjusted to agree with the notes.
"""

from __future__ import annotations

import json
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures go to files; no display is ever needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

__all__ = ["RunConfig", "Result", "HOLDS", "DOES_NOT_HOLD", "PARTLY", "verdict_of",
           "save_figure", "plt", "seeds_for", "single_threaded_blas"]

HOLDS = "holds"
DOES_NOT_HOLD = "does not hold"
PARTLY = "partly holds"


@dataclass
class RunConfig:
    """How to run an experiment. ``quick`` shrinks every budget so that one experiment
    takes a few seconds (the tests use it); the full run is what the report shows."""

    quick: bool = False
    seed: int = 0
    out: Path = Path("out/lab")
    dataset: str = "digits"
    data_root: str | None = None

    def folder(self, name: str) -> Path:
        """The experiment's own output folder, created on demand."""
        path = Path(self.out) / name
        path.mkdir(parents=True, exist_ok=True)
        return path


@dataclass
class Result:
    """One experiment's record, as it goes into results.json and REPORT.md.

    ``measured`` holds plain numbers (JSON-ready); ``finding`` is one paragraph saying
    what we saw, with the numbers; ``figures`` are paths relative to the lab's out folder.
    """

    name: str
    title: str
    claim: str
    seed: int
    quick: bool
    settings: dict
    measured: dict
    verdict: str
    finding: str
    figures: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return _plain(asdict(self))


def verdict_of(checks: dict[str, bool]) -> str:
    """All sub-claims held, none did, or some did. ``checks`` maps a sentence saying
    what was tested to whether it held."""
    checks = list(checks.values())
    if all(checks):
        return HOLDS
    if not any(checks):
        return DOES_NOT_HOLD
    return PARTLY


def save_figure(figure, config: RunConfig, name: str, filename: str) -> str:
    """Save ``figure`` as ``out/<name>/<filename>``, close it, and return the path relative
    to the lab's out folder (what the report links to)."""
    path = config.folder(name) / filename
    figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)
    return f"{name}/{filename}"


def seeds_for(config: RunConfig, full: int, quick: int) -> list[int]:
    """The seeds an experiment repeats itself over: consecutive from the run's seed."""
    count = quick if config.quick else full
    return [config.seed + i for i in range(count)]


@contextmanager
def single_threaded_blas():
    """Run numpy's matrix products on one thread inside the block.

    Our matrices are small (a batch of 100 by 100 units): splitting each product over
    threads costs more than it saves, and on a busy machine it made a training step ten
    times slower. Uses threadpoolctl (installed with scikit-learn) when it is there.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        limit = nullcontext()
    else:
        limit = threadpool_limits(limits=1, user_api="blas")
    with limit:
        yield


def _plain(obj):
    """numpy scalars and arrays, tuples and Paths -> JSON types, recursively."""
    if isinstance(obj, dict):
        return {str(key): _plain(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(value) for value in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return str(obj)  # JSON has no nan/inf
    if isinstance(obj, Path):
        return obj.as_posix()
    return obj


def dump_json(data, path: Path) -> None:
    path.write_text(json.dumps(_plain(data), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
