"""docs/recurrent.md: its Python examples run and print what the guide says."""

import importlib.util
import pathlib
import re

import pytest

GUIDE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "recurrent.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("number", range(4))
def test_every_example_runs_and_prints_its_comment(number, capsys):
    blocks = python_blocks()
    assert len(blocks) == 4
    block = blocks[number]
    if "import torch" in block and importlib.util.find_spec("torch") is None:
        pytest.skip("PyTorch is not installed")
    exec(compile(block, str(GUIDE), "exec"), {})  # noqa: S102 - our own guide
    printed = capsys.readouterr().out.splitlines()
    # each print(...) in the block is followed by a comment saying what it prints
    promised = [line.split("#")[-1].strip() for line in block.splitlines()
                if line.startswith("print(") and "#" in line]
    promised += [line.lstrip("# ").strip() for line in block.splitlines()
                 if line.startswith("# [")]
    assert promised, "the example promises nothing"
    for words in promised:
        first = words.split(":")[0]
        assert any(first in line for line in printed), (words, printed)


def test_the_benchmark_figures_are_filled_in():
    assert "BENCH_" not in GUIDE.read_text(encoding="utf-8")
