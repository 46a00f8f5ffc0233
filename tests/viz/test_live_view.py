"""The live view, headless: what it holds after N updates, how it throttles, the
terminal fallback, and the state a widget would be sent (anywidget, when installed)."""

import io

import numpy as np
import pytest

import tinygrad_edu.nn.functional as F
from tinygrad_edu import optim
from tinygrad_edu.data import DataLoader, TensorDataset, toy_dataset
from tinygrad_edu.lab.models import mlp
from tinygrad_edu.train import fit
from viz import LiveView, live


class FakeClock:
    """Time that moves only when told: throttling tested without timing anything."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_every_update_is_kept_but_redraws_are_spaced():
    clock = FakeClock()
    view = live(None, clock=clock, min_interval=1.0, widget=False, stream=io.StringIO())
    drew = []
    for step in range(50):
        clock.now = step * 0.1  # ten updates a second
        drew.append(view.update(loss=1.0 / (step + 1), step=step))
    assert view.steps == list(range(50)) and view.losses[-1] == pytest.approx(1 / 50)
    assert [i for i, d in enumerate(drew) if d] == [0, 10, 20, 30, 40]
    assert view.pushes == 5 and view.state["last"] == {"step": 40, "loss": pytest.approx(1 / 41)}


def _run_with_slow_redraws(budget):
    clock = FakeClock()

    class SlowView(LiveView):
        def snapshot(self):  # each redraw "takes" 0.05 s of the fake clock
            clock.now += 0.05
            return super().snapshot()

    view = SlowView(clock=clock, min_interval=0.0, budget=budget, widget=False,
                    stream=io.StringIO())
    for step in range(400):
        clock.now += 0.01  # a training step takes 0.01 s
        view.update(loss=1.0, step=step)
    return view, clock.now - view.started


def test_drawing_time_stays_within_the_budget():
    view, elapsed = _run_with_slow_redraws(0.1)
    assert view.pushes >= 5
    assert view.drawing_time <= 0.1 * elapsed + 0.05  # at most one redraw over the share
    greedy, _ = _run_with_slow_redraws(1.0)
    assert greedy.pushes > 5 * view.pushes  # the budget, not the interval, held it back


def test_terminal_fallback_progress_and_one_line_per_epoch():
    X, y = toy_dataset("moons", n=64, seed=0)
    model = mlp([2, 8, 1], activation="tanh", init="xavier", seed=0, output="sigmoid")
    loader = DataLoader(TensorDataset(X, y.astype(np.float32)), batch_size=16, shuffle=False)
    stream = io.StringIO()
    view = LiveView(data=(X, y), widget=False, stream=stream, min_interval=0.0)

    def loss_fn(output, target):
        return F.binary_cross_entropy(output.reshape(-1), target)

    history = fit(model, loss_fn, optim.Adam(model.parameters(), lr=0.05), loader, epochs=3,
                  metrics=(), callbacks=[view], progress=False)
    text = stream.getvalue()
    epoch_lines = [line for line in text.replace("\r", "\n").splitlines()
                   if line.startswith("epoch ")]
    assert len(epoch_lines) == 3 and "loss" in epoch_lines[0]
    assert len(view.losses) == 12 and view.losses == pytest.approx(history.per_step("loss"))
    assert set(view.state["grad_norms"]) == {"layer 1", "layer 2"}
    assert view.state["last"]["step"] == 11
    assert "boundary" not in view.state  # pictures are for a widget only


def test_widget_state_has_curve_boundary_and_graph():
    pytest.importorskip("anywidget")
    X, y = toy_dataset("xor")
    model = mlp([2, 4, 1], activation="tanh", init="xavier", seed=0, output="sigmoid")
    clock = FakeClock()
    view = live(model, data=(X, y), widget=True, min_interval=0.0, display=False, clock=clock)
    optimizer = optim.SGD(model.parameters(), lr=0.5)
    from tinygrad_edu import Tensor

    for step in range(5):
        optimizer.zero_grad()
        loss = F.binary_cross_entropy(model(Tensor(X)).reshape(-1), y)
        loss.backward()
        optimizer.step()
        view.update(loss=loss.item(), step=step)
        if step == 0:  # no training time yet, so no share of it for a graph layout
            assert view.widget.data["graph"] is None
        clock.now += 1.0  # each step "takes" a second
    view.flush()
    data = view.widget.data
    assert data["loss"][-1] == pytest.approx(view.losses[-1]) and data["last"]["step"] == 4
    assert len(data["boundary"]["values"]) == 24 * 24
    assert all(0 <= v <= 100 for v in data["boundary"]["values"])
    assert data["graph"].startswith("<svg") and "weight" in data["graph"]


def test_bad_budget_is_one_clear_error():
    with pytest.raises(ValueError, match="budget"):
        LiveView(budget=0)
    with pytest.raises(ValueError, match="^LiveView: lang must be one of en, ko, got 'fr'$"):
        LiveView(lang="fr")


def test_the_live_view_speaks_korean_in_the_terminal_and_the_widget():
    stream = io.StringIO()
    view = LiveView(widget=False, stream=stream, min_interval=0.0, lang="ko")
    view.update(loss=0.123456, step=7)
    view.flush()
    assert stream.getvalue().split("\r")[-1] == "단계 7 · 손실 0.1235\n"
    english = io.StringIO()
    LiveView(widget=False, stream=english, min_interval=0.0).update(loss=0.5, step=2)
    assert english.getvalue() == "\rstep 2 · loss 0.5"
    pytest.importorskip("anywidget")
    shown = live(None, widget=True, display=False, lang="ko", min_interval=0.0)
    shown.update(loss=1.0, step=0)
    assert shown.widget.words == {"loss": "손실", "boundary": "결정 경계", "graph": "그래프",
                                  "status": "단계 {step} · 손실 {loss}",
                                  "epoch": "에포크 {epoch}: {shown}",
                                  "no_widget": shown.words["no_widget"],
                                  "dead": shown.words["dead"]}


# ---- once in a real front end: JupyterLab + chromium ----

NOTEBOOK_CELL = """\
import time
import numpy as np
import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, optim
from tinygrad_edu.data import toy_dataset
from tinygrad_edu.lab.models import mlp
import viz
X, y = toy_dataset("xor")
model = mlp([2, 4, 1], activation="tanh", init="xavier", seed=0, output="sigmoid")
optimizer = optim.SGD(model.parameters(), lr=0.5)
view = viz.live(model, data=(X, y), min_interval=0.2, graph=False)
for step in range(150):
    optimizer.zero_grad()
    loss = F.binary_cross_entropy(model(Tensor(X)).reshape(-1), y)
    loss.backward()
    optimizer.step()
    view.update(loss=loss.item(), step=step)
    time.sleep(0.03)  # slow enough for the browser to watch it move
