"""Every guide in docs/ runs: its Python blocks, in order, in one fresh session per guide,
print what they say and write what they say; a reader reads the guides in order."""

import re

import pytest
from markdown_docs import (
    DOCS,
    INDEX,
    LINK,
    guides,
    name,
    not_ignored_by_git,
    python_blocks,
    run_blocks,
)

WITH_PYTHON = [path for path in guides() if python_blocks(path)]


def run_guide(path, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace = run_blocks(python_blocks(path), path)
    printed = capsys.readouterr().out.splitlines()
    assert not_ignored_by_git(tmp_path) == [], "add what the guide writes to .gitignore"
    return namespace, printed


@pytest.mark.parametrize("path", WITH_PYTHON, ids=lambda path: path.name)
def test_each_guide_runs_in_order_in_one_session(path, tmp_path, monkeypatch, capsys):
    if path.name == "03-training.md":
        pytest.importorskip("tensorboardX")  # the fit example logs with SummaryWriter
    run_guide(path, tmp_path, monkeypatch, capsys)


def test_engine_guide_prints_the_lectures_gradients(tmp_path, monkeypatch, capsys):
    namespace, printed = run_guide(DOCS / "01-engine.md", tmp_path, monkeypatch, capsys)
    assert printed == ["-7.0 5.0 -2.0 1.0", "0.235004 0.235004"]
    a = namespace["a"]
    assert a.grad.shape == (3, 4) and a.grad.dtype == a.data.dtype


def test_explorer_guide_writes_the_drawing_the_page_and_the_steps(tmp_path, monkeypatch,
                                                                   capsys):
    _, printed = run_guide(DOCS / "02-explorer.md", tmp_path, monkeypatch, capsys)
    assert "       ∂f/∂w = ∂f/∂t1 · ∂t1/∂w = 1 × x = 1 × 5 = 5" in printed
    assert (tmp_path / "fwb.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "<html" in (tmp_path / "steps.html").read_text(encoding="utf-8")


def test_training_guide_learns_xor_and_trains_the_digits(tmp_path, monkeypatch, capsys):
    pytest.importorskip("tensorboardX")
    namespace, printed = run_guide(DOCS / "03-training.md", tmp_path, monkeypatch, capsys)
    assert printed[0] == "1.0"  # XOR learned
    assert (tmp_path / "xor.npz").exists()
    assert any(line.startswith("epoch ") and "val_accuracy" in line for line in printed)
    history = namespace["history"]
    assert history.per_epoch("val_accuracy")[-1] > 0.8
    (run,) = (tmp_path / "runs").iterdir()  # SummaryWriter's own run folder
    assert any(path.name.startswith("events.out.tfevents") for path in run.iterdir())


def test_watching_guide_writes_the_training_page(tmp_path, monkeypatch, capsys):
    namespace, _ = run_guide(DOCS / "04-watching-training.md", tmp_path, monkeypatch, capsys)
    assert "<html" in (tmp_path / "moons.html").read_text(encoding="utf-8")
    assert namespace["steps"]  # the narrated update, one entry per weight


def test_every_guide_starts_with_its_number_and_title_and_leads_to_the_next():
    paths = guides()
    course = [path for path in paths if int(path.name[:2]) < 20]
    for number, path in enumerate(course, start=1):
        assert int(path.name[:2]) == number, "course guides are numbered 01, 02, ... in order"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(f"# {number}. "), (path.name, first)
    for path, following in zip(paths, paths[1:], strict=False):
        last_paragraph = path.read_text(encoding="utf-8").rstrip().rsplit("\n\n", 1)[-1]
        assert last_paragraph.startswith("Next"), path.name
        assert f"]({following.name})" in last_paragraph, f"{path.name}: next is {following.name}"


def test_the_index_lists_every_guide_in_reading_order():
    listed = [target for target in LINK.findall(INDEX.read_text(encoding="utf-8"))
              if (DOCS / target).parent == DOCS and target.endswith(".md")]
    assert listed == [path.name for path in guides()], name(INDEX)
    strays = {path.name for path in DOCS.glob("*.md")} - {path.name for path in guides()}
    assert strays == {"README.md"}, "a guide's file name starts with its number: 08-name.md"


def test_the_architecture_layout_names_only_what_exists():
    """A module renamed or moved fails here until the layout in 22-architecture.md says so."""
    from markdown_docs import ROOT, code_blocks

    (layout,) = [block for block in code_blocks(DOCS / "22-architecture.md", "")
                 if "tinygrad_edu/autograd.py" in block]
    roots = [ROOT, ROOT / "tinygrad_edu", ROOT / "examples"]
    for module in re.findall(r"[\w*/]+\.py\b", layout):
        assert any(any(root.glob(module)) for root in roots), f"layout names {module}"
    viz_lines = layout.split("\nviz/", 1)[1].split("\nbenchmarks/", 1)[0].splitlines()[1:]
    for line in viz_lines:
        names = re.match(r"\s*((?:[\w/]+, )*[\w/]+)", line).group(1)
        for part in (listed.rstrip("/") for listed in names.split(", ")):
            assert (ROOT / "viz" / f"{part}.py").exists() or (ROOT / "viz" / part).is_dir(), (
                f"layout names viz/{part}")
