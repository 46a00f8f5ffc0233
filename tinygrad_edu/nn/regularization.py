"""Layers that behave differently while training and at test time: Dropout, Dropout2d,
BatchNorm1d and BatchNorm2d.

``model.train()`` and ``model.eval()`` switch every such layer of a model at once.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from . import functional as F
from .arguments import real_number, whole_number
from .module import Module, Parameter

__all__ = ["Dropout", "Dropout2d", "BatchNorm1d", "BatchNorm2d"]


class Dropout(Module):
    """Randomly switch off units while training (Srivastava et al. 2014).

    Each forward pass in training mode zeroes every element with probability ``p`` and
    scales the survivors by 1/(1 - p) ("inverted" dropout); in eval mode it returns its
    input unchanged. Every step trains a different thinned network, so the whole works
    like an ensemble of many networks that share weights.

    The lecture's version is not inverted: it keeps the survivors unscaled while
    training and multiplies every output by (1 - p) at test time. Both give each unit
    the same expected value in training and test; the inverted form leaves the test-time
    network untouched, which is why PyTorch and this library use it.
    """

    def __init__(self, p: float = 0.5, generator=None) -> None:
        super().__init__()
        self.p = real_number("Dropout", "p (a probability)", p, 0.0, 1.0)
        self.generator = generator

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training, self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Dropout2d(Module):
    """Switch off whole channels (feature maps) while training: each (sample, channel)
    of an (N, C, H, W) input is zeroed with probability ``p`` and the kept ones are
    scaled by 1/(1 - p) (inverted, as `Dropout`); in eval mode the input passes
    unchanged. Neighbouring pixels of a feature map are nearly equal, so dropping
    single pixels hides little; dropping a whole map does (Tompson et al. 2015)."""

    def __init__(self, p: float = 0.5, generator=None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout2d: p must be a probability in [0, 1], got {p}")
        self.p = p
        self.generator = generator

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout2d(x, self.p, self.training, self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share: γ and β, the running statistics and their
    update, train/eval. A subclass says which axes hold the samples (`_axes_and_shape`)."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, dtype=None) -> None:
        super().__init__()
        num_features = whole_number("BatchNorm1d", "num_features", num_features)
        eps = real_number("BatchNorm1d", "eps", eps, 0.0, above_low=True)
        if momentum is not None:
            momentum = real_number("BatchNorm1d", "momentum", momentum, 0.0, 1.0)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features), dtype=dtype)  # γ
            self.bias = Parameter(np.zeros(num_features), dtype=dtype)  # β
        else:
            self.weight = self.bias = None
        float_type = self.weight.dtype if affine else np.dtype(dtype or np.float32)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=float_type))
            self.register_buffer("running_var", np.ones(num_features, dtype=float_type))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))

    def _axes_and_shape(self, x: Tensor) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Axes to average over, and the shape that lines a (C,) vector up with x."""
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        axes, line_up = self._axes_and_shape(x)
        use_batch = self.training or not self.track_running_stats
        if use_batch:
            count = int(np.prod([x.shape[axis] for axis in axes]))
            if count < 2:
                raise ValueError(
                    f"{type(self).__name__}: training needs more than one value per feature "
                    f"to compute a variance, got input of shape {x.shape} (use eval() for single "
                    "samples)"
                )
            mean = x.mean(axis=axes, keepdims=True)  # μ_B
            centred = x - mean
            variance = (centred * centred).mean(axis=axes, keepdims=True)  # σ²_B
            normalised = centred / (variance + self.eps).sqrt()  # x̂
            if self.training and self.track_running_stats:
                self._update_running_stats(mean.data, variance.data, count)
        else:
            mean = self.running_mean.reshape(line_up)
            std = np.sqrt(self.running_var.reshape(line_up) + self.eps)
            normalised = (x - Tensor(mean, dtype=x.dtype)) / Tensor(std, dtype=x.dtype)
        if not self.affine:
            return normalised
        return normalised * self.weight.reshape(line_up) + self.bias.reshape(line_up)  # γ x̂ + β

    def _update_running_stats(self, mean: np.ndarray, variance: np.ndarray, count: int) -> None:
        self.num_batches_tracked = np.array(self.num_batches_tracked + 1)
        if self.momentum is None:  # cumulative average of all batches so far
            factor = 1.0 / float(self.num_batches_tracked)
        else:
            factor = self.momentum
        unbiased = variance.reshape(-1) * (count / (count - 1))
        # new arrays rather than in-place updates: a state_dict() snapshot stays as it was
        self.running_mean = ((1 - factor) * self.running_mean + factor * mean.reshape(-1)).astype(
            self.running_mean.dtype)
        self.running_var = ((1 - factor) * self.running_var + factor * unbiased).astype(
            self.running_var.dtype)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation (Ioffe & Szegedy 2015) over the features of a batch.

    In training mode, for each feature, over the m samples of the mini-batch::

        μ_B  = (1/m) Σ x_i                     batch mean
        σ²_B = (1/m) Σ (x_i - μ_B)²            batch variance (biased)
        x̂_i  = (x_i - μ_B) / √(σ²_B + ε)       normalised: mean 0, variance 1
        y_i  = γ x̂_i + β                       learnable scale γ and shift β

    built from Tensor ops, so the gradient flows through μ_B and σ²_B as well. It also
    keeps running estimates for evaluation (PyTorch's rule, which stores the *unbiased*
    batch variance, m/(m-1) σ²_B)::

        running_mean ← (1 - momentum) running_mean + momentum μ_B
        running_var  ← (1 - momentum) running_var  + momentum m/(m-1) σ²_B

    In eval mode it normalises with running_mean and running_var instead, so a single
    sample gets the same answer whatever else is in its batch. ``momentum=None`` uses a
    plain average over all batches seen. Input: (N, C), or (N, C, L) with statistics
    over N and L.
    """

    def _axes_and_shape(self, x: Tensor) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if x.ndim == 2 and x.shape[1] == self.num_features:
            return (0,), (1, self.num_features)
        if x.ndim == 3 and x.shape[1] == self.num_features:
            return (0, 2), (1, self.num_features, 1)
        raise ValueError(
            f"BatchNorm1d: expected input of shape (N, {self.num_features}) or "
            f"(N, {self.num_features}, L), got {x.shape}"
        )


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of images (N, C, H, W): one mean and variance per channel,
    over the batch and every position (N·H·W values), so a feature map is normalised
    the same way wherever it is. Everything else -- γ and β, the running statistics and
    their momentum, eval mode -- is `BatchNorm1d`'s (and PyTorch's)."""

    def _axes_and_shape(self, x: Tensor) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if x.ndim == 4 and x.shape[1] == self.num_features:
            return (0, 2, 3), (1, self.num_features, 1, 1)
        raise ValueError(f"BatchNorm2d: expected input of shape (N, {self.num_features}, H, W), "
                         f"got {x.shape}")
