"""Recurrent layers over whole sequences -- `RNN`, `LSTM`, `GRU` -- as in ``torch.nn``.

The layer unrolls its cell over time in a plain Python loop: step t takes the input
x_t and the previous state h_{t-1} and makes h_t with the same weights as every other
step (`nn.recurrent_cells`). So the graph is the unrolled network the lecture draws,
and backpropagation through it is backpropagation through time: W_hh's gradient is a
sum of one contribution per step, and h_t receives gradient both from its own output
and from step t + 1.

Parameters are PyTorch's: ``weight_ih_l{k}`` (gates·hidden, input of layer k),
``weight_hh_l{k}`` (gates·hidden, hidden), ``bias_ih_l{k}``, ``bias_hh_l{k}`` for
layers k = 0, 1, ...; all start from U(−1/√hidden, 1/√hidden). Shapes are PyTorch's:
input (L, N, H_in) -- (N, L, H_in) with ``batch_first`` -- or (L, H_in) for one
unbatched sequence; states (num_layers, N, hidden) or (num_layers, hidden).

Every node a step makes is labelled with its time step (`step_label`): ``h_3``, ``c_3``
and the gates ``i_3 f_3 g_3 o_3`` (LSTM) or ``r_3 z_3 n_3`` (GRU) for step 3 of a
one-layer network, ``h_3_l1`` in layer 1 of a stacked one; the initial state is
``h_0``. `time_steps` assigns every node of a graph to its step.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from ..autograd import Node
from ..tensor import Tensor
from ..tensor_functions import stack
from . import functional as F
from .module import Module
from .recurrent_cells import (
    NONLINEARITIES,
    add_weights,
    as_input,
    as_state,
    check_sizes,
    gate_slices,
    gru_step,
    lstm_step,
    reset_uniform,
    rnn_step,
    weights_of,
)

__all__ = ["RNN", "LSTM", "GRU", "StepLabel", "step_label", "parse_step_label", "time_steps"]


# ---- labels: which time step (and layer) made a node ----


class StepLabel(NamedTuple):
    """A parsed step label: ``name`` ("h", "c", "i", ...), time ``step`` (0 is the initial
    state, 1 … T the steps) and ``layer`` (0 for the first or only one)."""

    name: str
    step: int
    layer: int


_STEP_LABEL = re.compile(r"([a-z]+)_(\d+)(?:_l(\d+))?")


def step_label(name: str, step: int, layer: int = 0, num_layers: int = 1) -> str:
    """``h_3``; ``h_3_l1`` in a stacked network (the suffix PyTorch's parameter names use)."""
    return f"{name}_{step}_l{layer}" if num_layers > 1 else f"{name}_{step}"


def parse_step_label(label: str) -> StepLabel | None:
    """``"c_3_l1"`` -> StepLabel("c", 3, 1); None for a label no recurrent layer made."""
    found = _STEP_LABEL.fullmatch(label or "")
    if found is None:
        return None
    name, step, layer = found.groups()
    return StepLabel(name, int(step), int(layer or 0))


def time_steps(order: list[Node]) -> list[tuple[int, int] | None]:
    """``(step, layer)`` for each node of ``order`` (a topological order, e.g.
    `topo_order(loss)`), or None for a node of no single step.

    A node with a step label has its step. Any other node belongs to the step of its
    consumers when they all belong to one step (the slices, products and sums inside a
    cell, the input x_t), and to none otherwise: the weights, used at every step, the
    stacked output, the loss.
    """
    position = {id(node): k for k, node in enumerate(order)}
    consumers: list[list[int]] = [[] for _ in order]
    for k, node in enumerate(order):
        for parent in node.parents:
            if id(parent) in position:
                consumers[position[id(parent)]].append(k)
    steps: list[tuple[int, int] | None] = [None] * len(order)
    for k in range(len(order) - 1, -1, -1):  # consumers come after their parents
        parsed = parse_step_label(order[k].label) if order[k].label else None
        if parsed is not None:
            steps[k] = (parsed.step, parsed.layer)
        elif consumers[k] and not order[k].label:
            found = {steps[j] for j in consumers[k]}
            if len(found) == 1:
                steps[k] = found.pop()
    return steps


# ---- the layers ----


class _RecurrentBase(Module):
    """What RNN, LSTM and GRU share: the stacked parameters, the checks of the input and
    the initial state, and the loop over layers and time steps."""

    gates = 1
    holds_cell_state = False

    def __init__(self, input_size: int, hidden_size: int, num_layers: int, bias: bool,
                 batch_first: bool, dropout: float, bidirectional: bool, dtype,
                 generator) -> None:
        super().__init__()
        who = type(self).__name__
        check_sizes(who, input_size, hidden_size)
        if not isinstance(num_layers, (int, np.integer)) or num_layers < 1:
            raise ValueError(f"{who}: num_layers must be a positive int, got {num_layers!r}")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"{who}: dropout must be a probability in [0, 1], got {dropout}")
        if bidirectional:
            raise ValueError(f"{who}: bidirectional=True is not supported; run a second "
                             "layer on the reversed sequence (x.flip(0)) and cat the outputs")
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.num_layers, self.bias, self.batch_first = int(num_layers), bool(bias), batch_first
        self.dropout, self.bidirectional = float(dropout), False
        dtype = np.float32 if dtype is None else dtype
        for layer in range(self.num_layers):
            size = self.input_size if layer == 0 else self.hidden_size
            add_weights(self, size, self.hidden_size, self.gates, self.bias, f"_l{layer}", dtype)
        reset_uniform(self, self.hidden_size, generator)
        self.slices = gate_slices(self.hidden_size, self.gates)

    @property
    def all_weights(self) -> list[list[Tensor]]:
        """[weight_ih, weight_hh, bias_ih, bias_hh] of every layer (PyTorch's name)."""
        return [[p for p in weights_of(self, f"_l{layer}") if p is not None]
                for layer in range(self.num_layers)]

    def forward(self, input, hx=None):
        """``(output, h_n)`` -- ``(output, (h_n, c_n))`` for the LSTM. ``output`` holds
        the last layer's h_t for every t; ``h_n`` every layer's state after the last step."""
        who = type(self).__name__
        dtype = self.weight_ih_l0.dtype
        x = as_input(who, input, dtype, self.input_size)
        if x.ndim not in (2, 3):
            order = "(batch, sequence, features)" if self.batch_first else \
                "(sequence, batch, features)"
            raise ValueError(f"{who}: input must have 3 dimensions {order} or 2 (sequence, "
                             f"features) for one unbatched sequence; got shape {x.shape}")
        batched = x.ndim == 3
        time_axis = 1 if batched and self.batch_first else 0
        length = x.shape[time_axis]
        if length == 0:
            raise ValueError(f"{who}: the input sequence is empty (shape {x.shape})")
        state_shape = (self.num_layers,) + ((x.shape[1 - time_axis],) if batched else ()) + (
            self.hidden_size,)
        states = self._initial_states(hx, state_shape, dtype)
        layer_input, finals = x, []
        for layer in range(self.num_layers):
            outputs, last = self._run_layer(layer, layer_input, time_axis,
                                            [state[layer] for state in states])
            finals.append(last)
            layer_input = stack(outputs, axis=time_axis)  # the next layer's x_1 … x_T
            if layer < self.num_layers - 1:
                layer_input.label = f"h_l{layer}"
                if self.training and self.dropout > 0:
                    layer_input = F.dropout(layer_input, self.dropout)
        h_n = stack([last[0] for last in finals])
        h_n.label = "h_n"
        if not self.holds_cell_state:
            return layer_input, h_n
        c_n = stack([last[1] for last in finals])
        c_n.label = "c_n"
        return layer_input, (h_n, c_n)

    def _initial_states(self, hx, shape: tuple, dtype) -> list[list[Tensor]]:
        """h0 (and c0) of every layer, labelled h_0 (c_0): zeros unless given."""
        who = type(self).__name__
        names = ("h0", "c0") if self.holds_cell_state else ("h0",)
        if hx is None:
            given = [None] * len(names)
        elif self.holds_cell_state:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"{who}: hx must be a pair (h0, c0), got {type(hx).__name__}")
            given = list(hx)
        else:
            given = [hx]
        layout = "(num_layers, batch, hidden_size)" if len(shape) == 3 else \
            "(num_layers, hidden_size)"
        states = []
        for name, value in zip(names, given, strict=True):
            if value is None:
                per_layer = [Tensor(np.zeros(shape[1:], dtype), dtype=dtype)
                             for _ in range(self.num_layers)]
            else:
                state = as_state(who, name, value, shape, layout, dtype)
                per_layer = [state[layer] for layer in range(self.num_layers)]
            for layer, tensor in enumerate(per_layer):
                tensor.label = step_label(name[0], 0, layer, self.num_layers)
            states.append(per_layer)
        return states

    def _run_layer(self, layer: int, x: Tensor, time_axis: int, state: list[Tensor]):
        """Unroll one layer over the sequence ``x``; returns h_1 … h_T and the last state.

        The input's part of every step, x_t W_ihᵀ + b, is one matrix product over the
        whole sequence (as PyTorch does on the CPU); each step then reads its slice of
        it, labelled wx_t, and does the one product that must wait for h_{t-1}."""
        weight_ih, weight_hh, bias_ih, bias_hh = weights_of(self, f"_l{layer}")
        in_layer = "" if self.num_layers == 1 else f"_l{layer}"
        if self.gates != 3 and bias_ih is not None:
            # RNN and LSTM add both biases to the same sum: add them once, not per step
            bias_ih = bias_ih + bias_hh
            bias_ih.label, bias_hh = "b" + in_layer, None
        projected = F.linear(x, weight_ih, bias_ih)
        projected.label = "wx" + in_layer
        before = (slice(None),) * time_axis
        outputs = []
        for t in range(1, x.shape[time_axis] + 1):
            from_input = projected[before + (t - 1,)]
            suffix = step_label("", t, layer, self.num_layers)
            from_input.label = "wx" + suffix
            state = self._step(from_input, state, weight_hh, bias_hh, suffix)
            outputs.append(state[0])
        return outputs, state

    def _step(self, from_input: Tensor, state: list, weight_hh: Tensor,
              bias_hh: Tensor | None, suffix: str) -> list[Tensor]:
        raise NotImplementedError

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        return text


