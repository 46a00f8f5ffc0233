"""Loggers: write what training measured where a person can look at it later.

The lecture (seed 000, "TensorBoard for XOR NN") logs a ``cost`` scalar and a
``weights2`` histogram every step and opens them with ``tensorboard --logdir=./logs``.
Three loggers share one small interface, so the training loop can feed any of them:

* `SummaryWriter` -- real TensorBoard event files through tensorboardX (extra
  ``tensorboard``): scalars, histograms of weights / activations / gradients, text,
  and the model's graph as a GraphDef for the Graphs tab (`tinygrad_edu.graphdef`);
  each run in its own folder ``runs/<date>_<host>`` unless you name one;
* `CSVLogger`     -- one ``step,tag,value`` row per number, no dependencies;
* `JSONLogger`    -- one JSON object per line, histograms included, no dependencies.

Every logger has ``add_scalar(tag, value, step)``, ``add_histogram(tag, values, step)``,
``add_text(tag, text, step)``, ``add_graph(model, example_input=None)``,
``log_parameters(model, step)``, ``flush()`` and ``close()``, and is a context manager.
"""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import numpy as np

from ..autograd import Node, topo_order, topo_order_of
from ..files import check_appendable
from ..graphdef import outputs_of, traced
from ..tensor import Tensor

__all__ = ["Logger", "SummaryWriter", "CSVLogger", "JSONLogger", "graph_as_text",
           "default_log_dir", "read_events"]


def _as_array(values) -> np.ndarray:
    if isinstance(values, Tensor):
        values = values.data
    return np.asarray(values, dtype=np.float64).reshape(-1)


def _as_float(value) -> float:
    if isinstance(value, Tensor):
        return value.item()
    return float(value)


def graph_as_text(model, example_input=None) -> str:
    """The model as text: its structure (``repr``), one line per parameter with its
    shape, and -- given an example input -- every op of one forward pass in order (of
    every output, for a model that returns a tuple). The output of a computation (a loss)
    gives the ops of its recorded graph."""
    if isinstance(model, Node):
        return "\n".join(["graph of a computation:", *_op_lines(topo_order(model), {}, None)])
    traced(model, "add_graph")
    lines = [repr(model), "", "parameters:"]
    total = 0
    parameters = list(model.named_parameters()) if hasattr(model, "named_parameters") else []
    for name, parameter in parameters:
        lines.append(f"  {name}: {tuple(parameter.shape)}")
        total += parameter.data.size
    lines.append(f"  total: {total} numbers")
    if example_input is not None:
        from ..autograd import enable_grad

        if not isinstance(example_input, Tensor):
            example_input = Tensor(example_input)
        was_training = getattr(model, "training", False)
        if hasattr(model, "eval"):
            model.eval()  # no dropout, and batch norm's running statistics stay as they are
        try:
            with enable_grad():
                outputs = outputs_of(model(example_input))
        finally:
            if hasattr(model, "train"):
                model.train(was_training)
        names = {id(p): name for name, p in parameters}
        lines += ["", f"forward pass on an input of shape {tuple(example_input.shape)}:"]
        lines += _op_lines(topo_order_of(outputs), names, example_input)
    return "\n".join(lines)


def _op_lines(nodes: list, names: dict, example_input) -> list[str]:
    numbering = {id(node): i for i, node in enumerate(nodes)}
    lines = []
    for i, node in enumerate(nodes):
        shape = tuple(getattr(node, "shape", ()))
        if node.parents:
            inputs = ", ".join(f"%{numbering[id(p)]}" for p in node.parents)
            lines.append(f"  %{i} = {node.op}({inputs})  -> {shape}")
        else:
            what = names.get(id(node), node.label or ("input" if node is example_input
                                                      else "constant"))
            lines.append(f"  %{i} = {what}  {shape}")
    return lines


