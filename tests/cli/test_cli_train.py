"""`tinygrad-edu train`: the page it writes, the lectures it tells, and its bad input."""

import base64
import json
import re
import zlib

import numpy as np
import pytest

from tinygrad_edu.cli import main
from tinygrad_edu.cli_train import HAND_SET


def _data(path) -> dict:
    text = path.read_text(encoding="utf-8")
    block = re.search(r'<script id="tg-data" type="application/json">(.*?)</script>', text, re.S)
    return json.loads(block.group(1))


def _explorer_steps(snapshot) -> list[dict]:
    """The steps of a recorded iteration's explorer page, as the page inflates it."""
    page = zlib.decompress(base64.b64decode(snapshot["explorer"])).decode("utf-8")
    block = re.search(r'<script id="tg-doc" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))["views"]["main"]["steps"]


def test_xor_story_one_layer_hand_set_and_learning(tmp_path, capsys):
    out = tmp_path / "xor.html"
    assert main(["train", "xor", "--steps", "1500", "--html", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "accuracy 1.00" in printed and "wrote" in printed
    text = out.read_text(encoding="utf-8")
    assert "default-src 'none'" in text and "http://" not in text.replace(
        "http://www.w3.org", "")
    one_layer = re.search(r"One layer \(2-1\): accuracy ([0-9.]+) at best", text)
    assert one_layer and float(one_layer.group(1)) == 0.75
    # the hand-set network: four forward passes, each output on the right side of 0.5
    passes = re.findall(r"x = \((\d), (\d)\):.*?ŷ = σ\(h·W2 \+ b2\) = ([0-9.]+) → (\d)", text)
    assert len(passes) == 4
    for x1, x2, output, predicted in passes:
        assert int(predicted) == int(x1) ^ int(x2) and (float(output) > 0.5) == bool(int(predicted))
    assert HAND_SET["W1"] == [[5.0, -7.0], [5.0, -7.0]] and HAND_SET["b2"] == [6.0]
    data = _data(out)
    assert len(data["loss"]) == 1500 and data["accuracy"][-1] == 1.0
    assert data["snapshots"][0]["iteration"] == 0 and data["snapshots"][-1]["iteration"] == 1499
    assert all("steps" not in snapshot for snapshot in data["snapshots"])  # the explorer's
    phases = {step["phase"] for step in _explorer_steps(data["snapshots"][0])}
    assert phases == {"forward", "backward", "update"}


def test_deep_sigmoid_gradients_vanish_relu_less(capsys):
    def first_layer_norm(activation):
        assert main(["train", "xor", "--layers", "9", "--activation", activation,
                     "--steps", "1"]) == 0
        lines = capsys.readouterr().out.splitlines()
        norms = [float(line.rsplit("=", 1)[1]) for line in lines if "gradient norm" in line]
        assert len(norms) == 9
        return norms

    sigmoid, relu = first_layer_norm("sigmoid"), first_layer_norm("relu")
    assert sigmoid[0] < sigmoid[-1] / 1000  # shrinking layer by layer towards the input
    assert relu[0] > 100 * sigmoid[0]


def test_deep_net_page_says_how_much_smaller_the_first_gradient_is(tmp_path, capsys):
    out = tmp_path / "deep.html"
    assert main(["train", "xor", "--layers", "9", "--activation", "sigmoid", "--steps", "3",
                 "--html", str(out)]) == 0
    capsys.readouterr()
    data = _data(out)
    norms = [values[0] for values in data["grad_norms"].values()]
    ratio = float(re.search(r"the layer nearest the input gets ([0-9.e+-]+) ×",
                            out.read_text(encoding="utf-8")).group(1))
    assert ratio == pytest.approx(norms[0] / norms[-1], rel=0.05) and ratio < 1e-3


@pytest.mark.parametrize("argv, words", [
    (["train", "blobs"], ["'blobs'", "xor, moons, circles, spiral"]),
    (["train", "xor", "--optimizer", "lbfgs"], ["'lbfgs'", "adam"]),
    (["train", "xor", "--activation", "swish"], ["'swish'", "relu"]),
    (["train", "xor", "--model", "2-x-1"], ["'2-x-1'", "2-4-1"]),
    (["train", "xor", "--model", "3-4-1"], ["'3-4-1'", "start"]),
    (["train", "xor", "--steps", "0"], ["--steps", "positive"]),
    (["train", "xor", "--steps", "ten"], ["--steps", "'ten'"]),
    (["train", "xor", "--lr", "-0.1"], ["--lr", "positive"]),
    (["train", "xor", "--lr", "nan"], ["--lr", "positive"]),
    (["train", "xor", "--engine", "value", "--activation", "elu"], ["'elu'", "tanh"]),
])
def test_bad_input_is_one_line_exit_2_nothing_written(tmp_path, capsys, argv, words):
    out = tmp_path / "page.html"
    assert main([*argv, "--html", str(out)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err
    for word in words:
        assert word in lines[0]
    assert not out.exists()


@pytest.mark.parametrize("engine", ["tensor", "value"])
def test_a_diverging_run_stops_names_the_iteration_and_still_writes(tmp_path, capsys, engine):
    out = tmp_path / "nan.html"
    code = main(["train", "moons", "--engine", engine, "--lr", "1e300", "--steps", "50",
                 "--html", str(out)])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.search(r"stopped at iteration \d+", err[0])
    if engine == "tensor":
        assert "0.weight" in err[0]
    data = _data(out)
    assert 1 <= len(data["loss"]) < 50 and data["stopped"]
    assert len(data["loss"]) == len(data["accuracy"])


def test_scalar_engine_and_korean(tmp_path, capsys):
    out = tmp_path / "ko.html"
    assert main(["train", "circles", "--engine", "value", "--model", "2-3-1", "--steps", "30",
                 "--optimizer", "momentum", "--lr", "0.1", "--lang", "ko",
                 "--html", str(out)]) == 0
    data = _data(out)
    assert data["words"]["play"].endswith("재생")
    updates = [s for s in _explorer_steps(data["snapshots"][0]) if s["phase"] == "update"]
    assert len(updates) == 3 * 2 + 3 + 3 + 1  # every scalar weight and bias
    assert all(s["agrees"] for s in updates) and updates[0]["title"].startswith("갱신")
    assert np.isfinite(data["loss"]).all()
    assert out.stat().st_size < 3e6  # a big scalar graph is drawn folded, not walked


def test_optimizer_paths_page_narrates_each_move(tmp_path, capsys):
    out = tmp_path / "paths.html"
    assert main(["train", "paths", "--steps", "12", "--html", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "SGD (lr=0.95)" in printed and "Adam (lr=0.3)" in printed
    data = _data(out)
    names = [walk["name"] for walk in data["paths"]]
    assert names == ["SGD", "Momentum", "AdaGrad", "RMSProp", "Adam"]
    for walk in data["paths"]:
        assert len(walk["steps"]) == 12 and len(walk["px"]) == 13
        assert walk["values"][-1] < walk["values"][0]  # every optimizer goes downhill
        assert walk["steps"][0]["lines"][0].startswith("x: ∂L/∂x = ")


def test_paths_narration_lands_on_the_next_point():
    from tinygrad_edu.lab.optimizers import FUNCTION_SETTINGS, START, anisotropic
    from viz.training.paths import optimizer_paths

    for walk in optimizer_paths(anisotropic, START, FUNCTION_SETTINGS, steps=5):
        for k, step in enumerate(walk["steps"]):
            assert [e["after"] for e in step["entries"]] == walk["points"][k + 1]
            assert [e["before"] for e in step["entries"]] == walk["points"][k]
            assert step["agrees"]
