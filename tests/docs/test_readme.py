"""The README's Python examples run, in order, as a reader would paste them."""

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_python_examples():
    assert len(python_blocks()) >= 4


def test_readme_python_examples_run(tmp_path, monkeypatch, capsys):
    pytest.importorskip("tensorboardX")  # the fit example logs with SummaryWriter
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in python_blocks():
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README
    printed = capsys.readouterr().out
    assert "-7.0 5.0 -2.0 1.0" in printed
    assert "\n1.0\n" in printed  # XOR learned
    assert (tmp_path / "fwb.svg").exists() and (tmp_path / "steps.html").exists()
    assert (tmp_path / "xor.npz").exists()