class Logger:
    """The interface shared by all loggers; subclasses write the records somewhere."""

    def add_scalar(self, tag: str, value, step: int | None = None) -> None:
        raise NotImplementedError

    def add_histogram(self, tag: str, values, step: int | None = None) -> None:
        """Record a histogram; a logger that keeps only scalars may leave this out (fit
        sends histograms every 50 steps by default)."""

    def add_text(self, tag: str, text: str, step: int | None = None) -> None:
        """Record a text; a logger that keeps only scalars may leave this out."""

    def add_graph(self, model, example_input=None) -> None:
        """Record the model's structure (see `graph_as_text`) under the tag ``graph``."""
        self.add_text("graph", graph_as_text(model, example_input), 0)

    def log_parameters(self, model, step: int | None = None, gradients: bool = True) -> None:
        """A histogram of every parameter (``weights/<name>``) and of its gradient
        (``gradients/<name>``) when one has been computed."""
        for name, parameter in model.named_parameters():
            self.add_histogram(f"weights/{name}", parameter.data, step)
            if gradients and parameter.grad is not None:
                self.add_histogram(f"gradients/{name}", parameter.grad, step)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


TENSORBOARD_HINT = ("SummaryWriter needs tensorboardX: pip install -e '.[tensorboard]' "
                    "(in a clone) or pip install 'tinygrad-edu[tensorboard]'")


def default_log_dir(root: str | os.PathLike = "runs") -> Path:
    """``runs/<date>_<host>`` as PyTorch names runs (``runs/Dec01_19-30-05_lab``), so
    that every run is its own line in TensorBoard; ``_2``, ``_3`` if that one exists."""
    import datetime
    import socket

    stamp = datetime.datetime.now().strftime("%b%d_%H-%M-%S")
    base = Path(root) / f"{stamp}_{socket.gethostname()}"
    folder, count = base, 1
    while folder.exists():
        count += 1
        folder = base.with_name(f"{base.name}_{count}")
    return folder


class SummaryWriter(Logger):
    """Write TensorBoard event files to ``log_dir`` (default: a new folder
    ``runs/<date>_<host>``); view them with ``tensorboard --logdir runs``.

    Needs the optional extra ``tensorboard``: ``pip install -e '.[tensorboard]'`` in a
    clone, ``pip install 'tinygrad-edu[tensorboard]'`` from PyPI.
    """

    def __init__(self, log_dir: str | os.PathLike | None = None, flush_secs: int = 10) -> None:
        try:
            from tensorboardX import SummaryWriter as EventWriter
        except ImportError:
            raise ImportError(TENSORBOARD_HINT) from None
        self.log_dir = str(default_log_dir() if log_dir is None else log_dir)
        self._writer = EventWriter(logdir=self.log_dir, flush_secs=flush_secs)

    def add_graph(self, model_or_loss, example_input=None) -> None:
        """The graph for TensorBoard's Graphs tab (ops as nodes, shapes on edges, one
        box per module), and for a model also its structure as text (tag ``graph``).

        ``writer.add_graph(model, x_batch)`` traces one forward pass;
        ``writer.add_graph(loss)`` takes a graph you already built, as the lecture's
        ``writer.add_graph(sess.graph)`` does.
        """
        from ..graphdef import graph_def

        # tensorboardX writes a GraphDef event through its file writer (add_onnx_graph
        # takes any GraphDef); its own add_graph only traces PyTorch models.
        self._writer._get_file_writer().add_onnx_graph(graph_def(model_or_loss, example_input))
        if hasattr(model_or_loss, "named_parameters"):
            super().add_graph(model_or_loss, example_input)

    def add_scalar(self, tag: str, value, step: int | None = None) -> None:
        self._writer.add_scalar(tag, _as_float(value), global_step=step)

    def add_histogram(self, tag: str, values, step: int | None = None, bins="auto") -> None:
        values = _as_array(values)
        values = values[np.isfinite(values)]  # TensorBoard refuses NaN and infinity
        if values.size:
            self._writer.add_histogram(tag, values, global_step=step, bins=bins)

    def add_text(self, tag: str, text: str, step: int | None = None) -> None:
        # TensorBoard renders text as Markdown; indenting by four spaces keeps it verbatim.
        verbatim = "\n".join("    " + line for line in text.splitlines())
        self._writer.add_text(tag, verbatim, global_step=step)

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()


def _event_records(path: Path):
    """The records of one event file. The format is TFRecord: each record is its length
    (8 bytes, little-endian), a 4-byte checksum of that, the bytes, a 4-byte checksum."""
    import struct

    data = path.read_bytes()
    offset = 0
    while offset + 12 <= len(data):
        (length,) = struct.unpack_from("<Q", data, offset)
        start = offset + 12
        if start + length + 4 > len(data):
            break  # a record still being written: stop at the last complete one
        yield data[start:start + length]
        offset = start + length + 4


