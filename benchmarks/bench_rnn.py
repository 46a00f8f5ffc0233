"""Recurrent layers vs the same network written by hand in numpy, and vs PyTorch.

Forward and backward (backpropagation through time) of a one-layer LSTM and a one-layer
tanh RNN over batch 32 x 50 steps, input size 64, hidden size 128, float32; the loss is
the sum of every output h_t. Three candidates compute the same numbers from the same
weights (`check_same_gradients`):

* ``numpy`` -- written out by hand below: the input projections of all steps in one
  matrix product, the recurrence step by step, then BPTT step by step backwards with
  the weight gradients of all steps in one product each (the target's reference);
  printed beside it, the same with W_hh's gradient summed step by step, the products
  our engine does (the graph hands each step's gradient to W_hh as the step is reached);
* ``ours``  -- ``nn.LSTM`` / ``nn.RNN``, ``output.sum().backward()``;
* ``torch`` -- ``torch.nn.LSTM`` / ``torch.nn.RNN`` on the CPU, one thread.

Target: ours at most 1.3x numpy.
"""

from __future__ import annotations

import numpy as np

from .common import fmt_time, time_interleaved

STEPS, BATCH, INPUT, HIDDEN = 50, 32, 64, 128
TARGET = 1.3
GATES = {"lstm": 4, "rnn": 1}


def make_problem(cell: str, steps: int = STEPS, batch: int = BATCH, input_size: int = INPUT,
                 hidden: int = HIDDEN, seed: int = 0) -> tuple[np.ndarray, dict]:
    """An input sequence (steps, batch, input) and PyTorch-named weights, float32."""
    rng = np.random.default_rng(seed)
    rows, bound = GATES[cell] * hidden, 1 / np.sqrt(hidden)
    shapes = {"weight_ih_l0": (rows, input_size), "weight_hh_l0": (rows, hidden),
              "bias_ih_l0": (rows,), "bias_hh_l0": (rows,)}
    weights = {name: rng.uniform(-bound, bound, shape).astype(np.float32)
               for name, shape in shapes.items()}
    x = rng.standard_normal((steps, batch, input_size)).astype(np.float32)
    return x, weights


