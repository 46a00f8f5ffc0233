"""Functions that make new Tensors: filled (`zeros`, `ones`, `full`, `eye`), counted
(`arange`), random (`rand`, `randn`), shaped like another tensor (`*_like`) and
`one_hot`. Names and arguments as in PyTorch; every result is a leaf.

Sizes are given as in PyTorch, either spread out or as one tuple: ``zeros(2, 3)`` and
``zeros((2, 3))`` are the same. Results are float32 unless ``dtype`` says, except where
PyTorch picks an integer type: ``arange`` of whole numbers and ``full`` of a whole
number give int64, ``one_hot`` gives int64.

Random numbers: ``seed=`` makes one call repeatable on its own; ``generator=`` (a
``np.random.Generator``) draws from a stream you keep, so several calls are repeatable
together; with neither, numpy's global generator is used, so ``np.random.seed(0)`` makes
a whole run repeatable (as in ``nn.init``).
"""

from __future__ import annotations

import numbers

import numpy as np

from .tensor import Tensor

__all__ = [
    "zeros", "ones", "full", "arange", "eye", "rand", "randn", "zeros_like", "ones_like",
    "full_like", "rand_like", "randn_like", "one_hot",
]


def _shape(who: str, sizes: tuple) -> tuple[int, ...]:
    """``(2, 3)`` from ``zeros(2, 3)`` or ``zeros((2, 3))``; sizes must be whole and ≥ 0."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral):
            raise TypeError(f"{who}: sizes must be whole numbers, got {size!r} in {sizes}")
    if any(size < 0 for size in sizes):
        raise ValueError(f"{who}: sizes must be 0 or more, got {tuple(sizes)}")
    return tuple(int(size) for size in sizes)


def _source(who: str, seed: int | None, generator: np.random.Generator | None):
    """Where the random numbers come from (see the module docstring)."""
    if seed is not None and generator is not None:
        raise ValueError(f"{who}: give seed= or generator=, not both")
    if generator is not None:
        if not isinstance(generator, np.random.Generator):
            raise TypeError(
                f"{who}: generator must be a numpy Generator (np.random.default_rng(...)), "
                f"got {type(generator).__name__}"
            )
        return generator
    if seed is not None:
        return np.random.default_rng(seed)
    return np.random  # the global generator: np.random.seed() makes it repeatable


# ---- filled ----


def zeros(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given size full of 0."""
    return Tensor(np.zeros(_shape("zeros", size)), requires_grad=requires_grad, dtype=dtype)


