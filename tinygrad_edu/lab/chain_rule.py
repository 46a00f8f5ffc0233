"""Experiment 1 — the chain rule on f = w*x + b, and sigmoid fused vs decomposed.

The notes (lecture 10) compute by hand, at w = -2, x = 5, b = 3:
∂f/∂w = x = 5, ∂f/∂x = w = -2, ∂f/∂b = 1; and they draw sigmoid as the chain of gates
z → ×(-1) → exp → +1 → 1/x, whose local derivatives multiplied together give σ'(z).
We let the engine do both and draw both sigmoid graphs.
"""

from __future__ import annotations

import numpy as np

from ..autograd import topo_order
from ..scalar import Value
from .common import Result, RunConfig, verdict_of

NAME = "chain_rule"
TITLE = "Chain rule: f = w*x + b, sigmoid fused vs decomposed"
CLAIM = ("For f = w*x + b at w=-2, x=5, b=3: ∂f/∂w = 5, ∂f/∂x = -2, ∂f/∂b = 1; sigmoid as "
         "one op and as ×(-1) → exp → +1 → 1/x give the same gradient.")


def gradients_of_f(w: float = -2.0, x: float = 5.0, b: float = 3.0) -> tuple[Value, dict]:
    """Build f = w*x + b, run backward, return f and the three gradients."""
    w_node, x_node, b_node = Value(w, label="w"), Value(x, label="x"), Value(b, label="b")
    g = w_node * x_node
    g.label = "g"
    f = g + b_node
    f.label = "f"
    f.backward()
    return f, {"w": w_node.grad, "x": x_node.grad, "b": b_node.grad}


def sigmoid_gradient(z: float, decompose: bool) -> tuple[Value, float, float]:
    """σ(z) built fused or from the lecture's four gates; returns (root, σ(z), dσ/dz)."""
    z_node = Value(z, label="z")
    out = z_node.sigmoid(decompose=decompose)
    out.label = "σ(z)"
    out.backward()
    return out, out.data, z_node.grad


def _draw(root: Value, config: RunConfig, filename: str) -> list[str]:
    """Draw the graph with viz (SVG always, PNG for the report when it can)."""
    import viz  # the application layer (the lab) may use viz; the engine never does

    figures = []
    folder = config.folder(NAME)
    for suffix in (".svg", ".png"):
        path = folder / (filename + suffix)
        viz.render(root, str(path))
        figures.append(f"{NAME}/{filename}{suffix}")
    return figures


def run(config: RunConfig) -> Result:
    f, grads = gradients_of_f()
    print(f"f = w*x + b at w=-2, x=5, b=3: f = {f.data:g}")
    print(f"  ∂f/∂w = {grads['w']:g}   ∂f/∂x = {grads['x']:g}   ∂f/∂b = {grads['b']:g}")
    chain_ok = (grads["w"], grads["x"], grads["b"]) == (5.0, -2.0, 1.0)

    points = [-4.0, -1.0, 0.0, 0.5, 2.0, 6.0] if config.quick else list(np.linspace(-8, 8, 33))
    worst = 0.0
    for z in points:
        _, value, fused = sigmoid_gradient(z, decompose=False)
        _, _, decomposed = sigmoid_gradient(z, decompose=True)
        analytic = value * (1.0 - value)
        worst = max(worst, abs(fused - decomposed), abs(fused - analytic))
    print("     z   dσ/dz fused   dσ/dz decomposed   σ(z)(1-σ(z))")
    for z in (-4.0, 0.0, 2.0, 6.0):
        _, value, fused = sigmoid_gradient(z, decompose=False)
        _, _, decomposed = sigmoid_gradient(z, decompose=True)
        print(f"  {z:4.1f}   {fused:.8f}    {decomposed:.8f}         {value * (1 - value):.8f}")
    print(f"  largest difference over {len(points)} points: {worst:.2e}")
    sigmoid_ok = worst < 1e-12

    fused_root, _, _ = sigmoid_gradient(1.0, decompose=False)
    decomposed_root, _, _ = sigmoid_gradient(1.0, decompose=True)
    figures = _draw(f, config, "f_wx_b") + _draw(fused_root, config, "sigmoid_fused")
    figures += _draw(decomposed_root, config, "sigmoid_decomposed")
    print(f"  graphs drawn: {', '.join(path for path in figures if path.endswith('.svg'))}")

    fused_ops = sum(1 for node in topo_order(fused_root) if node.op)
    decomposed_ops = [node.op for node in topo_order(decomposed_root) if node.op]
    print(f"  op nodes: fused {fused_ops}, decomposed {len(decomposed_ops)} "
          f"({' → '.join(decomposed_ops)})")
    checks = {"∂f/∂w, ∂f/∂x, ∂f/∂b are 5, -2, 1 exactly": chain_ok,
              "fused and decomposed dσ/dz agree within 1e-12": sigmoid_ok}
    verdict = verdict_of(checks)
    finding = (f"The engine gives ∂f/∂w = {grads['w']:g}, ∂f/∂x = {grads['x']:g}, "
               f"∂f/∂b = {grads['b']:g}. Over {len(points)} points z in [{min(points):g}, "
               f"{max(points):g}] the fused sigmoid (1 node, rule σ(1-σ)) and the decomposed "
               f"one (4 gates) differ by at most {worst:.1e} in dσ/dz.")
    finding += (f" The decomposed graph has {len(decomposed_ops)} op nodes "
                f"({' → '.join(decomposed_ops)}) where the fused one has {fused_ops}.")
    return Result(
        name=NAME, title=TITLE, claim=CLAIM, seed=config.seed, quick=config.quick,
        settings={"w": -2.0, "x": 5.0, "b": 3.0, "sigmoid_points": len(points)},
        measured={"f": f.data, "grad_w": grads["w"], "grad_x": grads["x"], "grad_b": grads["b"],
                  "sigmoid_max_difference": worst, "fused_op_nodes": fused_ops,
                  "decomposed_op_nodes": len(decomposed_ops)},
        checks=checks, verdict=verdict, finding=finding, figures=figures,
    )
