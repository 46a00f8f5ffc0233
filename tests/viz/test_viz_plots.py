"""viz.plots: figures from plain numbers, saved when given a path."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from viz import plots


def test_activation_histograms_one_row_per_run(tmp_path, rng):
    layers = {f"layer {i}": rng.normal(0, 1 / (i + 1), 500) for i in range(3)}
    figure = plots.activation_histograms(layers, path=tmp_path / "one.png")
    assert isinstance(figure, Figure) and len(figure.axes) == 3
    assert (tmp_path / "one.png").read_bytes()[:4] == b"\x89PNG"
    runs = {"N(0, 1)": layers, "xavier": {"layer 0": rng.normal(0, 1, (20, 10))}}
    figure = plots.activation_histograms(runs, value_range=(-3, 3), title="init")
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert len(visible) == 4 and visible[-1].get_title() == "xavier: layer 0"
    heights = sum(p.get_height() for p in visible[-1].patches)
    assert heights == np.count_nonzero(np.abs(runs["xavier"]["layer 0"]) <= 3)


def test_optimizer_paths_over_a_contour(tmp_path):
    sgd = np.array([[-7.0, 2.0], [-6.5, -1.0], [-6.0, 0.8], [-5.5, -0.5]])
    adam = np.array([[-7.0, 2.0], [-6.0, 1.0], [-4.0, 0.2]])
    figure = plots.optimizer_paths({"SGD": sgd, "Adam": adam}, lambda x, y: x**2 / 20 + y**2,
                                   minimum=(0, 0), path=tmp_path / "paths.svg")
    ax = figure.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["SGD"].get_xydata(), sgd)
    assert "minimum" in lines and ax.collections  # the contour lines
    assert (tmp_path / "paths.svg").exists()
    with pytest.raises(ValueError, match=r"shape \(steps, 2\)"):
        plots.optimizer_paths({"bad": [1, 2, 3]})


def test_training_curves_flat_and_per_metric(tmp_path):
    figure = plots.training_curves({"train": [1.0, 0.5, 0.2], "validation": [1.1, 0.7, 0.6]})
    assert [line.get_label() for line in figure.axes[0].get_lines()] == ["train", "validation"]
    np.testing.assert_array_equal(figure.axes[0].get_lines()[0].get_xdata(), [1, 2, 3])
    figure = plots.training_curves({"loss": {"train": [1, 0.5]}, "accuracy": {"train": [0.5, 1]}},
                                   path=tmp_path / "curves.pdf")
    assert [ax.get_ylabel() for ax in figure.axes] == ["loss", "accuracy"]
    assert (tmp_path / "curves.pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ValueError, match="non-empty dict"):
        plots.training_curves([])


def test_gradient_norms_per_layer_on_a_log_scale():
    norms = {"0.weight": [1e-4, 2e-4, 1e-4], "2.weight": [0.1, 0.2, 0.15]}
    figure = plots.gradient_norms(norms, steps=[0, 10, 20])
    ax = figure.axes[0]
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["0.weight", "2.weight"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_xdata(), [0, 10, 20])
