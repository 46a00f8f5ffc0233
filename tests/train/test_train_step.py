"""train_step is the lecture's four lines; fit is epochs × batches × train_step; FullBatch
is gradient descent; one Recorder records what every view shows."""

import ast
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor
from tinygrad_edu.data import FullBatch, toy_dataset
from tinygrad_edu.lab.models import mlp
from tinygrad_edu.train import (
    fit,
    gradient_norms,
    parameter_layers,
    predict,
    snapshot_iterations,
    train_step,
)
from tinygrad_edu.train import step as step_module
from tinygrad_edu.train.runs import record_run

REPO = Path(__file__).resolve().parents[2]


def xor_net(seed=0, activation="tanh", sizes=(2, 8, 1)):
    return mlp(list(sizes), activation=activation, init="xavier", seed=seed, output="sigmoid")


def bce(output, target):
    return F.binary_cross_entropy(output.reshape(-1), target)


def test_train_step_is_the_four_lines_and_the_first_thing_its_module_shows():
    doc = step_module.__doc__
    lines = [line.strip() for line in doc.splitlines() if line.strip()]
    first_code = lines[1:6]
    assert [line.split("#")[0].strip() for line in first_code] == [
        "optimizer.zero_grad()", "output = model(x)", "loss = loss_fn(output, y)",
        "loss.backward()", "optimizer.step()"]
    X, y = toy_dataset("xor")
    by_hand, stepped = xor_net(), xor_net()
    hand_opt = optim.SGD(by_hand.parameters(), lr=0.5, momentum=0.9)
    step_opt = optim.SGD(stepped.parameters(), lr=0.5, momentum=0.9)
    for _ in range(5):
        hand_opt.zero_grad()
        loss = bce(by_hand(Tensor(X)), y)
        loss.backward()
        hand_opt.step()
        output, step_loss = train_step(stepped, bce, step_opt, Tensor(X), y)
        assert step_loss.item() == loss.item() and output.shape == (4, 1)
    for a, b in zip(by_hand.parameters(), stepped.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)


def test_before_update_sees_the_gradients_and_can_stop_the_update():
    X, y = toy_dataset("xor")
    model = xor_net()
    before = [p.data.copy() for p in model.parameters()]
    seen = {}

    def refuse(output, loss):
        seen["norms"] = gradient_norms(model.named_parameters())
        raise RuntimeError("no update")

    with pytest.raises(RuntimeError, match="no update"):
        train_step(model, bce, optim.SGD(model.parameters(), lr=1.0), Tensor(X), y, refuse)
    assert all(value > 0 for value in seen["norms"].values())
    for weights, parameter in zip(before, model.parameters(), strict=True):
        np.testing.assert_array_equal(weights, parameter.data)  # not updated


def test_fit_is_short_and_simple_measured_by_ruff():
    source = (REPO / "tinygrad_edu" / "train" / "loop.py").read_text(encoding="utf-8")
    fit_node = next(node for node in ast.parse(source).body
                    if isinstance(node, ast.FunctionDef) and node.name == "fit")
    assert fit_node.end_lineno - fit_node.lineno + 1 <= 40
    checked = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "C901", "--config",
         "lint.mccabe.max-complexity = 10", str(REPO / "tinygrad_edu" / "train")],
        capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_full_batch_fit_is_gradient_descent():
    X, y = toy_dataset("xor")
    model, reference = xor_net(), xor_net()
    history = fit(model, bce, optim.SGD(model.parameters(), lr=1.0), FullBatch(X, y),
                  epochs=30, verbose=0)
    opt = optim.SGD(reference.parameters(), lr=1.0)
    losses = [train_step(reference, bce, opt, Tensor(X), y)[1].item() for _ in range(30)]
    assert history.per_step("loss").tolist() == losses
    assert history.num_epochs == 30 and history.per_epoch("loss").tolist() == losses
    assert len(FullBatch(X, y)) == 1 and len(list(FullBatch(X, y))) == 1
    with pytest.raises(ValueError, match="4 samples in X but 3 targets"):
        FullBatch(X, y[:3])


def test_fit_trains_a_scalar_network_whose_parameters_are_values():
    X, y = toy_dataset("xor")
    model = nn.ValueMLP([2, 2, 1], activation="tanh", seed=0)
    values = [v for _, v in model.named_values()]
    history = fit(model, nn.logistic_cost, optim.SGD(model.parameters(), lr=0.5),
                  FullBatch(X, y), epochs=60, verbose=0)
    # the same run as one-element Tensors stepped by hand: the optimizer moved the Values
    check = nn.ValueMLP([2, 2, 1], activation="tanh", seed=0)
    for k in range(60):
        for v in check.values():
            v.grad = 0.0
        loss = nn.logistic_cost(check(X), y)
        loss.backward()
        assert history.steps["loss"][k] == pytest.approx(loss.data, rel=1e-12)
        for v in check.values():
            v.data -= 0.5 * v.grad
    assert [v.data for v in values] == pytest.approx([v.data for v in check.values()])
    assert history.steps["loss"][-1] < history.steps["loss"][0]


