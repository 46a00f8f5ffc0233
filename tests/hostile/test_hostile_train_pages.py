"""Hostile input to the training path and its pages: recorded data with NaN, names that
try to end the page's script, out-of-range CLI numbers, and `train --html` interrupted
by SIGINT, SIGTERM or kill -9 (the page is whole or absent, never half)."""

import json
import os
import re
import signal
import time

import hostile_support as support
import numpy as np
import pytest
from viz_page_support import browser_fixture, open_page_fixture  # noqa: F401

import tinygrad_edu.nn as nn
import viz
from tinygrad_edu.cli import main as cli_main
from tinygrad_edu.data import toy_dataset
from tinygrad_edu.lab.optimizers import FUNCTION_SETTINGS, START, anisotropic
from viz.shell import json_for_script, write_page
from viz.training.paths import optimizer_paths, paths_page

HOSTILE = "<!--<script>"


class Hostile(nn.Module):
    """A 2-4-1 net whose layers are named to end a page's script if left unescaped."""

    def __init__(self):
        super().__init__()
        rng = np.random.default_rng(0)
        setattr(self, HOSTILE, nn.Linear(2, 4, generator=rng))
        setattr(self, "</script><script>alert(1)</script>", nn.Linear(4, 1, generator=rng))

    def forward(self, x):
        first, second = self._modules.values()
        return second(first(x).tanh()).sigmoid()


def page_data(html: str) -> dict:
    block = re.search(r'<script id="tg-data" type="application/json">(.*?)</script>', html,
                      re.DOTALL)
    return json.loads(block.group(1))


def test_json_for_script_is_inert_and_writes_non_finite_numbers_as_null():
    data = {"a": ["</script><script>x</script>", "<!--", "<script", "\u2028\u2029", "&"],
            "n": [float("nan"), float("inf"), -float("inf"), 1.5, np.float32("nan")]}
    text = json_for_script(data)
    for raw in ("<", ">", "&", "\u2028", "\u2029", "NaN", "Infinity"):
        assert raw not in text
    assert json.loads(text) == {"a": data["a"], "n": [None, None, None, 1.5, None]}


@pytest.mark.parametrize("bad, message", [
    ({"X": np.array([[0.0, np.nan], [1, 1], [0, 1], [1, 0]])}, "finite"),
    ({"X": np.array([[0.0, np.inf], [1, 1], [0, 1], [1, 0]])}, "finite"),
    ({"y": np.array([0, 1, 1])}, "3 targets but X has 4 samples"),
    ({"y": np.array([0, 1, 2, 1])}, "only 0 and 1"),
    ({"lang": "fr"}, "lang must be one of en, ko"),
    ({"steps": 1e23}, "steps must be a whole number"),
    ({"steps": 10**9}, "from 1 to 1,000,000"),
    ({"steps": 0}, "from 1 to"),
    ({"lr": float("nan")}, "lr must be a positive number"),
    ({"optimizer": "lion"}, "unknown optimizer"),
])
def test_record_training_refuses_what_it_cannot_record_in_one_line(bad, message):
    X, y = toy_dataset("xor")
    arguments = {"X": X, "y": y, "steps": 5, **bad}
    model = viz.ValueMLP([2, 2, 1])
    with pytest.raises(ValueError, match=re.escape(message)) as raised:
        viz.record_training(model, **arguments)
    assert "\n" not in str(raised.value)


def test_a_diverging_run_writes_null_not_nan_and_the_page_still_works(open_page, tmp_path):
    X, y = toy_dataset("moons", seed=0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1), nn.Sigmoid())
    recording = viz.record_training(model, X, y, lr=1e300, steps=40)
    assert recording.stopped is not None and not np.all(np.isfinite(recording.loss))
    path = tmp_path / "diverged.html"
    html = viz.training_page(recording, path)
    assert "NaN" not in page_data(html).__repr__() and "NaN" not in html.split("tg-data")[1]
    opened = open_page(path)
    assert "loss" in opened.page.get_by_role("status").inner_text()
    assert opened.page.locator(".tg-stopped").count() >= 1


