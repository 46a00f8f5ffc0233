"""Activation functions as layers, to put in a `Sequential`.

Why not only sigmoid (lecture 10)? σ'(x) ≤ 1/4, so backpropagating through many
sigmoid layers multiplies many small numbers: the gradient vanishes before it reaches
the first layers. ReLU passes the gradient unchanged where x > 0; its relatives keep a
small slope for x < 0 so that a unit can never die completely.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from . import functional as F
from .arguments import real_number, whole_number
from .module import Module, Parameter

__all__ = ["Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax", "LogSoftmax"]


class Sigmoid(Module):
    """σ(x) = 1 / (1 + e^-x), squashes to (0, 1);  σ'(x) = σ(x)(1 - σ(x))."""

    def forward(self, x: Tensor) -> Tensor:
        return x.sigmoid()


class Tanh(Module):
    """tanh(x), squashes to (-1, 1), zero-centred;  tanh'(x) = 1 - tanh²(x)."""

    def forward(self, x: Tensor) -> Tensor:
        return x.tanh()


class ReLU(Module):
    """max(0, x);  derivative 1 where x > 0, else 0."""

    def forward(self, x: Tensor) -> Tensor:
        return x.relu()


class LeakyReLU(Module):
    """max(negative_slope · x, x);  derivative 1 where x > 0, else negative_slope."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = real_number("LeakyReLU", "negative_slope", negative_slope)

    def forward(self, x: Tensor) -> Tensor:
        return x.leaky_relu(self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """x where x > 0, α(eˣ - 1) elsewhere;  derivative 1 where x > 0, else α eˣ."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = real_number("ELU", "alpha", alpha)

    def forward(self, x: Tensor) -> Tensor:
        return x.elu(self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class PReLU(Module):
    """Parametric ReLU (He et al. 2015): a leaky ReLU whose negative slope a is learned.

    y = x where x > 0, a · x elsewhere;  ∂y/∂a = x where x ≤ 0, else 0.
    ``num_parameters=1`` shares one slope; otherwise one per channel, and the channels
    are on axis 1 as in PyTorch: C of an (N, C) batch or of an (N, C, L) sequence.
    (Version 0.1.0 put the channels on the last axis; on an (N, C) batch the
    two are the same.) The slope starts at ``init`` = 0.25, as in PyTorch.
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, dtype=None) -> None:
        super().__init__()
        self.num_parameters = whole_number("PReLU", "num_parameters", num_parameters)
        init = real_number("PReLU", "init", init)
        self.weight = Parameter(np.full(num_parameters, init), dtype=dtype)

    def forward(self, x: Tensor) -> Tensor:
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Softmax(Module):
    """softmax(x)_i = e^(x_i) / Σ_j e^(x_j) along ``axis`` (PyTorch's ``dim``)."""

    def __init__(self, axis: int = -1, *, dim: int | None = None) -> None:
        super().__init__()
        self.axis = axis if dim is None else dim

    def forward(self, x: Tensor) -> Tensor:
        return x.softmax(self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Module):
    """log softmax(x)_i = x_i - log Σ_j e^(x_j) along ``axis`` (PyTorch's ``dim``)."""

    def __init__(self, axis: int = -1, *, dim: int | None = None) -> None:
        super().__init__()
        self.axis = axis if dim is None else dim

    def forward(self, x: Tensor) -> Tensor:
        return x.log_softmax(self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"