def test_an_adam_step_on_a_value_equals_one_on_a_tensor():
    value_model = nn.ValueMLP([2, 1], activation="tanh", seed=3)
    tensors = [Tensor(np.array([v.data]), requires_grad=True, dtype=np.float64)
               for v in value_model.values()]
    value_opt = optim.Adam(value_model.parameters(), lr=0.1)
    tensor_opt = optim.Adam(tensors, lr=0.1)
    rng = np.random.default_rng(0)
    for _ in range(4):
        grads = rng.normal(size=len(tensors))
        for v, t, g in zip(value_model.values(), tensors, grads, strict=True):
            v.grad, t.grad = float(g), np.array([g])
        value_opt.step()
        tensor_opt.step()
    assert [v.data for v in value_model.values()] == pytest.approx(
        [float(t.data[0]) for t in tensors], rel=1e-12)


def test_fit_record_training_and_live_view_give_the_same_losses():
    viz = pytest.importorskip("viz")
    import io

    X, y = toy_dataset("moons", seed=1)
    fitted = xor_net(seed=1)
    view = viz.LiveView(widget=False, stream=io.StringIO())
    history = fit(fitted, bce, optim.Adam(fitted.parameters(), lr=0.05),
                  FullBatch(X.astype(np.float32), y), epochs=25, metrics=("accuracy",),
                  callbacks=[view], verbose=0)
    recording = viz.record_training(xor_net(seed=1), X, y, optimizer="adam", lr=0.05, steps=25)
    assert recording.loss == history.steps["loss"] == view.losses
    assert recording.accuracy == history.steps["accuracy"]


def test_layers_are_numbered_by_count_from_the_input():
    model = mlp([2] + [8] * 8 + [1], activation="relu", init="he", seed=0, output="sigmoid")
    layers = parameter_layers(model)
    assert sorted(set(layers.values()), key=lambda name: int(name.split()[1])) == [
        f"layer {k}" for k in range(1, 10)]
    assert layers["0.weight"] == layers["0.bias"] == "layer 1"
    assert layers["16.weight"] == "layer 9"  # Sequential index 16 is the ninth Linear
    assert parameter_layers(nn.ValueMLP([2, 3, 1]))["W2[0,1]"] == "layer 2"


def test_the_recorder_finds_a_dead_layer_and_fit_warns_once():
    X, y = toy_dataset("xor")
    model = xor_net(activation="relu", sizes=[2] + [8] * 8 + [1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = fit(model, bce, optim.SGD(model.parameters(), lr=1.0), FullBatch(X, y),
                      epochs=400, verbose=0)
    dead = history.dead_layer
    assert dead is not None and dead["since"] > 0
    said = [w for w in caught if "every unit is dead" in str(w.message)]
    assert len(said) == 1 and f"since iteration {dead['since']}" in str(said[0].message)
    # from that step on every layer up to the dead one got exactly no gradient
    number = int(dead["layer"].split()[1])
    names, norms = zip(*gradient_norms(model.named_parameters(),
                                       parameter_layers(model)).items(), strict=True)
    assert all(value == 0 for value in norms[:number])
    # a learning rate that suits ReLU keeps every layer alive
    alive = xor_net(activation="relu", sizes=[2] + [8] * 8 + [1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept = fit(alive, bce, optim.SGD(alive.parameters(), lr=0.1), FullBatch(X, y),
                   epochs=400, verbose=0)
    assert kept.dead_layer is None


def test_the_recorder_keeps_what_a_page_replays():
    X, y = toy_dataset("circles", seed=0)
    run = record_run(xor_net(), X, y, optimizer="momentum", lr=0.3, steps=50, snapshots=4,
                     frames=5, traced_entries=2)
    history = run.history
    assert [s.iteration for s in history.snapshots] == [0, 16, 33, 49]
    spread = snapshot_iterations(50, 5)  # first, last, evenly between (round half to even)
    assert spread == [0, 12, 24, 37, 49]
    assert history.frame_iterations == sorted(set(spread) | {0, 16, 33, 49})
    assert len(history.frames[0]) == 30 * 30 and 0 <= min(history.frames[0]) <= 100
    assert set(history.layer_grad_norms) == {"layer 1", "layer 2"}
    assert all(len(v) == 50 for v in history.layer_grad_norms.values())
    assert all(len(v) == 50 for v in history.traces.values())
    first = history.snapshots[0].weights
    assert history.traces["0.weight[0]"][0] == pytest.approx(float(first[0].reshape(-1)[0]))
    # the frame at iteration 0 is the model's output before any update
    fresh = xor_net()
    from tinygrad_edu.train import boundary_grid, probabilities

    _, points = boundary_grid(X, 30)
    expected = np.rint(100 * probabilities(predict(fresh, points.astype(np.float32))))
    assert history.frames[0] == expected.astype(int).tolist()
