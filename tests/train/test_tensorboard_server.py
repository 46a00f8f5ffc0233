"""TensorBoard end to end: fit logs into a run folder, a real TensorBoard serves it.

The test starts TensorBoard itself (`python -m tensorboard.main --logdir ... --host
127.0.0.1 --port <a free port>`) as a child process, polls its HTTP API until the run
is loaded, asks it for runs, scalars, histograms and the graph, and stops it with
SIGTERM (SIGKILL if it does not exit in 10 s) in a `finally`, so no server outlives it.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pytest

pytest.importorskip("tensorboardX")
pytest.importorskip("tensorboard")

import tinygrad_edu.nn as nn  # noqa: E402
import tinygrad_edu.nn.functional as F  # noqa: E402
import tinygrad_edu.optim as optim  # noqa: E402
from tinygrad_edu import Value  # noqa: E402
from tinygrad_edu.data import DataLoader, TensorDataset, spiral  # noqa: E402
from tinygrad_edu.loggers import SummaryWriter  # noqa: E402
from tinygrad_edu.train import fit  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(base: str, path: str, **query):
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
    return json.loads(body) if response.headers.get_content_type() == "application/json" \
        else body.decode("utf-8")


def train_into(run_folder):
    X, y = spiral(n=40, classes=3, seed=0)
    order = np.random.default_rng(0).permutation(len(X))
    X, y = X[order], y[order]
    train = DataLoader(TensorDataset(X[:90], y[:90]), batch_size=10, shuffle=True, seed=0)
    val = DataLoader(TensorDataset(X[90:], y[90:]), batch_size=64)
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(2, 8, generator=rng), nn.Tanh(),
                          nn.Linear(8, 3, generator=rng))
    with SummaryWriter(run_folder) as writer:
        history = fit(model, F.cross_entropy, optim.Adam(model.parameters(), lr=0.05), train,
                      val, epochs=4, loggers=[writer], histogram_every=9, verbose=0)
    return history


def test_each_summary_writer_gets_its_own_run_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first, second = SummaryWriter(), SummaryWriter()
    first.close()
    second.close()
    assert first.log_dir != second.log_dir
    runs = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert len(runs) == 2 and all(socket.gethostname() in name for name in runs)


def test_read_events_agrees_with_tensorboards_own_reader(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from tinygrad_edu.loggers import read_events

    history = train_into(tmp_path / "run")
    ours = read_events(tmp_path / "run")
    theirs = EventAccumulator(str(tmp_path / "run"), size_guidance={"scalars": 0,
                                                                   "histograms": 0})
    theirs.Reload()
    tags = theirs.Tags()
    assert sorted(ours["scalars"]) == sorted(tags["scalars"])
    for tag in tags["scalars"]:
        assert ours["scalars"][tag] == [(e.step, e.value) for e in theirs.Scalars(tag)]
    assert sorted(ours["histograms"]) == sorted(tags["histograms"])
    assert ours["text"] == list(tags["tensors"]) and ours["graph"] == tags["graph"] is True
    assert [v for _, v in ours["scalars"]["epoch/loss"]] == pytest.approx(
        history.per_epoch("loss").tolist(), rel=1e-6)


@pytest.mark.slow
def test_real_tensorboard_serves_runs_scalars_histograms_and_the_graph(tmp_path):
    logdir = tmp_path / "runs"
    history = train_into(logdir / "spiral")
    w, x, b = Value(-2.0, label="w"), Value(5.0, label="x"), Value(3.0, label="b")
    with SummaryWriter(logdir / "lecture") as writer:  # the lecture's add_graph of a loss
        writer.add_graph(w * x + b)

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir), "--host",
         "127.0.0.1", "--port", str(port), "--load_fast=false", "--reload_interval", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:  # wait until the server answers and has read both runs
            assert server.poll() is None, server.stdout.read().decode(errors="replace")
            try:
                tags = get(base, "/data/plugin/scalars/tags")
                if "epoch/loss" in tags.get("spiral", {}) and \
                        "lecture" in get(base, "/data/plugin/graphs/info"):
                    break
            except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
                pass
            assert time.monotonic() < deadline, "TensorBoard did not load the runs in 90 s"
            time.sleep(0.5)

        assert {"spiral", "lecture"} <= set(get(base, "/data/runs"))
        points = get(base, "/data/plugin/scalars/scalars", run="spiral", tag="epoch/val_loss")
        assert [step for _, step, _ in points] == [0, 1, 2, 3]
        np.testing.assert_allclose([value for *_, value in points],
                                   history.per_epoch("val_loss"), rtol=1e-5)

        histogram_tags = get(base, "/data/plugin/histograms/tags")["spiral"]
        assert {"weights/0.weight", "gradients/2.bias", "activations/1.Tanh"} <= set(
            histogram_tags)
        # 9 steps an epoch, 4 epochs, every 9th step: steps 0, 9, 18, 27
        records = get(base, "/data/plugin/histograms/histograms", run="spiral",
                      tag="weights/0.weight")
        assert [record[1] for record in records] == [0, 9, 18, 27]

        graph = get(base, "/data/plugin/graphs/graph", run="spiral")
        for name in ("0.Linear/weight", "0.Linear/linear", "1.Tanh/tanh", "2.Linear/bias"):
            assert f'name: "{name}"' in graph
        assert 'input: "1.Tanh/tanh"' in graph and "_output_shapes" in graph
        assert "size: 8" in graph  # a shape on an edge: the hidden layer's 8 units
        lecture = get(base, "/data/plugin/graphs/graph", run="lecture")
        assert 'name: "mul"' in lecture and 'input: "w"' in lecture
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


def test_graph_nodes_scopes_shapes_and_valid_names():
    import re

    from tinygrad_edu.graphdef import graph_def, graph_nodes

    class Net(nn.Module):  # not a Sequential: ops are scoped by the parameters they use
        def __init__(self):
            super().__init__()
            rng = np.random.default_rng(0)
            self.hidden = nn.Linear(2, 3, generator=rng)
            self.out = nn.Linear(3, 1, generator=rng)

        def forward(self, x):
            return self.out(self.hidden(x).relu())

    records = {r["name"]: r for r in graph_nodes(Net(), np.zeros((4, 2), dtype=np.float32))}
    assert records["hidden/weight"]["op"] == "Parameter"
    assert records["hidden/weight"]["shape"] == (3, 2)
    assert records["out/linear"]["shape"] == (4, 1)
    assert "relu" in records["out/linear"]["inputs"]
    assert records["input"]["shape"] == (4, 2)

    # the lecture's decomposed sigmoid: symbols become names TensorBoard accepts
    w, x, b = Value(2.0, label="w"), Value(-1.0, label="x"), Value(3.0, label="b")
    out = (w * x + b).sigmoid(decompose=True)
    out.label = "σ"
    proto = graph_def(out)
    names = [node.name for node in proto.node]
    assert all(re.fullmatch(r"[A-Za-z0-9.][A-Za-z0-9_.\-/]*", name) for name in names)
    assert len(set(names)) == len(names) == 11
    assert {"w", "x", "b", "mul", "exp", "reciprocal"} <= set(names)
    every_input = {i for node in proto.node for i in node.input}
    assert every_input <= set(names)  # every edge points at a node that exists

    with pytest.raises(ValueError, match="needs an example input"):
        graph_nodes(Net())