class RNN(_RecurrentBase):
    """An Elman RNN: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh), stacked
    ``num_layers`` deep (layer k + 1 reads layer k's h_t as its x_t).

    ``rnn(x, h0=None)`` returns ``(output, h_n)``: output (L, N, hidden) -- h_t of the
    last layer at every step -- and h_n (num_layers, N, hidden). ``dropout`` zeroes
    the outputs of every layer but the last while training.

    >>> rnn = RNN(3, 5, num_layers=2)
    >>> output, h_n = rnn(np.zeros((7, 2, 3)))   # 7 steps, a batch of 2
    >>> output.shape, h_n.shape
    ((7, 2, 5), (2, 2, 5))
    >>> [name for name, _ in rnn.named_parameters()][:4]
    ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, dtype=None,
                 generator=None) -> None:
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype, generator)
        self.nonlinearity = nonlinearity

    def _step(self, from_input, state, weight_hh, bias_hh, suffix):
        return [rnn_step(from_input, state[0], weight_hh, bias_hh, self.nonlinearity, suffix)]

    def extra_repr(self) -> str:
        relu = ", nonlinearity='relu'" if self.nonlinearity == "relu" else ""
        return super().extra_repr() + relu


class LSTM(_RecurrentBase):
    """A long short-term memory network (gates i, f, g, o as in `LSTMCell`), stacked
    ``num_layers`` deep. The cell state c_t carries information along the sequence
    through a product with the forget gate at each step, not through a matrix.

    ``lstm(x, (h0, c0)=None)`` returns ``(output, (h_n, c_n))``.
    """

    gates = 4
    holds_cell_state = True

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, dtype=None, generator=None) -> None:
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype, generator)

    def _step(self, from_input, state, weight_hh, bias_hh, suffix):
        return list(lstm_step(from_input, state[0], state[1], weight_hh, bias_hh, self.slices,
                              suffix))


class GRU(_RecurrentBase):
    """A gated recurrent unit network (gates r, z, n as in `GRUCell`), stacked
    ``num_layers`` deep. ``gru(x, h0=None)`` returns ``(output, h_n)``."""

    gates = 3

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, dtype=None, generator=None) -> None:
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype, generator)

    def _step(self, from_input, state, weight_hh, bias_hh, suffix):
        return [gru_step(from_input, state[0], weight_hh, bias_hh, self.slices, suffix)]
