"""Weight initialisers: fill a tensor in place, return it (PyTorch's trailing ``_``).

Why it matters (lecture 10): all-zero weights make every unit of a layer compute the
same thing, so they all get the same gradient and never become different; N(0, 1)
weights saturate sigmoids and blow up deep ReLU nets; N(0, 0.01) weights shrink the
signal layer after layer. Scaling the spread by the number of inputs keeps the
variance of the activations about the same from layer to layer:

* Xavier, as the lecture writes it: ``W = np.random.randn(fan_in, fan_out) / np.sqrt(fan_in)``,
  std = 1/√fan_in (for sigmoid and tanh);
* Glorot & Bengio's own version: std = √(2 / (fan_in + fan_out));
* He et al. 2015: ``W = np.random.randn(fan_in, fan_out) / np.sqrt(fan_in / 2)``,
  std = √(2/fan_in) (for ReLU, which zeroes half of its inputs).

Fans of a weight of shape ``(out_features, in_features)`` (the `Linear` layout, as in
PyTorch): fan_in = ``shape[1]``, fan_out = ``shape[0]``. A conv weight
``(out_channels, in_channels, kH, kW)`` counts its receptive field too, as PyTorch does:
fan_in = in_channels·kH·kW (the inputs each output sums), fan_out = out_channels·kH·kW.

Random numbers come from numpy's global generator (so ``np.random.seed(0)`` makes a run
repeatable) unless a ``generator=np.random.default_rng(...)`` is given.
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor

__all__ = [
    "calculate_fans", "zeros_", "ones_", "constant_", "normal_", "uniform_",
    "xavier_", "xavier_normal_", "xavier_uniform_", "he_", "kaiming_normal_",
    "kaiming_uniform_", "SCHEMES", "init_weight_and_bias",
]


def _fill(tensor: Tensor, values) -> Tensor:
    """Write ``values`` into the tensor's own array (in place: views of it see the change)."""
    tensor.data[...] = values
    return tensor


def _normal(shape, std: float, generator) -> np.ndarray:
    source = np.random if generator is None else generator
    return source.standard_normal(shape) * std


def _uniform(shape, low: float, high: float, generator) -> np.ndarray:
    source = np.random if generator is None else generator
    return source.uniform(low, high, shape)


def calculate_fans(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, ...): in and out times the
    receptive field (kH·kW of a conv weight; 1 for a Linear weight)."""
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(
            f"init: fan_in and fan_out need a weight with at least 2 dimensions, got shape {shape}"
        )
    receptive = math.prod(shape[2:])  # 1 for a Linear weight
    return shape[1] * receptive, shape[0] * receptive


def zeros_(tensor: Tensor) -> Tensor:
    """All zeros. Fine for biases; for weights it is the lecture's cautionary tale."""
    return _fill(tensor, 0)


