"""Restricted Boltzmann Machines and greedy layer-wise DBN pre-training (seeds 000, 004).

Before ReLU and Xavier/He initialisation (2006), deep sigmoid networks were trained in
two phases (Hinton et al., "A Fast Learning Algorithm for Deep Belief Nets"):

1. **Pre-training** -- look at two adjacent layers at a time as an RBM: a layer of
   visible units ``v`` (the input) and a layer of hidden units ``h``, with connections
   only *between* the layers. "Forward" turns the input into hidden activities,
   "backward" rebuilds the input from them, and the weights are adjusted until the
   rebuilt input looks like the real one -- an encoder/decoder pair with tied weights.
   The first RBM learns on the data, the second on the first one's hidden activities,
   and so on: the stack is a Deep Belief Net, and its weights initialise an MLP.
2. **Fine-tuning** -- ordinary backpropagation on the labelled data, starting from those
   weights (`tinygrad_edu.train.fit`).

The RBM here has binary (Bernoulli) units::

    p(h_j = 1 | v) = sigmoid(c_j + Σ_i W_ji v_i)      "forward"  (hidden_probabilities)
    p(v_i = 1 | h) = sigmoid(b_i + Σ_j W_ji h_j)      "backward" (visible_probabilities)

and learns by contrastive divergence (CD-k): the gradient of the log-likelihood is
approximately ``<v hᵀ>_data - <v hᵀ>_model``, where the "model" statistics come from
``k`` back-and-forth Gibbs steps started at the data. ``weight`` has the `Linear` layout
(hidden, visible) = (out_features, in_features), so it copies straight into a Linear.
"""

from __future__ import annotations

import numpy as np

from ..optim import SGD
from ..tensor import Tensor
from .arguments import whole_number
from .layers import Linear
from .module import Module, Parameter

__all__ = ["RBM", "pretrain_dbn"]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + e^-x), without overflow warnings


def _as_array(data) -> np.ndarray:
    return np.asarray(data.data if isinstance(data, Tensor) else data, dtype=np.float32)


