"""Experiment 11 — logging XOR training to TensorBoard.

The notes (lecture 10, "Tensorboard for XOR NN") log in five steps: choose the tensors
(``weights2`` histogram, ``cost`` scalar), merge the summaries, create a writer and add
the graph, write the summaries every step, and run ``tensorboard --logdir=./logs``.
We do the same with `tinygrad_edu.loggers.SummaryWriter`, then read the event file back
with TensorBoard's own reader to check that what we logged is what it will show.
"""

from __future__ import annotations

import numpy as np

from .. import optim
from ..nn import functional as F
from ..tensor import Tensor
from ..train import predict, train_step
from ..train.loggers import SummaryWriter
from .common import Result, RunConfig, plt, save_figure, verdict_of
from .datasets import xor
from .models import linear_layers, mlp

NAME = "tensorboard_logging"
TITLE = "TensorBoard logging of XOR training"
CLAIM = ("XOR training can be followed in TensorBoard: a `cost` scalar every step and a "
         "`weights2` histogram, written to event files that `tensorboard --logdir` opens.")

LEARNING_RATE, HISTOGRAM_EVERY = 0.1, 10


def read_events(log_dir) -> dict:
    """What TensorBoard will show: the scalars and histograms in ``log_dir``'s event files."""
    try:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    except ImportError:  # a plain install writes events (tensorboardX) but has no TensorBoard
        from ..train.loggers import read_events as read_event_files

        print("  (TensorBoard is not installed: reading the event files with "
              "tinygrad_edu.loggers.read_events)")
        return read_event_files(log_dir)

    accumulator = EventAccumulator(str(log_dir), size_guidance={"scalars": 0, "histograms": 0})
    accumulator.Reload()
    tags = accumulator.Tags()
    return {
        "scalars": {tag: [(e.step, e.value) for e in accumulator.Scalars(tag)]
                    for tag in tags.get("scalars", [])},
        "histograms": {tag: [e.step for e in accumulator.Histograms(tag)]
                       for tag in tags.get("histograms", [])},
        "text": list(tags.get("tensors", [])),
    }


def run(config: RunConfig) -> Result:
    steps = 300 if config.quick else 2001
    log_dir = config.folder(NAME) / "logs" / "xor"
    for old in log_dir.glob("events.out.tfevents.*"):  # one run per folder, as TensorBoard expects
        old.unlink()
    inputs, targets = xor()
    model = mlp([2, 10, 1], activation="sigmoid", init="normal:1.0", seed=config.seed,
                output="sigmoid")
    second = linear_layers(model)[1]
    optimizer = optim.SGD(model.parameters(), lr=LEARNING_RATE)
    logged_costs = []
    with SummaryWriter(log_dir) as writer:               # 3. create a writer ...
        writer.add_graph(model, Tensor(inputs))          # ... and add the graph
        for step in range(steps):                        # the four lines, train_step
            _, cost = train_step(model, F.binary_cross_entropy, optimizer, Tensor(inputs),
                                 targets)
            writer.add_scalar("cost", cost.item(), step)   # 1./4. the cost scalar
            logged_costs.append(cost.item())
            if step % HISTOGRAM_EVERY == 0:                # 1./4. the weights2 histogram
                writer.add_histogram("weights2", second.weight, step)
    final_accuracy = F.accuracy(predict(model, inputs), targets)

    events = read_events(log_dir)
    read_costs = [value for _, value in events["scalars"].get("cost", [])]
    histograms = events["histograms"].get("weights2", [])
    matches = len(read_costs) == steps and bool(
        np.allclose(read_costs, logged_costs, rtol=1e-6, atol=1e-7))
    expected_histograms = len(range(0, steps, HISTOGRAM_EVERY))
    files = sorted(path.name for path in log_dir.glob("events.out.tfevents.*"))
    print(f"  trained {steps} steps (XOR accuracy {final_accuracy:.2f}); event file(s): {files}")
    print(f"  read back by TensorBoard: {len(read_costs)} 'cost' scalars (equal to what was "
          f"logged: {matches}), {len(histograms)} 'weights2' histograms, text tags "
          f"{events['text']}")
    print(f"  view them with: tensorboard --logdir {log_dir.parent.as_posix()}")
    checks = {"an event file was written": bool(files),
              "every logged cost reads back unchanged": matches,
              "one weights2 histogram per 10 steps reads back":
                  len(histograms) == expected_histograms}

    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.plot(*zip(*events["scalars"]["cost"], strict=True))
    axis.set(xlabel="step", ylabel="cost", yscale="log",
             title="'cost' as read back from the TensorBoard event file")
    figures = [save_figure(figure, config, NAME, "cost_from_events.png")]

    finding = (f"{steps} steps of a 2→10→1 sigmoid net on XOR (accuracy {final_accuracy:.2f}) "
               f"wrote {len(files)} event file; TensorBoard's EventAccumulator reads back "
               f"{len(read_costs)} `cost` scalars, identical to the logged values: {matches}, "
               f"and {len(histograms)} `weights2` histograms (expected {expected_histograms}); "
               f"the model's structure is stored as text ({', '.join(events['text']) or 'none'}). "
               f"The event files are in `<out>/{NAME}/logs/xor`: "
               f"`tensorboard --logdir <out>/{NAME}/logs` shows them.")
    return Result(
        name=NAME, title=TITLE, claim=CLAIM, seed=config.seed, quick=config.quick,
        settings={"net": [2, 10, 1], "learning_rate": LEARNING_RATE, "steps": steps,
                  "histogram_every": HISTOGRAM_EVERY, "log_dir": f"{NAME}/logs/xor"},
        measured={"event_files": len(files), "cost_scalars": len(read_costs),
                  "costs_match": matches, "weights2_histograms": len(histograms),
                  "final_cost": logged_costs[-1], "xor_accuracy": final_accuracy},
        checks=checks, verdict=verdict_of(checks), finding=finding, figures=figures,
    )
