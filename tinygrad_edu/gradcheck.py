"""Numerical gradients: the check every backward rule must pass.

The derivative of f at x is approximated by the central difference

    (f(x + eps) - f(x - eps)) / (2 eps)

computed in float64, one input element at a time, and compared with what
backpropagation says. `gradgradcheck` does the same one level up: the second
derivatives (a backward pass through the backward pass, ``create_graph=True``) against
central differences of the first derivative.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .autograd import enable_grad, no_grad
from .backprop import grad
from .scalar import Value
from .tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "numerical_grad", "GradcheckError"]


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


def _prepare(check: str, fn: Callable, inputs: tuple) -> tuple[list, list[int], Tensor | Value]:
    """float64 copies of the inputs, which of them are checked, and ``fn``'s output."""
    inputs = [_float64_copy(item) for item in inputs]
    checked = [
        i for i, item in enumerate(inputs)
        if isinstance(item, Value) or (isinstance(item, Tensor) and item.requires_grad)
    ]
    if not checked:
        raise ValueError(
            f"{check}: no input to check; pass Tensors with requires_grad=True or Values"
        )
    output = fn(*inputs)
    if not isinstance(output, (Tensor, Value)):
        raise TypeError(f"{check}: fn must return a Tensor or Value, got {type(output).__name__}")
    return inputs, checked, output


def _compare(check: str, which: int, item, analytic: np.ndarray, numeric: np.ndarray,
             atol: float, rtol: float, what: str = "") -> None:
    """Raise GradcheckError naming the worst element where ``analytic`` and ``numeric``
    disagree beyond ``atol + rtol * |numeric|`` (a nan always disagrees)."""
    difference = np.abs(analytic - numeric)
    allowed = atol + rtol * np.abs(numeric)
    failing = ~(difference <= allowed)  # a nan fails too
    if not failing.any():
        return
    worst = int(np.argmax(np.where(failing, difference - allowed, -np.inf)))
    if np.isnan(difference).any():
        worst = int(np.flatnonzero(np.isnan(difference))[0])
    name = f" {item.label!r}" if item.label else ""
    where = "" if isinstance(item, Value) else (
        f", element {tuple(int(i) for i in np.unravel_index(worst, item.shape))}"
        f" of shape {item.shape}"
    )
    raise GradcheckError(
        f"{check}: input {which}{name}{where}: {what}analytic {analytic[worst]:.8g}, "
        f"numeric {numeric[worst]:.8g} (|difference| {difference[worst]:.3g} > "
        f"atol + rtol*|numeric| = {allowed[worst]:.3g}; {int(failing.sum())} of "
        f"{failing.size} elements fail)"
    )


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
    inputs, checked, output = _prepare("gradcheck", fn, inputs)
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
        _compare("gradcheck", which, item, analytic, numeric, atol, rtol)
    return True


def gradgradcheck(fn: Callable, *inputs, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3) -> bool:
    """Check ``fn``'s second derivatives at ``inputs`` against central differences of
    its first derivative.

    The first derivative comes from ``grad(..., create_graph=True)`` and is folded into
    one number along fixed random directions u, one per checked input (w weights the
    output as in `gradcheck`)::

        s(x) = Σ_i ⟨u_i, ∂(Σ w · fn(x))/∂x_i⟩

    Backpropagating through s gives the Hessian times u -- the second derivatives the
    engine computes -- and they must equal the central differences of s. Inputs are
    chosen, copied and reported as in `gradcheck`; returns True or raises
    GradcheckError.

    >>> from tinygrad_edu import Value, gradgradcheck
    >>> gradgradcheck(lambda x: x.tanh() * x, Value(0.3))
    True
    """
    inputs, checked, output = _prepare("gradgradcheck", fn, inputs)
    rng = np.random.default_rng(0)
    shape = np.shape(output.data)
    weights = rng.standard_normal(shape) if np.size(output.data) > 1 else np.ones(shape)
    directions = [rng.standard_normal(np.shape(inputs[i].data)) for i in checked]

    def first_derivative(*args):
        """s(x), as a Value/Tensor with a graph (numerical_grad calls this under no_grad)."""
        with enable_grad():
            out = fn(*args)
            weighting = Tensor(weights, dtype=np.float64) if isinstance(out, Tensor) else None
            grads = grad(out, [args[i] for i in checked], grad_outputs=weighting,
                         create_graph=True, allow_unused=True)
            total = Value(0.0) if isinstance(out, Value) else Tensor(0.0, dtype=np.float64)
            for first, direction in zip(grads, directions, strict=True):
                if first is None:  # this input does not reach the output at all
                    continue
                if isinstance(first, Tensor):
                    total = total + (first * Tensor(direction, dtype=np.float64)).sum()
                else:
                    total = total + first * float(direction)
        return total

    along = first_derivative(*inputs)
    wanted = [inputs[i] for i in checked]
    # a first derivative that does not depend on the inputs has second derivatives 0
    seconds = grad(along, wanted, allow_unused=True) if along.requires_grad else [None] * len(
        wanted)
    for which, second in zip(checked, seconds, strict=True):
        item = inputs[which]
        numeric = np.atleast_1d(numerical_grad(first_derivative, inputs, which, 1.0, eps))
        analytic = np.zeros_like(numeric) if second is None else np.atleast_1d(
            np.asarray(second.data, dtype=np.float64)).reshape(-1)
        _compare("gradgradcheck", which, item, analytic, numeric, atol, rtol,
                 "second derivative along u ")
    return True
