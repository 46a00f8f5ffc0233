"""Layers for images (NCHW, as PyTorch): Conv2d, MaxPool2d, AvgPool2d and Flatten.

BatchNorm2d and Dropout2d, which behave differently in training and evaluation, are in
`regularization`; the functions these layers call are in `functional` (``F.conv2d``...).

A LeNet-5-style network for 28×28 images, as the lecture builds it::

    model = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),     # 6 × 24 × 24 -> 6 × 12 × 12
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),    # 16 × 8 × 8 -> 16 × 4 × 4
        nn.Flatten(),                                       # 256
        nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ..tensor_conv import pair
from ..tensor_pool import pool_settings
from . import functional as F
from .init import init_weight_and_bias
from .module import Module, Parameter

__all__ = ["Conv2d", "MaxPool2d", "AvgPool2d", "Flatten"]


class Conv2d(Module):
    """A 2-D convolution: ``out_channels`` kernels of shape (in_channels, kH, kW) slide
    over the image, each giving one feature map; y = conv2d(x, weight) + bias.

    ``weight`` has shape (out_channels, in_channels, kH, kW) and ``bias``
    (out_channels,), as in PyTorch, so a state dict copied from PyTorch gives the same
    outputs. ``kernel_size``, ``stride``, ``padding`` and ``dilation`` are an int or a
    (rows, columns) pair; only ``groups=1`` is supported.

    Initialisation: PyTorch's default (``init="pytorch"``), kaiming_uniform with a = √5
    for the weight and U(±1/√fan_in) for the bias, both U(±1/√fan_in) with
    fan_in = in_channels · kH · kW; any scheme of ``nn.init.SCHEMES`` or a function
    works as for `Linear` ("he" for ReLU nets).

    A kernel sees all the channels of a small window, and the same kernel is used at
    every position: that sharing is why a conv layer has
    out·in·kH·kW + out parameters however large the image is.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1,
                 padding=0, dilation=1, groups: int = 1, bias: bool = True, init="pytorch",
                 dtype=None, generator=None) -> None:
        super().__init__()
        if groups != 1:
            raise ValueError(f"Conv2d: groups={groups!r} is not supported here (only groups=1)")
        for name, count in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(count, (int, np.integer)) or count < 1:
                raise ValueError(f"Conv2d: {name} must be a positive int, got {count!r}")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = pair("Conv2d", "kernel_size", kernel_size)
        self.stride = pair("Conv2d", "stride", stride)
        self.padding = pair("Conv2d", "padding", padding, 0)
        self.dilation = pair("Conv2d", "dilation", dilation)
        dtype = np.float32 if dtype is None else dtype
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        self.weight = Parameter(np.zeros(shape, dtype), dtype=dtype)
        self.bias = Parameter(np.zeros(self.out_channels, dtype), dtype=dtype) if bias else None
        init_weight_and_bias(self.weight, self.bias, init, generator)

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.bias is None:
            text += ", bias=False"
        return text


class MaxPool2d(Module):
    """The largest value of every window (``F.max_pool2d``): a feature counts if it was
    found anywhere in the window, which makes the output tolerant to small shifts.
    ``stride`` defaults to ``kernel_size``. Backward, each window's gradient goes to its
    maximum only (the first one, row by row, on ties, as PyTorch)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        pool_settings("MaxPool2d", kernel_size, stride, padding, dilation)  # refuse bad ones now

    def forward(self, x: Tensor) -> Tensor:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}")


class AvgPool2d(Module):
    """The mean of every window (``F.avg_pool2d``, padding counted as zeros, as
    PyTorch's default ``count_include_pad=True``). ``stride`` defaults to
    ``kernel_size``. Backward, each cell of a window gets an equal share."""

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        pool_settings("AvgPool2d", kernel_size, stride, padding)  # refuse bad settings now

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class Flatten(Module):
    """Merge the axes ``start_dim`` to ``end_dim`` into one: (N, C, H, W) -> (N, C·H·W)
    by default (the batch axis stays), between the conv layers and the Linear ones."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
