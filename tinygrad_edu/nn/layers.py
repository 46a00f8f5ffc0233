"""Layers: Linear, Maxout, the containers Sequential and ModuleList, and Identity.

Dropout and BatchNorm1d, which behave differently in training and evaluation, are in
`regularization`; the activations are in `activations`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from ..tensor import Tensor
from . import functional as F
from .arguments import whole_number
from .init import init_weight_and_bias
from .module import Module, Parameter

__all__ = ["Linear", "Maxout", "Sequential", "ModuleList", "Identity"]


class Linear(Module):
    """A fully connected layer: y = x Wᵀ + b.

    ``weight`` has shape (out_features, in_features) and ``bias`` (out_features,), as in
    PyTorch: row j of W holds the weights of output unit j. (The lecture writes
    ``X @ W`` with W of shape (in, out): that W is our ``weight.T``.)

    The weight is stored column-major (numpy's ``order="F"``): then ``weight.T`` is an
    ordinary row-major (in, out) matrix and ``x @ weight.T`` is the plain matrix product
    that BLAS runs fastest. Shape, values and indexing are the same as in any layout.

    ``init`` names the initialisation (see ``nn.init.SCHEMES``) or is a function that
    fills the weight. The default, "pytorch", is PyTorch's own: weight and bias from
    U(-1/√in_features, 1/√in_features). Use "xavier" for sigmoid/tanh nets and "he"
    for ReLU nets, as the lecture recommends.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init="pytorch", dtype=None, generator=None) -> None:
        super().__init__()
        self.in_features = whole_number("Linear", "in_features", in_features)
        self.out_features = whole_number("Linear", "out_features", out_features)
        dtype = np.float32 if dtype is None else dtype
        # dtype= given to Parameter too: Tensor turns any other dtype into float32
        self.weight = Parameter(np.zeros((out_features, in_features), dtype, order="F"),
                                dtype=dtype)
        self.bias = Parameter(np.zeros(out_features, dtype), dtype=dtype) if bias else None
        init_weight_and_bias(self.weight, self.bias, init, generator)

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Maxout(Module):
    """Maxout (Goodfellow et al. 2013): ``pieces`` linear functions per output unit, and
    the unit outputs the largest of them: y_j = max_k (x W_kᵀ + b_k)_j.

    A learned, piecewise-linear activation: with two pieces it can be a ReLU
    (one piece fixed at 0) or an absolute value. The gradient goes to the winning piece.
    """

    def __init__(self, in_features: int, out_features: int, pieces: int = 2,
                 init="pytorch", dtype=None, generator=None) -> None:
        super().__init__()
        in_features = whole_number("Maxout", "in_features", in_features)
        out_features = whole_number("Maxout", "out_features", out_features)
        pieces = whole_number("Maxout", "pieces", pieces)
        self.in_features, self.out_features, self.pieces = in_features, out_features, pieces
        self.linear = Linear(in_features, out_features * pieces, init=init, dtype=dtype,
                             generator=generator)

    def forward(self, x: Tensor) -> Tensor:
        candidates = self.linear(x)  # (..., out * pieces)
        grouped = candidates.reshape(*candidates.shape[:-1], self.out_features, self.pieces)
        return grouped.max(axis=-1)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"pieces={self.pieces}")


class Identity(Module):
    """Returns its input unchanged (a placeholder layer)."""

    def forward(self, x: Tensor) -> Tensor:
        return x


class Sequential(Module):
    """Layers applied one after the other: ``Sequential(Linear(2, 2), Sigmoid())``.

    The layers are named "0", "1", ... so parameters are "0.weight", "0.bias", ...
    ``model[0]`` is the first layer, ``len(model)`` the number of layers.
    """

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for index, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(
                    f"Sequential: layer {index} is a {type(layer).__name__}, not a Module "
                    "(wrap functions in a Module, or use nn.ReLU() rather than F.relu)"
                )
            self.add_module(str(index), layer)

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x

    def __getitem__(self, index: int | slice):
        layers = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*layers[index])
        return layers[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def append(self, layer: Module) -> Sequential:
        self.add_module(str(len(self._modules)), layer)
        return self


class ModuleList(Module):
    """A list of modules whose parameters are registered ("0.weight", "1.weight", ...).
    It has no forward of its own: the owner decides how to use its members."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        for module in modules:
            self.append(module)

    def append(self, module: Module) -> ModuleList:
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList: expected a Module, got {type(module).__name__}")
        self.add_module(str(len(self._modules)), module)
        return self

    def __getitem__(self, index: int):
        return list(self._modules.values())[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))
