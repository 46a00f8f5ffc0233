"""One time step of a recurrent network -- `RNNCell`, `LSTMCell`, `GRUCell` -- and the
step functions that the sequence layers (`nn.RNN`, `nn.LSTM`, `nn.GRU`) unroll.

Everything is written with the engine's ordinary ops (linear, +, slicing, σ, tanh, ×),
so the graph of a step shows the cell's equations and every rule is one that is tested
on its own. Names, shapes, gate order and initialisation are PyTorch's: a state dict
copied from ``torch.nn.LSTMCell`` gives the same numbers.

One matrix product per weight and step: ``h W_hhᵀ`` computes all the gates' parts at
once, (batch, gates × hidden), and slicing cuts it into the gates. The input's part
``x W_ihᵀ + b_ih`` is handed to the step functions ready-made: a sequence layer computes
it for all time steps in one product.

The step functions label what they make, so a drawing can say which step a node
belongs to: ``h``, ``c`` and the gates (``i f g o`` for the LSTM, ``r z n`` for the
GRU) followed by ``suffix`` (``"_3"`` for step 3, see `nn.recurrent.step_label`).
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from . import functional as F
from .init import uniform_
from .module import Module, Parameter

__all__ = ["RNNCell", "LSTMCell", "GRUCell", "rnn_step", "lstm_step", "gru_step",
           "NONLINEARITIES", "add_weights", "weights_of", "reset_uniform", "gate_slices"]

NONLINEARITIES = ("tanh", "relu")


def gate_slices(hidden_size: int, gates: int) -> list[tuple]:
    """Index tuples that cut (..., gates × hidden) into its gates, for any batch rank."""
    return [(Ellipsis, slice(k * hidden_size, (k + 1) * hidden_size)) for k in range(gates)]


def rnn_step(from_input: Tensor, h: Tensor, weight_hh: Tensor, bias_hh: Tensor | None,
             nonlinearity: str = "tanh", suffix: str = "") -> Tensor:
    """h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)  (relu instead of tanh if asked);
    ``from_input`` is x W_ihᵀ + b_ih, computed by the caller (for all steps at once)."""
    # h W_hhᵀ + (x W_ihᵀ + b_ih) in one node when the step has no b_hh of its own
    pre_activation = F.linear(h, weight_hh, from_input) if bias_hh is None else \
        from_input + F.linear(h, weight_hh, bias_hh)
    h_new = pre_activation.tanh() if nonlinearity == "tanh" else pre_activation.relu()
    h_new.label = "h" + suffix
    return h_new


def lstm_step(from_input: Tensor, h: Tensor, c: Tensor, weight_hh: Tensor,
              bias_hh: Tensor | None, slices: list, suffix: str = "") -> tuple[Tensor, Tensor]:
    """The LSTM's gates, in PyTorch's order i, f, g, o, from ``from_input`` = x W_ihᵀ + b_ih:

        i = σ(·), f = σ(·), g = tanh(·), o = σ(·)   of  x W_ihᵀ + b_ih + h W_hhᵀ + b_hh
        c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
    """
    gates = F.linear(h, weight_hh, from_input) if bias_hh is None else \
        from_input + F.linear(h, weight_hh, bias_hh)
    i = gates[slices[0]].sigmoid()
    f = gates[slices[1]].sigmoid()
    g = gates[slices[2]].tanh()
    o = gates[slices[3]].sigmoid()
    c_new = f * c + i * g
    h_new = o * c_new.tanh()
    i.label, f.label, g.label, o.label = "i" + suffix, "f" + suffix, "g" + suffix, "o" + suffix
    c_new.label, h_new.label = "c" + suffix, "h" + suffix
    return h_new, c_new


def gru_step(from_input: Tensor, h: Tensor, weight_hh: Tensor, bias_hh: Tensor | None,
             slices: list, suffix: str = "") -> Tensor:
    """The GRU's gates, in PyTorch's order r, z, n, from ``from_input`` = x W_ihᵀ + b_ih
    (the reset gate acts on h W_hnᵀ + b_hn, as in PyTorch):

        r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr),   z = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)
        n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)),   h' = (1 − z) ⊙ n + z ⊙ h
    """
    from_hidden = F.linear(h, weight_hh, bias_hh)
    r = (from_input[slices[0]] + from_hidden[slices[0]]).sigmoid()
    z = (from_input[slices[1]] + from_hidden[slices[1]]).sigmoid()
    n = (from_input[slices[2]] + r * from_hidden[slices[2]]).tanh()
    h_new = (1 - z) * n + z * h
    r.label, z.label, n.label, h_new.label = "r" + suffix, "z" + suffix, "n" + suffix, "h" + suffix
    return h_new


def add_weights(module: Module, input_size: int, hidden_size: int, gates: int, bias: bool,
                suffix: str, dtype) -> tuple:
    """Register ``weight_ih{suffix}`` (gates·hidden, input), ``weight_hh{suffix}``
    (gates·hidden, hidden) and, with ``bias``, ``bias_ih{suffix}`` and ``bias_hh{suffix}``
    (gates·hidden,) on ``module``, in PyTorch's order; returns the four (biases None
    without ``bias``)."""
    rows = gates * hidden_size
    # column-major, as nn.Linear's weight: then weight.T is a plain row-major matrix and
    # x @ weight.T is the product BLAS runs fastest
    weights = [Parameter(np.zeros((rows, columns), dtype, order="F"), dtype=dtype)
               for columns in (input_size, hidden_size)]
    biases = [Parameter(np.zeros(rows, dtype), dtype=dtype) if bias else None
              for _ in range(2)]
    for name, param in zip(("weight_ih", "weight_hh", "bias_ih", "bias_hh"),
                           weights + biases, strict=True):
        if param is not None:
            setattr(module, name + suffix, param)
    return tuple(weights + biases)


def weights_of(module: Module, suffix: str) -> tuple:
    """The four parameters `add_weights` registered (read afresh: one may be replaced)."""
    found = module._parameters
    return (found["weight_ih" + suffix], found["weight_hh" + suffix],
            found.get("bias_ih" + suffix), found.get("bias_hh" + suffix))


def reset_uniform(module: Module, hidden_size: int, generator=None) -> None:
    """PyTorch's default: every weight and bias from U(−1/√hidden_size, 1/√hidden_size)."""
    bound = 1 / math.sqrt(hidden_size)
    for param in module.parameters():
        uniform_(param, -bound, bound, generator)


