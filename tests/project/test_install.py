"""The set-up a new user goes through, run for real (slow: they install packages).

* a fresh clone into an empty folder, `make demo`, then the demo's own "Next:" hint and
  README's tour commands exactly as printed, in a shell whose PATH knows nothing of the venv;
* a plain `pip install .` into a new virtual environment, then `tinygrad-edu lab
  --quick` writing all twelve results -- with no scikit-learn anywhere.

Both install from PyPI through pip (its cache makes a second run quick).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell and make")]
# A shell as a new user has it: the system PATH, none of this test run's venv.
PLAIN_PATH = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                             if p and not p.startswith(str(Path(sys.prefix))))


def plain_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PATH=PLAIN_PATH, **extra)
    return env


def run(command, cwd, timeout=600, **options):
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=plain_env(), **options)
    assert done.returncode == 0, (f"{command!r} failed:\n{done.stdout[-3000:]}\n"
                                  f"{done.stderr[-3000:]}")
    return done


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout")
    folder = tmp_path_factory.mktemp("fresh") / "tinygrad_edu"
    run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(folder)], cwd=ROOT)
    return folder


def readme_command(text: str, starts: str) -> str:
    """The first line of a ```sh block in README that starts with ``starts``."""
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith(starts):
                return line.split("  #")[0].strip()
    raise AssertionError(f"README has no sh line starting with {starts!r}")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_fresh_clone_make_demo_then_the_commands_as_printed(clone):
    demo = run(["make", "demo"], cwd=clone)
    assert "accuracy 1.00" in demo.stdout
    # the demo installed the package, not the developer tools
    venv_python = clone / ".venv" / "bin" / "python"
    for tool in ("pytest", "ruff", "tensorboard", "playwright", "sklearn"):
        found = subprocess.run([str(venv_python), "-c", f"import {tool}"], capture_output=True)
        assert found.returncode != 0, f"make demo installed {tool}"

    # the demo's own hint, as printed, works in a plain shell
    (hint,) = [line for line in demo.stdout.splitlines() if line.startswith("Next: ")]
    hinted = run(["bash", "-c", hint.removeprefix("Next: ")], cwd=clone)
    assert "∂f/∂w = 5, ∂f/∂x = -2, ∂f/∂b = 1" in hinted.stdout

    # README: activate once, then its tour's commands run as printed (the lab's is the
    # next test's: a plain pip install running it)
    readme = (clone / "README.md").read_text(encoding="utf-8")
    activate = readme_command(readme, ". .venv/bin/activate")
    graph = readme_command(readme, 'tinygrad-edu graph "f = w*x + b"')
    tour = [readme_command(readme, starts) for starts in
            ('tinygrad-edu graph "f = w*x + b" --set w=-2 x=5 b=3 --html',
             "tinygrad-edu train xor")]
    done = run(["bash", "-c", " && ".join([activate, graph, *tour, "tinygrad-edu --version"])],
               cwd=clone)
    assert (clone / "fwb.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (clone / "steps.html").exists() and (clone / "xor.html").exists()
    assert "tinygrad-edu 0." in done.stdout
    # what the demo and the README commands wrote is ignored by git
    status = run(["git", "status", "--porcelain"], cwd=clone).stdout
    assert status == "", status


def test_plain_pip_install_runs_all_twelve_lab_experiments(clone, tmp_path):
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    # a copy, so that building the wheel leaves the clone as it was
    source = tmp_path / "source"
    shutil.copytree(clone, source, ignore=shutil.ignore_patterns(".venv", ".git"))
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", str(source)], cwd=tmp_path)
    shutil.rmtree(source)  # the installed package must not lean on the source tree
    no_sklearn = subprocess.run([str(venv / "bin" / "python"), "-c", "import sklearn"],
                                capture_output=True)
    assert no_sklearn.returncode != 0
    out = tmp_path / "lab"
    done = run([str(venv / "bin" / "tinygrad-edu"), "lab", "--quick", "--out", str(out)],
               cwd=tmp_path, timeout=900)
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert len(data["experiments"]) == 12 and data["dataset"] == "digits"
    assert (out / "REPORT.md").exists()
    assert "Traceback" not in done.stdout + done.stderr
