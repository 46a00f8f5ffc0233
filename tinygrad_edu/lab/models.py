"""The networks the experiments train, and the minibatch loop most of them share.

`train_classifier` counts *steps*, not epochs (the lecture's budgets are in steps), and
draws its batches in a seeded order; each step is the library's `train_step`. Accuracy
and predictions are the library's too: ``F.accuracy(predict(model, x), y)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import nn
from ..nn import functional as F
from ..tensor import Tensor
from ..train import train_step

__all__ = ["ACTIVATIONS", "mlp", "linear_layers", "initialise", "train_classifier"]

# name -> factory of the activation module that follows each hidden Linear layer
ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "sigmoid": lambda: nn.Sigmoid(),
    "tanh": lambda: nn.Tanh(),
    "relu": lambda: nn.ReLU(),
    "leaky_relu": lambda: nn.LeakyReLU(0.1),
    "prelu": lambda: nn.PReLU(),
    "elu": lambda: nn.ELU(),
}


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The model's Linear layers, input side first."""
    return [module for module in model.modules() if isinstance(module, nn.Linear)]


def initialise(model: nn.Module, scheme: str, rng: np.random.Generator) -> None:
    """Re-initialise every Linear weight with ``scheme`` and zero every bias (except with
    ``"uniform:A"``, which draws the biases too).

    ``"xavier"`` (std 1/√fan_in, the lecture's form), ``"he"`` (std √(2/fan_in)),
    ``"zeros"``, ``"uniform:A"`` (U(-A, A) for weights and biases, as the lecture's
    TensorFlow code) or ``"normal:STD"`` (N(0, STD²)); ``"default"`` keeps the layer's
    own initialisation (PyTorch's U(-1/√fan_in, 1/√fan_in)).
    """
    if scheme == "default":
        return
    for layer in linear_layers(model):
        if scheme == "xavier":
            nn.init.xavier_(layer.weight, generator=rng)
        elif scheme == "he":
            nn.init.he_(layer.weight, generator=rng)
        elif scheme == "zeros":
            nn.init.zeros_(layer.weight)
        elif scheme.startswith("normal:"):
            nn.init.normal_(layer.weight, std=float(scheme.split(":")[1]), generator=rng)
        elif scheme.startswith("uniform:"):
            bound = float(scheme.split(":")[1])
            nn.init.uniform_(layer.weight, -bound, bound, generator=rng)
            if layer.bias is not None:  # the lecture's code draws its biases the same way
                nn.init.uniform_(layer.bias, -bound, bound, generator=rng)
            continue
        else:
            raise ValueError(f"lab: unknown initialisation {scheme!r}")
        if layer.bias is not None:
            nn.init.zeros_(layer.bias)


def mlp(sizes: list[int], activation: str = "relu", init: str = "he", seed: int = 0,
        output: str | None = None, batch_norm: bool = False, dropout: float = 0.0) -> nn.Sequential:
    """A fully connected net: ``sizes = [inputs, hidden..., outputs]``.

    Each hidden layer is Linear → (BatchNorm1d) → activation → (Dropout). ``output``
    is ``None`` for logits or ``"sigmoid"`` for a probability. ``activation="maxout"``
    replaces each Linear + activation by a two-piece Maxout layer.
    """
    rng = np.random.default_rng(seed)
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1], strict=True):
        if activation == "maxout":
            layers.append(nn.Maxout(fan_in, fan_out, pieces=2, generator=rng))
        else:
            layers.append(nn.Linear(fan_in, fan_out, generator=rng))
            if batch_norm:
                layers.append(nn.BatchNorm1d(fan_out))
            layers.append(ACTIVATIONS[activation]())
        if dropout:
            layers.append(nn.Dropout(dropout, generator=rng))
    layers.append(nn.Linear(sizes[-2], sizes[-1], generator=rng))
    if output == "sigmoid":
        layers.append(nn.Sigmoid())
    model = nn.Sequential(*layers)
    initialise(model, init, rng)
    return model


def train_classifier(model: nn.Module, optimizer, x: np.ndarray, y: np.ndarray, steps: int,
                     batch_size: int = 100, seed: int = 0, eval_every: int = 0,
                     evaluate: Callable[[nn.Module], dict] | None = None) -> dict:
    """Minibatch training with softmax cross-entropy for ``steps`` updates.

    Batches are drawn without replacement, epoch after epoch, in an order fixed by
    ``seed``. Returns ``{"loss": [one per step], "evals": [(step, evaluate(model)), ...]}``;
    ``evaluate`` runs before the first step and every ``eval_every`` steps after.
    """
    rng = np.random.default_rng(seed)
    batch_size = min(batch_size, len(x))
    losses: list[float] = []
    evals: list[tuple[int, dict]] = []
    order = rng.permutation(len(x))
    cursor = 0
    model.train()
    for step in range(steps):
        if evaluate is not None and eval_every and step % eval_every == 0:
            evals.append((step, evaluate(model)))
        if cursor + batch_size > len(x):
            order, cursor = rng.permutation(len(x)), 0
        batch = order[cursor:cursor + batch_size]
        cursor += batch_size
        _, loss = train_step(model, F.cross_entropy, optimizer, Tensor(x[batch]), y[batch])
        value = loss.item()
        losses.append(value if np.isfinite(value) else float("nan"))
    if evaluate is not None and eval_every:
        evals.append((steps, evaluate(model)))
    return {"loss": losses, "evals": evals}
