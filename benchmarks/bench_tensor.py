"""Tensor engine vs the same training step written by hand in numpy, and vs PyTorch.

One SGD step of a 784-100-100-100-10 ReLU MLP with softmax cross-entropy, float32,
at batch 100 and 1000; and a Hessian-vector product through the same MLP (the gradient
of ⟨∇loss, v⟩, via ``grad(..., create_graph=True)``), as a multiple of the gradient's
own cost, beside PyTorch's multiple for the same work. Hand-written numpy is the
floor for any numpy engine: the engine can only add overhead on top of the same array
operations. We measure

* ``numpy``      -- forward, backward and update written out by hand,
* ``raw Tensor`` -- our engine with plain Tensors and a hand-written update,
* ``nn``         -- our engine with nn.Linear, F.cross_entropy and optim.SGD,
* ``torch``      -- PyTorch CPU with nn.Linear, F.cross_entropy and optim.SGD.
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu import Tensor, cross_entropy, grad, no_grad

from .common import fmt_time, time_interleaved

SIZES = (784, 100, 100, 100, 10)
LR = 0.01


def make_problem(batch: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], size=batch)
    # weights stored (in, out) so that the forward pass is x @ W + b
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:], strict=True):
        weight = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)
        params.append(weight.astype(np.float32))
        params.append(np.zeros(fan_out, dtype=np.float32))
    return x, y, params


def numpy_step(x: np.ndarray, y: np.ndarray, params: list[np.ndarray]) -> float:
    """Forward, backward and SGD update of the MLP, by hand."""
    n = len(x)
    activations, pre_activations = [x], []
    h = x
    for i in range(0, len(params) - 2, 2):
        z = h @ params[i] + params[i + 1]
        pre_activations.append(z)
        h = np.maximum(z, 0)
        activations.append(h)
    logits = h @ params[-2] + params[-1]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()

    delta = np.exp(log_probs)
    delta[np.arange(n), y] -= 1
    delta /= n
    grads = [None] * len(params)
    for layer in range(len(params) // 2 - 1, -1, -1):
        grads[2 * layer] = activations[layer].T @ delta
        grads[2 * layer + 1] = delta.sum(axis=0)
        if layer > 0:
            delta = (delta @ params[2 * layer].T) * (pre_activations[layer - 1] > 0)
    for p, g in zip(params, grads, strict=True):
        p -= LR * g
    return float(loss)


def raw_tensor_step(x: np.ndarray, y: np.ndarray, params: list[Tensor]) -> float:
    """The same step on our engine, with plain Tensors."""
    h = Tensor(x)
    for i in range(0, len(params) - 2, 2):
        h = (h @ params[i] + params[i + 1]).relu()
    loss = cross_entropy(h @ params[-2] + params[-1], y)
    for p in params:
        p.grad = None
    loss.backward()
    with no_grad():
        for p in params:
            p.data -= LR * p.grad
    return loss.item()


def nn_setup(params: list[np.ndarray]):
    """The MLP as nn.Sequential with the same initial weights, and its optimizer."""
    import tinygrad_edu.nn as nn
    import tinygrad_edu.nn.functional as F
    import tinygrad_edu.optim as optim

    layers = []
    for i in range(0, len(params), 2):
        linear = nn.Linear(params[i].shape[0], params[i].shape[1])
        linear.weight.data[...] = params[i].T
        linear.bias.data[...] = params[i + 1]
        layers += [linear, nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    optimizer = optim.SGD(model.parameters(), lr=LR)

    def step(x: np.ndarray, y: np.ndarray) -> float:
        loss = F.cross_entropy(model(Tensor(x)), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def torch_setup(params: list[np.ndarray]):
    import torch

    torch.set_num_threads(1)  # as numpy's BLAS (see benchmarks/__init__.py)
    layers = []
    for i in range(0, len(params), 2):
        linear = torch.nn.Linear(params[i].shape[0], params[i].shape[1])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(params[i].T.copy()))
            linear.bias.copy_(torch.from_numpy(params[i + 1]))
        layers += [linear, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)

    def step(x: np.ndarray, y: np.ndarray) -> float:
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def check_same_losses(batch: int = 100, steps: int = 5) -> None:
    """All implementations must compute the same thing, or the timings mean nothing."""
    x, y, params = make_problem(batch)
    hand = [p.copy() for p in params]
    tensors = [Tensor(p.copy(), requires_grad=True) for p in params]
    for _ in range(steps):
        expected = numpy_step(x, y, hand)
        got = raw_tensor_step(x, y, tensors)
        assert abs(expected - got) < 1e-4 * max(1.0, abs(expected)), (expected, got)


def _candidates(batch: int) -> dict:
    """Each implementation's step on the same data from the same initial weights."""
    x, y, params = make_problem(batch)
    hand = [p.copy() for p in params]
    tensors = [Tensor(p.copy(), requires_grad=True) for p in params]
    candidates = {
        "numpy": lambda: numpy_step(x, y, hand),
        "raw Tensor": lambda: raw_tensor_step(x, y, tensors),
    }
    try:
        nn_step = nn_setup(params)
        candidates["nn"] = lambda: nn_step(x, y)
    except (ImportError, AttributeError):
        pass
    try:
        torch_step = torch_setup(params)
        candidates["torch"] = lambda: torch_step(x, y)
    except ImportError:
        pass
    return candidates


