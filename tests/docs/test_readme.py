"""README is a front door: what the project is at once, the two set-up commands first,
one picture, a tour whose every block works pasted alone, and the way to the guides."""

import html
import re

import pytest
from markdown_docs import (
    INDEX,
    LINK,
    README,
    ROOT,
    code_blocks,
    guides,
    links,
    name,
    not_ignored_by_git,
    python_blocks,
    run_blocks,
    section,
)

SET_UP = ("make demo   # creates .venv if missing, installs the package, runs the lecture demo\n"
          "make test   # same bootstrap plus the developer tools, runs the whole test suite\n")


def test_readme_is_short_and_says_what_it_is_at_once():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200, f"README has {len(lines)} lines; move detail into a guide"
    assert lines[0] == "# tinygrad_edu"
    assert "autograd engine to learn backpropagation" in " ".join(lines[:3])


def test_the_first_commands_are_make_demo_and_make_test():
    first_block = re.search(r"^```(\w*)\n(.*?)^```", README.read_text(encoding="utf-8"),
                            re.S | re.M)
    assert first_block.groups() == ("sh", SET_UP)


def test_one_picture_of_the_lecture_graph_with_values_and_gradients():
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README.read_text(encoding="utf-8"))
    assert len(pictures) == 1
    svg = (ROOT / pictures[0]).read_text(encoding="utf-8")
    texts = {html.unescape(text).strip() for text in re.findall(r">([^<>]+)</text>", svg)}
    # f = w*x + b at w=-2, x=5, b=3: the values and the gradients ∂f/∂w = 5, ∂f/∂x = -2
    assert {"w", "x", "b", "f", "value", "grad", "-2", "5", "3", "-7", "1"} <= texts


def test_readme_leads_to_every_guide_in_reading_order():
    listed = LINK.findall(section(README, "Guides"))
    assert listed == [f"docs/{path.name}" for path in guides()] + [name(INDEX)]
    assert set(listed) <= set(links(README))


def test_every_python_block_runs_pasted_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks(README)
    assert len(blocks) >= 2
    printed = []
    for block in blocks:
        run_blocks([block], README)  # a fresh namespace each: nothing carried over
        printed.append(capsys.readouterr().out.splitlines())
    chain_rule, arrays = printed[:2]
    assert chain_rule[0] == "-7.0 5.0 -2.0 1.0"
    assert "∂f/∂w = ∂f/∂t1 · ∂t1/∂w = 1 × x = 1 × 5 = 5" in "\n".join(chain_rule)
    assert (tmp_path / "fwb.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert arrays == ["(3, 4)", "True"]
    assert not_ignored_by_git(tmp_path) == []


def test_readme_shell_blocks_are_the_set_up_and_the_tour():
    """The commands themselves run in test_doc_commands.py; here: each block stands alone,
    the activation is the only one that changes the shell."""
    blocks = code_blocks(README, "sh")
    assert blocks[0] == SET_UP
    assert ". .venv/bin/activate\n" in blocks
    tour = "".join(blocks[2:])
    for command in ('tinygrad-edu graph "f = w*x + b"', "--html", "tinygrad-edu train xor --html",
                    "tinygrad-edu lab --quick"):
        assert command in tour


@pytest.mark.parametrize("extra", ["tensorboard", "notebook", "browser", "dev"])
def test_every_extra_in_the_table_exists(extra):
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(rf"^{extra} = \[", pyproject, re.M)
    assert f"pip install -e '.[{extra}]'" in README.read_text(encoding="utf-8")
