"""The committed report is what the lab measures: two experiments re-run at full budget
agree with docs/lab/results.json to float noise, verdicts included."""

import json
import math
from pathlib import Path

import pytest

from tinygrad_edu.lab import RunConfig, run_one

REPO = Path(__file__).resolve().parents[2]


def committed(name: str) -> dict:
    report = json.loads((REPO / "docs" / "lab" / "results.json").read_text(encoding="utf-8"))
    assert report["quick"] is False and report["seed"] == 0
    return next(entry for entry in report["experiments"] if entry["name"] == name)


def close(ours, theirs, where=""):
    if isinstance(theirs, dict):
        assert sorted(ours) == sorted(theirs), where
        for key in theirs:
            close(ours[key], theirs[key], f"{where}/{key}")
    elif isinstance(theirs, list):
        assert len(ours) == len(theirs), where
        for index, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            close(a, b, f"{where}[{index}]")
    elif isinstance(theirs, float) and not isinstance(theirs, bool):
        assert math.isclose(ours, theirs, rel_tol=1e-6, abs_tol=1e-9), (where, ours, theirs)
    else:
        assert ours == theirs, where


@pytest.mark.parametrize("name", ["chain_rule", "tensorboard_logging"])
def test_a_full_run_agrees_with_the_committed_results(name, tmp_path):
    result = json.loads(json.dumps(run_one(name, RunConfig(quick=False, seed=0,
                                                           out=tmp_path)).to_dict()))
    entry = committed(name)
    close(result["measured"], entry["measured"])
    assert result["verdict"] == entry["verdict"] and result["checks"] == entry["checks"]
