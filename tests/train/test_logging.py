"""Loggers: TensorBoard event files read back with tensorboard's own reader; CSV and JSON."""

import csv

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.data import DataLoader, TensorDataset, xor
from tinygrad_edu.loggers import CSVLogger, JSONLogger, SummaryWriter, graph_as_text
from tinygrad_edu.train import fit

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
tensor_util = pytest.importorskip("tensorboard.util.tensor_util")


def read_events(log_dir):
    accumulator = event_accumulator.EventAccumulator(
        str(log_dir), size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    accumulator.Reload()
    return accumulator


def xor_model():
    return nn.Sequential(nn.Linear(2, 3, generator=np.random.default_rng(0)), nn.Sigmoid(),
                         nn.Linear(3, 1, generator=np.random.default_rng(1)), nn.Sigmoid())


def test_tensorboard_round_trip(tmp_path):
    model = xor_model()
    with SummaryWriter(tmp_path) as writer:
        for step in range(4):
            writer.add_scalar("cost", 1.0 / (step + 1), step)
        writer.add_histogram("weights2", model[2].weight, 0)
        writer.add_histogram("with_nan", np.array([1.0, np.nan, 3.0]), 0)
        writer.add_graph(model, np.zeros((4, 2), dtype=np.float32))
    events = read_events(tmp_path)
    assert [(e.step, round(e.value, 6)) for e in events.Scalars("cost")] == [
        (0, 1.0), (1, 0.5), (2, 0.333333), (3, 0.25)]
    (histogram,) = events.Histograms("weights2")
    weights = model[2].weight.numpy()
    assert histogram.histogram_value.num == 3
    assert histogram.histogram_value.min == pytest.approx(weights.min())
    assert histogram.histogram_value.max == pytest.approx(weights.max())
    assert events.Histograms("with_nan")[0].histogram_value.num == 2  # NaN left out
    (text,) = events.Tensors("graph/text_summary")
    graph = tensor_util.make_ndarray(text.tensor_proto).item().decode()
    assert "Linear(in_features=2, out_features=3" in graph
    assert "2.weight: (1, 3)" in graph and "total: 13 numbers" in graph
    assert "sigmoid(" in graph and "-> (4, 1)" in graph


def test_graph_as_text_leaves_the_model_in_its_mode():
    model = xor_model()
    model.train()
    text = graph_as_text(model, np.zeros((1, 2), dtype=np.float32))
    assert model.training and text.count("linear(") == 2


def test_fit_writes_scalars_and_histograms_to_every_logger(tmp_path):
    X, y = xor()
    loader = DataLoader(TensorDataset(X, y.astype(np.float32).reshape(-1, 1)), batch_size=4)
    model = xor_model()
    writer = SummaryWriter(tmp_path / "tb")
    csv_logger = CSVLogger(tmp_path / "log.csv")
    json_logger = JSONLogger(tmp_path / "log.jsonl")
    history = fit(model, F.binary_cross_entropy, optim.SGD(model.parameters(), lr=0.5), loader,
                  epochs=6, loggers=[writer, csv_logger, json_logger], histogram_every=2,
                  progress=False)
    for logger in (writer, csv_logger, json_logger):
        logger.close()

    events = read_events(tmp_path / "tb")
    losses = [e.value for e in events.Scalars("step/loss")]
    assert losses == pytest.approx(history.per_step("loss").tolist(), rel=1e-6)
    assert [e.step for e in events.Scalars("epoch/accuracy")] == list(range(6))
    tags = events.Tags()["histograms"]
    for tag in ("weights/0.weight", "gradients/2.bias", "activations/1.Sigmoid"):
        assert tag in tags
    assert [h.step for h in events.Histograms("weights/0.weight")] == [0, 2, 4]

    with open(tmp_path / "log.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    step_losses = [float(r["value"]) for r in rows if r["tag"] == "step/loss"]
    assert step_losses == pytest.approx(history.per_step("loss").tolist())
    assert {r["tag"] for r in rows} >= {"epoch/loss", "weights/0.weight/mean",
                                       "activations/3.Sigmoid/max"}

    records = JSONLogger.read(tmp_path / "log.jsonl")
    assert records[0]["kind"] == "text" and "Sequential" in records[0]["text"]
    assert "forward pass on an input of shape (4, 2)" in records[0]["text"]
    histograms = [r for r in records if r["kind"] == "histogram" and r["tag"] == "weights/0.weight"]
    assert [r["step"] for r in histograms] == [0, 2, 4]
    assert sum(histograms[0]["counts"]) == 6 and len(histograms[0]["edges"]) == 31


def test_csv_logger_appends_without_repeating_the_header(tmp_path):
    for value in (1.0, 2.0):
        with CSVLogger(tmp_path / "a.csv") as logger:
            logger.add_scalar("x", value, 0)
    lines = (tmp_path / "a.csv").read_text().splitlines()
    assert lines[0] == "wall_time,step,tag,value" and len(lines) == 3


def test_summary_writer_without_tensorboardx_names_the_extra(monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_tensorboardx(name, *args, **kwargs):
        if name.startswith("tensorboardX"):
            raise ImportError("No module named 'tensorboardX'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tensorboardx)
    with pytest.raises(ImportError) as error:
        SummaryWriter(tmp_path)
    # one line, with the command for a clone and the one for an index
    assert "pip install -e '.[tensorboard]'" in str(error.value)
    assert "pip install 'tinygrad-edu[tensorboard]'" in str(error.value)
    assert "\n" not in str(error.value)
