"""`tinygrad-edu lab`: reproduce the course notes' claims and write a report.

    tinygrad-edu lab                      # all 12 experiments, full budgets
    tinygrad-edu lab --quick              # a few seconds each (numbers indicative)
    tinygrad-edu lab xor batch_norm       # just these
    tinygrad-edu lab --list               # what there is

Writes ``<out>/results.json`` (per experiment: name, settings, seed, measured figures),
``<out>/REPORT.md`` (claim → our measurement → holds or not, with the figure) and one
folder of figures per experiment.
"""

from __future__ import annotations

import argparse

from .cli import CliError


def run(options: argparse.Namespace) -> int:
    from .lab import EXPERIMENTS, run_lab  # imported here: plain `tinygrad-edu` stays fast
    from .lab.common import RunConfig
    from .lab.script import config_from

    if options.list:
        for number, (name, module) in enumerate(EXPERIMENTS.items(), 1):
            data = " [--dataset]" if getattr(module, "USES_DATASET", False) else ""
            print(f"{number:2d}. {name:22s} {module.TITLE}{data}")
        return 0
    unknown = [name for name in options.names if name not in EXPERIMENTS]
    if unknown:
        raise CliError(f"no experiment named {unknown[0]!r}; `tinygrad-edu lab --list` shows "
                       f"them: {', '.join(EXPERIMENTS)}")
    try:
        config: RunConfig = config_from(options)
    except ValueError as error:
        raise CliError(str(error)) from None
    results = run_lab(options.names, config)
    print()
    for result in results:
        print(f"  {result.name:22s} {result.verdict:14s} ({result.seconds:.1f} s)")
    return 0


def add_run_options(parser: argparse.ArgumentParser, with_dataset: bool = True) -> None:
    """--quick, --seed, --out and (for data experiments) --dataset, --data-root; shared
    with the scripts in examples/."""
    parser.add_argument("--quick", action="store_true",
                        help="small budgets: a few seconds per experiment (numbers indicative)")
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    parser.add_argument("--out", default="out/lab",
                        help="folder for figures and reports (default out/lab)")
    if with_dataset:
        parser.add_argument("--dataset", choices=("digits", "mnist"), default="digits",
                            help="digits: the 8x8 set bundled with scikit-learn (default); "
                                 "mnist: read from --data-root")
        parser.add_argument("--data-root", default=None,
                            help="folder holding the four MNIST files (for --dataset mnist)")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "lab", help="reproduce the lectures' claims: experiments, figures, REPORT.md",
        description="Run the lecture experiments and write results.json and REPORT.md.")
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="experiments to run (default: all; see --list)")
    parser.add_argument("--list", action="store_true", help="list the experiments and exit")
    add_run_options(parser)
    parser.set_defaults(run=run)
