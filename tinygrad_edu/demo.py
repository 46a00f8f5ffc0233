"""`tinygrad-edu demo` (what `make demo` runs): the lecture's f = w*x + b, forward and
backward step by step, then a small MLP trained on XOR."""

from __future__ import annotations

import argparse

import numpy as np

from .autograd import no_grad, topo_order
from .scalar import Value
from .tensor import Tensor


def chain_rule_walkthrough() -> Value:
    """f = w*x + b with w=-2, x=5, b=3, printed the way the lecture draws it."""
    w, x, b = Value(-2.0, label="w"), Value(5.0, label="x"), Value(3.0, label="b")
    g = w * x
    g.label = "g"
    f = g + b
    f.label = "f"
    print("Forward: f = w*x + b with w = -2, x = 5, b = 3")
    print(f"  g = w * x = {w.data:g} * {x.data:g} = {g.data:g}")
    print(f"  f = g + b = {g.data:g} + {b.data:g} = {f.data:g}")
    f.backward()
    print("Backward: downstream = upstream x local derivative")
    print("  ∂f/∂f = 1")
    print(f"  ∂f/∂g = ∂f/∂f x ∂(g+b)/∂g = 1 x 1 = {g.grad:g}")
    print(f"  ∂f/∂b = ∂f/∂f x ∂(g+b)/∂b = 1 x 1 = {b.grad:g}")
    print(f"  ∂f/∂w = ∂f/∂g x ∂(w*x)/∂w = {g.grad:g} x x = {g.grad:g} x {x.data:g} = {w.grad:g}")
    print(f"  ∂f/∂x = ∂f/∂g x ∂(w*x)/∂x = {g.grad:g} x w = {g.grad:g} x {w.data:g} = {x.grad:g}")
    print(f"  ({len(topo_order(f))} nodes in the graph)")
    return f


def train_xor(steps: int = 2000, hidden: int = 4, lr: float = 1.0, seed: int = 0) -> float:
    """A 2-layer sigmoid MLP on the four XOR points; returns its accuracy."""
    rng = np.random.default_rng(seed)
    inputs = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
    targets = Tensor([[0], [1], [1], [0]])
    w1 = Tensor(rng.normal(0, 1, (2, hidden)), requires_grad=True)
    b1 = Tensor(np.zeros(hidden), requires_grad=True)
    w2 = Tensor(rng.normal(0, 1, (hidden, 1)), requires_grad=True)
    b2 = Tensor(np.zeros(1), requires_grad=True)
    params = [w1, b1, w2, b2]
    for step in range(steps + 1):
        prediction = ((inputs @ w1 + b1).sigmoid() @ w2 + b2).sigmoid()
        loss = ((prediction - targets) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with no_grad():
            for p in params:
                p.data -= lr * p.grad
        if step % (steps // 4) == 0:
            print(f"  step {step:5d}  loss {loss.item():.4f}")
    accuracy = float(((prediction.data > 0.5) == (targets.data > 0.5)).mean())
    shown = ", ".join(f"{p:.3f}" for p in prediction.data.ravel())
    print(f"  predictions for (0,0) (0,1) (1,0) (1,1): {shown}  accuracy {accuracy:.2f}")
    return accuracy


def run(options: argparse.Namespace) -> int:
    print("== The chain rule on f = w*x + b (lecture 10) ==")
    chain_rule_walkthrough()
    print("\n== A 2-4-1 sigmoid network learns XOR ==")
    train_xor()
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="the lecture's chain rule and XOR, step by step")
    parser.set_defaults(run=run)
