"""Numerical gradients: the check every backward rule must pass.

The derivative of f at x is approximated by the central difference

    (f(x + eps) - f(x - eps)) / (2 eps)

computed in float64, one input element at a time, and compared with what
backpropagation says.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .autograd import no_grad
from .scalar import Value
from .tensor import Tensor

__all__ = ["gradcheck", "numerical_grad", "GradcheckError"]


class GradcheckError(AssertionError):
    """Backpropagation and the numerical gradient disagree."""


def _float64_copy(item):
    """A float64 copy of a Tensor/Value input, as a fresh leaf; anything else unchanged."""
    if isinstance(item, Tensor):  # C order: numerical_grad edits it through a flat view
        return Tensor(np.array(item.data, dtype=np.float64, order="C"),
                      requires_grad=item.requires_grad, dtype=np.float64, label=item.label)
    if isinstance(item, Value):
        return Value(item.data, label=item.label)
    return item


def _objective(output, weights) -> float:
    """The scalar Σ weights * output, so that any output shape can be checked."""
    data = output.data
    return float(np.sum(np.asarray(data, dtype=np.float64) * weights))


def numerical_grad(fn: Callable, inputs: list, which: int, weights, eps: float) -> np.ndarray:
    """Central-difference gradient of Σ weights * fn(*inputs) with respect to inputs[which]."""
    target = inputs[which]
    is_value = isinstance(target, Value)
    flat = None if is_value else target.data.reshape(-1)
    if flat is not None and not np.shares_memory(flat, target.data):
        raise ValueError("numerical_grad: the input's data must be contiguous (C order)")
    size = 1 if is_value else flat.size
    grad = np.zeros(size)
    with no_grad():
        for i in range(size):
            original = target.data if is_value else flat[i]
            for sign in (+1, -1):
                if is_value:
                    target.data = original + sign * eps
                else:
                    flat[i] = original + sign * eps
                grad[i] += sign * _objective(fn(*inputs), weights)
            if is_value:
                target.data = original
            else:
                flat[i] = original
    grad /= 2 * eps
    return grad if not is_value else grad[0]


def gradcheck(fn: Callable, *inputs, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3) -> bool:
    """Check ``fn``'s backward rules at ``inputs`` against central differences.

    ``fn`` takes the inputs and returns a Tensor or Value of any shape (a non-scalar
    output is checked through a fixed random weighting of its elements). Tensors with
    ``requires_grad=True`` and all Values are checked; other arguments are passed through.
    Everything is computed on float64 copies, so the inputs are not changed.

    Returns True, or raises GradcheckError naming the input, the worst element, and its
    analytic and numerical values.
    """
    inputs = [_float64_copy(item) for item in inputs]
    checked = [
        i for i, item in enumerate(inputs)
        if isinstance(item, Value) or (isinstance(item, Tensor) and item.requires_grad)
    ]
    if not checked:
        raise ValueError(
            "gradcheck: no input to check; pass Tensors with requires_grad=True or Values"
        )
    output = fn(*inputs)
    if not isinstance(output, (Tensor, Value)):
        raise TypeError(f"gradcheck: fn must return a Tensor or Value, got {type(output).__name__}")
    shape = np.shape(output.data)
    if np.size(output.data) > 1:  # check every element through a fixed random weighting
        weights = np.random.default_rng(0).standard_normal(shape)
    else:
        weights = np.ones(shape)
    if isinstance(output, Tensor):
        output.backward(weights)
    else:
        output.backward()

    for which in checked:
        item = inputs[which]
        numeric = np.atleast_1d(numerical_grad(fn, inputs, which, weights, eps))
        analytic = np.zeros_like(numeric) if item.grad is None else np.atleast_1d(
            np.asarray(item.grad, dtype=np.float64)).reshape(-1)
        difference = np.abs(analytic - numeric)
        allowed = atol + rtol * np.abs(numeric)
        failing = ~(difference <= allowed)  # a nan fails too
        if failing.any():
            worst = int(np.argmax(np.where(failing, difference - allowed, -np.inf)))
            if np.isnan(difference).any():
                worst = int(np.flatnonzero(np.isnan(difference))[0])
            name = f" {item.label!r}" if item.label else ""
            where = "" if isinstance(item, Value) else (
                f", element {tuple(int(i) for i in np.unravel_index(worst, item.shape))}"
                f" of shape {item.shape}"
            )
            raise GradcheckError(
                f"gradcheck: input {which}{name}{where}: analytic {analytic[worst]:.8g}, "
                f"numeric {numeric[worst]:.8g} (|difference| {difference[worst]:.3g} > "
                f"atol + rtol*|numeric| = {allowed[worst]:.3g}; {int(failing.sum())} of "
                f"{failing.size} elements fail)"
            )
    return True
