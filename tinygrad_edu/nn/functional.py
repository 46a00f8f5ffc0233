"""`tinygrad_edu.nn.functional` (``F``): the layers' math as plain functions.

A layer (``nn.Linear``) owns its parameters; the function (``F.linear``) is handed them.
The losses live in `losses` and are re-exported here, as in ``torch.nn.functional``.
"""

from __future__ import annotations

import numpy as np

from .. import ops
from ..autograd import Node
from ..tensor import Tensor
from ..tensor_conv import conv2d, fold, unfold
from ..tensor_math import unbroadcast
from ..tensor_pool import avg_pool2d, max_pool2d
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    nll_loss,
)

__all__ = [
    "linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "prelu", "softmax",
    "log_softmax", "dropout", "accuracy", "cross_entropy", "nll_loss", "mse_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits",
    # convolutions and pooling (tinygrad_edu.tensor_conv, tensor_pool)
    "conv2d", "max_pool2d", "avg_pool2d", "unfold", "fold", "dropout2d",
]


# ---- linear: y = x Wᵀ + b, one fused node ----


@ops.declare("linear", symbol="x Wᵀ + b",
             math="y = x Wᵀ + b: ∂L/∂x = upstream · W, ∂L/∂W = upstreamᵀ · x, ∂L/∂b = Σ upstream",
             local=("upstream @ {1}", "upstreamᵀ @ {0}", "upstream, summed over the rows b is "
                    "shared by"),
             local_ko=("upstream @ {1}", "upstreamᵀ @ {0}",
                       "b를 함께 쓰는 행들에 대해 합한 upstream"),
             forward=lambda args, x, weight, *bias: _linear_data(x, weight, *bias))
