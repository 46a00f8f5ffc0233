"""`Embedding`: a table of learned vectors, one row per token, looked up by index.

Looking up row k is the same as multiplying a one-hot vector (1 at position k) by the
weight matrix, without building the one-hot vector: ``weight[indices]``, the engine's own
indexing op. Its rule puts each upstream row back into the row it was read from, so a
token that appears several times in a batch collects the sum of its gradients.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ..tensor_functions import where
from . import init
from .module import Module, Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """``Embedding(num_embeddings, embedding_dim)``: ``weight`` of shape (num_embeddings,
    embedding_dim), initialised from N(0, 1) as in PyTorch.

    The input holds integer indices of any shape; the output has that shape plus one
    axis of ``embedding_dim``. With ``padding_idx`` that row starts at zero and gets no
    gradient (a padding token stays a zero vector while the others learn).

    >>> import numpy as np
    >>> table = Embedding(4, 2)
    >>> table(np.array([[0, 3, 3]])).shape
    (1, 3, 2)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 dtype=None, generator=None) -> None:
        super().__init__()
        for name, size in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if not isinstance(size, (int, np.integer)) or size < 1:
                raise ValueError(f"Embedding: {name} must be a positive int, got {size!r}")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} is out of range for "
                                 f"num_embeddings = {num_embeddings}")
            padding_idx = int(padding_idx) % num_embeddings  # PyTorch keeps it non-negative
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.padding_idx = padding_idx
        dtype = np.float32 if dtype is None else dtype
        self.weight = Parameter(np.zeros((num_embeddings, embedding_dim), dtype), dtype=dtype)
        init.normal_(self.weight, 0.0, 1.0, generator)
        if padding_idx is not None:
            self.weight.data[padding_idx] = 0

    def forward(self, indices) -> Tensor:
        index = _checked_indices(indices, self.num_embeddings)
        rows = self.weight[index]  # repeated indices add up in the gradient
        if self.padding_idx is None:
            return rows
        # the same rows, but where the index is padding_idx they come from a detached
        # copy: no gradient reaches that row of the weight
        learns = (index != self.padding_idx)[..., None]
        return where(learns, rows, rows.detach())

    def extra_repr(self) -> str:
        padding = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{padding}"


def _checked_indices(indices, num_embeddings: int) -> np.ndarray:
    """The indices as an integer array, each in [0, num_embeddings)."""
    index = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
    if index.dtype.kind == "f":  # Tensor([0, 3]) holds float32: whole numbers will do
        whole = np.isfinite(index) & (index == np.round(index))
        if not whole.all():
            raise TypeError(f"Embedding: indices must be whole numbers, got "
                            f"{float(index[~whole].flat[0]):g}")
        index = index.astype(np.int64)
    elif index.dtype.kind not in "iu":
        raise TypeError(f"Embedding: indices must be integers, got {index.dtype}")
    if index.size:
        bad = (index < 0) | (index >= num_embeddings)
        if bad.any():
            first = int(index[bad].flat[0])
            raise IndexError(f"Embedding: index {first} is out of range for num_embeddings = "
                             f"{num_embeddings} (indices go from 0 to {num_embeddings - 1})")
    return index
