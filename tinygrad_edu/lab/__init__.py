"""The lecture notes as a lab: every claim reproduced, measured and reported.

Each experiment is a module with ``NAME``, ``TITLE``, ``CLAIM`` and ``run(config)``;
``examples/<name>.py`` and ``tinygrad-edu lab NAME`` are thin entry points to them, and
`runner.run_lab` writes ``results.json`` and ``REPORT.md``.

>>> from tinygrad_edu.lab import RunConfig, run_lab
>>> results = run_lab(["chain_rule"], RunConfig(quick=True, out="out/lab"))  # doctest: +SKIP
"""

from __future__ import annotations

from . import (
    activations,
    batch_norm,
    chain_rule,
    hyperparameter_search,
    optimizers,
    overfitting,
    preprocessing,
    pretraining,
    tensorboard_logging,
    vanishing_gradient,
    weight_init,
    xor,
)
from .common import Result, RunConfig

# In the order of the course notes.
EXPERIMENTS = {module.NAME: module for module in (
    chain_rule,
    xor,
    vanishing_gradient,
    activations,
    weight_init,
    pretraining,
    optimizers,
    batch_norm,
    overfitting,
    hyperparameter_search,
    tensorboard_logging,
    preprocessing,
)}

from .runner import run_lab, run_one  # noqa: E402  (the runner needs EXPERIMENTS)

__all__ = ["EXPERIMENTS", "RunConfig", "Result", "run_lab", "run_one"]
