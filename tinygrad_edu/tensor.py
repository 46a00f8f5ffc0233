"""`Tensor`: the numpy engine. One numpy array per node.

The class here holds what every tensor has (data, dtype, shape, backward) and one typed
line per op; each op itself -- its forward beside its declared rule -- lives in the
module named for its kind:

* `tensor_math`   -- ``+ - * / ** @``
* `tensor_elementwise` -- exp, log, tanh, relu, sin, gelu, maximum, clip, ...
* `tensor_reduce` -- sum, mean, max/min, var/std, argmax, logsumexp, softmax
* `tensor_shape`  -- reshape, permute, transpose, expand, flip, pad, indexing, gather, split
* `tensor_functions` -- cat, stack, where
* `tensor_conv`, `tensor_pool` -- conv2d, unfold/fold, max/avg pooling (functions of
  ``nn.functional``, not methods)

Dtypes follow numpy's promotion; a Python number is "weak" (see `tensor_dtypes`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import tensor_elementwise as _elementwise
from . import tensor_math as _math
from . import tensor_reduce as _reduce
from . import tensor_shape as _shape
from .autograd import CONSTANT, Node, grad_mode, is_grad_enabled, run_backward
from .tensor_backward import propagate_arrays
from .tensor_dtypes import DEFAULT_DTYPE, REAL_KINDS, as_array, real_setting, weak_dtype

__all__ = ["Tensor"]

_new_object = object.__new__


class _DataClock:
    """Counts assignments to any Tensor's ``.data``. Each tensor keeps the count of its
    last assignment and each op the count when it ran: a parent written after the op
    ran was changed under it (a version counter that costs one read per op)."""

    __slots__ = ("now",)

    def __init__(self) -> None:
        self.now = 0


_clock = _DataClock()


class Tensor(Node):
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
    keeps every gradient of the graph (to draw it with `viz`). Assigning ``.data``
    (``x.data = ...``, ``x.data -= ...``) counts as a change: a backward pass through an
    op that used the old data raises instead of giving a wrong gradient. (Writing into the
    array itself, ``x.data[0] = 5``, cannot be seen.) Comparisons give bool tensors.
    """

    __slots__ = ("_data", "requires_grad", "_retains_grad", "_written", "_stamp")
    _blank_grad = None
    _keeps_all_grads = False
    # Make numpy hand `ndarray + Tensor` to Tensor.__radd__ instead of looping over it.
    __array_ufunc__ = None
    __hash__ = Node.__hash__  # by identity, although == compares elements

    def __init__(self, data, requires_grad: bool = False, dtype=None, label: str = "") -> None:
        self._data = as_array(data, dtype)
        if requires_grad and self._data.dtype.kind != "f":
            raise TypeError(
                f"Tensor: requires_grad=True needs a floating-point dtype, got {self._data.dtype}"
            )
        self.requires_grad = bool(requires_grad)
        self._retains_grad = False
        self._written = 0
        self.grad = None
        self.label = label
        self.parents = ()
        self.op = ""
        self.args = ()
        self._rule = None
        self._saved = None

    @property
    def data(self) -> np.ndarray:
        """The numbers, as an ndarray (shared, not copied)."""
        return self._data

    @data.setter
    def data(self, value) -> None:
        if type(value) is not np.ndarray or value.dtype.kind not in REAL_KINDS:
            value = as_array(value, None if isinstance(value, np.ndarray) else
                             _kept_dtype(value), "Tensor.data")
        self._data = value
        # ops recorded before this moment will refuse to back-propagate through it
        _clock.now += 1
        self._written = _clock.now

    @staticmethod
    def from_op(data, parents: tuple, op: str, rule, args: tuple = (), saved=None) -> Tensor:
        """The Tensor an op returns (`tinygrad_edu.ops.apply` calls this). It joins the
        graph only when grad mode is on and some parent requires grad; otherwise it is a
        plain constant."""
        out = _new_object(Tensor)
        out._data = data if type(data) is np.ndarray else np.asarray(data)
        out.grad = None
        out.label = ""
        out._retains_grad = False
        out._written = 0
        if grad_mode.threads_off == 0 or is_grad_enabled():
            for parent in parents:
                if parent.requires_grad:
                    out.parents, out.op, out.args = parents, op, args
                    out._rule, out._saved, out.requires_grad = rule, saved, True
                    out._stamp = _clock.now
                    return out
        out.parents, out.op, out.args = (), "", ()
        out._rule, out._saved, out.requires_grad = None, None, False
        return out


    def _constant_of(self, data) -> Tensor:
        """``data`` as a constant Tensor (the 2 in ``x * 2``)."""
        if isinstance(data, Tensor):
            return data
        out = Tensor(data, dtype=data.dtype if isinstance(data, np.ndarray) and
                     data.dtype.kind in REAL_KINDS else self._data.dtype)
        out._saved = CONSTANT
        return out

    def _checked_op_data(self, data, who: str) -> np.ndarray:
        if type(data) is np.ndarray and data.dtype.kind in REAL_KINDS:
            return data
        if isinstance(data, Node):
            raise TypeError(f"{who}: data must be the forward's array, got a "
                            f"{type(data).__name__}; pass its .data")
        return as_array(data, None if isinstance(data, np.ndarray) else _kept_dtype(data), who)

    def _checked_grad(self, grad, graph: bool):
        if type(grad) is np.ndarray:
            array = grad
        elif isinstance(grad, Tensor):
            if not graph:
                raise TypeError("got a Tensor, but in backward() a rule works on arrays: use "
                                "node.data and node.parents[i].data, which are arrays there")
            array = grad._data
        elif isinstance(grad, Node) or isinstance(grad, (str, bytes)):
            raise TypeError(f"expected an array of floats of shape {self.shape}, got "
                            f"{type(grad).__name__} {grad!r}"[:200])
        else:
            try:
                array = np.asarray(grad)
            except ValueError:
                raise TypeError(f"expected an array of floats of shape {self.shape}, got a "
                                f"ragged {type(grad).__name__}") from None
        if array.dtype.kind != "f":
            raise TypeError(f"expected floats, got an array of {array.dtype} (shape "
                            f"{array.shape}); multiply a mask by the upstream, or convert "
                            "with .astype(float)")
        if array.shape != self.shape:
            raise ValueError(f"expected shape {self.shape} (the parent's own), got shape "
                             f"{array.shape}; sum a broadcast gradient back to the parent's "
                             "shape")
        return grad if array is grad or isinstance(grad, Tensor) else array

    def _operand(self, other) -> tuple[Tensor, np.dtype | None]:
        """The other side of a binary op as a Tensor, and the result dtype a Python number
        asks for (None: numpy's promotion decides)."""
        if isinstance(other, Tensor):
            return other, None
        if isinstance(other, Node):
            raise TypeError(f"cannot combine a Tensor with a {type(other).__name__}")
        if isinstance(other, (int, float, bool, np.integer, np.floating, np.bool_)):
            dtype = weak_dtype(self._data.dtype, other)
            out = Tensor(np.asarray(other, dtype=dtype), dtype=dtype)
        elif self._data.dtype.kind == "f":  # a list or an array takes our float dtype
            out, dtype = Tensor(as_array(other, self._data.dtype, "operand"),
                                dtype=self._data.dtype), None
        else:  # beside an int or bool tensor, numpy's promotion decides
            array = np.asarray(other)
            out, dtype = Tensor(as_array(array, array.dtype, "operand"), dtype=array.dtype), None
        out._saved = CONSTANT
        return out, dtype

    def _seed(self, weight, who: str):
        if weight is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"{who}: this tensor has shape {self.shape}, not a single number; "
                    "reduce it first (.sum() or .mean()) or pass grad= (grad_outputs= for "
                    f"grad()) an array of shape {self.shape}")
            return np.ones(self._data.shape, self._data.dtype)
        if isinstance(weight, Tensor):
            if weight.shape != self.shape:
                raise ValueError(f"{who}: grad has shape {weight.shape} but the tensor has "
                                 f"shape {self.shape}")
            return weight
        if isinstance(weight, Node):
            raise TypeError(f"{who}: the gradient of a Tensor output must be a Tensor or an "
                            f"array, got a {type(weight).__name__}")
        seed = np.array(as_array(weight, self._data.dtype, who), dtype=self._data.dtype)
        if seed.shape != self.shape:
            raise ValueError(f"{who}: grad has shape {seed.shape} but the tensor has shape "
                             f"{self.shape}")
        return seed

    _keeps_versions = True

    def _check_unchanged(self) -> None:
        if _clock.now == self._stamp:  # no data was assigned anywhere since this op ran
            return
        for parent in self.parents:
            if parent._written > self._stamp:
                raise RuntimeError(
                    f"backward: {parent._describe()} (shape {parent.shape}) was changed in "
                    f"place after {self.op!r} used it, so its gradient would be wrong; "
                    "compute the forward pass again after changing it (or change a copy)")

    # ---- what a tensor is ----

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def size(self) -> int:
        """The number of elements (numpy's ``size``)."""
        return self._data.size

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shared, not copied)."""
        return self._data

    def item(self) -> float:
        """The single number in a one-element tensor."""
        if self._data.size != 1:
            raise ValueError(
                f"item: tensor of shape {self.shape} has {self._data.size} elements; "
                "item() needs exactly one"
            )
        return self._data.item()

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"bool: the truth value of a tensor with {self._data.size} elements is "
                "ambiguous; use .any() or .all()")
        return bool(self._data.item())

    def any(self) -> bool:
        """True if any element is nonzero."""
        return bool(self._data.any())

    def all(self) -> bool:
        """True if every element is nonzero."""
        return bool(self._data.all())

    def detach(self) -> Tensor:
        """The same data (shared, not copied) as a new leaf that does not require grad: no
        gradient flows back through it (truncated backprop through time cuts a sequence
        so). Its ``op`` is ``"detach"``, so a drawing can show where a chain was cut."""
        out = Tensor(self._data, dtype=self._data.dtype)
        out.op = "detach"
        return out

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


    # ---- arithmetic with full numpy broadcasting; numbers and arrays on either side ----

    def __add__(self, other) -> Tensor: return _math.add(self, other)
    def __radd__(self, other) -> Tensor: return _math.add(self, other, reflected=True)
    def __sub__(self, other) -> Tensor: return _math.sub(self, other)
    def __rsub__(self, other) -> Tensor: return _math.sub(self, other, reflected=True)
    def __mul__(self, other) -> Tensor: return _math.mul(self, other)
    def __rmul__(self, other) -> Tensor: return _math.mul(self, other, reflected=True)
    def __truediv__(self, other) -> Tensor: return _math.truediv(self, other)
    def __rtruediv__(self, other) -> Tensor: return _math.truediv(self, other, reflected=True)
    def __pow__(self, exponent) -> Tensor: return _math.power(self, exponent)
    def __rpow__(self, base) -> Tensor: return _math.power(self, base, reflected=True)
    def __matmul__(self, other) -> Tensor: return _math.matmul(self, other)
    def __rmatmul__(self, other) -> Tensor: return _math.matmul(self._operand(other)[0], self)
    def matmul(self, other) -> Tensor: return _math.matmul(self, other)
    def __neg__(self) -> Tensor: return _math.neg(self)
    def __pos__(self) -> Tensor: return self

    # ---- comparisons: bool tensors, no gradient ----

    def _compare(self, ufunc, other) -> Tensor:
        if isinstance(other, Tensor):
            other = other.data
        elif other is None:  # as PyTorch: t == None is False (Python compares identity)
            return NotImplemented
        elif not isinstance(other, (int, float, np.integer, np.floating, np.bool_)):
            other = as_array(other, None if isinstance(other, np.ndarray) else
                             _kept_dtype(other), ufunc.__name__)
        try:
            return self._constant_of(np.asarray(ufunc(self._data, other)))
        except ValueError:
            raise ValueError(f"{ufunc.__name__}: shapes {self.shape} and {np.shape(other)} "
                             "cannot be broadcast together") from None

    def __eq__(self, other) -> Tensor: return self._compare(np.equal, other)  # type: ignore[override]
    def __ne__(self, other) -> Tensor: return self._compare(np.not_equal, other)  # type: ignore[override]
    def __lt__(self, other) -> Tensor: return self._compare(np.less, other)
    def __le__(self, other) -> Tensor: return self._compare(np.less_equal, other)
    def __gt__(self, other) -> Tensor: return self._compare(np.greater, other)
    def __ge__(self, other) -> Tensor: return self._compare(np.greater_equal, other)

    # ---- elementwise functions (tensor_elementwise) ----

    def exp(self) -> Tensor: return _elementwise.unary("exp", self)
    def log(self) -> Tensor: return _elementwise.unary("log", self)
    def sqrt(self) -> Tensor: return _elementwise.unary("sqrt", self)
    def abs(self) -> Tensor: return _elementwise.unary("abs", self)
    def __abs__(self) -> Tensor: return _elementwise.unary("abs", self)
    def tanh(self) -> Tensor: return _elementwise.unary("tanh", self)
    def sigmoid(self) -> Tensor: return _elementwise.unary("sigmoid", self)
    def relu(self) -> Tensor: return _elementwise.unary("relu", self)
    def sin(self) -> Tensor: return _elementwise.unary("sin", self)
    def cos(self) -> Tensor: return _elementwise.unary("cos", self)
    def log1p(self) -> Tensor: return _elementwise.unary("log1p", self)
    def expm1(self) -> Tensor: return _elementwise.unary("expm1", self)
    def softplus(self) -> Tensor: return _elementwise.unary("softplus", self)
    def silu(self) -> Tensor: return _elementwise.unary("silu", self)
    def gelu(self) -> Tensor: return _elementwise.unary("gelu", self)
    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        return _elementwise.leaky_relu(self, negative_slope)
    def elu(self, alpha: float = 1.0) -> Tensor: return _elementwise.elu(self, alpha)
    def maximum(self, other) -> Tensor: return _elementwise.maximum(self, other)
    def minimum(self, other) -> Tensor: return _elementwise.minimum(self, other)
    def clip(self, min=None, max=None) -> Tensor: return _elementwise.clip(self, min, max)  # noqa: A002
    clamp = clip  # PyTorch's name

    # ---- reductions over None (everything), an int or a tuple of axes (tensor_reduce) ----

    def sum(self, axis=None, keepdims: bool = False) -> Tensor:
        return _reduce.reduce_sum(self, axis, keepdims)
    def mean(self, axis=None, keepdims: bool = False) -> Tensor:
        return _reduce.mean(self, axis, keepdims)
    def max(self, axis=None, keepdims: bool = False) -> Tensor:
        return _reduce.extreme("max", np.max, self, axis, keepdims)
    def min(self, axis=None, keepdims: bool = False) -> Tensor:
        return _reduce.extreme("min", np.min, self, axis, keepdims)
    def var(self, axis=None, correction: int = 1, keepdims: bool = False) -> Tensor:
        return _reduce.var(self, axis, correction, keepdims)
    def std(self, axis=None, correction: int = 1, keepdims: bool = False) -> Tensor:
        """√var (a composite of var and sqrt)."""
        return _reduce.var(self, axis, correction, keepdims).sqrt()
    def argmax(self, axis=None, keepdims: bool = False) -> Tensor:
        return _reduce.arg_extreme("argmax", np.argmax, self, axis, keepdims)
    def argmin(self, axis=None, keepdims: bool = False) -> Tensor:
        return _reduce.arg_extreme("argmin", np.argmin, self, axis, keepdims)
    def logsumexp(self, axis=None, keepdims: bool = False) -> Tensor:
        return _reduce.logsumexp(self, axis, keepdims)
    def softmax(self, axis: int = -1) -> Tensor: return _reduce.softmax(self, axis)
    def log_softmax(self, axis: int = -1) -> Tensor: return _reduce.log_softmax(self, axis)

    # ---- shape and indexing (tensor_shape) ----

    def reshape(self, *shape) -> Tensor: return _shape.reshape(self, *shape)
    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return _shape.flatten(self, start_dim, end_dim)
    def squeeze(self, axis=None) -> Tensor: return _shape.squeeze(self, axis)
    def unsqueeze(self, axis: int) -> Tensor: return _shape.unsqueeze(self, axis)
    def permute(self, *dims) -> Tensor: return _shape.permute(self, *dims)
    def transpose(self, dim0: int, dim1: int) -> Tensor: return _shape.transpose(self, dim0, dim1)
    swapaxes = transpose  # numpy's and PyTorch's other name for it
    @property
    def T(self) -> Tensor: return _shape.permute(self, *reversed(range(self._data.ndim)))
    def expand(self, *sizes) -> Tensor: return _shape.expand(self, *sizes)
    def flip(self, dims=None) -> Tensor: return _shape.flip(self, dims)
    def pad(self, pad_width, value: float = 0.0) -> Tensor:
        return _shape.pad(self, pad_width, value)
    def __getitem__(self, index) -> Tensor: return _shape.getitem(self, index)
    def gather(self, dim: int, index) -> Tensor: return _shape.gather(self, dim, index)
    def split(self, split_size_or_sections, dim: int = 0) -> list[Tensor]:
        return _shape.split(self, split_size_or_sections, dim)
    def chunk(self, chunks: int, dim: int = 0) -> list[Tensor]:
        return _shape.chunk(self, chunks, dim)
    def masked_fill(self, mask, value: float) -> Tensor:
        """``value`` where ``mask`` is True, else this tensor's element."""
        from .tensor_functions import where  # (tensor_functions imports this module)

        value = real_setting("masked_fill", "value", value)
        return where(mask, self._constant_of(np.asarray(value, self._data.dtype)), self)

    def where(self, condition, other) -> Tensor:
        """This tensor's element where ``condition`` holds, else ``other``'s (PyTorch's
        ``x.where(condition, y)``, the same as ``where(condition, x, y)``)."""
        from .tensor_functions import where

        return where(condition, self, other)

    # ---- backpropagation ----

    # the chain rule over a Tensor graph, which `autograd.run_backward` runs
    _propagate = staticmethod(propagate_arrays)

    def backward(self, grad=None, retain_graph: bool | None = None, create_graph: bool = False,
                 keep_all_grads: bool = False) -> None:
        """Fill ``.grad`` of the leaves this tensor depends on (and of tensors that called
        ``retain_grad()``; of every tensor in the graph with ``keep_all_grads=True``).

        ``grad`` is d(final result)/d(this tensor); leave it out for a one-element tensor
        such as a loss. Leaves accumulate gradients across calls until zeroed.
        ``retain_graph=True`` keeps the saved buffers for another backward() through
        the same graph. ``create_graph=True`` makes the gradients Tensors with a graph
        of their own, so they can be differentiated again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad: create an input with "
                "Tensor(..., requires_grad=True) (and do not compute under no_grad())"
            )
        seed = self._seed(grad, "backward")
        if create_graph:
            from .backprop import commit_graph_grads, graph_backward

            order, grads = graph_backward([self], [seed], True, retain_graph is not False)
            if keep_all_grads:
                for node in order:
                    if node._rule is not None:
                        node._retains_grad = True
            commit_graph_grads(order, grads, self)
            return
        if isinstance(seed, Tensor):
            seed = seed.data
        for node in run_backward(self, seed, bool(retain_graph), keep_all_grads):
            # numpy ufuncs turn 0-d arrays into numpy scalars, and mixing float32 with
            # float64 promotes: keep every .grad an ndarray of its own tensor's dtype
            grad = node.grad
            if grad is not None and (type(grad) is not np.ndarray or grad.dtype != node.data.dtype):
                node.grad = np.asarray(grad, dtype=node.data.dtype)

    # ---- display ----

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", precision=4, prefix="Tensor(")
        extras = []
        if self._data.dtype != DEFAULT_DTYPE:
            extras.append(f"dtype={self._data.dtype}")
        if self.requires_grad:
            extras.append("requires_grad=True")
        if self.label:
            extras.append(f"label={self.label!r}")
        return f"Tensor({body}{''.join(', ' + extra for extra in extras)})"


def _kept_dtype(data):
    """The dtype numpy gives ``data`` when that is a number type (an op's data keeps its
    dtype: float64 stays float64), else None (`as_array` then says what is wrong)."""
    try:
        dtype = np.asarray(data).dtype
    except ValueError:  # ragged: as_array says so
        return None
    return dtype if dtype.kind in REAL_KINDS else None


def tensors_of(items: Sequence, who: str) -> list[Tensor]:
    """Check that ``items`` is a non-empty sequence and lift numbers/arrays to Tensors."""
    if isinstance(items, Tensor) or not isinstance(items, Sequence) or len(items) == 0:
        raise TypeError(f"{who}: expected a non-empty list of tensors, got {type(items).__name__}")
    first = next((item for item in items if isinstance(item, Tensor)), None)
    dtype = first.dtype if first is not None else None
    return [item if isinstance(item, Tensor) else Tensor(item, dtype=dtype) for item in items]
