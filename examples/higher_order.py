"""Higher-order gradients: the backward pass is itself a graph, so it can be
differentiated again.

Four measurements, each printed:

1. the n-th derivative of tanh, against its closed form, and the graph of the
   second derivative drawn with viz (it is made of ordinary ops);
2. Newton's method on f(x) = x⁴ - 2x², which uses f'' and reaches the minimum x = 1 in a
   handful of steps, against gradient descent, which needs hundreds;
3. a Hessian-vector product H·v of a small network's loss, against central differences
   of its gradient;
4. a gradient penalty (‖∂D/∂x‖ - 1)², trained down: the loss contains a gradient, so
   its own gradient is a second derivative.

    python examples/higher_order.py [--quick] [--out DIR]

Figures go to <out>/higher_order/ (default out/examples).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

import tinygrad_edu.nn as nn
import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor, Value, grad, topo_order

# ---- 1. the n-th derivative of tanh ----


def tanh_derivatives_closed_form(x: float) -> list[float]:
    """tanh and its first four derivatives, written with t = tanh(x)."""
    t = math.tanh(x)
    slope = 1 - t * t  # tanh' = 1 - t²
    return [t, slope, -2 * t * slope, (6 * t * t - 2) * slope, 8 * t * (2 - 3 * t * t) * slope]


def nth_derivatives(x0: float, orders: int) -> tuple[list[Value], Value]:
    """[tanh(x), tanh'(x), ..., tanh⁽ⁿ⁾(x)] at x0, each by differentiating the previous
    one's graph (``create_graph=True``), and the input leaf."""
    x = Value(x0, label="x")
    derivatives = [x.tanh()]
    derivatives[0].label = "tanh(x)"
    for order in range(1, orders + 1):
        (derivative,) = grad(derivatives[-1], x, create_graph=True)
        derivative.label = "tanh" + "'" * order + "(x)"
        derivatives.append(derivative)
    return derivatives, x


def tanh_curves(orders: int, points: int = 201) -> tuple[np.ndarray, list[np.ndarray]]:
    """tanh and its derivatives on [-4, 4], on a Tensor: each element's derivative is the
    gradient of the sum, because the elements do not interact."""
    x = Tensor(np.linspace(-4, 4, points), requires_grad=True, dtype=np.float64)
    current = x.tanh()
    curves = [current.data]
    for _ in range(orders):
        (current,) = grad(current.sum(), x, create_graph=True)
        curves.append(current.data)
    return x.data, curves


# ---- 2. Newton's method against gradient descent ----


def quartic(x):
    """f(x) = x⁴ - 2x²: minima at x = ±1, a maximum at 0."""
    return x ** 4 - 2 * x ** 2


def newton(x0: float, tolerance: float = 1e-10, most: int = 100) -> tuple[float, int]:
    """x ← x - f'(x)/f''(x), with f' and f'' from the engine; returns (x, steps)."""
    x = x0
    for step in range(1, most + 1):
        point = Value(x)
        (slope,) = grad(quartic(point), point, create_graph=True)
        (curvature,) = grad(slope, point)
        x -= slope.data / curvature.data
        if abs(x - 1.0) < tolerance:
            return x, step
    return x, most


def gradient_descent(x0: float, lr: float = 0.01, tolerance: float = 1e-10,
                     most: int = 100_000) -> tuple[float, int]:
    """x ← x - lr · f'(x); returns (x, steps)."""
    x = x0
    for step in range(1, most + 1):
        point = Value(x)
        quartic(point).backward()
        x -= lr * point.grad
        if abs(x - 1.0) < tolerance:
            return x, step
    return x, most


# ---- 3. a Hessian-vector product ----


def small_network(seed: int) -> tuple[nn.Module, Tensor, Tensor]:
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(5, 8, dtype=np.float64, generator=rng), nn.Tanh(),
                          nn.Linear(8, 1, dtype=np.float64, generator=rng))
    inputs = Tensor(rng.standard_normal((16, 5)), dtype=np.float64)
    targets = Tensor(rng.standard_normal((16, 1)), dtype=np.float64)
    return model, inputs, targets


def loss_gradient(model, inputs, targets, create_graph: bool = False) -> list[Tensor]:
    loss = nn.functional.mse_loss(model(inputs), targets)
    return list(grad(loss, list(model.parameters()), create_graph=create_graph))


def hessian_vector_product(model, inputs, targets, vector: list[np.ndarray]) -> list[np.ndarray]:
    """H·v = ∂/∂θ (∂L/∂θ · v): one backward pass through the backward pass."""
    gradients = loss_gradient(model, inputs, targets, create_graph=True)
    along = sum((g * Tensor(v, dtype=np.float64)).sum()
                for g, v in zip(gradients, vector, strict=True))
    return [h.data for h in grad(along, list(model.parameters()))]


