"""Interrupted work is kept: Ctrl-C / SIGTERM in fit, random_search (serial and two
processes) and the lab, in-process and with a real signal sent to a child process."""

import json
import signal
import time

import numpy as np
import pytest
from hostile_support import interrupt, last_json, start, wait_for

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.data import DataLoader, TensorDataset, xor
from tinygrad_edu.loggers import Logger
from tinygrad_edu.search import grid_search, random_search
from tinygrad_edu.train import Callback, EarlyStopping, FitInterrupted, fit


def xor_setup(seed=0):
    X, y = xor()
    model = nn.Sequential(nn.Linear(2, 4, generator=np.random.default_rng(seed)), nn.Tanh(),
                          nn.Linear(4, 2, generator=np.random.default_rng(seed + 1)))
    loader = DataLoader(TensorDataset(X, y), batch_size=2)
    return model, optim.SGD(model.parameters(), lr=0.5), loader


class InterruptAt(Callback):
    def __init__(self, step):
        self.step = step

    def on_step_end(self, state):
        if state.step == self.step:
            raise KeyboardInterrupt


class ClosingLogger(Logger):
    def __init__(self):
        self.scalars, self.closed, self.flushed = [], False, False

    def add_scalar(self, tag, value, step=None):
        self.scalars.append(tag)

    def add_text(self, tag, text, step=None):
        pass

    def flush(self):
        self.flushed = True

    def close(self):
        self.closed = True


def test_fit_interrupt_keeps_history_restores_best_and_closes_loggers():
    model, optimizer, loader = xor_setup()
    stopper = EarlyStopping(monitor="loss", patience=10**6, restore_best_weights=True)
    logger = ClosingLogger()
    with pytest.raises(KeyboardInterrupt) as caught:
        fit(model, F.cross_entropy, optimizer, loader, epochs=50, progress=False,
            callbacks=[stopper, InterruptAt(13)], loggers=[logger])
    assert isinstance(caught.value, FitInterrupted)
    history = caught.value.history
    assert history.interrupted and len(history.steps["loss"]) == 14  # steps 0..13 ended
    assert history.num_epochs == 6  # 2 batches per epoch: epochs 1-6 ended before step 13
    best = stopper.best_weights
    assert best is not None and stopper.best_epoch < 6
    for name, array in model.state_dict().items():  # restore_best_weights ran
        np.testing.assert_array_equal(array, best[name])
    assert logger.flushed and logger.closed and "epoch/loss" in logger.scalars
    assert "interrupted at step 13 (epoch 7)" in str(caught.value)


def test_fit_without_interrupt_keeps_loggers_open():
    model, optimizer, loader = xor_setup()
    logger = ClosingLogger()
    history = fit(model, F.cross_entropy, optimizer, loader, epochs=2, progress=False,
                  loggers=[logger])
    assert not history.interrupted and logger.flushed and not logger.closed


FIT_SCRIPT = """
import json, signal, sys
import numpy as np
import tinygrad_edu.nn as nn, tinygrad_edu.nn.functional as F, tinygrad_edu.optim as optim
from tinygrad_edu.data import DataLoader, TensorDataset, xor
from tinygrad_edu.loggers import CSVLogger
from tinygrad_edu.train import Callback, EarlyStopping, fit

class Announce(Callback):
    def on_epoch_end(self, state):
        print("epoch", state.epoch, flush=True)

X, y = xor()
model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2))
stopper = EarlyStopping(monitor="loss", patience=10**9, restore_best_weights=True)
logger = CSVLogger(sys.argv[1] if len(sys.argv) > 1 else "fit_log.csv")
try:
    fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1),
        DataLoader(TensorDataset(X, y), batch_size=4), epochs=10**9, progress=False,
        callbacks=[stopper, Announce()], loggers=[logger])
except KeyboardInterrupt as stop:
    history = stop.history
    restored = all(np.array_equal(a, stopper.best_weights[k])
                   for k, a in model.state_dict().items())
    print(json.dumps({"epochs": history.num_epochs, "interrupted": history.interrupted,
                      "restored": restored, "message": str(stop)}))
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_fit_in_a_child_process_keeps_history_on_signal(signum, tmp_path):
    log = tmp_path / "fit_log.csv"
    process = start(FIT_SCRIPT.replace('sys.argv[1] if len(sys.argv) > 1 else "fit_log.csv"',
                                       repr(str(log))))
    wait_for(process, "epoch 3")
    code, out, err = interrupt(process, signum)
    report = last_json(out)
    assert code == 0, err
    assert report["interrupted"] and report["restored"] and report["epochs"] >= 4
    assert "Traceback" not in err
    rows = log.read_text().splitlines()  # the logger was closed: every row is complete
    assert sum("epoch/loss" in row for row in rows) >= report["epochs"]


# ---- random_search ----


def flaky_train(params, seed):
    if params["i"] == 1:
        raise ValueError("boom: the loss exploded")
    return {"val_acc": 0.5 + 0.1 * params["i"]}


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_failing_trial_is_recorded_and_the_rest_kept(n_jobs, capsys):
    result = grid_search({"i": [0, 1, 2, 3]}, flaky_train, n_jobs=n_jobs)
    assert [trial.index for trial in result.trials] == [0, 1, 2, 3]
    assert [trial.index for trial in result.failed] == [1]
    assert result.trials[1].error == "ValueError: boom: the loss exploded"
    assert [trial.index for trial in result.ranked] == [3, 2, 0, 1]
    assert result.best.params == {"i": 3} and not result.interrupted
    captured = capsys.readouterr()
    assert "Failed (ValueError: boom: the loss exploded) | i:1" in captured.out
    assert "1 of 4 trials failed" in captured.err


def test_unpicklable_train_fn_fails_each_trial_with_a_reason():
    result = random_search({"lr": 0.1}, lambda params, seed: {"val_acc": 1.0}, trials=2,
                           n_jobs=2, verbose=False)
    assert len(result.failed) == 2 and "ickl" in result.failed[0].error


def test_serial_search_interrupt_returns_finished_trials():
    def train(params, seed):
        if params["i"] == 2:
            raise KeyboardInterrupt
        return {"val_acc": params["i"]}

    result = grid_search({"i": [0, 1, 2, 3]}, train, verbose=False)
    assert result.interrupted and [trial.index for trial in result.trials] == [0, 1]


SEARCH_SCRIPT = """
import json, time
from tinygrad_edu.search import grid_search

