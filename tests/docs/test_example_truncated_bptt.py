"""examples/truncated_bptt.py: the gradient stops at the cut, a chunk's graph is a chunk
long, training with truncated BPTT learns, and the script runs with --quick."""

import importlib.util
import pathlib
import subprocess
import sys

import numpy as np
import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "examples" / "truncated_bptt.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("truncated_bptt_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("chunk", [3, 8])
def test_no_gradient_flows_past_the_cut(example, chunk):
    model = example.SequenceModel(hidden_size=6, seed=1)
    inputs, targets = example.noisy_sine(4 * chunk, seed=2)
    full = example.gradient_per_step(model, inputs, targets, chunk, truncate=False)
    cut = example.gradient_per_step(model, inputs, targets, chunk, truncate=True)
    assert np.all(cut[:chunk] == 0) and np.all(full[:chunk] > 0)
    np.testing.assert_allclose(cut[chunk:], full[chunk:], rtol=1e-12)  # same after the cut


def test_a_backward_pass_walks_a_graph_as_long_as_its_chunk(example):
    model = example.SequenceModel(hidden_size=4)
    inputs, targets = example.noisy_sine(40)
    sizes = [example.graph_nodes(model, inputs[:steps], targets[:steps]) for steps in (10, 20, 40)]
    per_step = sizes[1] - sizes[0]
    assert per_step > 0 and sizes[2] - sizes[1] == 2 * per_step  # linear in the steps


def test_training_with_truncated_bptt_learns_the_next_value(example):
    model = example.SequenceModel(hidden_size=8)
    inputs, targets = example.noisy_sine(150, seed=3)
    before = example.evaluate(model, inputs, targets)
    history = example.train_truncated(model, inputs, targets, chunk=10, epochs=3)
    after = example.evaluate(model, inputs, targets)
    assert len(history) == 3 and after < before / 10


def test_the_script_runs_quickly_and_prints_its_measurements(tmp_path):
    completed = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)],
                               capture_output=True, text=True, timeout=120, check=True)
    printed = completed.stdout
    for start in ("1. |∂L₂/∂x_t|", "2. one backward pass", "3. next-value prediction"):
        assert start in printed
    assert "truncated 0.0;" in printed
    assert (tmp_path / "truncated_bptt").is_dir()
