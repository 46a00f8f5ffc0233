"""The command line shared by ``examples/<name>.py`` and ``tinygrad-edu lab``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli_lab import add_run_options
from . import EXPERIMENTS
from .common import RunConfig
from .runner import run_one

__all__ = ["config_from", "main"]


def config_from(options: argparse.Namespace) -> RunConfig:
    dataset = getattr(options, "dataset", "digits")
    if dataset == "mnist" and not getattr(options, "data_root", None):
        raise ValueError("--dataset mnist needs the MNIST files: add --download to fetch them "
                         "(into data/mnist), or --data-root DIR if they are already there")
    return RunConfig(quick=options.quick, seed=options.seed, out=Path(options.out),
                     dataset=dataset, data_root=getattr(options, "data_root", None))


def main(name: str, argv: list[str] | None = None) -> int:
    """Run one experiment from the command line: what ``examples/<name>.py`` calls."""
    module = EXPERIMENTS[name]
    parser = argparse.ArgumentParser(prog=f"examples/{name}.py",
                                     description=f"{module.TITLE}. Claim: {module.CLAIM}")
    add_run_options(parser, with_dataset=getattr(module, "USES_DATASET", False))
    options = parser.parse_args(argv)
    try:
        config = config_from(options)
    except ValueError as error:
        parser.error(str(error))
    result = run_one(name, config)
    print(f"\nOur measurement: {result.finding}")
    print(f"Verdict: {result.verdict}")
    for figure in result.figures:
        print(f"figure: {(Path(config.out) / figure).as_posix()}")
    return 0