def train(params, seed):
    if params["i"] == 1:
        raise ValueError("boom")
    if params["i"] >= 2:
        print("sleeping", flush=True)
        time.sleep(120)
    return {"val_acc": 0.5}

start = time.monotonic()
result = grid_search({"i": [0, 1, 2, 3, 4]}, train, n_jobs=2, verbose=False)
print(json.dumps({"trials": [t.index for t in result.trials],
                  "failed": [t.index for t in result.failed],
                  "interrupted": result.interrupted}), flush=True)
"""


def test_parallel_search_ctrl_c_stops_the_pool_and_returns_what_finished():
    process = start(SEARCH_SCRIPT)
    wait_for(process, "sleeping", times=2)  # trials 0 and 1 ended, 2 and 3 are running
    time.sleep(2)  # time for the main process to collect the two results it was sent
    code, out, err = interrupt(process, signal.SIGINT, timeout=30)  # not the 120 s sleep
    assert code == 0, err
    assert last_json(out) == {"trials": [0, 1], "failed": [1], "interrupted": True}
    assert "Traceback" not in err


# ---- lab ----

LAB_SCRIPT = """
import sys, time, types
from tinygrad_edu.cli import main
from tinygrad_edu.lab import EXPERIMENTS
from tinygrad_edu.lab.common import Result

def quick(config):
    return Result("first", "A quick one", "It ends.", config.seed, config.quick, {}, {"x": 1},
                  "holds", "it ended", checks={"ended": True})

def slow(config):
    print("running", flush=True)
    time.sleep(120)

EXPERIMENTS["first"] = types.SimpleNamespace(NAME="first", TITLE="A quick one",
                                             CLAIM="It ends.", run=quick)
EXPERIMENTS["second"] = types.SimpleNamespace(NAME="second", TITLE="A slow one",
                                              CLAIM="It never ends.", run=slow)
EXPERIMENTS["third"] = types.SimpleNamespace(NAME="third", TITLE="Never reached",
                                             CLAIM="Nobody knows.", run=slow)
sys.exit(main(["lab", "first", "second", "third", "--out", OUT]))
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_lab_interrupt_writes_results_for_finished_experiments(signum, tmp_path):
    process = start(LAB_SCRIPT.replace("OUT", repr(str(tmp_path))))
    wait_for(process, "running")
    code, out, err = interrupt(process, signum, timeout=30)
    assert code == 130, err
    assert "Traceback" not in err and "not run: second, third" in err
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["interrupted"] is True
    assert [e["name"] for e in results["experiments"]] == ["first"]
    assert results["not_run"] == ["second", "third"]
    report = (tmp_path / "REPORT.md").read_text()
    assert "## 1. A quick one" in report and "## 3. Never reached" in report
    assert report.count("not run (interrupted)") == 4  # two table rows, two sections


def test_lab_keeps_finished_experiments_when_one_fails(tmp_path, monkeypatch, capsys):
    import types

    from tinygrad_edu.lab import EXPERIMENTS, run_lab
    from tinygrad_edu.lab.common import Result, RunConfig

    def quick(config):
        return Result("first", "A quick one", "It ends.", 0, True, {}, {}, "holds", "ok")

    def broken(config):
        raise RuntimeError("the experiment broke")

    for name, title, run in (("first", "A quick one", quick), ("second", "Broken", broken),
                             ("third", "Never reached", quick)):
        monkeypatch.setitem(EXPERIMENTS, name, types.SimpleNamespace(
            NAME=name, TITLE=title, CLAIM="A claim.", run=run))
    with pytest.raises(RuntimeError, match="the experiment broke"):
        run_lab(["first", "second", "third"], RunConfig(out=tmp_path, quick=True))
    results = json.loads((tmp_path / "results.json").read_text())
    assert [e["name"] for e in results["experiments"]] == ["first"]
    assert results["not_run"] == ["second", "third"] and results["failed"] == "second"
    assert (tmp_path / "REPORT.md").read_text().count("not run (second failed)") == 4
