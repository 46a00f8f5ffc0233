"""Truncated backpropagation through time: train an RNN on a long sequence in chunks of
k steps, carrying the hidden state forward but cutting its graph (``h.detach()``) at
every chunk boundary.

Three measurements, each printed:

1. where the gradient stops: the loss of the second chunk of a 2k-step sequence,
   differentiated with respect to every input x_t, with full BPTT and with the state
   detached at the cut -- past the cut the truncated gradient is exactly zero;
2. what a backward pass holds: the nodes of one chunk's graph against the nodes of the
   whole sequence's graph (memory and time grow with the steps back-propagated);
3. training: a one-layer tanh RNN learns to predict the next value of a noisy sine wave
   with truncated BPTT (Adam, gradient clipping): the loss before and after.

    python examples/truncated_bptt.py [--quick] [--out DIR]

Figures go to <out>/truncated_bptt/ (default out/examples).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor, topo_order

NOISE = 0.05  # standard deviation of the noise on the sine


class SequenceModel(nn.Module):
    """An RNN and a linear read-out of every hidden state: y_t = h_t W_outᵀ + b_out."""

    def __init__(self, hidden_size: int = 16, seed: int = 0) -> None:
        super().__init__()
        rng = np.random.default_rng(seed)
        self.rnn = nn.RNN(1, hidden_size, dtype=np.float64, generator=rng)
        self.readout = nn.Linear(hidden_size, 1, dtype=np.float64, generator=rng)

    def forward(self, x, h=None):
        output, h_n = self.rnn(x, h)
        return self.readout(output), h_n


def noisy_sine(steps: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs x_t = sin(0.2 t) + noise, targets x_{t+1}; shapes (steps, 1, 1)."""
    rng = np.random.default_rng(seed)
    wave = np.sin(0.2 * np.arange(steps + 1)) + NOISE * rng.standard_normal(steps + 1)
    return wave[:-1].reshape(-1, 1, 1), wave[1:].reshape(-1, 1, 1)


# ---- 1. where the gradient stops ----


def gradient_per_step(model: SequenceModel, inputs: np.ndarray, targets: np.ndarray,
                      chunk: int, truncate: bool) -> np.ndarray:
    """|∂L₂/∂x_t| for every t, where L₂ is the loss of the second chunk (steps chunk+1
    … 2·chunk); with ``truncate`` the state passed between the chunks is detached."""
    x = Tensor(inputs[:2 * chunk], requires_grad=True, dtype=np.float64)
    _, h = model(x[:chunk])
    if truncate:
        h = h.detach()  # the cut: h is now a plain leaf, with no graph behind it
    prediction, _ = model(x[chunk:], h)
    F.mse_loss(prediction, Tensor(targets[chunk:2 * chunk], dtype=np.float64)).backward()
    return np.abs(x.grad).reshape(-1)


# ---- 2. what a backward pass holds ----


def graph_nodes(model: SequenceModel, inputs: np.ndarray, targets: np.ndarray) -> int:
    """Nodes in the graph of the loss over ``inputs`` (what one backward walks through)."""
    prediction, _ = model(inputs)
    return len(topo_order(F.mse_loss(prediction, Tensor(targets, dtype=np.float64))))


# ---- 3. training with truncated BPTT ----


def train_truncated(model: SequenceModel, inputs: np.ndarray, targets: np.ndarray,
                    chunk: int, epochs: int, lr: float = 0.01,
                    max_norm: float = 1.0) -> list[float]:
    """Adam on one chunk at a time; the state runs on across chunks, detached at each
    boundary. Returns the mean loss of every epoch."""
    optimizer = optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        h, losses = None, []
        for start in range(0, len(inputs), chunk):
            prediction, h = model(inputs[start:start + chunk], h)
            loss = F.mse_loss(prediction, Tensor(targets[start:start + chunk], dtype=np.float64))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm)
            optimizer.step()
            h = h.detach()  # carry the state forward, but not its graph
            losses.append(loss.item())
        history.append(float(np.mean(losses)))
    return history


def evaluate(model: SequenceModel, inputs: np.ndarray, targets: np.ndarray) -> float:
    """Mean squared error over the whole sequence, in one forward pass."""
    prediction, _ = model(inputs)
    return F.mse_loss(prediction, Tensor(targets, dtype=np.float64)).item()


# ---- the script ----


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="examples/truncated_bptt.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a shorter run, no figures")
    parser.add_argument("--out", default="out/examples", help="folder for the figures")
    options = parser.parse_args(argv)
    folder = Path(options.out) / "truncated_bptt"
    folder.mkdir(parents=True, exist_ok=True)
    chunk = 10 if options.quick else 25
    steps = 200 if options.quick else 2000
    epochs = 3 if options.quick else 10
    inputs, targets = noisy_sine(steps)

    model = SequenceModel()
    full = gradient_per_step(model, inputs, targets, chunk, truncate=False)
    cut = gradient_per_step(model, inputs, targets, chunk, truncate=True)
    print(f"1. |∂L₂/∂x_t| for the loss of steps {chunk + 1}-{2 * chunk} (full BPTT | "
          f"detached at the cut after step {chunk}):")
    for t in (1, chunk // 2, chunk, chunk + 1, 2 * chunk):
        print(f"   t = {t:3d}: {full[t - 1]:.3e} | {cut[t - 1]:.3e}")
    print(f"   before the cut: full BPTT sends {full[:chunk].sum():.3e} in total, truncated "
          f"{cut[:chunk].sum():.1f}; after it both agree to {np.abs(full - cut)[chunk:].max():.1e}")

    one_chunk = graph_nodes(model, inputs[:chunk], targets[:chunk])
    whole = graph_nodes(model, inputs, targets)
    print(f"2. one backward pass walks {one_chunk} nodes for a chunk of {chunk} steps, "
          f"{whole} for all {steps} steps ({whole / one_chunk:.0f}x)")

    before = evaluate(model, inputs, targets)
    start = time.perf_counter()
    history = train_truncated(model, inputs, targets, chunk, epochs)
    seconds = time.perf_counter() - start
    after = evaluate(model, inputs, targets)
    print(f"3. next-value prediction of a noisy sine, {steps} steps in chunks of {chunk}: "
          f"mean squared error {before:.4f} -> {after:.4f} after {epochs} epochs "
          f"({seconds:.1f} s; the noise in the targets alone costs {NOISE ** 2:.4f})")

    if not options.quick:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, (bars, curve) = plt.subplots(1, 2, figsize=(11, 4))
        t = np.arange(1, 2 * chunk + 1)
        bars.bar(t - 0.2, full, width=0.4, label="full BPTT")
        bars.bar(t + 0.2, cut, width=0.4, label="detached at the cut")
        bars.axvline(chunk + 0.5, color="black", linestyle=":")
        bars.text(0.03, 0.72, "detached: exactly 0\nbefore the cut", transform=bars.transAxes,
                  ha="left", va="top", color="tab:orange")
        bars.set(yscale="log", xlabel="time step t", ylabel="|∂L₂/∂x_t|",
                 title="gradient of the second chunk's loss")
        bars.legend()
        curve.plot(range(1, epochs + 1), history, marker="o")
        curve.set(xlabel="epoch", ylabel="mean squared error (training chunks)",
                  title=f"truncated BPTT, chunks of {chunk} steps")
        figure.tight_layout()
        figure.savefig(folder / "truncated_bptt.png", dpi=100)
        plt.close(figure)
        print(f"   figure: {(folder / 'truncated_bptt.png').as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
