"""The lab: every experiment runs with --quick, measures what it says, writes its figures,
and the runner writes results.json and REPORT.md.

All twelve quick experiments run once (a module-scoped fixture, ~15 s on two cores);
the tests then check each one's record. Quick budgets are too small for many verdicts,
so the checks are on what must hold at any budget (exact gradients, the one-layer
XOR bound, activation statistics at initialisation, files written) and on the shape
and range of everything else.
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinygrad_edu.cli import main as cli_main
from tinygrad_edu.lab import EXPERIMENTS, RunConfig, run_lab, run_one

REPO = Path(__file__).resolve().parents[2]
KEYS = {"name", "title", "claim", "seed", "quick", "settings", "measured", "checks", "verdict",
        "finding", "figures", "seconds"}
VERDICTS = {"holds", "partly holds", "does not hold"}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab")
    results = run_lab(None, RunConfig(quick=True, seed=0, out=out))
    return out, {result.name: result for result in results}


def measured(lab, name):
    return lab[1][name].measured


def test_all_twelve_experiments_ran_in_the_notes_order(lab):
    assert list(lab[1]) == list(EXPERIMENTS)
    assert len(EXPERIMENTS) == 12


def test_results_json_has_every_experiment_with_its_record(lab):
    out, results = lab
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["quick"] is True and data["seed"] == 0 and data["dataset"] == "digits"
    assert [entry["name"] for entry in data["experiments"]] == list(EXPERIMENTS)
    for entry in data["experiments"]:
        assert set(entry) == KEYS
        assert entry["verdict"] in VERDICTS
        held = list(entry["checks"].values())
        assert held, entry["name"]
        expected = "holds" if all(held) else "does not hold" if not any(held) else "partly holds"
        assert entry["verdict"] == expected
        assert entry["measured"] and entry["settings"] and entry["finding"]
        assert entry["seed"] == 0 and entry["quick"] is True
        assert entry["seconds"] > 0  # how long --quick takes is a benchmark, not a test


def test_every_figure_is_written_and_the_report_links_it(lab):
    out, results = lab
    report = (out / "REPORT.md").read_text(encoding="utf-8")
    for result in results.values():
        assert result.figures, result.name
        for figure in result.figures:
            path = out / figure
            assert path.exists(), figure
            if path.suffix == ".png":
                assert path.read_bytes()[:4] == b"\x89PNG"
                assert f"]({figure})" in report
        assert result.claim in report
        assert result.title in report
    assert str(out) not in report  # links are relative: the folder can be moved to docs/


def test_chain_rule_gradients_are_the_lectures(lab):
    values = measured(lab, "chain_rule")
    assert (values["grad_w"], values["grad_x"], values["grad_b"]) == (5.0, -2.0, 1.0)
    assert values["f"] == -7.0
    assert values["sigmoid_max_difference"] < 1e-12
    assert lab[1]["chain_rule"].verdict == "holds"
    svg = (lab[0] / "chain_rule" / "sigmoid_decomposed.svg").read_text(encoding="utf-8")
    assert "exp" in svg and "<svg" in svg


def test_xor_one_layer_is_bounded_and_the_hand_set_net_computes_xor(lab):
    values = measured(lab, "xor")
    assert values["hand_set_accuracy"] == 1.0
    outputs = values["hand_set_outputs"]
    assert outputs[0] < 0.1 and outputs[1] > 0.9 and outputs[2] > 0.9 and outputs[3] < 0.1
    assert values["one_layer_best_accuracy"] <= 0.75  # no line separates XOR, at any budget
    for steps in values["steps_to_100"].values():
        assert all(step is None or 0 <= step < 2000 for step in steps)


def test_vanishing_gradient_shrinks_layer_by_layer_through_sigmoids(lab):
    values = measured(lab, "vanishing_gradient")
    sigmoid = values["grad_norm_per_layer_step0"]["sigmoid everywhere"]
    assert len(sigmoid) == 10
    assert values["first_over_last_layer"]["sigmoid everywhere"] < 1e-3
    assert sigmoid[0] < sigmoid[-1]


def test_activations_table_has_every_activation(lab):
    means = measured(lab, "activations")["mean_test_accuracy"]
    assert set(means) == {"sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "maxout"}
    assert all(0.0 <= value <= 1.0 for value in means.values())


def test_weight_init_histograms_and_zero_init_symmetry(lab):
    values = measured(lab, "weight_init")
    histograms = values["histograms"]
    assert min(histograms["sigmoid, N(0, 1)"]["near_0_or_1"]) > 0.5
    assert min(histograms["sigmoid, N(0, 0.01²)"]["within_0.05_of_0.5"]) > 0.9
    assert 0.5 <= values["relu_std_layer5_over_layer1"]["ReLU, He"] <= 2.0
    assert values["relu_std_layer5_over_layer1"]["ReLU, Xavier"] < 0.5
    zero = values["zero_init"]
    assert zero["sigmoid, zeros"]["unit_spread"] < 1e-6
    assert zero["relu, zeros"]["unit_spread"] == 0.0
    assert zero["sigmoid, xavier"]["unit_spread"] > 0.01


def test_pretraining_trains_one_rbm_per_hidden_layer(lab):
    values = measured(lab, "pretraining")
    assert set(values["reconstruction_error"]) == {"RBM 1", "RBM 2", "RBM 3"}
    assert set(values["mean_test_accuracy"]) == {"DBN pre-trained", "random N(0, 0.01²)",
                                                 "Xavier", "ReLU + He"}


def test_optimizer_paths_on_the_anisotropic_function(lab):
    values = measured(lab, "optimizers")["function"]
    # SGD with lr 0.95 maps y to y - 0.95·2y = -0.9 y: a sign change at every step
    assert values["y_sign_changes"]["SGD"] == 30
    assert values["final_point"]["SGD"][1] == pytest.approx(2 * 0.9**30, rel=1e-9)
    assert values["y_sign_changes"]["AdaGrad"] < 30
    assert all(math.isfinite(v) for v in measured(lab, "optimizers")["network_final_loss"].values())


def test_batch_norm_sweep_covers_the_scales(lab):
    values = measured(lab, "batch_norm")
    for label in ("with BN", "without BN"):
        assert len(values["final_train_accuracy"][label]) == 4
        assert all(0.0 <= a <= 1.0 for a in values["final_train_accuracy"][label])


def test_overfitting_records_gaps_and_an_ensemble(lab):
    values = measured(lab, "overfitting")
    assert set(values["gap"]) == {"plain", "weight decay 0.1", "dropout 0.15", "dropout 0.2"}
    assert len(values["single_test"]) == 3
    assert 0.0 <= values["ensemble_test"] <= 1.0


def test_hyperparameter_search_ranks_trials_from_the_lectures_ranges(lab):
    values = measured(lab, "hyperparameter_search")
    assert len(values["trials"]) == 8
    scores = [trial["val_acc"] for trial in values["best5"]]
    assert scores == sorted(scores, reverse=True)
    for trial in values["trials"]:
        assert 1e-6 <= trial["lr"] <= 1e-2 and 1e-8 <= trial["weight_decay"] <= 1e-4
    assert "Best-1 (val acc:" in lab[1]["hyperparameter_search"].finding


def test_tensorboard_events_read_back_equal_to_what_was_logged(lab):
    values = measured(lab, "tensorboard_logging")
    assert values["costs_match"] is True
    assert values["cost_scalars"] == 300
    assert values["weights2_histograms"] == 30
    assert list((lab[0] / "tensorboard_logging" / "logs" / "xor").glob("events.out.tfevents.*"))


def test_preprocessing_compares_three_inputs(lab):
    values = measured(lab, "preprocessing")
    assert set(values["median_steps"]) == {"raw", "zero-centred", "standardised"}


def test_an_experiment_is_deterministic_from_its_seed(tmp_path):
    first = run_one("xor", RunConfig(quick=True, seed=3, out=tmp_path / "a")).measured
    second = run_one("xor", RunConfig(quick=True, seed=3, out=tmp_path / "b")).measured
    assert json.dumps(first, default=str) == json.dumps(second, default=str)


def test_cli_lab_runs_named_experiments_and_refuses_unknown_ones(tmp_path, capsys):
    assert cli_main(["lab", "--quick", "--out", str(tmp_path), "chain_rule"]) == 0
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert [entry["name"] for entry in data["experiments"]] == ["chain_rule"]
    assert (tmp_path / "REPORT.md").exists()
    assert cli_main(["lab", "no_such_experiment"]) == 2
    assert "no experiment named 'no_such_experiment'" in capsys.readouterr().err
    assert cli_main(["lab", "--dataset", "mnist", "--quick"]) == 2


def test_example_script_runs_from_the_command_line(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(REPO / "examples" / "chain_rule.py"), "--quick", "--out",
         str(tmp_path)], capture_output=True, text=True, timeout=120, check=True)
    assert "∂f/∂w = 5" in completed.stdout
    assert "Verdict: holds" in completed.stdout
    assert (tmp_path / "chain_rule" / "f_wx_b.png").exists()


def test_every_experiment_has_an_example_script():
    for name in EXPERIMENTS:
        script = REPO / "examples" / f"{name}.py"
        assert f'main("{name}")' in script.read_text(encoding="utf-8")


def test_data_experiments_read_mnist_from_data_root(tmp_path):
    from tinygrad_edu.data import write_idx

    rng = np.random.default_rng(0)
    root = tmp_path / "mnist"
    root.mkdir()
    for prefix, count in (("train", 200), ("t10k", 100)):
        write_idx(root / f"{prefix}-images-idx3-ubyte",
                  rng.integers(0, 256, (count, 28, 28)).astype(np.uint8))
        write_idx(root / f"{prefix}-labels-idx1-ubyte",
                  rng.integers(0, 10, count).astype(np.uint8))
    config = RunConfig(quick=True, out=tmp_path / "out", dataset="mnist", data_root=str(root))
    result = run_one("activations", config)
    assert result.settings["dataset"] == "MNIST (28x28)"
    assert result.settings["sizes"][0] == 784
    assert (tmp_path / "out" / "activations" / "activations.png").exists()
