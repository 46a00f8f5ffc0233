"""The chain rule for Tensors: the loop the backward driver (`autograd.run_backward`) runs
over a Tensor graph, output first. The driver knows no arrays; this is where adding
array gradients -- copies, in-place sums, parts of a gradient -- is decided."""

from __future__ import annotations

from .autograd import SparseGrad

__all__ = ["propagate_arrays"]


def propagate_arrays(op_results: list, root, keep_all_grads: bool) -> None:
    """A gradient is None until the first contribution arrives, a rule gives None for a
    parent that needs none, and a tensor that does not require grad gets nothing; unless
    ``keep_all_grads``, an op result's gradient is let go once its rule used it (only the
    root and tensors that called ``retain_grad()`` keep theirs)."""
    summed: set = set()  # parents whose .grad is a sum this pass made: no one else holds it
    for node in reversed(op_results):
        upstream = node.grad
        if upstream is None:  # no gradient reached this Tensor from the root
            continue
        local_grads = node._rule(node, upstream)
        i = 0
        for parent in node.parents:
            grad = local_grads[i]
            i += 1
            if grad is None or not parent.requires_grad:
                continue
            current = parent.grad
            if isinstance(grad, SparseGrad):  # a part (x[t]): added where it lies
                parent.grad = grad.dense() if current is None else \
                    grad.added_to(current, parent in summed)
                summed.add(parent)
            elif current is None:
                # A rule may hand the upstream array itself (or a view of it) to a
                # parent; a leaf keeps a copy of its own so that changing one gradient
                # in place can never change another.
                if parent._rule is None and (grad is upstream or grad.base is not None):
                    grad = grad.copy()
                parent.grad = grad
            elif parent in summed and current.dtype == grad.dtype and current.shape == grad.shape:
                # A weight used at every step of an RNN collects one gradient per step:
                # adding in place saves allocating a fresh (often large) array each time,
                # a sixth of an LSTM's backward (benchmarks/bench_rnn.py).
                current += grad
                parent.grad = current  # (a 0-d sum is a numpy scalar: += made a new one)
            else:
                parent.grad = current + grad
                summed.add(parent)
        if not keep_all_grads and not node._retains_grad and node is not root:
            node.grad = None  # used up: let the array go
