"""The numeric gradient of every leaf, beside the one backprop stored: the explorer's
gradient-check overlay.

Central differences in float64, ``(f(x + h) − f(x − h)) / 2h`` for each number of each
leaf, on a replay of the forward pass by each op's declared forward
(``ops.spec_of(node).forward``, the same computation the op ran) -- on copies, so the
user's graph never changes. A learner who declares an op with a forward but a wrong rule
sees a mismatch on the leaves below it. An op declared without a forward makes the check
say so instead of guessing (or, at the root, check everything below it).
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu import ops
from tinygrad_edu.autograd import Node

from .words import words_of

__all__ = ["numeric_gradients", "STEP", "BUDGET", "MAX_LEAF_SIZE"]

STEP = 1e-6
BUDGET = 200_000  # op evaluations in all (numbers checked × ops replayed)
MAX_LEAF_SIZE = 64  # numbers per leaf


class _ReplayStopped(Exception):
    """A forward refused a nudged input (log of a negative number, a division by 0) or
    failed (a learner's forward with a bug): the check says so; the page still shows."""


def _replay(order, values, start, position, forwards, scalar):
    """Recompute every node from ``start`` on (the ones a perturbed leaf can change)."""
    for i in range(start, len(order)):
        node = order[i]
        if node.parents:
            inputs = [values[position[p]] for p in node.parents]
            if scalar[i]:  # a Value's forward takes floats
                inputs = [float(x) for x in inputs]
            try:
                values[i] = forwards[i](node.args, *inputs)
            except Exception as error:  # noqa: BLE001 - any forward's failure, told, not raised
                raise _ReplayStopped(f"{node.op}: {type(error).__name__}: {error}") from None
    return float(np.sum(values[-1]))


def _seeded_from_parents(node: Node) -> bool:
    """Whether every parent that takes a gradient kept the one this root sent it."""
    return all(p.grad is not None for p in node.parents if getattr(p, "requires_grad", True))


def _linearised(node: Node):
    """A root op the replay cannot run (declared without a forward), replaced by
    Σ parent · (the gradient it sent that parent): the same first derivative with respect
    to everything below it, by the chain rule. So the leaves are checked through every
    op but the root's own rule."""
    sent = [None if p.grad is None else np.asarray(p.grad, dtype=np.float64)
            for p in node.parents]

    def forward(args, *parents):
        return sum(float(np.sum(value * grad)) for value, grad in zip(parents, sent, strict=True)
                   if grad is not None)
    return forward


def numeric_gradients(order: list[Node], leaves: list[int]) -> tuple[dict[int, dict], str]:
    """``{leaf position: {"numeric", "backprop", "ok", "error"}}`` and, when some or all
    leaves could not be checked, why (one line; "" when every leaf was checked)."""
    reasons = words_of("check_reasons", "en")  # said in another language by check_reason
    position = {node: i for i, node in enumerate(order)}
    forwards = {}
    scalar = [type(node.data) is float for node in order]
    root = len(order) - 1
    for i, node in enumerate(order):
        if node.parents:
            spec = ops.spec_of(node)
            forward = None if spec is None else spec.forward
            if forward is None and i == root and _seeded_from_parents(node):
                forward = _linearised(node)  # check everything below the loss
            if forward is None:
                if "entropy" in node.op or "loss" in node.op:
                    return {}, reasons["loss_no_forward"].format(op=node.op)
                if spec is None:
                    return {}, reasons["not_declared"].format(op=repr(node.op))
                return {}, reasons["no_forward"].format(op=repr(node.op))
            forwards[i] = forward
    if np.size(order[-1].data) != 1:
        return {}, reasons["not_scalar"]
    checked = [j for j in leaves if np.size(order[j].data) <= MAX_LEAF_SIZE
               and order[j].grad is not None]
    cost = sum(int(np.size(order[j].data)) for j in checked) * 2 * len(forwards)
    if cost > BUDGET:
        return {}, reasons["too_big"].format(cost=f"{cost:,}")
    try:
        return _checked(order, checked, position, forwards, scalar), _why(leaves, checked)
    except _ReplayStopped as stopped:
        return {}, reasons["stopped"].format(where=stopped)


def _why(leaves: list[int], checked: list[int]) -> str:
    skipped = len(leaves) - len(checked)
    if not skipped:
        return ""
    return words_of("check_reasons", "en")["big_leaves"].format(count=skipped, size=MAX_LEAF_SIZE)


def _checked(order, checked, position, forwards, scalar) -> dict[int, dict]:
    """Central differences for each leaf in ``checked``, beside its backprop gradient."""
    # C order: a Linear's weight is column-major, and reshape(-1) of that would be a copy
    # (the nudge below would land in the copy, not in the leaf)
    base = [np.array(node.data, dtype=np.float64, order="C") for node in order]
    result = {}
    with np.errstate(all="ignore"):
        for j in checked:
            numeric = np.zeros_like(base[j])
            flat = numeric.reshape(-1)
            for k in range(base[j].size):
                values = list(base)
                plus, minus = base[j].copy(), base[j].copy()
                plus.reshape(-1)[k] += STEP
                minus.reshape(-1)[k] -= STEP
                values[j] = plus
                high = _replay(order, values, j + 1, position, forwards, scalar)
                values[j] = minus
                low = _replay(order, values, j + 1, position, forwards, scalar)
                flat[k] = (high - low) / (2 * STEP)
            backprop = np.asarray(order[j].grad, dtype=np.float64)
            error = float(np.max(np.abs(backprop - numeric))) if numeric.size else 0.0
            scale = max(1.0, float(np.max(np.abs(numeric))) if numeric.size else 1.0)
            result[j] = {"numeric": numeric if numeric.ndim else float(numeric),
                         "backprop": order[j].grad, "ok": bool(error <= 1e-3 * scale),
                         "error": error}
    return result
