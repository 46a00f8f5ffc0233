"""The numeric gradient of every leaf, beside the one backprop stored: the explorer's
gradient-check overlay.

Central differences in float64, ``(f(x + h) − f(x − h)) / 2h`` for each number of each
leaf, on a replay of the forward pass written here in numpy -- on copies, so the user's
graph never changes. A learner who writes an op whose rule is wrong sees a mismatch on
the leaves below it. Ops this replay does not know (or whose inputs it cannot see, such
as a loss's target) make the check say so instead of guessing.
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.autograd import Node

__all__ = ["numeric_gradients", "STEP", "BUDGET", "MAX_LEAF_SIZE"]

STEP = 1e-6
BUDGET = 200_000  # op evaluations in all (numbers checked × ops replayed)
MAX_LEAF_SIZE = 64  # numbers per leaf


def _sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))  # = 1/(1 + e^-a), without overflow


def _softmax(a, axis):
    shifted = np.exp(a - a.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


def _reduce(name):
    def run(node, a):
        axes, keepdims = (node.args + (None, False))[:2]
        return getattr(np, name)(a, axis=axes, keepdims=keepdims)
    return run


# op -> forward on float64 arrays (node, *parent values)
FORWARD = {
    "+": lambda n, a, b: a + b, "-": lambda n, a, b: a - b, "*": lambda n, a, b: a * b,
    "/": lambda n, a, b: a / b, "**": lambda n, a, b: a ** b, "neg": lambda n, a: -a,
    "exp": lambda n, a: np.exp(a), "log": lambda n, a: np.log(a), "1/x": lambda n, a: 1.0 / a,
    "sqrt": lambda n, a: np.sqrt(a), "abs": lambda n, a: np.abs(a),
    "tanh": lambda n, a: np.tanh(a), "sigmoid": lambda n, a: _sigmoid(a),
    "relu": lambda n, a: np.where(a > 0, a, 0.0),
    "leaky_relu": lambda n, a: np.where(a > 0, a, a * n.args[0]),
    "elu": lambda n, a: np.where(a > 0, a, n.args[0] * np.expm1(np.minimum(a, 0))),
    "@": lambda n, a, b: a @ b, "sum": _reduce("sum"), "mean": _reduce("mean"),
    "max": _reduce("max"), "min": _reduce("min"),
    "reshape": lambda n, a: a.reshape(n.args[0]),
    "transpose": lambda n, a: a.transpose(n.args[0]),
    "softmax": lambda n, a: _softmax(a, n.args[0]),
    "log_softmax": lambda n, a: np.log(_softmax(a, n.args[0])),
    "linear": lambda n, a, w, b=None: a @ w.T + (0.0 if b is None else b),
    "prelu": lambda n, a, w: np.where(a > 0, a, a * w),
    "index": lambda n, a: a[n.args[0]],
    "where": lambda n, a, b: np.where(np.asarray(n.args[0]), a, b),
    "cat": lambda n, *parts: np.concatenate(parts, axis=n.args[0]),
    "stack": lambda n, *parts: np.stack(parts, axis=n.args[0]),
}


def _forward(node: Node):
    if node.op.startswith("**") and len(node.op) > 2:
        return lambda n, a: a ** n.args[0]
    return FORWARD.get(node.op)


def _replay(order, values, start, position, forwards):
    """Recompute every node from ``start`` on (the ones a perturbed leaf can change)."""
    for i in range(start, len(order)):
        node = order[i]
        if node.parents:
            values[i] = forwards[i](node, *(values[position[p]] for p in node.parents))
    return float(np.sum(values[-1]))


def _seeded_from_parents(node: Node) -> bool:
    """Whether every parent that takes a gradient kept the one this root sent it."""
    return all(p.grad is not None for p in node.parents if getattr(p, "requires_grad", True))


def _linearised(node: Node):
    """A root op the replay cannot run (a loss whose target it cannot see), replaced by
    Σ parent · (the gradient it sent that parent): the same first derivative with respect
    to everything below it, by the chain rule. So the leaves are checked through every
    op but the root's own rule."""
    sent = [None if p.grad is None else np.asarray(p.grad, dtype=np.float64)
            for p in node.parents]

    def forward(n, *parents):
        return sum(float(np.sum(value * grad)) for value, grad in zip(parents, sent, strict=True)
                   if grad is not None)
    return forward


def numeric_gradients(order: list[Node], leaves: list[int]) -> tuple[dict[int, dict], str]:
    """``{leaf position: {"numeric", "backprop", "ok", "error"}}`` and, when some or all
    leaves could not be checked, why (one line; "" when every leaf was checked)."""
    position = {node: i for i, node in enumerate(order)}
    forwards = {}
    root = len(order) - 1
    for i, node in enumerate(order):
        if node.parents:
            forward = _forward(node)
            if forward is None and i == root and _seeded_from_parents(node):
                forward = _linearised(node)  # check everything below the loss
            if forward is None:
                if "entropy" in node.op or "loss" in node.op:
                    return {}, f"{node.op} keeps its target outside the graph, so the numeric " \
                               "replay cannot run it (keep_all_grads=True lets it check below)"
                return {}, f"the numeric replay does not know the op {node.op!r}"
            forwards[i] = forward
    if np.size(order[-1].data) != 1:
        return {}, "the output is not a single number"
    checked = [j for j in leaves if np.size(order[j].data) <= MAX_LEAF_SIZE
               and order[j].grad is not None]
    cost = sum(int(np.size(order[j].data)) for j in checked) * 2 * len(forwards)
    if cost > BUDGET:
        return {}, f"the graph is too big for a numeric check ({cost:,} op evaluations)"
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
                high = _replay(order, values, j + 1, position, forwards)
                values[j] = minus
                low = _replay(order, values, j + 1, position, forwards)
                flat[k] = (high - low) / (2 * STEP)
            backprop = np.asarray(order[j].grad, dtype=np.float64)
            error = float(np.max(np.abs(backprop - numeric))) if numeric.size else 0.0
            scale = max(1.0, float(np.max(np.abs(numeric))) if numeric.size else 1.0)
            result[j] = {"numeric": numeric if numeric.ndim else float(numeric),
                         "backprop": order[j].grad, "ok": bool(error <= 1e-3 * scale),
                         "error": error}
    skipped = len(leaves) - len(checked)
    why = f"{skipped} leaves have more than {MAX_LEAF_SIZE} numbers" if skipped else ""
    return result, why
