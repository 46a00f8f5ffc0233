"""Convolutions: our engine against the same network written by hand in numpy with
im2col, as Deep Learning from Scratch ch. 7 builds it, and PyTorch CPU beside them.

The network is LeNet-5-style, on a batch of 64 images 1×28×28:
conv 6@5×5 → ReLU → max pool 2 → conv 16@5×5 → ReLU → max pool 2 → 256 → 120 → 84 → 10
(ReLU between the dense layers), softmax cross-entropy. We measure

* forward + backward of one batch: ours (nn layers) against the hand-written numpy
  version -- target at most 1.2x -- with PyTorch printed beside;
* ``conv2d`` alone (forward + backward) at three sizes against the hand-written im2col;
* the peak traced memory of one training step (forward, backward, SGD update) against
  the hand-written step -- target at most 1.5x;
* one epoch of Fashion-MNIST (60,000 images, batch 64, SGD) on this machine, when its
  files are installed (Debian's ``dataset-fashion-mnist``).

The hand-written version is ours, written for this benchmark in the book's manner:
im2col by a loop over the kernel offsets, one matrix product per layer, col2im adding
the columns back, max pooling through im2col and argmax; every array float32 as ours.
"""

from __future__ import annotations

import gc
import time
import tracemalloc

import numpy as np

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, optim

from .common import fmt_time, time_interleaved

BATCH, LR = 64, 0.01
FORWARD_TARGET, MEMORY_TARGET = 1.2, 1.5


# ---- the hand-written network (numpy, im2col), in the manner of DLfS ch. 7 ----


def im2col(images: np.ndarray, k_rows: int, k_cols: int, stride: int = 1,
           pad: int = 0) -> np.ndarray:
    """(N, C, H, W) -> (N·H_out·W_out, C·k_rows·k_cols): one row per window."""
    n, c, h, w = images.shape
    out_h, out_w = (h + 2 * pad - k_rows) // stride + 1, (w + 2 * pad - k_cols) // stride + 1
    source = np.pad(images, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else images
    columns = np.empty((n, c, k_rows, k_cols, out_h, out_w), images.dtype)
    for dy in range(k_rows):
        for dx in range(k_cols):
            columns[:, :, dy, dx] = source[:, :, dy:dy + stride * out_h:stride,
                                           dx:dx + stride * out_w:stride]
    return columns.transpose(0, 4, 5, 1, 2, 3).reshape(n * out_h * out_w, -1)


def col2im(rows: np.ndarray, shape: tuple, k_rows: int, k_cols: int, stride: int = 1,
           pad: int = 0) -> np.ndarray:
    """The adjoint of im2col: every row added back onto the window it came from."""
    n, c, h, w = shape
    out_h, out_w = (h + 2 * pad - k_rows) // stride + 1, (w + 2 * pad - k_cols) // stride + 1
    columns = rows.reshape(n, out_h, out_w, c, k_rows, k_cols).transpose(0, 3, 4, 5, 1, 2)
    image = np.zeros((n, c, h + 2 * pad, w + 2 * pad), rows.dtype)
    for dy in range(k_rows):
        for dx in range(k_cols):
            image[:, :, dy:dy + stride * out_h:stride, dx:dx + stride * out_w:stride] += \
                columns[:, :, dy, dx]
    return image[:, :, pad:pad + h, pad:pad + w]


class HandConv:
    def __init__(self, weight: np.ndarray, bias: np.ndarray, stride: int = 1, pad: int = 0):
        self.weight, self.bias, self.stride, self.pad = weight, bias, stride, pad

    def forward(self, x: np.ndarray) -> np.ndarray:
        out_c, _, k_rows, k_cols = self.weight.shape
        n, _, h, w = x.shape
        out_h = (h + 2 * self.pad - k_rows) // self.stride + 1
        out_w = (w + 2 * self.pad - k_cols) // self.stride + 1
        self.shape, self.rows = x.shape, im2col(x, k_rows, k_cols, self.stride, self.pad)
        self.kernel = self.weight.reshape(out_c, -1).T
        out = self.rows @ self.kernel + self.bias
        return out.reshape(n, out_h, out_w, out_c).transpose(0, 3, 1, 2)

    def backward(self, upstream: np.ndarray) -> np.ndarray:
        out_c, _, k_rows, k_cols = self.weight.shape
        upstream = upstream.transpose(0, 2, 3, 1).reshape(-1, out_c)
        self.grad_bias = upstream.sum(axis=0)
        self.grad_weight = (self.rows.T @ upstream).T.reshape(self.weight.shape)
        grad_rows = upstream @ self.kernel.T
        return col2im(grad_rows, self.shape, k_rows, k_cols, self.stride, self.pad)


class HandPool:
    def __init__(self, size: int = 2):
        self.size = size

    def forward(self, x: np.ndarray) -> np.ndarray:
        n, c, h, w = x.shape
        out_h, out_w = (h - self.size) // self.size + 1, (w - self.size) // self.size + 1
        rows = im2col(x, self.size, self.size, self.size).reshape(-1, self.size * self.size)
        self.shape, self.picks = x.shape, rows.argmax(axis=1)
        out = rows[np.arange(len(rows)), self.picks]
        return out.reshape(n, out_h, out_w, c).transpose(0, 3, 1, 2)

    def backward(self, upstream: np.ndarray) -> np.ndarray:
        upstream = upstream.transpose(0, 2, 3, 1)
        spread = np.zeros((upstream.size, self.size * self.size), upstream.dtype)
        spread[np.arange(len(self.picks)), self.picks] = upstream.reshape(-1)
        rows = spread.reshape(upstream.shape[0] * upstream.shape[1] * upstream.shape[2], -1)
        return col2im(rows, self.shape, self.size, self.size, self.size)


class HandReLU:
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, upstream: np.ndarray) -> np.ndarray:
        upstream = upstream.copy()
        upstream[self.mask] = 0
        return upstream


