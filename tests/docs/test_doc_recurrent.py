"""docs/09-recurrent.md -- the recurrent networks chapter (tests/docs/test_guides.py runs
its Python blocks too): they print what the guide says, the PyTorch example (a ``py``
block, for readers with PyTorch) runs where PyTorch is installed, and the page carries
measured figures."""

import importlib.util

import pytest
from markdown_docs import DOCS, code_blocks

GUIDE = DOCS / "09-recurrent.md"


def promises(block: str) -> list[str]:
    """What each print(...) of a block says it prints: its trailing comment, or a comment
    line of its own right after it."""
    found = []
    lines = block.splitlines()
    for k, line in enumerate(lines):
        if not line.startswith("print("):
            continue
        if "#" in line:
            found.append(line.split("#")[-1].strip().split(":")[0])
        elif k + 1 < len(lines) and lines[k + 1].startswith("# "):
            found.append(lines[k + 1][2:].strip())
    return found


def run_and_check(blocks: list[str], capsys) -> None:
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(GUIDE), "exec"), namespace)  # noqa: S102 - our own guide
        printed = capsys.readouterr().out.splitlines()
        promised = promises(block)
        assert len(promised) == len(printed), (promised, printed)
        for words, line in zip(promised, printed, strict=True):
            assert words in line, (words, line)


def test_the_python_examples_print_what_the_guide_says(capsys):
    blocks = code_blocks(GUIDE, "python")
    assert len(blocks) == 3
    run_and_check(blocks, capsys)


def test_the_pytorch_example_gives_the_same_numbers(capsys):
    if importlib.util.find_spec("torch") is None:
        pytest.skip("PyTorch is not installed")
    (block,) = code_blocks(GUIDE, "py")
    run_and_check([block], capsys)


def test_the_benchmark_figures_are_filled_in():
    text = GUIDE.read_text(encoding="utf-8")
    assert "BENCH_" not in text and "| LSTM | " in text and " ms |" in text
