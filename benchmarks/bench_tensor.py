"""Tensor engine vs the same training step written by hand in numpy, and vs PyTorch.

One SGD step of a 784-100-100-100-10 ReLU MLP with softmax cross-entropy, float32,
at batch 100 and 1000. Hand-written numpy is the floor for any numpy engine: the
engine can only add overhead on top of the same array operations. We measure

* ``numpy``      -- forward, backward and update written out by hand,
* ``raw Tensor`` -- our engine with plain Tensors and a hand-written update,
* ``nn``         -- our engine with nn.Linear, F.cross_entropy and optim.SGD,
* ``torch``      -- PyTorch CPU with nn.Linear, F.cross_entropy and optim.SGD.
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu import Tensor, cross_entropy, no_grad

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
                           f"{ratio:.2f}x numpy" + (" (target <= 1.10x)" if target else ""),
                "met": ratio <= 1.10 if target else None,
            })
    return results
