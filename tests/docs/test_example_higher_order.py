"""examples/higher_order.py: what it measures holds, and the script runs with --quick."""

import importlib.util
import math
import pathlib
import subprocess
import sys

import numpy as np
import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "examples" / "higher_order.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("higher_order_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("x0", [-1.3, 0.0, 0.5, 2.0])
def test_nth_derivatives_of_tanh_match_their_closed_forms(example, x0):
    derivatives, _ = example.nth_derivatives(x0, 4)
    expected = example.tanh_derivatives_closed_form(x0)
    for order, (found, closed) in enumerate(zip(derivatives, expected, strict=True)):
        assert found.data == pytest.approx(closed, rel=1e-10, abs=1e-12), order
    # and each closed form is the central difference of the previous one
    step = 1e-5
    for order in range(1, 5):
        up = example.tanh_derivatives_closed_form(x0 + step)[order - 1]
        down = example.tanh_derivatives_closed_form(x0 - step)[order - 1]
        assert expected[order] == pytest.approx((up - down) / (2 * step), rel=1e-6, abs=1e-8)


def test_the_graph_of_a_derivative_is_made_of_ordinary_ops(example):
    from tinygrad_edu import topo_order

    derivatives, x = example.nth_derivatives(0.5, 2)
    second = derivatives[2]
    nodes = topo_order(second)
    assert x in nodes and second.requires_grad
    assert {"tanh", "*"} <= {node.op for node in nodes}
    sizes = [len(topo_order(d)) for d in derivatives]
    assert sizes == sorted(sizes) and sizes[2] > sizes[1]  # each order adds to the graph


def test_tanh_curves_agree_with_the_scalar_derivatives(example):
    grid, curves = example.tanh_curves(3, points=9)
    for i, x0 in enumerate(grid):
        expected = example.tanh_derivatives_closed_form(float(x0))
        for order in range(4):
            assert curves[order][i] == pytest.approx(expected[order], rel=1e-9, abs=1e-12)


def test_newton_needs_a_handful_of_steps_and_gradient_descent_hundreds(example):
    x, newton_steps = example.newton(2.0)
    assert abs(x - 1) < 1e-10 and newton_steps <= 8
    x, descent_steps = example.gradient_descent(2.0)
    assert abs(x - 1) < 1e-10 and descent_steps >= 100


def test_hessian_vector_product_equals_differences_of_the_gradient(example):
    model, inputs, targets = example.small_network(seed=3)
    rng = np.random.default_rng(4)
    vector = [rng.standard_normal(p.shape) for p in model.parameters()]
    exact = example.hessian_vector_product(model, inputs, targets, vector)
    approximate = example.hvp_by_differences(model, inputs, targets, vector)
    for a, b in zip(exact, approximate, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_hessian_vector_product_matches_pytorch(example):
    torch = pytest.importorskip("torch")
    model, inputs, targets = example.small_network(seed=5)
    rng = np.random.default_rng(6)
    vector = [rng.standard_normal(p.shape) for p in model.parameters()]
    exact = example.hessian_vector_product(model, inputs, targets, vector)
    w1, b1, w2, b2 = (torch.tensor(p.data, requires_grad=True) for p in model.parameters())
    x, y = torch.tensor(inputs.data), torch.tensor(targets.data)
    loss = (((torch.tanh(x @ w1.T + b1) @ w2.T + b2) - y) ** 2).mean()
    gradients = torch.autograd.grad(loss, (w1, b1, w2, b2), create_graph=True)
    along = sum((g * torch.tensor(v)).sum() for g, v in zip(gradients, vector, strict=True))
    expected = torch.autograd.grad(along, (w1, b1, w2, b2))
    for a, b in zip(exact, expected, strict=True):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-10, atol=1e-12)


def test_the_gradient_penalty_trains_the_gradient_norm_to_one(example):
    history, mean_norm = example.gradient_penalty_training(40)
    assert history[-1] < history[0] / 10
    assert math.isclose(mean_norm, 1.0, abs_tol=0.1)


def test_the_script_runs_quickly_and_prints_its_measurements(tmp_path):
    completed = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)],
                               capture_output=True, text=True, timeout=120, check=True)
    printed = completed.stdout
    for start in ("1. tanh", "2. minimum", "3. Hessian-vector", "4. gradient penalty"):
        assert start in printed
    assert "Newton 6 steps" in printed
    assert (tmp_path / "higher_order" / "tanh_second_derivative.dot").exists()