class HandDense:
    """x Wᵀ + b on (N, ...) inputs flattened to rows, W of shape (out, in) as Linear."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray):
        self.weight, self.bias = weight, bias

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.shape, self.x = x.shape, x.reshape(len(x), -1)
        return self.x @ self.weight.T + self.bias

    def backward(self, upstream: np.ndarray) -> np.ndarray:
        self.grad_weight = upstream.T @ self.x
        self.grad_bias = upstream.sum(axis=0)
        return (upstream @ self.weight).reshape(self.shape)


class HandLeNet:
    """The LeNet-5-style net with forward/backward written out by hand."""

    def __init__(self, params: list[np.ndarray]):
        w1, b1, w2, b2, w3, b3, w4, b4, w5, b5 = params
        self.layers = [HandConv(w1, b1), HandReLU(), HandPool(2), HandConv(w2, b2), HandReLU(),
                       HandPool(2), HandDense(w3, b3), HandReLU(), HandDense(w4, b4),
                       HandReLU(), HandDense(w5, b5)]
        self.learned = [layer for layer in self.layers if hasattr(layer, "weight")]

    def forward_backward(self, x: np.ndarray, y: np.ndarray) -> float:
        for layer in self.layers:
            x = layer.forward(x)
        shifted = x - x.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_probs[np.arange(len(y)), y].mean()
        upstream = np.exp(log_probs)
        upstream[np.arange(len(y)), y] -= 1
        upstream /= len(y)
        for layer in reversed(self.layers):
            upstream = layer.backward(upstream)
        return float(loss)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        loss = self.forward_backward(x, y)
        for layer in self.learned:
            layer.weight -= LR * layer.grad_weight
            layer.bias -= LR * layer.grad_bias
        return loss

    def grads(self) -> list[np.ndarray]:
        return [g for layer in self.learned for g in (layer.grad_weight, layer.grad_bias)]


# ---- the same net on our engine and on PyTorch ----


def lenet() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def make_problem(batch: int = BATCH, seed: int = 0, dtype=np.float32):
    """Images, labels and the initial weights (in PyTorch's shapes) of the net."""
    rng = np.random.default_rng(seed)
    x = rng.random((batch, 1, 28, 28)).astype(dtype)
    y = rng.integers(0, 10, batch)
    shapes = [(6, 1, 5, 5), (16, 6, 5, 5), (120, 256), (84, 120), (10, 84)]
    params = []
    for shape in shapes:
        fan_in = int(np.prod(shape[1:]))
        params.append((rng.standard_normal(shape) * np.sqrt(2 / fan_in)).astype(dtype))
        params.append(np.zeros(shape[0], dtype))
    return x, y, params


def ours(params: list[np.ndarray]) -> nn.Sequential:
    model = lenet().to(params[0].dtype)
    for parameter, value in zip(model.parameters(), params, strict=True):
        parameter.data[...] = value
    return model


def ours_forward_backward(model: nn.Sequential, x: np.ndarray, y: np.ndarray) -> float:
    model.zero_grad()
    loss = F.cross_entropy(model(Tensor(x, dtype=x.dtype)), y)
    loss.backward()
    return loss.item()


def torch_setup(params: list[np.ndarray]):
    import torch

    torch.set_num_threads(1)  # as numpy's BLAS (see benchmarks/__init__.py)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(256, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(),
        torch.nn.Linear(84, 10))
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), params, strict=True):
            parameter.copy_(torch.from_numpy(value))

    def forward_backward(x: np.ndarray, y: np.ndarray) -> float:
        model.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        return loss.item()

    return forward_backward


