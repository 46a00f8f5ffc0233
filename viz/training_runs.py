"""The two kinds of model a recording trains, behind one small interface.

`TensorRun` wraps an ``nn.Module`` on Tensors; `ValueRun` a network of scalar Values
(`ValueMLP`, the lecture's one-circle-per-multiply net). Both train on the whole batch
with the logistic cost and offer the same few methods -- ``forward_backward``,
``sync``, ``predict``, ``layer``, ``nodes`` -- so that `viz.recording` and the
optimizers' narration treat them alike.
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu import Tensor, Value, no_grad
from tinygrad_edu.nn import functional as F

__all__ = ["ValueMLP", "TensorRun", "ValueRun", "VALUE_ACTIVATIONS"]

VALUE_ACTIVATIONS = ("tanh", "sigmoid", "relu")


class ValueMLP:
    """A fully connected net of scalar Values, as the lecture draws it (one circle per
    multiply). ``sizes = [2, 2, 1]``; hidden layers use ``activation``, the output a
    sigmoid. Weights are drawn from N(0, 1) with ``seed``; parameters are named
    ``W1[j,i]`` and ``b1[j]`` as on the slides."""

    def __init__(self, sizes: list[int], activation: str = "tanh", seed: int = 0) -> None:
        if activation not in VALUE_ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r} for Values; choose one of "
                             f"{', '.join(VALUE_ACTIVATIONS)}")
        rng = np.random.default_rng(seed)
        self.sizes, self.activation = list(sizes), activation
        self.layers = []  # (weights[out][in], biases[out])
        for number, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), 1):
            weights = [[Value(float(rng.standard_normal()), label=f"W{number}[{j},{i}]")
                        for i in range(fan_in)] for j in range(fan_out)]
            biases = [Value(0.0, label=f"b{number}[{j}]") for j in range(fan_out)]
            self.layers.append((weights, biases))

    def named_values(self) -> list[tuple[str, Value]]:
        return [(v.label, v) for weights, biases in self.layers
                for v in [*(w for row in weights for w in row), *biases]]

    def __call__(self, row) -> Value:
        values = [Value(float(x), label=f"x{i + 1}") for i, x in enumerate(row)]  # as drawn
        for number, (weights, biases) in enumerate(self.layers, 1):
            last = number == len(self.layers)
            outputs = []
            for w_row, b in zip(weights, biases, strict=True):
                z = b
                for w, x in zip(w_row, values, strict=True):
                    z = w * x + z
                outputs.append(z.sigmoid() if last else getattr(z, self.activation)())
            values = outputs
        return values[0]

    def predict(self, points: np.ndarray) -> np.ndarray:
        """The output for many points at once, in numpy (for the decision boundary)."""
        act = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
               "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[self.activation]
        h = np.asarray(points, dtype=np.float64)
        for number, (weights, biases) in enumerate(self.layers, 1):
            w = np.array([[v.data for v in row] for row in weights])
            z = h @ w.T + np.array([b.data for b in biases])
            h = 1 / (1 + np.exp(-z)) if number == len(self.layers) else act(z)
        return h[:, 0]


class TensorRun:
    """A Tensor model trained on the whole batch with binary cross-entropy."""

    def __init__(self, model, X, y):
        self.model, self.x, self.y = model, Tensor(X), y
        self.named = list(model.named_parameters())
        self.tensors = [p for _, p in self.named]
        self.modules = model  # draw() boxes each layer and names its parameters

    def forward_backward(self, keep: bool):
        """The loss (after backward) and the model's outputs on the batch."""
        output = self.model(self.x).reshape(-1)
        loss = F.binary_cross_entropy(output, self.y)
        loss.backward(retain_graph=keep, keep_all_grads=keep)
        return loss, output.data

    def sync(self) -> None:
        pass

    def predict(self, points: np.ndarray) -> np.ndarray:
        with no_grad():
            return self.model(Tensor(points.astype(np.float32))).data.reshape(-1)

    def layer(self, name: str) -> str:
        return f"layer {name.rsplit('.', 1)[0]}" if "." in name else name

    def nodes(self) -> list:
        return self.tensors


class ValueRun:
    """A Value network: each Value is mirrored by a one-element float64 Tensor that the
    optimizer steps; the new number is copied back after every step."""

    def __init__(self, model, X, y):
        self.model, self.X, self.y = model, np.asarray(X, np.float64), np.asarray(y)
        self.named = [(name, Tensor(np.array([v.data]), requires_grad=True, dtype=np.float64))
                      for name, v in model.named_values()]
        self.values = [v for _, v in model.named_values()]
        self.tensors = [t for _, t in self.named]
        self.modules = model  # names its Values as parameters (no layer boxes)

    def forward_backward(self, keep: bool):
        for v in self.values:
            v.grad = 0.0
        total, outputs = None, []
        for row, target in zip(self.X, self.y, strict=True):
            p = self.model(row)
            outputs.append(p.data)
            term = p.log() if target else (1 - p).log()  # the logistic cost, one point
            total = term if total is None else total + term
        loss = total * (-1.0 / len(self.y))
        loss.backward()
        for v, t in zip(self.values, self.tensors, strict=True):
            t.grad = np.array([v.grad])
        return loss, np.array(outputs)

    def sync(self) -> None:
        for v, t in zip(self.values, self.tensors, strict=True):
            v.data = float(t.data[0])

    def predict(self, points: np.ndarray) -> np.ndarray:
        return self.model.predict(points)

    def layer(self, name: str) -> str:
        return f"layer {name[1:name.index('[')]}"

    def nodes(self) -> list:
        return self.values
