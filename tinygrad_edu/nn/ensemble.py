"""Model ensembles: train several networks independently, average what they predict.

Lecture 10: each model makes different mistakes, so the average of their predicted
probabilities is usually more accurate than any one of them (a few percent on MNIST
in the lecture). Dropout is a cheap ensemble inside a single network.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..autograd import no_grad
from ..tensor import Tensor
from .layers import ModuleList
from .module import Module

__all__ = ["Ensemble", "average_probabilities"]

_TO_PROBABILITIES = ("softmax", "sigmoid", "none")


def _probabilities(output: Tensor, to_probabilities: str) -> Tensor:
    if to_probabilities == "softmax":
        return output.softmax(axis=-1)
    if to_probabilities == "sigmoid":
        return output.sigmoid()
    return output


class Ensemble(Module):
    """Several models as one: ``forward(x)`` is the mean of their probabilities,

        p(y | x) = (1/K) Σ_k p_k(y | x)

    ``to_probabilities`` says how to read each model's output: "softmax" for logits of a
    multi-class model (default), "sigmoid" for the logit of a binary model, "none" when
    the models already output probabilities. The members are registered ("0.weight",
    ...), so ``train()``, ``eval()``, ``state_dict()`` and ``save()`` cover all of them.
    """

    def __init__(self, models: Sequence[Module], to_probabilities: str = "softmax") -> None:
        super().__init__()
        if to_probabilities not in _TO_PROBABILITIES:
            raise ValueError(
                f"Ensemble: to_probabilities must be one of {_TO_PROBABILITIES}, "
                f"got {to_probabilities!r}"
            )
        if len(models) == 0:
            raise ValueError("Ensemble: needs at least one model")
        self.models = ModuleList(models)
        self.to_probabilities = to_probabilities

    def forward(self, x: Tensor) -> Tensor:
        total = None
        for model in self.models:
            probabilities = _probabilities(model(x), self.to_probabilities)
            total = probabilities if total is None else total + probabilities
        return total / len(self.models)

    def extra_repr(self) -> str:
        return f"to_probabilities={self.to_probabilities!r}"


def average_probabilities(models: Sequence[Module], x, to_probabilities: str = "softmax"
                          ) -> np.ndarray:
    """The ensemble's predicted probabilities for ``x`` as an array, computed in eval
    mode without building a graph (each model's mode is restored afterwards)."""
    modes = [model.training for model in models]
    ensemble = Ensemble(models, to_probabilities)
    try:
        ensemble.eval()
        with no_grad():
            return ensemble(x if isinstance(x, Tensor) else Tensor(x)).data
    finally:
        for model, mode in zip(models, modes, strict=True):
            model.train(mode)