def hvp_by_differences(model, inputs, targets, vector, eps: float = 1e-5) -> list[np.ndarray]:
    """(∇L(θ + εv) - ∇L(θ - εv)) / 2ε, for comparison."""
    parameters = list(model.parameters())
    originals = [p.data.copy() for p in parameters]
    sides = []
    for sign in (+1, -1):
        for p, original, v in zip(parameters, originals, vector, strict=True):
            p.data[...] = original + sign * eps * v
        sides.append([g.data for g in loss_gradient(model, inputs, targets)])
    for p, original in zip(parameters, originals, strict=True):
        p.data[...] = original
    return [(plus - minus) / (2 * eps) for plus, minus in zip(*sides, strict=True)]


def median_seconds(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


# ---- 4. a gradient penalty ----


def gradient_penalty_training(steps: int, seed: int = 0) -> tuple[list[float], float]:
    """Train a critic D so that ‖∂D/∂x‖ = 1 at sample points (the WGAN-GP penalty);
    returns the penalty at every step and the final mean gradient norm."""
    rng = np.random.default_rng(seed)
    critic = nn.Sequential(nn.Linear(2, 16, dtype=np.float64, generator=rng), nn.Tanh(),
                           nn.Linear(16, 1, dtype=np.float64, generator=rng))
    optimizer = optim.Adam(critic.parameters(), lr=0.02)
    points = rng.standard_normal((64, 2))
    history = []
    norms = None
    for _ in range(steps):
        x = Tensor(points, requires_grad=True, dtype=np.float64)
        (slope,) = grad(critic(x).sum(), x, create_graph=True)  # ∂D/∂x, one row per point
        norms = ((slope ** 2).sum(axis=1) + 1e-12).sqrt()
        penalty = ((norms - 1) ** 2).mean()
        optimizer.zero_grad()
        penalty.backward()  # through the gradient: second derivatives of D
        optimizer.step()
        history.append(penalty.item())
    return history, float(norms.data.mean())


# ---- the script ----


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="examples/higher_order.py", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, no plot rendering")
    parser.add_argument("--out", default="out/examples", help="folder for the figures")
    options = parser.parse_args(argv)
    folder = Path(options.out) / "higher_order"
    folder.mkdir(parents=True, exist_ok=True)

    x0, orders = 0.5, 4
    derivatives, _ = nth_derivatives(x0, orders)
    expected = tanh_derivatives_closed_form(x0)
    print(f"1. tanh and its derivatives at x = {x0} (engine | closed form | graph nodes):")
    for order, (found, closed) in enumerate(zip(derivatives, expected, strict=True)):
        print(f"   order {order}: {found.data:+.12f} | {closed:+.12f} | "
              f"{len(topo_order(found)):4d} nodes")
    import viz  # the application layer draws; the engine never imports viz

    drawing = viz.draw(derivatives[2], show_grad=False, title="tanh''(x): the graph of a gradient")
    written = viz.render(drawing, folder / ("tanh_second_derivative." + (
        "dot" if options.quick else "svg")))
    print(f"   figure: {written.as_posix()}")
    if not options.quick:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        grid, curves = tanh_curves(orders)
        figure, axes = plt.subplots(figsize=(7, 4))
        for order, curve in enumerate(curves):
            axes.plot(grid, curve, label="tanh" + "'" * order if order else "tanh")
        axes.set_title("tanh and its derivatives, each from the graph of the previous one")
        axes.legend()
        figure.savefig(folder / "tanh_derivatives.png", dpi=100)
        plt.close(figure)
        print(f"   figure: {(folder / 'tanh_derivatives.png').as_posix()}")

    x_newton, newton_steps = newton(2.0)
    x_descent, descent_steps = gradient_descent(2.0)
    print(f"2. minimum of x⁴ - 2x² from x = 2 (to within 1e-10 of x = 1): Newton "
          f"{newton_steps} steps (x = {x_newton:.12f}), gradient descent (lr 0.01) "
          f"{descent_steps} steps (x = {x_descent:.12f})")

    model, inputs, targets = small_network(seed=0)
    rng = np.random.default_rng(1)
    vector = [rng.standard_normal(p.shape) for p in model.parameters()]
    exact = hessian_vector_product(model, inputs, targets, vector)
    approximate = hvp_by_differences(model, inputs, targets, vector)
    worst = max(float(np.max(np.abs(a - b))) for a, b in zip(exact, approximate, strict=True))
    repeats = 5 if options.quick else 50
    gradient_time = median_seconds(lambda: loss_gradient(model, inputs, targets), repeats)
    hvp_time = median_seconds(lambda: hessian_vector_product(model, inputs, targets, vector),
                              repeats)
    print(f"3. Hessian-vector product of a 5-8-1 network's loss: max |H·v - differences| = "
          f"{worst:.2e}; time H·v / gradient = {hvp_time / gradient_time:.1f}x "
          f"(medians of {repeats})")

    history, mean_norm = gradient_penalty_training(40 if options.quick else 300)
    print(f"4. gradient penalty (‖∂D/∂x‖ - 1)²: {history[0]:.4f} -> {history[-1]:.6f} in "
          f"{len(history)} Adam steps; mean ‖∂D/∂x‖ now {mean_norm:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