def read_events(log_dir: str | os.PathLike) -> dict:
    """What a run folder's event files hold, read with tensorboardX's protocol buffers
    (no TensorBoard needed): ``{"scalars": {tag: [(step, value), ...]}, "histograms":
    {tag: [step, ...]}, "text": [tag, ...], "graph": bool}``."""
    from tensorboardX.proto.event_pb2 import Event

    scalars: dict[str, list] = {}
    histograms: dict[str, list] = {}
    text: list[str] = []
    graph = False
    for path in sorted(Path(log_dir).glob("events.out.tfevents.*")):
        for record in _event_records(path):
            event = Event.FromString(record)
            graph = graph or event.HasField("graph_def")
            if not event.HasField("summary"):
                continue
            for value in event.summary.value:
                kind = value.WhichOneof("value")
                if kind == "simple_value":
                    scalars.setdefault(value.tag, []).append((event.step, value.simple_value))
                elif kind == "histo":
                    histograms.setdefault(value.tag, []).append(event.step)
                elif kind == "tensor" and value.tag not in text:
                    text.append(value.tag)
    return {"scalars": scalars, "histograms": histograms, "text": text, "graph": graph}


def _histogram_summary(values) -> dict:
    values = _as_array(values)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"count": int(values.size), "min": None, "max": None, "mean": None, "std": None}
    return {
        "count": int(values.size),
        "min": float(finite.min()),
        "max": float(finite.max()),
        "mean": float(finite.mean()),
        "std": float(finite.std()),
    }


class CSVLogger(Logger):
    """Append ``wall_time,step,tag,value`` rows to a CSV file. A histogram becomes four
    scalars: ``<tag>/mean``, ``/std``, ``/min`` and ``/max``; text is not stored."""

    columns = ("wall_time", "step", "tag", "value")

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        check_appendable(self.path, "CSVLogger")  # a FIFO would block, a device fill up
        new_file = not self.path.exists() or self.path.stat().st_size == 0
        self._file = open(self.path, "a", newline="")
        self._csv = csv.writer(self._file)
        if new_file:
            self._csv.writerow(self.columns)

    def add_scalar(self, tag: str, value, step: int | None = None) -> None:
        self._csv.writerow((f"{time.time():.3f}", "" if step is None else step, tag,
                            repr(_as_float(value))))

    def add_histogram(self, tag: str, values, step: int | None = None) -> None:
        summary = _histogram_summary(values)
        for key in ("mean", "std", "min", "max"):
            if summary[key] is not None:
                self.add_scalar(f"{tag}/{key}", summary[key], step)

    def add_text(self, tag: str, text: str, step: int | None = None) -> None:
        pass  # a CSV of numbers has no good place for free text

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class JSONLogger(Logger):
    """Append one JSON object per line (JSON Lines) to a file::

        {"kind": "scalar", "tag": "loss/train", "step": 3, "value": 0.69, "wall_time": ...}

    A histogram record holds count, min, max, mean, std and the counts of ``bins``
    equal-width bins between min and max (``edges`` has one more entry than ``counts``).
    """

    def __init__(self, path: str | os.PathLike, bins: int = 30) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.bins = bins
        check_appendable(self.path, "JSONLogger")
        self._file = open(self.path, "a")

    def _write(self, record: dict) -> None:
        record["wall_time"] = round(time.time(), 3)
        self._file.write(json.dumps(record) + "\n")

    def add_scalar(self, tag: str, value, step: int | None = None) -> None:
        self._write({"kind": "scalar", "tag": tag, "step": step, "value": _as_float(value)})

    def add_histogram(self, tag: str, values, step: int | None = None) -> None:
        record = {"kind": "histogram", "tag": tag, "step": step, **_histogram_summary(values)}
        finite = _as_array(values)
        finite = finite[np.isfinite(finite)]
        if finite.size:
            counts, edges = np.histogram(finite, bins=self.bins)
            record["counts"], record["edges"] = counts.tolist(), edges.tolist()
        self._write(record)

    def add_text(self, tag: str, text: str, step: int | None = None) -> None:
        self._write({"kind": "text", "tag": tag, "step": step, "text": text})

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    @staticmethod
    def read(path: str | os.PathLike) -> list[dict]:
        """All records of a JSON Lines log, in the order they were written."""
        with open(path) as file:
            return [json.loads(line) for line in file if line.strip()]