def ones_(tensor: Tensor) -> Tensor:
    """All ones (BatchNorm's γ starts here)."""
    return _fill(tensor, 1)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Every element equal to ``val``."""
    return _fill(tensor, val)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Samples of N(mean, std²). ``std=0.01`` is the lecture's "small random numbers"."""
    if not std >= 0:  # also refuses NaN
        raise ValueError(f"init.normal_: std must be 0 or more, got {std}")
    return _fill(tensor, mean + _normal(tensor.shape, std, generator))


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Samples of U(a, b)."""
    if not a <= b:  # also refuses NaN
        raise ValueError(f"init.uniform_: needs a <= b (the interval [a, b]), got a={a}, b={b}")
    return _fill(tensor, _uniform(tensor.shape, a, b, generator))


def xavier_(tensor: Tensor, generator=None) -> Tensor:
    """Xavier as the lecture writes it: N(0, 1) / √fan_in, so std = 1/√fan_in."""
    fan_in, _ = calculate_fans(tensor)
    return _fill(tensor, _normal(tensor.shape, 1 / math.sqrt(fan_in), generator))


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot & Bengio (2010): N(0, std²) with std = gain · √(2 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fans(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, _normal(tensor.shape, std, generator))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot's uniform form: U(-a, a) with a = gain · √(6 / (fan_in + fan_out)),
    which has the same std as `xavier_normal_` (a uniform on ±a has std a/√3)."""
    fan_in, fan_out = calculate_fans(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _fill(tensor, _uniform(tensor.shape, -bound, bound, generator))


def he_(tensor: Tensor, generator=None) -> Tensor:
    """He et al. (2015) as the lecture writes it: N(0, 1) / √(fan_in / 2), std = √(2/fan_in)."""
    fan_in, _ = calculate_fans(tensor)
    return _fill(tensor, _normal(tensor.shape, math.sqrt(2.0 / fan_in), generator))


def _kaiming_std(tensor: Tensor, a: float, mode: str) -> float:
    fan_in, fan_out = calculate_fans(tensor)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan = fan_in if mode == "fan_in" else fan_out
    gain = math.sqrt(2.0 / (1 + a * a))  # a = slope of a leaky ReLU's negative side
    return gain / math.sqrt(fan)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    generator=None) -> Tensor:
    """PyTorch's name for He: N(0, std²), std = √(2 / (1 + a²)) / √fan. ``a=0`` is `he_`."""
    std = _kaiming_std(tensor, a, mode)
    return _fill(tensor, _normal(tensor.shape, std, generator))


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     generator=None) -> Tensor:
    """He with a uniform: U(-b, b), b = √3 · std. PyTorch's default Linear weight is this
    with a = √5, which works out to U(-1/√fan_in, 1/√fan_in)."""
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode)
    return _fill(tensor, _uniform(tensor.shape, -bound, bound, generator))


# ---- initialisation schemes by name, for layers: Linear(784, 100, init="he") ----

SCHEMES = {
    "pytorch": "U(-1/√fan_in, 1/√fan_in) for weight and bias: PyTorch's default (the default here)",
    "zeros": "all zeros (the lecture's example of what not to do)",
    "normal": "N(0, 1)",
    "small": "N(0, 0.01²): std 0.01, the lecture's 'small random numbers'",
    "xavier": "N(0, 1)/√fan_in, the lecture's Xavier",
    "xavier_normal": "Glorot: N(0, 2/(fan_in + fan_out))",
    "xavier_uniform": "Glorot: U(±√(6/(fan_in + fan_out)))",
    "he": "N(0, 2/fan_in), the lecture's He",
    "kaiming_uniform": "He with a uniform: U(±√(6/fan_in))",
}


def init_weight_and_bias(weight: Tensor, bias: Tensor | None, scheme="pytorch",
                         generator=None) -> None:
    """Initialise a layer's weight (out, in, ...) and bias by scheme name (see ``SCHEMES``) or
    with a function ``scheme(weight)``. Every named scheme except "pytorch" sets the bias
    to zero."""
    if callable(scheme):
        scheme(weight)
        if bias is not None:
            zeros_(bias)
        return
    if scheme == "pytorch":
        bound = 1 / math.sqrt(calculate_fans(weight)[0])
        uniform_(weight, -bound, bound, generator)
        if bias is not None:
            uniform_(bias, -bound, bound, generator)
        return
    fill = {
        "zeros": zeros_,
        "normal": lambda w: normal_(w, 0.0, 1.0, generator),
        "small": lambda w: normal_(w, 0.0, 0.01, generator),
        "xavier": lambda w: xavier_(w, generator),
        "xavier_normal": lambda w: xavier_normal_(w, generator=generator),
        "xavier_uniform": lambda w: xavier_uniform_(w, generator=generator),
        "he": lambda w: he_(w, generator),
        "kaiming_uniform": lambda w: kaiming_uniform_(w, generator=generator),
    }.get(scheme)
    if fill is None:
        raise ValueError(
            f"init: unknown scheme {scheme!r}; choose one of {', '.join(SCHEMES)} or pass a "
            "function that fills the weight"
        )
    fill(weight)
    if bias is not None:
        zeros_(bias)