def _sigmoid(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # e^(-z) = inf for very negative z: 1/(1+inf) = 0
        return 1 / (1 + np.exp(-z))


def numpy_lstm(x: np.ndarray, w: dict, hh_by_step: bool = False) -> tuple[float, dict]:
    """Loss Σ_t Σ h_t of an LSTM and the gradients of its four weights, by hand.
    ``hh_by_step``: W_hh's gradient summed step by step (the products the engine does)
    instead of in one product at the end."""
    steps, batch, _ = x.shape
    weight_hh = w["weight_hh_l0"]
    hidden = weight_hh.shape[1]
    projected = (x.reshape(steps * batch, -1) @ w["weight_ih_l0"].T
                 + (w["bias_ih_l0"] + w["bias_hh_l0"])).reshape(steps, batch, -1)
    h = c = np.zeros((batch, hidden), x.dtype)
    saved, loss = [], 0.0  # per step: what BPTT needs (small arrays, as the engine keeps)
    for t in range(steps):
        a = projected[t] + h @ weight_hh.T
        i, f = _sigmoid(a[:, :hidden]), _sigmoid(a[:, hidden:2 * hidden])
        g, o = np.tanh(a[:, 2 * hidden:3 * hidden]), _sigmoid(a[:, 3 * hidden:])
        c_new = f * c + i * g
        tanh_c = np.tanh(c_new)
        saved.append((h, c, i, f, g, o, tanh_c))
        h, c = o * tanh_c, c_new
        loss += float(h.sum())

    d_gates = np.empty((steps, batch, 4 * hidden), x.dtype)
    dh_next = dc_next = np.zeros((batch, hidden), x.dtype)
    grad_hh = np.zeros_like(weight_hh)
    for t in reversed(range(steps)):
        h_prev, c_prev, i, f, g, o, tanh_c = saved[t]
        dh = 1 + dh_next  # ∂L/∂h_t: from the loss and from step t + 1
        dc = dc_next + dh * o * (1 - tanh_c * tanh_c)
        d_gates[t, :, :hidden] = dc * g * i * (1 - i)
        d_gates[t, :, hidden:2 * hidden] = dc * c_prev * f * (1 - f)
        d_gates[t, :, 2 * hidden:3 * hidden] = dc * i * (1 - g * g)
        d_gates[t, :, 3 * hidden:] = dh * tanh_c * o * (1 - o)
        dc_next = dc * f
        dh_next = d_gates[t] @ weight_hh
        if hh_by_step:
            grad_hh += d_gates[t].T @ h_prev
    flat = d_gates.reshape(steps * batch, -1)  # the weight gradients of all steps at once
    if not hh_by_step:
        grad_hh = flat.T @ np.concatenate([step[0] for step in saved])
    bias = flat.sum(axis=0)
    return loss, {"weight_ih_l0": flat.T @ x.reshape(steps * batch, -1),
                  "weight_hh_l0": grad_hh, "bias_ih_l0": bias, "bias_hh_l0": bias}


def numpy_rnn(x: np.ndarray, w: dict, hh_by_step: bool = False) -> tuple[float, dict]:
    """Loss Σ_t Σ h_t of a tanh RNN and the gradients of its four weights, by hand
    (``hh_by_step`` as for `numpy_lstm`)."""
    steps, batch, _ = x.shape
    hidden = w["weight_hh_l0"].shape[1]
    projected = (x.reshape(steps * batch, -1) @ w["weight_ih_l0"].T
                 + (w["bias_ih_l0"] + w["bias_hh_l0"])).reshape(steps, batch, -1)
    hs = np.zeros((steps + 1, batch, hidden), x.dtype)
    for t in range(steps):
        hs[t + 1] = np.tanh(projected[t] + hs[t] @ w["weight_hh_l0"].T)
    loss = float(hs[1:].sum())

    d_pre = np.empty((steps, batch, hidden), x.dtype)
    dh_next = np.zeros((batch, hidden), x.dtype)
    grad_hh = np.zeros_like(w["weight_hh_l0"])
    for t in reversed(range(steps)):
        d_pre[t] = (1 + dh_next) * (1 - hs[t + 1] ** 2)
        dh_next = d_pre[t] @ w["weight_hh_l0"]
        if hh_by_step:
            grad_hh += d_pre[t].T @ hs[t]
    flat = d_pre.reshape(steps * batch, -1)
    if not hh_by_step:
        grad_hh = flat.T @ hs[:-1].reshape(steps * batch, -1)
    bias = flat.sum(axis=0)
    return loss, {"weight_ih_l0": flat.T @ x.reshape(steps * batch, -1),
                  "weight_hh_l0": grad_hh, "bias_ih_l0": bias, "bias_hh_l0": bias}


NUMPY = {"lstm": numpy_lstm, "rnn": numpy_rnn}


def ours_setup(cell: str, x: np.ndarray, weights: dict):
    """nn.LSTM / nn.RNN with these weights; returns a forward+backward function."""
    import tinygrad_edu.nn as nn
    from tinygrad_edu import Tensor

    model = (nn.LSTM if cell == "lstm" else nn.RNN)(x.shape[2], weights["weight_hh_l0"].shape[1])
    model.load_state_dict(weights)
    inputs = Tensor(x)

    def run() -> tuple[float, dict]:
        model.zero_grad()
        output, _ = model(inputs)
        loss = output.sum()
        loss.backward()
        return loss.item(), {name: p.grad for name, p in model.named_parameters()}

    return run


def torch_setup(cell: str, x: np.ndarray, weights: dict):
    import torch

    torch.set_num_threads(1)  # as numpy's BLAS (see benchmarks/__init__.py)
    model = (torch.nn.LSTM if cell == "lstm" else torch.nn.RNN)(
        x.shape[2], weights["weight_hh_l0"].shape[1])
    model.load_state_dict({name: torch.from_numpy(array) for name, array in weights.items()})
    inputs = torch.from_numpy(x)

    def run() -> tuple[float, dict]:
        model.zero_grad()
        output, _ = model(inputs)
        loss = output.sum()
        loss.backward()
        return loss.item(), {name: p.grad.numpy() for name, p in model.named_parameters()}

    return run


def candidates(cell: str, steps: int = STEPS, batch: int = BATCH) -> dict:
    """Each implementation's forward + backward on the same input and weights."""
    x, weights = make_problem(cell, steps, batch)
    found = {"numpy": lambda: NUMPY[cell](x, weights),
             "numpy, W_hh by step": lambda: NUMPY[cell](x, weights, hh_by_step=True),
             "ours": ours_setup(cell, x, weights)}
    try:
        found["torch"] = torch_setup(cell, x, weights)
    except ImportError:
        pass
    return found


def check_same_gradients(cell: str, steps: int = 8, batch: int = 4) -> None:
    """All candidates must compute the same loss and gradients, or the timings mean
    nothing (float32: compared with a relative tolerance)."""
    results = {name: run() for name, run in candidates(cell, steps, batch).items()}
    loss, grads = results["numpy"]
    for name, (other_loss, other_grads) in results.items():
        assert abs(other_loss - loss) <= 1e-4 * max(1.0, abs(loss)), (cell, name, other_loss, loss)
        for key, expected in grads.items():
            scale = max(1.0, float(np.abs(expected).max()))
            assert np.abs(other_grads[key] - expected).max() <= 1e-3 * scale, (cell, name, key)


def run(rounds: int = 15) -> list[dict]:
    results = []
    for cell in ("lstm", "rnn"):
        check_same_gradients(cell)
        times = time_interleaved(candidates(cell), rounds=rounds * 2, collect=False)
        ratio = times["ours"] / times["numpy"]
        by_step = times["numpy, W_hh by step"]
        beside = (f"; numpy with W_hh's gradient step by step {fmt_time(by_step)} "
                  f"({times['ours'] / by_step:.2f}x)")
        beside += f"; torch {fmt_time(times['torch'])}" if "torch" in times else ""
        results.append({
            "benchmark": f"rnn: {cell.upper()} forward+backward, {BATCH}x{STEPS} steps, "
                         f"hidden {HIDDEN}",
            "seconds": times["ours"],
            "numpy_s": times["numpy"],
            "numpy_hh_by_step_s": by_step,
            "torch_s": times.get("torch"),
            "cost_ratio": ratio,
            "summary": f"{fmt_time(times['ours'])} vs numpy {fmt_time(times['numpy'])}: "
                       f"{ratio:.2f}x numpy (target <= {TARGET}x){beside}",
            "met": ratio <= TARGET,
        })
    return results