def _mlp_loss(x: np.ndarray, y: np.ndarray, params: list) -> Tensor:
    h = Tensor(x)
    for i in range(0, len(params) - 2, 2):
        h = (h @ params[i] + params[i + 1]).relu()
    return cross_entropy(h @ params[-2] + params[-1], y)


def hvp_candidates(batch: int) -> dict:
    """Gradient and Hessian-vector product of the MLP's loss, ours and (if installed)
    PyTorch's, from the same weights and the same direction v."""
    x, y, params = make_problem(batch)
    rng = np.random.default_rng(1)
    directions = [rng.standard_normal(p.shape).astype(np.float32) for p in params]
    tensors = [Tensor(p.copy(), requires_grad=True) for p in params]
    v = [Tensor(d) for d in directions]

    def ours_gradient():
        return grad(_mlp_loss(x, y, tensors), tensors)

    def ours_hvp():
        gradients = grad(_mlp_loss(x, y, tensors), tensors, create_graph=True)
        dot = (gradients[0] * v[0]).sum()
        for g, d in zip(gradients[1:], v[1:], strict=True):
            dot = dot + (g * d).sum()
        return grad(dot, tensors)

    candidates = {"ours gradient": ours_gradient, "ours hvp": ours_hvp}
    try:
        import torch
    except ImportError:
        return candidates
    torch.set_num_threads(1)
    weights = [torch.tensor(p, requires_grad=True) for p in params]
    torch_v = [torch.from_numpy(d) for d in directions]
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def torch_loss():
        h = tx
        for i in range(0, len(weights) - 2, 2):
            h = torch.relu(h @ weights[i] + weights[i + 1])
        return torch.nn.functional.cross_entropy(h @ weights[-2] + weights[-1], ty)

    def torch_gradient():
        return torch.autograd.grad(torch_loss(), weights)

    def torch_hvp():
        gradients = torch.autograd.grad(torch_loss(), weights, create_graph=True)
        dot = sum((g * d).sum() for g, d in zip(gradients, torch_v, strict=True))
        return torch.autograd.grad(dot, weights)

    candidates.update({"torch gradient": torch_gradient, "torch hvp": torch_hvp})
    return candidates


def check_hvp(batch: int = 20) -> None:
    """Our Hessian-vector product equals central differences of our gradient along v."""
    x, y, params = make_problem(batch)
    params = [p.astype(np.float64) for p in params]
    rng = np.random.default_rng(1)
    directions = [rng.standard_normal(p.shape) for p in params]
    tensors = [Tensor(p, requires_grad=True, dtype=np.float64) for p in params]
    gradients = grad(_mlp_loss(x.astype(np.float64), y, tensors), tensors, create_graph=True)
    dot = sum(((g * Tensor(d, dtype=np.float64)).sum() for g, d in
               zip(gradients[1:], directions[1:], strict=True)),
              (gradients[0] * Tensor(directions[0], dtype=np.float64)).sum())
    product = grad(dot, tensors)

    def gradient_at(step: float) -> list[np.ndarray]:
        moved = [Tensor(p + step * d, requires_grad=True, dtype=np.float64)
                 for p, d in zip(params, directions, strict=True)]
        return [g.data for g in grad(_mlp_loss(x.astype(np.float64), y, moved), moved)]

    eps = 1e-5
    plus, minus = gradient_at(eps), gradient_at(-eps)
    for got, high, low in zip(product, plus, minus, strict=True):
        numeric = (high - low) / (2 * eps)
        assert np.allclose(got.data, numeric, rtol=1e-4, atol=1e-6), "hvp disagrees"


def run_hvp(rounds: int = 15, batch: int = 100) -> list[dict]:
    check_hvp()
    times = time_interleaved(hvp_candidates(batch), rounds=rounds * 4, collect=False)
    ratio = times["ours hvp"] / times["ours gradient"]
    torch_ratio = (times["torch hvp"] / times["torch gradient"]) if "torch hvp" in times else None
    beside = f"; PyTorch's hvp costs {torch_ratio:.2f}x its gradient" if torch_ratio else ""
    return [{
        "benchmark": f"tensor: MLP Hessian-vector product, batch {batch}",
        "seconds": times["ours hvp"],
        "gradient_s": times["ours gradient"],
        "cost_ratio": ratio,
        "torch_cost_ratio": torch_ratio,
        "summary": f"{fmt_time(times['ours hvp'])} vs its gradient "
                   f"{fmt_time(times['ours gradient'])}: {ratio:.2f}x{beside} (target <= 3x)",
        "met": ratio <= 3.0,
    }]


def run(rounds: int = 15, batches=(100, 1000)) -> list[dict]:
    check_same_losses()
    results = []
    for batch in batches:
        candidates = _candidates(batch)
        times = time_interleaved(candidates, rounds=rounds * 4, collect=False)
        for name, seconds in times.items():
            if name == "numpy":
                continue
            ratio = seconds / times["numpy"]
            target = name in ("raw Tensor", "nn")
            results.append({
                "benchmark": f"tensor: MLP SGD step, batch {batch}, {name}",
                "seconds": seconds,
                "numpy_s": times["numpy"],
                "cost_ratio": ratio,
                "summary": f"{fmt_time(seconds)} vs numpy {fmt_time(times['numpy'])}: "
                           f"{ratio:.2f}x numpy" + (" (target <= 1.05x)" if target else ""),
                "met": ratio <= 1.05 if target else None,
            })
    return results + run_hvp(rounds)