def check_sizes(who: str, input_size: int, hidden_size: int) -> None:
    for name, size in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1:
            raise ValueError(f"{who}: {name} must be a positive int, got {size!r}")


def as_input(who: str, value, dtype, input_size: int) -> Tensor:
    """The input as a Tensor whose last axis has ``input_size`` features."""
    x = value if isinstance(value, Tensor) and value.dtype.kind == "f" else \
        Tensor(value, dtype=dtype)  # numbers, arrays and int tensors take the weights' dtype
    if x.ndim == 0 or x.shape[-1] != input_size:
        features = "no feature axis" if x.ndim == 0 else f"{x.shape[-1]} features"
        raise ValueError(f"{who}: input has {features} but input_size is {input_size} "
                         f"(input shape {x.shape})")
    return x


def as_state(who: str, name: str, value, expected: tuple, layout: str, dtype) -> Tensor:
    """A given hidden or cell state as a Tensor of shape ``expected`` (named in errors)."""
    state = value if isinstance(value, Tensor) else Tensor(value, dtype=dtype)
    if state.shape != expected:
        raise ValueError(f"{who}: {name} has shape {state.shape} but expected {expected} "
                         f"= {layout}")
    return state


class _CellBase(Module):
    """What the three cells share: sizes, parameters, the input and state checks."""

    gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool, dtype, generator) -> None:
        super().__init__()
        who = type(self).__name__
        check_sizes(who, input_size, hidden_size)
        self.input_size, self.hidden_size, self.bias = int(input_size), int(hidden_size), bias
        dtype = np.float32 if dtype is None else dtype
        add_weights(self, input_size, hidden_size, self.gates, bias, "", dtype)
        reset_uniform(self, hidden_size, generator)
        self.slices = gate_slices(hidden_size, self.gates)

    @property
    def weights(self) -> tuple:
        """(weight_ih, weight_hh, bias_ih, bias_hh), the biases None without ``bias``."""
        return weights_of(self, "")

    def _input_and_state_shape(self, input) -> tuple[Tensor, tuple]:
        who = type(self).__name__
        x = as_input(who, input, self.weight_ih.dtype, self.input_size)
        if x.ndim > 2:
            raise ValueError(f"{who}: input must have 2 dimensions (batch, features) or 1 "
                             f"(features), got shape {x.shape}")
        return x, x.shape[:-1] + (self.hidden_size,)

    def _state(self, name: str, value, shape: tuple) -> Tensor:
        if value is None:
            return Tensor(np.zeros(shape, self.weight_ih.dtype), dtype=self.weight_ih.dtype)
        layout = "(batch, hidden_size)" if len(shape) == 2 else "(hidden_size,)"
        return as_state(type(self).__name__, name, value, shape, layout, self.weight_ih.dtype)

    def extra_repr(self) -> str:
        bias = "" if self.bias else ", bias=False"
        return f"{self.input_size}, {self.hidden_size}{bias}"