class RBM(Module):
    """A Bernoulli-Bernoulli Restricted Boltzmann Machine trained by CD-``k``.

    >>> rbm = RBM(n_visible=64, n_hidden=32, seed=0)
    >>> errors = rbm.fit(X, epochs=10)          # X in [0, 1]; one error per epoch, falling

    Parameters: ``weight`` (n_hidden, n_visible), ``hidden_bias`` (n_hidden,),
    ``visible_bias`` (n_visible,). Weights start from N(0, 0.01²) and biases at zero,
    as Hinton's practical guide suggests. ``seed`` drives the weights and the sampling.
    """

    def __init__(self, n_visible: int, n_hidden: int, k: int = 1, seed: int | None = None,
                 dtype=None) -> None:
        super().__init__()
        n_visible = whole_number("RBM", "n_visible", n_visible)
        n_hidden = whole_number("RBM", "n_hidden", n_hidden)
        k = whole_number("RBM", "k (Gibbs steps per update)", k)
        self.n_visible, self.n_hidden, self.k = n_visible, n_hidden, k
        self.rng = np.random.default_rng(seed)
        self.weight = Parameter(self.rng.normal(0.0, 0.01, (n_hidden, n_visible)), dtype=dtype)
        self.hidden_bias = Parameter(np.zeros(n_hidden), dtype=dtype)
        self.visible_bias = Parameter(np.zeros(n_visible), dtype=dtype)

    def extra_repr(self) -> str:
        return f"n_visible={self.n_visible}, n_hidden={self.n_hidden}, k={self.k}"

    # ---- the two directions ----

    def hidden_probabilities(self, visible) -> np.ndarray:
        """Forward: p(h = 1 | v) = sigmoid(v Wᵀ + c), one row per sample."""
        return _sigmoid(_as_array(visible) @ self.weight.data.T + self.hidden_bias.data)

    def visible_probabilities(self, hidden) -> np.ndarray:
        """Backward: p(v = 1 | h) = sigmoid(h W + b), the reconstruction of the input."""
        return _sigmoid(_as_array(hidden) @ self.weight.data + self.visible_bias.data)

    def _sample(self, probabilities: np.ndarray) -> np.ndarray:
        """Binary states: 1 with the given probability."""
        return (self.rng.random(probabilities.shape) < probabilities).astype(probabilities.dtype)

    def forward(self, visible: Tensor) -> Tensor:
        """p(h = 1 | v) as a Tensor on the graph: the RBM used as a sigmoid layer."""
        if not isinstance(visible, Tensor):
            visible = Tensor(visible)
        return (visible @ self.weight.T + self.hidden_bias).sigmoid()

    def reconstruct(self, visible) -> np.ndarray:
        """Up and down once with probabilities (no sampling): v -> p(h|v) -> p(v|h)."""
        return self.visible_probabilities(self.hidden_probabilities(visible))

    def reconstruction_error(self, visible) -> float:
        """Mean squared difference between the input and its reconstruction."""
        visible = _as_array(visible)
        return float(np.mean((visible - self.reconstruct(visible)) ** 2))

    def free_energy(self, visible) -> np.ndarray:
        """F(v) = -v·b - Σ_j log(1 + e^(c_j + W_j·v)) per sample; p(v) ∝ e^(-F(v)), so
        training lowers the free energy of the data."""
        visible = _as_array(visible)
        activation = visible @ self.weight.data.T + self.hidden_bias.data
        return -(visible @ self.visible_bias.data) - np.logaddexp(0.0, activation).sum(axis=1)

    # ---- learning ----

    def contrastive_divergence(self, visible) -> float:
        """One CD-k estimate on a batch, written into the parameters' ``.grad``.

        The estimate points *down* the log-likelihood (``-(data - model)``), as a loss
        gradient does, so any optimizer's ``step()`` then climbs the likelihood.
        Returns the batch's reconstruction error (mean squared, first Gibbs step).
        """
        v_data = _as_array(visible)
        h_data = self.hidden_probabilities(v_data)  # positive phase: driven by the data
        hidden = self._sample(h_data)
        for step in range(self.k):  # negative phase: let the model dream k steps
            v_model = self.visible_probabilities(hidden)
            if step == 0:
                error = float(np.mean((v_data - v_model) ** 2))
            h_model = self.hidden_probabilities(v_model)
            hidden = self._sample(h_model)
        n = len(v_data)
        # Mean-field probabilities instead of sampled states where that only removes noise.
        self.weight.grad = -((h_data.T @ v_data) - (h_model.T @ v_model)) / n
        self.hidden_bias.grad = -(h_data - h_model).mean(axis=0)
        self.visible_bias.grad = -(v_data - v_model).mean(axis=0)
        for parameter in (self.weight, self.hidden_bias, self.visible_bias):
            parameter.grad = parameter.grad.astype(parameter.data.dtype)
        return error

    def fit(self, data, epochs: int = 10, batch_size: int = 32, lr: float = 0.1,
            momentum: float = 0.5, weight_decay: float = 0.0, optimizer=None,
            shuffle: bool = True) -> list[float]:
        """Train on ``data`` (rows of values in [0, 1]) with CD-k and an optimizer
        (default: SGD with ``lr``, ``momentum``, ``weight_decay``). Returns the mean
        reconstruction error of each epoch, also kept in ``self.reconstruction_errors``."""
        data = _as_array(data)
        if data.ndim != 2 or data.shape[1] != self.n_visible:
            raise ValueError(f"RBM.fit: data must have shape (samples, {self.n_visible}), "
                             f"got {data.shape}")
        if data.min() < 0 or data.max() > 1:
            raise ValueError("RBM.fit: a Bernoulli RBM needs values in [0, 1]; scale the data "
                             f"first (found {data.min():.3g} .. {data.max():.3g})")
        if optimizer is None:
            optimizer = SGD(self.parameters(), lr=lr, momentum=momentum,
                            weight_decay=weight_decay)
        self.reconstruction_errors = []
        for _ in range(epochs):
            order = self.rng.permutation(len(data)) if shuffle else np.arange(len(data))
            total = 0.0
            for start in range(0, len(data), batch_size):
                batch = data[order[start:start + batch_size]]
                optimizer.zero_grad()
                total += self.contrastive_divergence(batch) * len(batch)
                optimizer.step()
            self.reconstruction_errors.append(total / len(data))
        return self.reconstruction_errors


def pretrain_dbn(model: Module, data, epochs: int = 10, batch_size: int = 32,
                 lr: float = 0.1, momentum: float = 0.5, k: int = 1, layers: int | None = None,
                 seed: int = 0) -> list[RBM]:
    """Greedy layer-wise pre-training: initialise ``model``'s Linear layers as a DBN.

    The first ``layers`` Linear layers of ``model`` (default: all but the last, which
    is the output layer that fine-tuning learns from the labels), in definition order,
    are each trained as an RBM -- the first on ``data``, every next one on the hidden
    probabilities of the one before -- and receive its ``weight`` and ``hidden_bias``.
    The model should use sigmoid activations between those layers, as a DBN does.
    Returns the trained RBMs (each with its ``reconstruction_errors``). Then fine-tune
    with backprop, e.g. ``train.fit(model, F.cross_entropy, optimizer, loader)``.
    """
    linears = [module for module in model.modules() if isinstance(module, Linear)]
    count = len(linears) - 1 if layers is None else layers
    if not 0 <= count <= len(linears):
        raise ValueError(f"pretrain_dbn: the model has {len(linears)} Linear layers; cannot "
                         f"pre-train {count}")
    representation = _as_array(data)
    rbms = []
    for index, linear in enumerate(linears[:count]):
        if representation.shape[1] != linear.in_features:
            raise ValueError(f"pretrain_dbn: Linear layer {index} expects {linear.in_features} "
                             f"inputs but receives {representation.shape[1]}")
        rbm = RBM(linear.in_features, linear.out_features, k=k, seed=seed + index,
                  dtype=linear.weight.dtype)
        rbm.fit(representation, epochs=epochs, batch_size=batch_size, lr=lr, momentum=momentum)
        linear.weight.data[...] = rbm.weight.data
        if linear.bias is not None:
            linear.bias.data[...] = rbm.hidden_bias.data
        representation = rbm.hidden_probabilities(representation)  # the next RBM's input
        rbms.append(rbm)
    return rbms