def test_hostile_names_cannot_end_the_training_page_script(open_page, tmp_path):
    X, y = toy_dataset("xor")
    recording = viz.record_training(Hostile(), X, y, optimizer="adam", lr=0.1, steps=30,
                                    snapshots=2, description=HOSTILE, dataset=HOSTILE)
    path = tmp_path / "hostile.html"
    html = viz.training_page(recording, path, title=f"{HOSTILE} title")
    assert "'unsafe-inline'" not in html
    assert html.count("<script") == 2  # the data block and the page's own script
    opened = open_page(path)
    page = opened.page
    assert page.title() == f"{HOSTILE} title"
    assert "loss" in page.get_by_role("status").inner_text()  # the script ran
    keys = page.locator("#tg-params-key").inner_text()
    assert f"{HOSTILE}.weight[0]" in keys and "alert(1)" in keys  # shown as text
    page.locator("#tg-open").click()
    frame = page.frame_locator("#tg-explorer")
    frame.get_by_role("status").wait_for()  # the framed explorer runs under the policy too
    assert page.evaluate("() => window.alerted === undefined")


def test_hostile_formula_on_the_paths_page(open_page, tmp_path):
    paths = optimizer_paths(anisotropic, START, FUNCTION_SETTINGS, steps=5)
    path = tmp_path / "paths.html"
    html = paths_page(paths, anisotropic, f"{HOSTILE}</script><script>alert(1)</script>", path)
    assert "'unsafe-inline'" not in html and html.count("<script") == 2
    opened = open_page(path)
    assert HOSTILE in opened.page.locator("h1").inner_text()
    assert opened.page.get_by_role("status").inner_text().startswith("Step 1")


@pytest.mark.parametrize("argument, message", [
    (["--steps", "1e23"], "--steps '1e23' is not a number"),
    (["--steps", "100000000000000000000000"], "at most 100,000"),
    (["--layers", "100000"], "at most 50"),
    (["--layers", "3", "--width", "100000"], "at most 256"),
    (["--model", "2-999999-1"], "at most 50 layers of 256 units"),
    (["--lang", "fr"], "unknown language 'fr'"),
])
def test_train_refuses_sizes_it_cannot_show_in_one_line(argument, message, capsys):
    assert cli_main(["train", "xor", *argument]) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and len(error.splitlines()) == 1


def test_write_page_interrupted_midway_changes_nothing(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("the old page", encoding="utf-8")

    real_fdopen = os.fdopen

    class Interrupted:
        def __init__(self, handle, *args, **kwargs):
            self.file = real_fdopen(handle, *args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, text):
            self.file.write(text[: len(text) // 2])
            raise KeyboardInterrupt  # Ctrl-C halfway through the write

    monkeypatch.setattr("viz.shell.os.fdopen", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_page(target, "<!DOCTYPE html>" + "x" * 10_000 + "</html>\n")
    assert target.read_text(encoding="utf-8") == "the old page"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temporary file left


TRAIN = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # even from a background shell
from tinygrad_edu.cli import main
print("running", flush=True)
sys.exit(main(["train", "xor", "--layers", "4", "--steps", "3000", "--html", {path!r}]))
"""


@pytest.mark.parametrize("signum, delay", [(signal.SIGINT, 0.5), (signal.SIGTERM, 1.5),
                                           (signal.SIGKILL, 0.5), (signal.SIGKILL, 2.5),
                                           (signal.SIGKILL, 4.0)])
def test_interrupted_train_html_leaves_the_page_whole_or_absent(tmp_path, signum, delay):
    target = tmp_path / "out.html"
    target.write_text("the old page", encoding="utf-8")
    process = support.start(TRAIN.format(path=str(target)))
    support.wait_for(process, "running")
    time.sleep(delay)
    code, out, err = support.interrupt(process, signum, timeout=60)
    text = target.read_text(encoding="utf-8")
    whole = text.startswith("<!DOCTYPE html>") and text.endswith("</html>\n")
    assert text == "the old page" or whole, text[-200:]
    if signum != signal.SIGKILL:
        assert "Traceback" not in err
        leftovers = [p.name for p in tmp_path.iterdir() if p.name != "out.html"]
        assert leftovers == []
