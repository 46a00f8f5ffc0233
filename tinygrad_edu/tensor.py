"""`Tensor`: the numpy engine. One numpy array per node.

The class here holds what every tensor has (data, dtype, shape, backward). The ops are
grouped by kind in two mixins, each op's forward beside its local derivative rule:

* `tensor_math.ElementwiseOps` -- ``+ - * / ** @``, exp, log, tanh, relu, ...
* `tensor_shape.ShapeOps`      -- sum/mean/max/min, reshape, transpose, indexing, softmax
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .autograd import Node, grad_mode, run_backward
from .tensor_math import ElementwiseOps
from .tensor_shape import ShapeOps

__all__ = ["Tensor"]

_new_object = object.__new__
DEFAULT_DTYPE = np.dtype(np.float32)


def as_array(data, dtype=None, who: str = "Tensor") -> np.ndarray:
    """Turn ``data`` (array, nested lists, number, Tensor) into an ndarray of numbers.

    Float32 unless ``dtype`` says otherwise. An ndarray that already has the wanted
    dtype is used as it is, without a copy (as ``torch.from_numpy`` does).
    """
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, (str, bytes)):
        raise TypeError(f"{who}: data must be numbers, got {type(data).__name__} {data!r}")
    try:
        array = np.asarray(data)
    except ValueError as error:  # ragged nested lists
        raise ValueError(
            f"{who}: data is not a rectangular array of numbers "
            f"(rows of different lengths?): {error}"
        ) from None
    if array.dtype.kind not in "biuf":
        # name the first element that is not a number, e.g. the None in [1.0, None]
        numbers = (int, float, np.integer, np.floating)
        example = next((item for item in array.flat if not isinstance(item, numbers)),
                       array.flat[0] if array.size else None)
        raise TypeError(
            f"{who}: data must be numbers, got an array of {array.dtype} "
            f"(first non-number: {type(example).__name__} {example!r})"
        )
    wanted = DEFAULT_DTYPE if dtype is None else np.dtype(dtype)
    if array.dtype != wanted:
        array = array.astype(wanted)
    return array


class Tensor(ElementwiseOps, ShapeOps, Node):
    """An n-dimensional array that remembers how it was computed.

    >>> a = Tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    >>> loss = (a.relu() * 2).sum()
    >>> loss.backward()
    >>> a.grad
    array([[2., 0.],
           [2., 2.]], dtype=float32)

    Float32 unless ``dtype=`` says otherwise (``dtype=np.float64`` for gradient checks).
    As in PyTorch, after ``backward()`` the leaves hold their gradients and intermediate
    tensors do not, unless they called ``retain_grad()``; ``backward(keep_all_grads=True)``
    keeps every gradient of the graph (to draw it with `viz`).
    """

    __slots__ = ("data", "requires_grad", "_retains_grad")
    _blank_grad = None
    _keeps_all_grads = False
    # Make numpy hand `ndarray + Tensor` to Tensor.__radd__ instead of looping over it.
    __array_ufunc__ = None

    def __init__(self, data, requires_grad: bool = False, dtype=None, label: str = "") -> None:
        self.data = as_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"Tensor: requires_grad=True needs a floating-point dtype, got {self.data.dtype}"
            )
        self.requires_grad = bool(requires_grad)
        self._retains_grad = False
        self.grad = None
        self.label = label
        self.parents = ()
        self.op = ""
        self.args = ()
        self._rule = None
        self._saved = None

    def _from_op(self, data, parents: tuple, op: str, rule, args: tuple = (), saved=None) -> Tensor:
        """The Tensor an op returns. It joins the graph only when grad mode is on and some
        parent requires grad; otherwise it is a plain constant."""
        out = _new_object(Tensor)
        out.data = data if type(data) is np.ndarray else np.asarray(data)
        out.grad = None
        out.label = ""
        out._retains_grad = False
        if grad_mode.enabled:
            for parent in parents:
                if parent.requires_grad:
                    out.parents, out.op, out.args = parents, op, args
                    out._rule, out._saved, out.requires_grad = rule, saved, True
                    return out
        out.parents, out.op, out.args = (), "", ()
        out._rule, out._saved, out.requires_grad = None, None, False
        return out

    def _lift(self, other) -> Tensor:
        """A plain number or array on the other side of an op becomes a constant Tensor
        of our dtype, so ``x * 2`` stays float32."""
        if isinstance(other, Tensor):
            return other
        return Tensor(as_array(other, self.data.dtype, who="operand"), dtype=self.data.dtype)

    # ---- what a tensor is ----

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        """The number of elements (numpy's ``size``)."""
        return self.data.size

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shared, not copied)."""
        return self.data

    def item(self) -> float:
        """The single number in a one-element tensor."""
        if self.data.size != 1:
            raise ValueError(
                f"item: tensor of shape {self.shape} has {self.data.size} elements; "
                "item() needs exactly one"
            )
        return self.data.item()

    def detach(self) -> Tensor:
        """The same data as a new leaf that does not require grad."""
        return Tensor(self.data, dtype=self.data.dtype)

    def retain_grad(self) -> Tensor:
        """Ask this intermediate tensor to keep its gradient after ``backward()`` (leaves
        always do)."""
        if self._rule is not None:
            self._retains_grad = True
        return self

    @property
    def retains_grad(self) -> bool:
        """True for an intermediate tensor that will keep its gradient (PyTorch's name)."""
        return self._retains_grad

    # ---- backpropagation ----

    def backward(self, grad=None, retain_graph: bool = False,
                 keep_all_grads: bool = False) -> None:
        """Fill ``.grad`` of the leaves this tensor depends on (and of tensors that called
        ``retain_grad()``; of every tensor in the graph with ``keep_all_grads=True``).

        ``grad`` is d(final result)/d(this tensor); leave it out for a one-element tensor
        such as a loss. Leaves accumulate gradients across calls until zeroed.
        ``retain_graph=True`` keeps the saved buffers for another backward() through
        the same graph.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad: create an input with "
                "Tensor(..., requires_grad=True) (and do not compute under no_grad())"
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward: this tensor has shape {self.shape}, not a single number; "
                    "reduce it first (.sum() or .mean()) or pass grad= an array of shape "
                    f"{self.shape}"
                )
            seed = np.ones(self.data.shape, self.data.dtype)
        else:
            seed = np.array(grad.data if isinstance(grad, Tensor) else grad, dtype=self.data.dtype)
            if seed.shape != self.shape:
                raise ValueError(
                    f"backward: grad has shape {seed.shape} but the tensor has shape {self.shape}"
                )
        for node in run_backward(self, seed, retain_graph, keep_all_grads):
            # numpy ufuncs turn 0-d arrays into numpy scalars, and mixing float32 with
            # float64 promotes: keep every .grad an ndarray of its own tensor's dtype
            grad = node.grad
            if grad is not None and (type(grad) is not np.ndarray or grad.dtype != node.data.dtype):
                node.grad = np.asarray(grad, dtype=node.data.dtype)

    # ---- display ----

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", precision=4, prefix="Tensor(")
        extras = []
        if self.data.dtype != DEFAULT_DTYPE:
            extras.append(f"dtype={self.data.dtype}")
        if self.requires_grad:
            extras.append("requires_grad=True")
        if self.label:
            extras.append(f"label={self.label!r}")
        return f"Tensor({body}{''.join(', ' + extra for extra in extras)})"


def tensors_of(items: Sequence, who: str) -> list[Tensor]:
    """Check that ``items`` is a non-empty sequence and lift numbers/arrays to Tensors."""
    if isinstance(items, Tensor) or not isinstance(items, Sequence) or len(items) == 0:
        raise TypeError(f"{who}: expected a non-empty list of tensors, got {type(items).__name__}")
    first = next((item for item in items if isinstance(item, Tensor)), None)
    dtype = first.dtype if first is not None else None
    return [item if isinstance(item, Tensor) else Tensor(item, dtype=dtype) for item in items]