def _linear_rule(node, upstream):
    """y = x Wᵀ + b  ⇒  ∂L/∂x = upstream · W,  ∂L/∂W = upstreamᵀ · x,  ∂L/∂b = Σ_rows upstream
    (a bias with a row of its own for every row of x gets its own row of upstream)."""
    x, weight = node.parents[0], node.parents[1]
    out_features, in_features = weight.shape
    rows = upstream.reshape(-1, out_features)  # a batch of any rank, as rows (a free view)
    grad_x = (upstream @ weight.data) if x.requires_grad else None
    grad_weight = None
    if weight.requires_grad:
        inputs = x.data.reshape(-1, in_features)
        if isinstance(upstream, Node):  # create_graph: the same product, as a Tensor op
            grad_weight = rows.T @ inputs
        else:  # in the weight's own memory layout (see Linear): the update is one plain loop
            grad_weight = np.matmul(rows.T, inputs, out=np.empty_like(weight.data))
    if len(node.parents) == 2:
        return grad_x, grad_weight
    bias = node.parents[2]
    grad_bias = unbroadcast(upstream, bias.data.shape) if bias.requires_grad else None
    return grad_x, grad_weight, grad_bias


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` with ``weight`` of shape (out_features, in_features).

    One node instead of three (transpose, matmul, add), so a training step does no more
    array work than the same step written by hand in numpy. ``bias`` is usually of shape
    (out_features,); any shape that broadcasts to the result works (as the ``input`` of
    ``torch.addmm``): an RNN step adds its input's part x_t W_ihᵀ that way.
    """
    if not isinstance(input, Tensor):
        input = Tensor(input, dtype=weight.data.dtype)
    try:
        out = _linear_data(input.data, weight.data, None if bias is None else bias.data)
    except ValueError:
        if tuple(input.shape[-1:]) == tuple(weight.shape[1:]):
            raise  # the input fits: the bias did not (numpy's own words say how)
        raise ValueError(
            f"linear: input of shape {input.shape} does not fit a weight of shape "
            f"{weight.shape}: the input's last axis must have in_features = {weight.shape[1]}"
        ) from None
    if bias is None:
        return ops.apply(_linear_rule, out, (input, weight))
    return ops.apply(_linear_rule, out, (input, weight, bias))


def _linear_data(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None):
    out = x @ weight.T
    if bias is not None:
        out += bias  # in place: one array fewer than `out + bias`
    return out


# ---- activations (the Tensor methods, under PyTorch's function names) ----


def relu(input: Tensor) -> Tensor:
    """max(0, x)."""
    return input.relu()


def sigmoid(input: Tensor) -> Tensor:
    """σ(x) = 1 / (1 + e^-x)."""
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x)."""
    return input.tanh()


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, negative_slope · x elsewhere (the lecture's max(0.1x, x) has 0.1)."""
    return input.leaky_relu(negative_slope)


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """x where x > 0, α(eˣ - 1) elsewhere."""
    return input.elu(alpha)


def _channel_shape(who: str, input_shape: tuple, slopes_shape: tuple) -> tuple:
    """The shape that puts the slopes on axis 1 (the channels, as in PyTorch):
    (1, C, 1, ..., 1); () for a single shared slope."""
    size = int(np.prod(slopes_shape))
    if size == 1:
        return ()
    channels = input_shape[1] if len(input_shape) >= 2 else 1
    if len(slopes_shape) != 1 or channels != size:
        raise ValueError(
            f"{who}: {size} slopes but the input of shape {input_shape} has {channels} "
            "channels on axis 1; use num_parameters=1 or put the channels on axis 1"
        )
    return (1, size) + (1,) * (len(input_shape) - 2)


@ops.declare("prelu", symbol="PReLU", math="∂y/∂x = 1 if x > 0 else a,  ∂y/∂a = 0 if x > 0 else x",
             local=("1 if {0} > 0 else {1}", "0 if {0} > 0 else {0}"),
             local_ko=("{0} > 0이면 1, 아니면 {1}", "{0} ≤ 0인 곳은 {0}, 나머지는 0"),
             forward=lambda args, x, weight: _prelu_data(x, weight))
def _prelu_rule(node, upstream):
    """∂y/∂x = 1 where x > 0, else a;  ∂y/∂a = 0 where x > 0, else x (summed over all
    but the channel axis). The masks are steps of x (`ops.piecewise`), so the same
    arithmetic runs on arrays and, for create_graph, on Tensors that stay connected to x."""
    x, slope = node.parents
    view = _channel_shape("prelu", x.shape, slope.shape)
    raw = ops.data_of(x.data)
    positive = ops.piecewise((raw > 0).astype(raw.dtype), x.data)  # a step of x: slope 0
    negative = 1 - positive
    grad_x = grad_slope = None
    if x.requires_grad:
        slopes = slope.data.reshape(*view) if view else slope.data
        grad_x = upstream * positive + upstream * negative * slopes
    if slope.requires_grad:
        per_element = upstream * x.data * negative
        if view:
            axes = tuple(i for i, n in enumerate(view) if n == 1)
            grad_slope = per_element.sum(axis=axes).reshape(*slope.shape)
        else:
            grad_slope = per_element.sum().reshape(*slope.shape)
    return grad_x, grad_slope


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """Leaky ReLU whose slope ``weight`` is learned: x where x > 0, a · x elsewhere.

    ``weight`` has one slope for every element, or one per channel; as in PyTorch the
    channels are on axis 1: C of an (N, C) batch, of an (N, C, L) sequence, ...
    """
    return ops.apply(_prelu_rule, _prelu_data(input.data, weight.data), (input, weight))


def _prelu_data(x: np.ndarray, weight: np.ndarray) -> np.ndarray:
    slopes = weight.reshape(_channel_shape("prelu", x.shape, weight.shape))
    return np.where(x > 0, x, x * slopes)


def _axis_argument(axis, dim):
    return axis if dim is None else dim  # accept PyTorch's `dim=` too


def softmax(input: Tensor, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """softmax(x)_i = e^(x_i) / Σ_j e^(x_j), stable for any x."""
    return input.softmax(_axis_argument(axis, dim))


def log_softmax(input: Tensor, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """log softmax(x)_i = x_i - log Σ_j e^(x_j), stable for any x."""
    return input.log_softmax(_axis_argument(axis, dim))


# ---- dropout ----


def dropout(input: Tensor, p: float = 0.5, training: bool = True, generator=None) -> Tensor:
    """Inverted dropout: while training, zero each element with probability ``p`` and
    scale the survivors by 1/(1 - p); otherwise return the input unchanged.

    The scaling keeps the expected value of every unit the same in training and at test
    time, so the test-time network needs no change. The lecture's form does the
    opposite -- keep the survivors as they are while training and multiply every output
    by (1 - p) at test time -- which gives the same expected values.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p}")
    if not training or p == 0.0:
        return input
    source = np.random if generator is None else generator
    if p == 1.0:
        mask = np.zeros(input.shape, dtype=input.data.dtype)
    else:
        keep = source.random(input.shape) >= p
        mask = keep.astype(input.data.dtype) / input.data.dtype.type(1.0 - p)
    return input * Tensor(mask, dtype=input.data.dtype)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, generator=None) -> Tensor:
    """Channel dropout: while training, zero each whole channel of an (N, C, H, W) or
    (C, H, W) input with probability ``p`` and scale the kept channels by 1/(1 - p).

    Neighbouring pixels of a feature map are strongly correlated, so dropping single
    pixels barely regularises a conv net; dropping whole feature maps does
    (Tompson et al. 2015). Returns the input unchanged when not training.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout2d: p must be a probability in [0, 1], got {p}")
    if input.ndim not in (3, 4):
        raise ValueError(f"dropout2d: input must be (N, C, H, W) or (C, H, W), got shape "
                         f"{input.shape}")
    if not training or p == 0.0:
        return input
    source = np.random if generator is None else generator
    channels = input.shape[:-2] + (1, 1)  # one draw per (sample, channel)
    if p == 1.0:
        mask = np.zeros(channels, dtype=input.data.dtype)
    else:
        keep = source.random(channels) >= p
        mask = keep.astype(input.data.dtype) / input.data.dtype.type(1.0 - p)
    return input * Tensor(mask, dtype=input.data.dtype)


# ---- metrics ----


def accuracy(output, target, threshold: float = 0.5, reduction: str = "mean"):
    """Fraction of correct predictions, as a Python float.

    * ``output`` of shape (N, C) with C > 1: the predicted class is the arg-max of each
      row (logits or probabilities); ``target`` holds class indices or one-hot rows.
    * ``output`` of shape (N,) or (N, 1): binary; predicted 1 where output > threshold
      (0.5 for probabilities, pass 0 for logits); ``target`` holds 0/1. A list of
      Values (a scalar network's outputs, one per sample) counts as shape (N,).

    ``reduction="none"`` gives the per-sample array of 1.0 (right) and 0.0 (wrong).
    """
    # numpy only: no graph is built, so no grad mode to switch (it is not free per step)
    if isinstance(output, list | tuple):  # a scalar network's batch: one Value per row
        output = [float(getattr(value, "data", value)) for value in output]
    scores = np.asarray(output.data if isinstance(output, Tensor) else output)
    target = np.asarray(target.data if isinstance(target, Tensor) else target)
    if scores.ndim == 2 and scores.shape[1] > 1:
        predicted = scores.argmax(axis=1)
        if target.shape == scores.shape:
            target = target.argmax(axis=1)
    else:
        predicted = (scores > threshold).astype(np.int64)
        target = np.round(target).astype(np.int64)
    predicted, target = predicted.reshape(-1), target.reshape(-1)
    if predicted.shape != target.shape:
        raise ValueError(
            f"accuracy: {predicted.size} predictions (output shape {scores.shape}) but "
            f"{target.size} targets"
        )
    correct = predicted == target
    if reduction == "none":
        return correct.astype(np.float64)
    if reduction != "mean":
        raise ValueError(f"accuracy: reduction must be 'mean' or 'none', got {reduction!r}")
    return float(correct.mean())
