"""`add_graph` on models that do not return one Tensor: a tuple is traced as TensorBoard's
own tracer does (every output), a number, a dict or None is one clear line."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
from tinygrad_edu import Value
from tinygrad_edu.graphdef import graph_nodes
from tinygrad_edu.loggers import JSONLogger, graph_as_text


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(2, 3)
        self.head_a, self.head_b = nn.Linear(3, 1), nn.Linear(3, 2)

    def forward(self, x):
        hidden = self.body(x).relu()
        return self.head_a(hidden), self.head_b(hidden)


class Returns(nn.Module):
    def __init__(self, make):
        super().__init__()
        self.layer, self.make = nn.Linear(2, 2), make

    def forward(self, x):
        return self.make(self.layer(x))


X = np.ones((4, 2), dtype=np.float32)


def test_a_model_with_two_outputs_is_traced_whole():
    records = graph_nodes(TwoHeads(), X)
    names = [record["name"] for record in records]
    assert any(name.startswith("head_a/") for name in names)
    assert any(name.startswith("head_b/") for name in names)
    body = [record for record in records if record["name"].startswith("body/")]
    assert len([r for r in body if r["op"] == "Parameter"]) == 2  # shared: listed once
    text = graph_as_text(TwoHeads(), X)
    assert "head_a.weight: (1, 3)" in text and "-> (4, 2)" in text and "-> (4, 1)" in text


@pytest.mark.parametrize("make, returned", [
    (lambda y: 3.0, "float 3.0"), (lambda y: {"out": y}, "a dict (keys 'out')"),
    (lambda y: None, "NoneType None"), (lambda y: (), "an empty tuple"),
    (lambda y: (y, 2), "tuple whose item 1 is int 2"), (lambda y: y.data, "ndarray"),
])
def test_a_model_returning_no_tensor_is_one_clear_line(make, returned, tmp_path):
    model = Returns(make)
    for call in (lambda: graph_nodes(model, X), lambda: graph_as_text(model, X),
                 lambda: JSONLogger(tmp_path / "log.jsonl").add_graph(model, X)):
        with pytest.raises(TypeError) as raised:
            call()
        text = str(raised.value)
        assert text.startswith("add_graph: the model returned") and returned in text
        assert "\n" not in text
    assert model.training  # put back in training mode after the failed trace


def test_what_is_not_a_model_or_a_graph_is_refused(tmp_path):
    for thing in ("model", 5, None):
        with pytest.raises(TypeError, match="expected a Module .* or the output of a "
                                            "computation") as raised:
            graph_nodes(thing, X)
        assert "\n" not in str(raised.value)
    with pytest.raises(TypeError, match="data must be numbers, got str"):
        graph_nodes(nn.Linear(2, 2), "abc")


def test_a_computation_is_written_as_its_ops(tmp_path):
    f = Value(2.0, label="w") * Value(3.0, label="x")
    assert graph_as_text(f).splitlines()[-1] == "  %2 = *(%0, %1)  -> ()"
    logger = JSONLogger(tmp_path / "log.jsonl")
    logger.add_graph(f)
    logger.close()
    (record,) = JSONLogger.read(tmp_path / "log.jsonl")
    assert record["tag"] == "graph" and record["text"].endswith("%2 = *(%0, %1)  -> ()")