def check_same_work(batch: int = 8) -> None:
    """Ours and the hand-written net compute the same loss and gradients (float64), or
    the timings would mean nothing."""
    x, y, params = make_problem(batch, seed=1, dtype=np.float64)
    hand = HandLeNet([p.copy() for p in params])
    model = ours(params)
    expected = hand.forward_backward(x, y)
    got = ours_forward_backward(model, x, y)
    assert abs(expected - got) < 1e-10, (expected, got)
    for mine, theirs in zip((p.grad for p in model.parameters()), hand.grads(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-8, atol=1e-12)


# ---- conv2d alone ----

CONV_SIZES = {  # name: (input shape, weight shape, padding)
    "small 8×3×16×16, 8@3×3": ((8, 3, 16, 16), (8, 3, 3, 3), 1),
    "LeNet 64×1×28×28, 6@5×5": ((64, 1, 28, 28), (6, 1, 5, 5), 0),
    "64 channels 16×64×32×32, 64@3×3": ((16, 64, 32, 32), (64, 64, 3, 3), 1),
}


def conv_candidates(x_shape: tuple, w_shape: tuple, padding: int) -> dict:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(np.float32)
    weight = rng.standard_normal(w_shape).astype(np.float32)
    bias = np.zeros(w_shape[0], np.float32)
    out_shape = (x_shape[0], w_shape[0], x_shape[2] + 2 * padding - w_shape[2] + 1,
                 x_shape[3] + 2 * padding - w_shape[3] + 1)
    upstream = rng.standard_normal(out_shape).astype(np.float32)
    hand = HandConv(weight, bias, pad=padding)
    tx = Tensor(x, requires_grad=True)
    tw, tb = Tensor(weight, requires_grad=True), Tensor(bias, requires_grad=True)

    def by_hand():
        hand.forward(x)
        return hand.backward(upstream)

    def engine():
        tx.grad = tw.grad = tb.grad = None
        F.conv2d(tx, tw, tb, padding=padding).backward(upstream)
        return tx.grad

    np.testing.assert_allclose(engine(), by_hand(), rtol=1e-4, atol=1e-3)
    return {"hand im2col": by_hand, "ours": engine}


# ---- memory of one training step ----


def peak_bytes(step) -> int:
    """Peak traced memory of one call of ``step`` above what was held before it."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        step()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def memory_of_a_step() -> tuple[int, int]:
    x, y, params = make_problem()
    hand = HandLeNet([p.copy() for p in params])
    model = ours(params)
    optimizer = optim.SGD(model.parameters(), lr=LR)

    def our_step():
        optimizer.zero_grad()
        F.cross_entropy(model(Tensor(x)), y).backward()
        optimizer.step()

    for _ in range(2):  # warm up: optimizer state, first-call allocations
        hand.step(x, y)
        our_step()
    return peak_bytes(our_step), peak_bytes(lambda: hand.step(x, y))


# ---- one epoch of Fashion-MNIST ----


def fashion_epoch_seconds(limit: int | None = None) -> tuple[float, int] | None:
    """Seconds for one epoch of SGD (batch 64) on Fashion-MNIST's 60,000 training images,
    and the number of images seen; None when the files are not installed."""
    from tinygrad_edu.data import DataLoader, TensorDataset, fashion_mnist

    try:
        (x_train, y_train), _ = fashion_mnist(normalize=True)
    except FileNotFoundError:
        return None
    if limit is not None:
        x_train, y_train = x_train[:limit], y_train[:limit]
    loader = DataLoader(TensorDataset(x_train[:, None], y_train), batch_size=BATCH,
                        shuffle=True, seed=0)
    np.random.seed(0)
    model = lenet()
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    start = time.perf_counter()
    for images, labels in loader:
        optimizer.zero_grad()
        F.cross_entropy(model(images), labels).backward()
        optimizer.step()
    return time.perf_counter() - start, len(x_train)


def run(rounds: int = 15, epoch: bool = True) -> list[dict]:
    check_same_work()
    rows = []
    x, y, params = make_problem()
    hand, model = HandLeNet([p.copy() for p in params]), ours(params)
    candidates = {"hand": lambda: hand.forward_backward(x, y),
                  "ours": lambda: ours_forward_backward(model, x, y)}
    try:
        torch_step = torch_setup(params)
        candidates["torch"] = lambda: torch_step(x, y)
    except ImportError:
        pass
    times = time_interleaved(candidates, rounds=rounds * 2, collect=False)
    ratio = times["ours"] / times["hand"]
    beside = f"; PyTorch {fmt_time(times['torch'])}" if "torch" in times else ""
    rows.append({"benchmark": f"conv: LeNet forward + backward, batch {BATCH}",
                 "seconds": times["ours"], "hand_s": times["hand"],
                 "torch_s": times.get("torch"), "cost_ratio": ratio,
                 "summary": f"{fmt_time(times['ours'])} vs hand im2col "
                            f"{fmt_time(times['hand'])}: {ratio:.2f}x{beside} "
                            f"(target <= {FORWARD_TARGET}x)",
                 "met": ratio <= FORWARD_TARGET})
    for name, (x_shape, w_shape, padding) in CONV_SIZES.items():
        times = time_interleaved(conv_candidates(x_shape, w_shape, padding), rounds=rounds,
                                 collect=False)
        ratio = times["ours"] / times["hand im2col"]
        rows.append({"benchmark": f"conv: conv2d forward + backward, {name}",
                     "seconds": times["ours"], "hand_s": times["hand im2col"],
                     "cost_ratio": ratio,
                     "summary": f"{fmt_time(times['ours'])} vs hand im2col "
                                f"{fmt_time(times['hand im2col'])}: {ratio:.2f}x",
                     "met": None})
    mine, theirs = memory_of_a_step()
    ratio = mine / theirs
    rows.append({"benchmark": f"conv: peak memory of one LeNet SGD step, batch {BATCH}",
                 "bytes": mine, "hand_bytes": theirs, "ratio": ratio,
                 "summary": f"{mine / 2**20:.1f} MiB vs hand {theirs / 2**20:.1f} MiB: "
                            f"{ratio:.2f}x (target <= {MEMORY_TARGET}x)",
                 "met": ratio <= MEMORY_TARGET})
    if epoch:
        measured = fashion_epoch_seconds()
        if measured is None:
            summary, seconds = "skipped: Fashion-MNIST is not installed " \
                "(apt-get install dataset-fashion-mnist)", None
        else:
            seconds, images = measured
            summary = f"{seconds:.1f} s for {images} images ({seconds / images * 1e3:.2f} ms " \
                      "per image)"
        rows.append({"benchmark": "conv: one Fashion-MNIST epoch of LeNet, batch 64, SGD",
                     "seconds": seconds, "summary": summary, "met": None})
    return rows


if __name__ == "__main__":
    for row in run(15):
        print(f"  {row['benchmark']:60s} {row['summary']}")
