"""The `tinygrad-edu` command: the application layer over the engine, nn, viz and the lab.

Each subcommand lives in its own module that offers ``register(subparsers)``; the
module's handler is stored as the parser's ``run`` default. Every input gets an answer
in one line: errors a learner can cause (bad expressions, bad files, bad numbers, a
full disk) end as one line on stderr with exit status 2, never a traceback --
``--traceback`` shows one when debugging. On a terminal whose encoding cannot show
``∂`` or ``→`` the output falls back to plain letters (``df/dw``, ``->``).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import sys

from . import __version__
from .interrupts import sigterm_as_interrupt

# (module, what it adds); each module has register(subparsers)
SUBCOMMAND_MODULES = [
    "tinygrad_edu.demo",
    "tinygrad_edu.cli_graph",
    "tinygrad_edu.cli_lab",
    "tinygrad_edu.cli_train",
]

# Errors that come from what the user asked for, shown as one line.
USER_ERRORS = (ValueError, TypeError, ZeroDivisionError, RuntimeError, KeyError,
               IndexError, ArithmeticError)

# What to print instead of a character the terminal's encoding does not have.
PLAIN_LETTERS = str.maketrans({"∂": "d", "→": "->", "←": "<-", "×": "x", "·": "*",
                               "²": "^2", "³": "^3", "σ": "sigmoid", "…": "...", "–": "-",
                               "—": "-", "≈": "~", "≤": "<=", "≥": ">=", "η": "lr",
                               "✅": "[ok]", "❌": "[x]", "⏹": "[stop]"})


class CliError(Exception):
    """An error to show the user as one line, with exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a wrong command line is one line too (usage stays in --help)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="tinygrad-edu",
        description="Learn backpropagation: see every value and gradient on the graph.",
    )
    parser.add_argument("--version", action="version", version=f"tinygrad-edu {__version__}")
    parser.add_argument("--traceback", action="store_true",
                        help="on an error, show Python's traceback too (for debugging)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def describe_os_error(error: OSError) -> str:
    """An OSError in a learner's words: the path, what happened, what to do."""
    path = error.filename if error.filename is not None else None
    if path is None:
        return str(error)
    advice = {
        errno.EACCES: "permission denied; pick a file in a folder you can write to, "
                      "or change the permissions",
        errno.EPERM: "the system does not allow it; pick another place",
        errno.ENOENT: "no such file or folder; check the path, and create the folder first "
                      "if it is new",
        errno.EISDIR: "that is a folder; give a file name inside it",
        errno.ENOTDIR: "a part of the path is a file, not a folder; check the path",
        errno.ENOSPC: "the disk is full; free some space and try again",
        errno.EROFS: "the file system is read-only; pick another place",
        errno.ENAMETOOLONG: "the name is too long; pick a shorter one",
        errno.EEXIST: "it already exists",
    }.get(error.errno, (error.strerror or str(error)).lower())
    return f"{path}: {advice}"


class _PlainTextStream:
    """A text stream that swaps the characters its encoding lacks for plain letters
    (``∂`` → ``d``) and anything still unknown for ``?``, instead of crashing."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.encoding = getattr(stream, "encoding", None) or "ascii"

    def write(self, text: str) -> int:
        plain = text.translate(PLAIN_LETTERS).encode(self.encoding, "replace")
        return self.stream.write(plain.decode(self.encoding))

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def _can_print(stream) -> bool:
    try:
        "∂→".encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    end = argv.index("--") if "--" in argv else len(argv)
    if "--traceback" in argv[:end]:  # accepted anywhere, not only before the command
        argv.remove("--traceback")
        argv.insert(0, "--traceback")
    if "graph" in argv:
        from .cli_graph import protect_leading_dash

        argv = protect_leading_dash(argv)
    parser = build_parser()
    saved_streams = sys.stdout, sys.stderr
    if not _can_print(sys.stdout):
        sys.stdout = _PlainTextStream(sys.stdout)
    if not _can_print(sys.stderr):
        sys.stderr = _PlainTextStream(sys.stderr)
    try:
        return _run(parser, argv)
    finally:
        sys.stdout, sys.stderr = saved_streams


def _run(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    options = parser.parse_args(argv)
    if not getattr(options, "run", None):
        parser.print_help()
        return 2
    name = f"tinygrad-edu {options.command}"
    try:
        with sigterm_as_interrupt():
            return int(options.run(options) or 0)
    except KeyboardInterrupt as stop:
        print(f"{name}: {stop or 'interrupted'}", file=sys.stderr)
        return 130
    except Exception as error:
        if options.traceback:
            raise
        print(f"{name}: error: {_one_line(error)}", file=sys.stderr)
        return 2


def _one_line(error: Exception) -> str:
    if isinstance(error, (CliError, *USER_ERRORS)) and not isinstance(error, RecursionError):
        text = str(error)
    elif isinstance(error, OSError):
        text = describe_os_error(error)
    elif isinstance(error, MemoryError):
        text = "not enough memory for this; try smaller inputs (or --quick)"
    elif isinstance(error, RecursionError):
        text = "the input is nested too deeply"
    else:
        text = (f"unexpected {type(error).__name__}: {error} (this is a bug in tinygrad-edu; "
                "run again with --traceback and report it)")
    text = " ".join(text.split()) or type(error).__name__  # one line, whatever it held
    return text


if __name__ == "__main__":
    sys.exit(main())