class RNNCell(_CellBase):
    """One step of an Elman RNN: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh).

    ``cell(x, h)`` with x of shape (batch, input_size) or (input_size,); h defaults to
    zeros. ``nonlinearity="relu"`` uses ReLU instead of tanh.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", dtype=None, generator=None) -> None:
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', "
                             f"got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, dtype, generator)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None) -> Tensor:
        x, shape = self._input_and_state_shape(input)
        h = self._state("hx", hx, shape)
        weight_ih, weight_hh, bias_ih, bias_hh = self.weights
        return rnn_step(F.linear(x, weight_ih, bias_ih), h, weight_hh, bias_hh,
                        self.nonlinearity)

    def extra_repr(self) -> str:
        relu = ", nonlinearity='relu'" if self.nonlinearity == "relu" else ""
        return super().extra_repr() + relu


class LSTMCell(_CellBase):
    """One step of an LSTM: gates i, f, g, o; c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').

    ``cell(x, (h, c))`` returns ``(h', c')``; the state defaults to zeros.
    """

    gates = 4

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype=None,
                 generator=None) -> None:
        super().__init__(input_size, hidden_size, bias, dtype, generator)

    def forward(self, input, hx=None) -> tuple[Tensor, Tensor]:
        x, shape = self._input_and_state_shape(input)
        if hx is None:
            hx = (None, None)
        elif not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise TypeError(f"LSTMCell: hx must be a pair (h, c), got {type(hx).__name__}")
        h, c = self._state("h", hx[0], shape), self._state("c", hx[1], shape)
        weight_ih, weight_hh, bias_ih, bias_hh = self.weights
        return lstm_step(F.linear(x, weight_ih, bias_ih), h, c, weight_hh, bias_hh, self.slices)


class GRUCell(_CellBase):
    """One step of a GRU: gates r, z, n; h' = (1 − z) ⊙ n + z ⊙ h (see `gru_step`)."""

    gates = 3

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype=None,
                 generator=None) -> None:
        super().__init__(input_size, hidden_size, bias, dtype, generator)

    def forward(self, input, hx=None) -> Tensor:
        x, shape = self._input_and_state_shape(input)
        h = self._state("hx", hx, shape)
        weight_ih, weight_hh, bias_ih, bias_hh = self.weights
        return gru_step(F.linear(x, weight_ih, bias_ih), h, weight_hh, bias_hh, self.slices)
