"""`ValueMLP`: a fully connected net of scalar Values, one circle per multiply, as the
lecture draws it -- and trained by the same `fit` and optimizers as any Module.

Its parameters are Values (``named_values()``: ``W1[j,i]``, ``b1[j]`` as on the
slides). An optimizer steps Tensors, so each Value is handed to it as a `ValueParameter`:
a one-element float64 Tensor whose number *is* the Value's (reading it reads the Value,
writing it writes the Value) and whose ``.grad`` is the Value's gradient. ``model(X)``
on a batch returns one output Value per row; `logistic_cost` turns them into the
lecture's cost, a Value whose ``backward()`` fills every parameter's gradient.
"""

from __future__ import annotations

import numpy as np

from ..scalar import Value
from ..tensor import Tensor
from .module import Module, Parameter

__all__ = ["ValueMLP", "ValueParameter", "logistic_cost", "VALUE_ACTIVATIONS"]

VALUE_ACTIVATIONS = ("tanh", "sigmoid", "relu")


class ValueParameter(Parameter):
    """A Value seen by an optimizer: ``data`` is ``[value.data]`` (assigning it writes the
    Value), ``grad`` is ``[value.grad]`` (None sets the Value's gradient to 0)."""

    __slots__ = ("value",)

    def __init__(self, value: Value) -> None:
        self.value = value
        super().__init__(np.array([float(value.data)]), dtype=np.float64, label=value.label)

    @property
    def data(self) -> np.ndarray:
        array = Tensor.data.fget(self)  # the Tensor's own one-element array, kept in step
        array[0] = self.value.data
        return array

    @data.setter
    def data(self, array) -> None:
        array = np.array(array, dtype=np.float64).reshape(1)
        Tensor.data.fset(self, array)
        self.value.data = float(array[0])

    @property
    def grad(self):
        return np.array([float(self.value.grad)])

    @grad.setter
    def grad(self, gradient) -> None:
        self.value.grad = 0.0 if gradient is None else float(np.asarray(gradient).reshape(-1)[0])


class ValueMLP(Module):
    """``sizes = [2, 2, 1]``; hidden layers use ``activation`` ("tanh", "sigmoid",
    "relu"), the output a sigmoid. Weights are drawn from N(0, 1) with ``seed``, biases
    start at 0; parameters are named ``W1[j,i]`` and ``b1[j]`` as on the slides.

    ``dtype`` is float64 (what a Value holds). ``model(row)`` is one output Value (its
    graph is the lecture's picture); ``model(X)`` for a batch is a list of them;
    ``predict(points)`` computes the outputs of many points in numpy (for a decision
    boundary)."""

    def __init__(self, sizes: list[int], activation: str = "tanh", seed: int = 0,
                 dtype=np.float64) -> None:
        super().__init__()
        if np.dtype(dtype) != np.float64:
            raise ValueError(f"ValueMLP: a Value holds a Python float (float64); dtype must be "
                             f"float64, got {np.dtype(dtype)}")
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
        self.handles = [(v.label, ValueParameter(v)) for v in self.values()]

    def named_values(self) -> list[tuple[str, Value]]:
        return [(v.label, v) for v in self.values()]

    def values(self) -> list[Value]:
        return [v for weights, biases in self.layers
                for v in [*(w for row in weights for w in row), *biases]]

    def named_parameters(self, prefix: str = ""):
        for name, handle in self.handles:
            yield prefix + name, handle

    def parameter_layers(self) -> dict[str, str]:
        """``{"W1[0,0]": "layer 1", ...}``: which layer each parameter belongs to."""
        return {name: f"layer {name[1:name.index('[')]}" for name, _ in self.handles}

    def forward(self, x):
        rows = np.asarray(x.data if isinstance(x, Tensor) else x, dtype=np.float64)
        if rows.ndim == 1:
            return self._row(rows)
        return [self._row(row) for row in rows]

    def _row(self, row) -> Value:
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

    def __repr__(self) -> str:
        return f"ValueMLP({'-'.join(map(str, self.sizes))}, {self.activation})"


def logistic_cost(outputs: list[Value], targets) -> Value:
    """The lecture's cost −mean(y log h + (1 − y) log(1 − h)) over Values, one term per
    point (a target of 1 keeps ``log h``, 0 keeps ``log(1 − h)``)."""
    targets = np.asarray(targets.data if isinstance(targets, Tensor) else targets).reshape(-1)
    if len(outputs) != len(targets):
        raise ValueError(f"logistic_cost: {len(outputs)} outputs but {len(targets)} targets")
    total = None
    for p, target in zip(outputs, targets, strict=True):
        term = p.log() if target else (1 - p).log()
        total = term if total is None else total + term
    return total * (-1.0 / len(targets))
