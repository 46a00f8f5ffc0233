"""Every shell command README and the guides show runs as printed.

Each line of their ``sh`` blocks either runs here -- exactly as printed, through bash, in an
empty folder with the package's scripts first on PATH (as after `. .venv/bin/activate`) and
the clone's examples/ and tests/ beside it -- or is listed in ELSEWHERE with the test that covers it
and why it cannot run here (it installs packages, starts a server, or takes minutes). A
command added to the docs without either fails `test_every_command_is_run_or_covered`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from markdown_docs import ROOT, documents, inline_code, name, not_ignored_by_git, shell_commands
from markdown_docs import venv_path as activated_path

# command (its trailing comment left out) -> (where it is covered, why not here)
ELSEWHERE = {
    "make demo": (
        "tests/project/test_install.py::test_fresh_clone_make_demo_then_the_commands_as_printed",
        "creates .venv and installs the package: the test does it in a fresh clone"),
    ". .venv/bin/activate": (
        "tests/project/test_install.py::test_fresh_clone_make_demo_then_the_commands_as_printed",
        "needs the .venv of a clone: the test activates it and runs README's graph command"),
    "make test": (".ci/run", "it runs this whole test suite; CI runs it through .ci/run"),
    '.venv/bin/python -m pytest -m "not slow"': (
        ".ci/run", "it runs this test suite itself (without the slow tests)"),
    "make bench": (
        "tests/project/test_benchmarks.py",
        "installs PyTorch and micrograd and times for minutes; the tests check the benchmarks'"
        " machinery"),
    "tinygrad-edu lab": (
        "tests/lab/test_lab.py::test_all_twelve_experiments_ran_in_the_notes_order",
        "the full budgets take minutes; the lab tests run all twelve with --quick, and "
        "`tinygrad-edu lab --quick` runs here as printed"),
    "tinygrad-edu lab xor batch_norm": (
        "tests/lab/test_lab.py::test_cli_lab_runs_named_experiments_and_refuses_unknown_ones",
        "these two take over two minutes at full budgets; the test runs named experiments "
        "with --quick"),
    "tensorboard --logdir runs": (
        "tests/train/test_tensorboard_server.py::"
        "test_real_tensorboard_serves_runs_scalars_histograms_and_the_graph",
        "a server that runs until stopped; the test starts it on a free port and queries it"),
    "jupyter lab notebooks/": (
        "tests/docs/test_notebooks.py::test_notebook_runs_in_a_real_kernel",
        "a server and a browser; the test executes every notebook in a real kernel"),
}
# about 20 s each alone: run in CI with the other slow tests
SLOW = {"tinygrad-edu lab --quick", "python tests/support/hostile_counts.py"}


def command_of(line: str) -> str:
    """The command without its trailing comment, as test_install.py reads README."""
    return line.split("  #")[0].strip()


def shown() -> dict[str, tuple[str, str]]:
    """Every command the docs show -> (the line as printed, the first document showing it)."""
    commands: dict[str, tuple[str, str]] = {}
    for path in documents():
        for line in shell_commands(path):
            commands.setdefault(command_of(line), (line, name(path)))
    return commands


RUN_HERE = [command for command in shown() if command not in ELSEWHERE]


def test_every_command_is_run_or_covered():
    commands = shown()
    assert len(commands) >= 20
    assert set(RUN_HERE) | set(ELSEWHERE) == set(commands)
    stale = set(ELSEWHERE) - set(commands)
    assert not stale, f"ELSEWHERE lists commands no document shows: {stale}"


@pytest.mark.parametrize("command", sorted(ELSEWHERE))
def test_the_covering_test_exists(command):
    where, why = ELSEWHERE[command]
    file_part, _, test = where.partition("::")
    source = (ROOT / file_part).read_text(encoding="utf-8")
    assert not test or f"def {test}(" in source, where
    assert why


def expected_files(command: str) -> list[str]:
    """What a command says it writes: ``-o PATH`` and ``--html PATH``."""
    words = shlex.split(command)
    return [words[i + 1] for i, word in enumerate(words[:-1]) if word in ("-o", "--html")]


@pytest.fixture
def clone_like(tmp_path: Path) -> Path:
    """An empty folder that sees the clone's examples/ and tests/ as a reader's shell does."""
    for folder in ("examples", "tests"):
        (tmp_path / folder).symlink_to(ROOT / folder, target_is_directory=True)
    return tmp_path


@pytest.mark.parametrize("command", [
    pytest.param(command, marks=pytest.mark.slow) if command in SLOW else command
    for command in RUN_HERE])
def test_command_runs_as_printed(command, clone_like):
    line, document = shown()[command]
    env = {**os.environ, "PATH": activated_path(), "PYTHONPATH": ""}
    done = subprocess.run(["bash", "-c", line], cwd=clone_like, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, f"{document}: {line}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    assert "Traceback" not in done.stdout + done.stderr
    for written in expected_files(command):
        assert (clone_like / written).stat().st_size > 0, f"{document}: {line}: no {written}"
    check_what_it_says(command, done.stdout, clone_like)
    assert not_ignored_by_git(clone_like) == [], "add what the command writes to .gitignore"


def check_what_it_says(command: str, printed: str, folder: Path) -> None:
    """A look at each command's result beyond its exit status."""
    if "--steps" in command:
        assert "∂f/∂w" in printed and "역전파" in printed  # the walk-through, in Korean
    if command == "tinygrad-edu lab --list":
        from tinygrad_edu.lab import EXPERIMENTS

        listed = re.findall(r"^\s*\d+\. (\w+)", printed, re.M)
        assert listed == list(EXPERIMENTS) and len(listed) == 12
    if command.startswith("tinygrad-edu train"):
        (page,) = expected_files(command)
        assert "<html" in (folder / page).read_text(encoding="utf-8")
    if command == "tinygrad-edu lab --quick":
        results = json.loads((folder / "out" / "lab" / "results.json").read_text("utf-8"))
        assert len(results["experiments"]) == 12
        assert (folder / "out" / "lab" / "REPORT.md").exists()
    if command.startswith("python examples/xor.py"):
        assert "Verdict" in printed and any((folder / "out" / "lab" / "xor").iterdir())
    if command.startswith("python examples/higher_order.py"):
        assert any((folder / "out" / "examples" / "higher_order").iterdir())
    if command.startswith("python tests/support/hostile_counts.py"):
        assert printed.rstrip().endswith("bad outcomes (traceback, wrong result, hang, data lost, "
                                         "partial file, evaluated): 0")
    if command.endswith(".pdf"):
        assert (folder / "fwb.pdf").read_bytes().startswith(b"%PDF")
    if "--scale 2" in command:
        assert (folder / "fwb.png").read_bytes().startswith(b"\x89PNG")


def cli_inline_commands() -> list[tuple[str, str]]:
    """`tinygrad-edu ...` commands written inline in the prose, complete ones only."""
    return [(name(path), span) for path in documents() for span in inline_code(path)
            if span.startswith("tinygrad-edu ") and not re.search(r"\.\.\.|…|\[|[A-Z]{3}", span)]


@pytest.mark.parametrize("document,command", cli_inline_commands())
def test_inline_cli_commands_are_ones_the_cli_accepts(document, command, capsys):
    from tinygrad_edu.cli import build_parser

    try:
        options = build_parser().parse_args(shlex.split(command)[1:])
    except SystemExit as stop:  # --version prints and exits 0; a wrong command exits 2
        assert stop.code == 0, f"{document}: `{command}`: {capsys.readouterr().err}"
        return
    assert getattr(options, "run", None), f"{document}: `{command}` names no subcommand"