def ones(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given size full of 1."""
    return Tensor(np.ones(_shape("ones", size)), requires_grad=requires_grad, dtype=dtype)


def full(size, fill_value: float, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` (a tuple) with every element equal to ``fill_value``.

    As in PyTorch, the dtype follows the value unless ``dtype`` says: a bool gives bool,
    a whole number int64, a float float32."""
    size = (size,) if isinstance(size, numbers.Integral) else size
    shape = _shape("full", (size,))
    if dtype is None and isinstance(fill_value, (bool, np.bool_)):
        dtype = np.bool_
    elif dtype is None and isinstance(fill_value, numbers.Integral):
        dtype = np.int64
    return Tensor(np.full(shape, fill_value), requires_grad=requires_grad, dtype=dtype)


def eye(n: int, m: int | None = None, dtype=None, requires_grad: bool = False) -> Tensor:
    """The n×m identity matrix (ones on the diagonal); square when ``m`` is not given."""
    rows, columns = _shape("eye", (n, n if m is None else m))
    return Tensor(np.eye(rows, columns), requires_grad=requires_grad, dtype=dtype)


def arange(start: float, end: float | None = None, step: float = 1, dtype=None,
           requires_grad: bool = False) -> Tensor:
    """start, start + step, ... up to but not including ``end``; ``arange(n)`` is 0..n-1.

    As in PyTorch, whole-number arguments give int64 and any float gives float32,
    unless ``dtype`` says.
    """
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must not be 0")
    if dtype is None:
        whole = all(isinstance(v, numbers.Integral) for v in (start, end, step))
        dtype = np.int64 if whole else np.float32
    return Tensor(np.arange(start, end, step), requires_grad=requires_grad, dtype=dtype)


# ---- random ----


def rand(*size, dtype=None, requires_grad: bool = False, seed: int | None = None,
         generator: np.random.Generator | None = None) -> Tensor:
    """Samples of the uniform distribution on [0, 1)."""
    shape = _shape("rand", size)
    values = _source("rand", seed, generator).random(shape)
    return Tensor(values, requires_grad=requires_grad, dtype=dtype)


def randn(*size, dtype=None, requires_grad: bool = False, seed: int | None = None,
          generator: np.random.Generator | None = None) -> Tensor:
    """Samples of the standard normal distribution N(0, 1)."""
    shape = _shape("randn", size)
    values = _source("randn", seed, generator).standard_normal(shape)
    return Tensor(values, requires_grad=requires_grad, dtype=dtype)


# ---- shaped like another tensor (same shape; same dtype unless told) ----


def _like(tensor, dtype):
    data = tensor.data if isinstance(tensor, Tensor) else np.asarray(tensor)
    if dtype is None and data.dtype.kind in "biuf":
        dtype = data.dtype
    return data.shape, dtype


def zeros_like(tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    """Zeros of the shape (and dtype) of ``tensor``."""
    shape, dtype = _like(tensor, dtype)
    return zeros(shape, dtype=dtype, requires_grad=requires_grad)


def ones_like(tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    """Ones of the shape (and dtype) of ``tensor``."""
    shape, dtype = _like(tensor, dtype)
    return ones(shape, dtype=dtype, requires_grad=requires_grad)


def full_like(tensor, fill_value: float, dtype=None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere, in the shape (and dtype) of ``tensor``."""
    shape, dtype = _like(tensor, dtype)
    return full(shape, fill_value, dtype=dtype, requires_grad=requires_grad)


def _float_like(who: str, tensor, dtype):
    shape, dtype = _like(tensor, dtype)
    if np.dtype(dtype).kind != "f":
        raise TypeError(
            f"{who}: random numbers need a floating-point dtype, and the tensor is {dtype}; "
            "pass dtype=np.float32"
        )
    return shape, dtype


def rand_like(tensor, dtype=None, requires_grad: bool = False, seed: int | None = None,
              generator: np.random.Generator | None = None) -> Tensor:
    """U[0, 1) samples in the shape (and float dtype) of ``tensor``."""
    shape, dtype = _float_like("rand_like", tensor, dtype)
    return rand(shape, dtype=dtype, requires_grad=requires_grad, seed=seed, generator=generator)


def randn_like(tensor, dtype=None, requires_grad: bool = False, seed: int | None = None,
               generator: np.random.Generator | None = None) -> Tensor:
    """N(0, 1) samples in the shape (and float dtype) of ``tensor``."""
    shape, dtype = _float_like("randn_like", tensor, dtype)
    return randn(shape, dtype=dtype, requires_grad=requires_grad, seed=seed, generator=generator)


# ---- one-hot ----


def one_hot(indices, num_classes: int = -1) -> Tensor:
    """Class indices of any shape -> int64 one-hot rows with one more axis of size
    ``num_classes`` (``-1``: one more than the largest index), as ``F.one_hot`` in PyTorch:
    ``one_hot([2, 0], 3)`` is ``[[0, 0, 1], [1, 0, 0]]``."""
    indices = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
    if indices.size == 0:
        indices = indices.astype(np.int64)  # np.asarray([]) is float64
    if indices.dtype.kind not in "iu":
        raise TypeError(f"one_hot: indices must be whole numbers (class indices), "
                        f"got {indices.dtype}")
    if num_classes == -1:
        if indices.size == 0:
            raise ValueError("one_hot: cannot guess num_classes from no indices; pass it")
        num_classes = int(indices.max()) + 1
    if num_classes < 1:
        raise ValueError(f"one_hot: num_classes must be at least 1 (or -1), got {num_classes}")
    outside = (indices < 0) | (indices >= num_classes)
    if outside.any():
        raise ValueError(f"one_hot: index {indices[outside].flat[0]} is out of range "
                         f"for {num_classes} classes (0 to {num_classes - 1})")
    rows = (indices[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor(rows, dtype=np.int64)
