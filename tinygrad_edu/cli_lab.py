"""`tinygrad-edu lab`: reproduce the course notes' claims and write a report.

    tinygrad-edu lab                      # all 12 experiments, full budgets
    tinygrad-edu lab --quick              # a few seconds each (numbers indicative)
    tinygrad-edu lab xor batch_norm       # just these
    tinygrad-edu lab --list               # what there is
    tinygrad-edu lab --dataset mnist --download [--data-root DIR]   # fetch MNIST first

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
    check_out_folder(options.out)  # before minutes of work, not after
    if getattr(options, "download", False):
        fetch_mnist(options)
    try:
        config: RunConfig = config_from(options)
    except ValueError as error:
        raise CliError(str(error)) from None
    if config.dataset == "mnist":
        check_mnist_files(config.data_root)
    results = run_lab(options.names, config)
    print()
    for result in results:
        print(f"  {result.name:22s} {verdict_text(result)} ({result.seconds:.1f} s)")
    return 0


def verdict_text(result) -> str:
    """The verdict as the summary prints it. A quick run's budgets are too small to judge
    most claims: it says so instead of a bare "does not hold"."""
    if result.quick and result.verdict != "holds":
        return f"{result.verdict:14s} (not enough steps in --quick to judge; run it without)"
    return f"{result.verdict:14s}"


def check_out_folder(out: str) -> None:
    """Refuse an --out folder that cannot be made or written, in one line."""
    import tempfile
    from pathlib import Path

    try:
        Path(out).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise CliError(f"--out {out}: cannot write there ({error.strerror or error}); "
                       "choose a folder you can write to") from None


def check_mnist_files(root: str) -> None:
    """--dataset mnist without the files: name --download before anything runs."""
    from pathlib import Path

    from .data.idx import MNIST_FILES

    missing = [name for name in MNIST_FILES if not (Path(root) / name).is_file()
               and not (Path(root) / name.removesuffix(".gz")).is_file()]
    if missing:
        raise CliError(f"--dataset mnist: {missing[0]} is not in {root}; add --download to "
                       "fetch the four MNIST files, or point --data-root at them")


DEFAULT_DATA_ROOT = "data/mnist"


def fetch_mnist(options: argparse.Namespace) -> None:
    """``--download``: fetch the four MNIST files into ``--data-root`` (default
    data/mnist) before the experiments start, each checked against its SHA-256; files
    already there are not fetched again. Sets ``options.data_root`` for the run."""
    from pathlib import Path

    from .data.idx import MNIST_FILES, MNIST_MIRRORS, IDXError, mnist

    if options.dataset != "mnist":
        raise CliError("--download fetches MNIST: add --dataset mnist (digits ship with "
                       "the package and need no download)")
    options.data_root = options.data_root or DEFAULT_DATA_ROOT
    mirrors = [options.mirror] if options.mirror else list(MNIST_MIRRORS)
    root = Path(options.data_root)
    missing = [name for name in MNIST_FILES
               if not (root / name).is_file() and not (root / name.removesuffix(".gz")).is_file()]
    try:
        mnist(options.data_root, download=True, mirrors=mirrors)
    except IDXError as error:  # the network works but a file is not MNIST as published
        raise CliError(f"--download: {_last_line(error)}") from None
    except OSError:  # ConnectionError: offline, or no mirror answered
        raise CliError(f"--download: could not reach {len(mirrors)} MNIST mirror(s) "
                       f"(offline?); copy the four MNIST .gz files into {options.data_root} "
                       "and run again without --download") from None
    if missing:
        print(f"downloaded {len(missing)} MNIST file(s) into {root} (SHA-256 checked)")
    else:
        print(f"MNIST is already in {root}; nothing to download")


def _last_line(error: Exception) -> str:
    return str(error).strip().splitlines()[-1].strip()


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
                            help="digits: the 8x8 set shipped with this package (default); "
                                 "mnist: read from --data-root")
        parser.add_argument("--data-root", default=None,
                            help="folder holding the four MNIST files (for --dataset mnist; "
                                 f"with --download, default {DEFAULT_DATA_ROOT})")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "lab", help="reproduce the lectures' claims: experiments, figures, REPORT.md",
        description="Run the lecture experiments and write results.json and REPORT.md.")
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="experiments to run (default: all; see --list)")
    parser.add_argument("--list", action="store_true", help="list the experiments and exit")
    add_run_options(parser)
    parser.add_argument("--download", action="store_true",
                        help="with --dataset mnist: fetch the four files first (SHA-256 "
                             "checked; skipped when they are already there)")
    parser.add_argument("--mirror", metavar="URL", default=None,
                        help="with --download: fetch from this folder URL instead of the "
                             "public mirrors (http://, https:// or file://)")
    parser.set_defaults(run=run)
