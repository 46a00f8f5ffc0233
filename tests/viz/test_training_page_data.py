"""The training page shows what it showed before its run went through `fit` and the
`Recorder` (tests/support/training_page_before.json, written by the old recorder), and
its charts come first, on scales that let a flat loss and vanishing norms be seen."""

import json
import math
from pathlib import Path

import pytest
from viz_page_support import browser_fixture, open_page_fixture  # noqa: F401

import viz
from tinygrad_edu.data import toy_dataset
from tinygrad_edu.lab.models import mlp
from viz.training.page import front_loaded, page_document

BEFORE = Path(__file__).resolve().parents[1] / "support" / "training_page_before.json"


def same(now, before) -> bool:
    """Equal structures whose numbers agree to float noise (the page rounds to 4 significant
    digits, so a last-bit change in the engine can move the last printed digit)."""
    if isinstance(now, dict):
        return isinstance(before, dict) and now.keys() == before.keys() and all(
            same(now[key], before[key]) for key in now)
    if isinstance(now, list):
        return isinstance(before, list) and len(now) == len(before) and all(
            same(a, b) for a, b in zip(now, before, strict=True))
    if isinstance(now, float) and isinstance(before, (int, float)):
        return math.isclose(now, before, rel_tol=1e-3, abs_tol=1e-6)
    return now == before


def test_page_data_agree_with_the_recorder_before_fit():
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    X, y = toy_dataset("xor")
    model = mlp([2, 4, 1], activation="tanh", init="xavier", seed=0, output="sigmoid")
    recording = viz.record_training(model, X, y, optimizer="adam", lr=0.05, steps=40,
                                    snapshots=3)
    document = page_document(recording)
    for key in ("loss", "accuracy", "traces", "grid", "frame_iterations", "frames", "points",
                "labels", "stopped"):
        assert same(document[key], before[key]), key
    assert same(list(document["grad_norms"].values()), before["grad_norms"])
    assert list(document["grad_norms"]) == ["layer 1", "layer 2"]  # numbered, not indexed
    assert [s["iteration"] for s in document["snapshots"]] == before["snapshots"]


def test_front_loaded_runs_get_a_log_iteration_axis():
    assert front_loaded([0.74, 0.70] + [0.6931] * 1998)  # a deep sigmoid net, saturated
    assert not front_loaded([1 - k / 2000 for k in range(2000)])  # a steady descent
    assert not front_loaded([0.7] * 10)


def _page(tmp_path, name, *arguments):
    from tinygrad_edu.cli import main

    path = tmp_path / f"{name}.html"
    assert main(["train", "xor", *arguments, "--steps", "600", "--html", str(path)]) == 0
    return path


def test_charts_come_first_and_scale_to_what_they_show(open_page, tmp_path):
    deep = open_page(_page(tmp_path, "deep", "--layers", "9", "--activation", "sigmoid"))
    page = deep.page
    order = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.tg-panels, .tg-sections, .tg-lower')).map(e => e.className)""")
    assert order == ["tg-panels", "tg-sections", "tg-lower"]
    panels = page.locator(".tg-panels").bounding_box()
    assert panels["y"] + panels["height"] <= 900  # the four charts are above the fold
    scales = page.evaluate("""() => Object.fromEntries(['tg-loss', 'tg-grads', 'tg-params']
        .map(id => [id, [document.getElementById(id).dataset.scale,
                         document.getElementById(id).dataset.xScale]]))""")
    assert scales["tg-grads"] == ["log", "log"]  # norms spanning decades, early steps wide
    assert scales["tg-loss"][1] == "log"
    # a loss that falls steadily over decades: log values, linear iterations
    plain = open_page(_page(tmp_path, "plain", "--model", "2-4-1", "--activation", "tanh"))
    scales = plain.page.evaluate("""() => [document.getElementById('tg-loss').dataset.scale,
        document.getElementById('tg-loss').dataset.xScale]""")
    assert scales == ["log", "linear"]
    plain.page.screenshot(path=str(tmp_path / "plain.png"))


def test_the_notes_hand_set_graph_fits_or_scrolls_in_its_box(open_page, tmp_path):
    opened = open_page(_page(tmp_path, "story"))
    fits = opened.page.evaluate("""() => Array.from(document.querySelectorAll(
        '.tg-section-svg')).map(box => {
            const style = getComputedStyle(box);
            return box.scrollWidth <= box.clientWidth + 1 || style.overflowX === 'auto'
                || style.overflowX === 'scroll'; })""")
    assert fits and all(fits)
    box = opened.page.locator(".tg-sections").bounding_box()
    assert box["x"] + box["width"] <= 1400


@pytest.mark.parametrize("activation", ["relu"])
def test_readme_relu_line_reaches_accuracy_one_and_lr_one_says_the_layer_is_dead(
        activation, tmp_path, capsys):
    from tinygrad_edu.cli import main

    assert main(["train", "xor", "--layers", "9", "--activation", activation]) == 0
    out = capsys.readouterr().out
    assert "accuracy 1.00" in out and "dead" not in out
    assert main(["train", "xor", "--layers", "9", "--activation", activation, "--lr", "1",
                 "--html", str(tmp_path / "dead.html")]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "dead" in line)
    assert line.startswith("layer ") and "every ReLU is dead since iteration" in line
    assert line.endswith("try a smaller --lr")
    assert "every unit is dead since iteration" in (tmp_path / "dead.html").read_text()
