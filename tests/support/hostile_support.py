"""Helpers of the hostile-input tests: run a script in a fresh Python, signal it, and
read what it printed. A script runs with the repository on its path and numpy's
threads limited, so the tests stay quick on a busy machine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def start(script: str, **extra_env: str) -> subprocess.Popen:
    # its own process group: a test that gives up can end the child and its workers
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=environment(**extra_env), start_new_session=True)


def end_group(process: subprocess.Popen) -> None:
    """SIGKILL the child's process group (the child and any worker it started)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate(timeout=30)


def wait_for(process: subprocess.Popen, marker: str, times: int = 1,
             timeout: float = 60.0) -> list[str]:
    """Read the child's stdout until ``marker`` has been printed ``times`` times."""
    seen, lines, deadline = 0, [], time.monotonic() + timeout
    while seen < times:
        if time.monotonic() > deadline:
            end_group(process)
            raise AssertionError(f"no {marker!r} within {timeout} s; got {lines}")
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"the child ended before {marker!r}: {lines} "
                                 f"{process.stderr.read()}")
        lines.append(line.rstrip("\n"))
        seen += line.count(marker)  # two workers may print into one line
    return lines


def interrupt(process: subprocess.Popen, signum: int = signal.SIGINT,
              timeout: float = 60.0) -> tuple[int, str, str]:
    """Send ``signum`` and wait for the child to end (a hang fails the test)."""
    process.send_signal(signum)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        end_group(process)
        raise AssertionError(f"the child did not end within {timeout} s of the signal") from None
    return process.returncode, out, err


def last_json(text: str):
    """The last line of ``text`` that is a JSON object."""
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise AssertionError(f"no JSON line in {text!r}")


def run(args: list[str], timeout: float = 60.0, **extra_env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env=environment(**extra_env))