view.flush()
"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_widget_updates_in_jupyterlab(tmp_path):
    """Starts `jupyter lab` on 127.0.0.1 (a free port, a random token, the notebook's
    folder as root) in a subprocess, runs the notebook's one cell in chromium through
    playwright, watches the widget's step counter move, then stops the server (terminate,
    then kill if it lingers)."""
    import json
    import secrets
    import shutil
    import subprocess
    import sys
    import time

    pytest.importorskip("anywidget")
    pytest.importorskip("jupyterlab")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium"):
        pytest.skip("chromium is not installed")
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": None,
                           "outputs": [], "source": NOTEBOOK_CELL}],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "live.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    import os

    env = dict(os.environ, PYTHONPATH=os.getcwd(), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "run"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.root_dir=.",
         "--ServerApp.allow_root=True", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            url = f"http://127.0.0.1:{port}/lab/tree/live.ipynb?token={token}"
            for _ in range(60):  # the server takes a few seconds to listen
                try:
                    page.goto(url, timeout=5000)
                    break
                except sync_api.Error:
                    time.sleep(0.5)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
            page.get_by_text("| Idle").wait_for(timeout=60000)  # the kernel is up
            status = page.locator(".tgl-root .tgl-status")
            for _ in range(3):  # a keypress before the editor is ready can be lost
                page.locator(".jp-Cell .cm-content").first.click()
                page.keyboard.press("Shift+Enter")
                try:
                    status.wait_for(timeout=20000)
                    break
                except sync_api.TimeoutError:
                    continue
            seen = set()
            for _ in range(100):
                step = page.locator(".tgl-root").get_attribute("data-step")
                if step is not None:
                    seen.add(int(step))
                if 149 in seen:
                    break
                time.sleep(0.1)
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    assert len(seen) >= 3 and max(seen) == 149  # moved while it trained, then the end


def test_without_anywidget_the_view_names_the_install_command_and_prints(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_anywidget(name, *args, **kwargs):
        if name == "anywidget":
            raise ImportError("No module named 'anywidget'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_anywidget)
    stream = io.StringIO()
    view = LiveView(widget=True, display=False, stream=stream, min_interval=0.0)
    view.update(loss=0.5, step=0)
    view.update(loss=0.25, step=1)
    view.flush()
    lines = stream.getvalue().replace("\r", "\n").splitlines()
    hints = [line for line in lines if "anywidget" in line]
    assert len(hints) == 1
    assert "pip install -e '.[notebook]'" in hints[0]
    assert "pip install 'tinygrad-edu[notebook]'" in hints[0]
    assert view.widget is None and not view.use_widget
    assert any("loss 0.25" in line for line in lines)
