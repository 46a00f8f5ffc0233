"""The `tinygrad-edu` command: the application layer over the engine, nn, viz and the lab.

Each subcommand lives in its own module that offers ``register(subparsers)``; the
module's handler is stored as the parser's ``run`` default. Errors a learner can cause
(bad expressions, bad files, bad numbers) end as one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# (module, what it adds); each module has register(subparsers)
SUBCOMMAND_MODULES = [
    "tinygrad_edu.demo",
    "tinygrad_edu.cli_graph",
    "tinygrad_edu.cli_lab",
]

# Errors that come from what the user asked for, shown as one line.
USER_ERRORS = (ValueError, TypeError, ZeroDivisionError, OSError, RuntimeError, KeyError,
               IndexError, ArithmeticError)


class CliError(Exception):
    """An error to show the user as one line, with exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tinygrad-edu",
        description="Learn backpropagation: see every value and gradient on the graph.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    options = parser.parse_args(argv)
    if not getattr(options, "run", None):
        parser.print_help()
        return 2
    try:
        return int(options.run(options) or 0)
    except CliError as error:
        print(f"tinygrad-edu {options.command}: error: {error}", file=sys.stderr)
        return 2
    except USER_ERRORS as error:
        print(f"tinygrad-edu {options.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:
        print(f"tinygrad-edu {options.command}: {stop or 'interrupted'}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
