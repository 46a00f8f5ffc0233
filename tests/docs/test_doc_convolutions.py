"""docs/08-convolutions.md -- the convolutions chapter (tests/docs/test_guides.py runs it
too): its Python examples run in order, print what the text says they print, and the page
carries measured figures (no placeholder left)."""

import pathlib
import re

import pytest

from tinygrad_edu.data import fashion as fashion_module

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs"
GUIDE = DOCS / "08-convolutions.md"
INSTALLED = all((fashion_module.FASHION_MNIST_SYSTEM_DIR / name).is_file()
                for name in fashion_module.FASHION_MNIST_FILES)


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def test_the_guide_examples_print_what_they_say(capsys):
    blocks = python_blocks()
    assert len(blocks) == 4
    namespace: dict = {}
    for block in blocks[:3]:
        exec(compile(block, str(GUIDE), "exec"), namespace)  # noqa: S102 - our own guide
    printed = capsys.readouterr().out
    assert "[[1. 2. 2. 1.]\n [2. 4. 4. 2.]\n [2. 4. 4. 2.]\n [1. 2. 2. 1.]]" in printed
    assert "4 True" in printed
    assert "[[0.0, 10.0], [0.0, 0.0]]" in printed and "[[2.5, 2.5], [2.5, 2.5]]" in printed
    if not INSTALLED:
        pytest.skip("apt-get install dataset-fashion-mnist to run the training example")
    exec(compile(blocks[3], str(GUIDE), "exec"), namespace)  # noqa: S102
    accuracy = re.search(r"(\d+)% of 1,000 test images, e\.g\. Ankle boot",
                         capsys.readouterr().out)
    assert accuracy and int(accuracy.group(1)) > 40  # chance is 10 %


def test_the_guide_states_measured_figures():
    text = GUIDE.read_text(encoding="utf-8")
    assert "BENCH_" not in text
    assert re.search(r"One epoch of Fashion-MNIST .* takes about\s+\*\*\d+ s\*\*", text, re.S)
