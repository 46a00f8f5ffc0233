"""`Module` and `Parameter`: how a network keeps track of what it learns.

A `Module` is a piece of a network with a ``forward(x)``. Assigning a `Parameter` or
another `Module` to one of its attributes *registers* it, in definition order, so that

* ``parameters()`` can hand every learnable tensor to an optimizer,
* ``named_parameters()`` can name them with dotted paths (``"0.weight"``),
* ``train()`` / ``eval()`` reach every sub-module (dropout and batch norm behave
  differently while training),
* ``state_dict()`` / ``load_state_dict()`` / ``save()`` / ``load()`` can store and restore them.

Registration uses ordinary dicts (insertion-ordered), never sets, so the order of the
parameters -- and therefore of the optimizer's state -- is the same on every run.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

from ..tensor import Tensor
from . import serialization

__all__ = ["Module", "Parameter", "LoadResult", "HookHandle"]


class Parameter(Tensor):
    """A Tensor that a Module learns: ``requires_grad=True`` unless told otherwise.

    Assigning one to a Module attribute registers it (``self.weight = Parameter(...)``).
    """

    __slots__ = ()

    def __init__(self, data, requires_grad: bool = True, dtype=None, label: str = "") -> None:
        super().__init__(data, requires_grad=requires_grad, dtype=dtype, label=label)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


HOOK_KEYS = itertools.count(1)  # each hook's key in its module's dict, never reused


class HookHandle:
    """What `Module.register_forward_hook` returns: ``remove()`` unregisters the hook."""

    def __init__(self, hooks: dict) -> None:
        self.hooks, self.key = hooks, next(HOOK_KEYS)

    def remove(self) -> None:
        self.hooks.pop(self.key, None)


class LoadResult(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped (both empty for a strict load)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of every layer and network. Subclasses set attributes in ``__init__``
    (after calling ``super().__init__()``) and define ``forward``.

    >>> class TwoLayer(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = Linear(2, 4)
    ...         self.out = Linear(4, 1)
    ...     def forward(self, x):
    ...         return self.out(self.hidden(x).relu())
    """

    def __init__(self) -> None:
        # object.__setattr__: these three exist before __setattr__ can register anything
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "training", True)

    # ---- registration ----

    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() before assigning "
                f"attribute {name!r}"
            )
        parameters, modules, buffers = self._parameters, self._modules, self._buffers
        # Assigning to a name already registered as the same kind keeps its place.
        if isinstance(value, Parameter):
            modules.pop(name, None)
            buffers.pop(name, None)
            parameters[name] = value
        elif isinstance(value, Module):
            parameters.pop(name, None)
            buffers.pop(name, None)
            modules[name] = value
        elif name in buffers:
            if value is not None and not isinstance(value, np.ndarray):
                raise TypeError(f"{name!r} is a buffer and must stay a numpy array")
            buffers[name] = value
        else:  # anything else is a plain attribute and unregisters the name
            parameters.pop(name, None)
            modules.pop(name, None)
        # Also a plain attribute: reading self.weight in forward() is then as fast as
        # reading any attribute (no __getattr__ detour on the hot path).
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self._buffers.pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name: str, array: np.ndarray) -> None:
        """Keep a numpy array that is part of the state but not learned by gradient
        descent (BatchNorm's running mean). It goes into ``state_dict()``."""
        self._buffers[name] = array
        object.__setattr__(self, name, array)

    def add_module(self, name: str, module: Module) -> None:
        """Register a sub-module under ``name`` (what ``Sequential`` does for "0", "1", ...)."""
        setattr(self, name, module)

    # ---- the forward pass ----

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args, **kwargs):
        output = self.forward(*args, **kwargs)
        hooks = self.__dict__.get("_forward_hooks")  # None for almost every call: cheap
        if hooks:
            for hook in list(hooks.values()):
                changed = hook(self, args, output)
                output = output if changed is None else changed
        return output

    def register_forward_hook(self, hook) -> HookHandle:
        """Call ``hook(module, inputs, output)`` after every forward pass of this module
        (as in PyTorch; a hook that returns something replaces the output). Returns a
        handle whose ``remove()`` takes the hook away again."""
        hooks = self.__dict__.setdefault("_forward_hooks", {})
        handle = HookHandle(hooks)
        hooks[handle.key] = hook
        return handle

    # ---- walking the tree of modules ----

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules with their attribute names, in definition order."""
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (name ``""``) and every module below it, depth first, each once."""
        seen: set[int] = set()  # ids, only to skip a module shared twice; order is the list's
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{child}" if name else child, sub)
                        for child, sub in module._modules.items()]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted path (``"0.weight"``), in definition order.
        A parameter shared by two layers is listed once."""
        seen: set[int] = set()
        for module_name, module in self.named_modules(prefix):
            for name, param in module._parameters.items():
                if param is None or id(param) in seen:
                    continue
                seen.add(id(param))
                yield (f"{module_name}.{name}" if module_name else name), param

    def parameters(self) -> Iterator[Parameter]:
        """Every learnable tensor, in definition order: what an optimizer is given."""
        for _, param in self.named_parameters():
            yield param

    def named_buffers(self) -> Iterator[tuple[str, np.ndarray]]:
        for module_name, module in self.named_modules():
            for name, array in module._buffers.items():
                if array is not None:
                    yield (f"{module_name}.{name}" if module_name else name), array

    # ---- modes and gradients ----

    def train(self, mode: bool = True) -> Module:
        """Training mode (the default) for this module and every sub-module."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Evaluation mode: dropout off, batch norm uses its running statistics."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze every parameter: a frozen one gets no gradient."""
        for param in self.parameters():
            param.requires_grad = requires_grad
        return self

    def to(self, dtype) -> Module:
        """Convert every floating-point parameter and buffer to ``dtype`` (float64 for a
        gradient check of a whole model); gradients are dropped. Returns self."""
        dtype = np.dtype(dtype)
        for module in self.modules():
            for param in module._parameters.values():
                if param is not None and param.data.dtype.kind == "f":
                    param.data, param.grad = param.data.astype(dtype), None
            for name, array in module._buffers.items():
                if array is not None and array.dtype.kind == "f":
                    setattr(module, name, array.astype(dtype))
        return self

    def double(self) -> Module:
        """``to(np.float64)``."""
        return self.to(np.float64)

    def float(self) -> Module:
        """``to(np.float32)``, the default dtype."""
        return self.to(np.float32)

    def zero_grad(self) -> None:
        """Forget the gradients of every parameter (sets ``.grad`` to None, as PyTorch's
        default ``set_to_none=True`` does: nothing to allocate, nothing shared to clear)."""
        for param in self.parameters():
            param.grad = None

    # ---- state: save and restore ----

    def state_dict(self) -> dict[str, np.ndarray]:
        """A snapshot: every parameter and buffer by dotted name, as numpy copies
        (module by module, parameters before buffers, as in PyTorch)."""
        return {name: array.copy() for name, (_, _, array) in self._state_slots().items()}

    def _state_slots(self) -> dict[str, tuple[Module, str, np.ndarray]]:
        """name -> (owning module, attribute, current array), for parameters and buffers."""
        slots = {}
        for module_name, module in self.named_modules():
            for kind in (module._parameters, module._buffers):
                for attribute, value in kind.items():
                    if value is None:
                        continue
                    name = f"{module_name}.{attribute}" if module_name else attribute
                    array = value.data if isinstance(value, Tensor) else value
                    slots.setdefault(name, (module, attribute, array))
        return slots

    def load_state_dict(self, state_dict: dict, strict: bool = True) -> LoadResult:
        """Copy the arrays of ``state_dict`` into the parameters and buffers.

        Everything is checked first -- every key, every shape, and that every number
        fits the model's dtype (1e300 does not fit a float32 weight, NaN or 2.5 does not
        fit an integer buffer: refused, where PyTorch would cast them silently) -- and
        only then is anything changed, so a failed load leaves the model exactly as it
        was. With
        ``strict=False`` missing and unexpected keys are allowed (and returned); shapes
        must still match.
        """
        slots = self._state_slots()
        missing = [name for name in slots if name not in state_dict]
        unexpected = [name for name in state_dict if name not in slots]
        problems = []
        if strict and missing:
            problems.append("missing keys: " + ", ".join(repr(name) for name in missing))
        if strict and unexpected:
            problems.append("unexpected keys: " + ", ".join(repr(name) for name in unexpected))
        arrays = {}
        for name, value in state_dict.items():
            if name not in slots:
                continue
            array = np.asarray(value.data if isinstance(value, Tensor) else value)
            current = slots[name][2]
            if array.shape != current.shape:
                problems.append(
                    f"{name!r}: the state has shape {array.shape} but the model has "
                    f"shape {current.shape}"
                )
            elif array.dtype.kind not in "biuf":
                problems.append(f"{name!r}: the state holds {array.dtype}, not numbers")
            else:
                problem = _cast_problem(array, current.dtype)
                if problem:
                    problems.append(f"{name!r}: {problem}")
            arrays[name] = array
        if problems:
            raise ValueError(
                f"load_state_dict: cannot load into {type(self).__name__} (nothing was "
                "changed): " + "; ".join(problems)
            )
        for name, array in arrays.items():  # all checked: now change
            module, attribute, current = slots[name]
            new = np.empty_like(current)  # a copy the model owns, in the current layout
            new[...] = array
            if attribute in module._parameters:
                module._parameters[attribute].data = new
            else:
                module._buffers[attribute] = new
                object.__setattr__(module, attribute, new)
        return LoadResult(missing, unexpected)

    def save(self, path) -> None:
        """Write ``state_dict()`` to ``path`` as a ``.npz`` archive, atomically: a
        temporary file in the same folder is renamed over ``path`` only when complete,
        so a crash never leaves half a file behind."""
        serialization.save_npz(self.state_dict(), path)

    def load(self, path, strict: bool = True) -> Module:
        """Load parameters saved by ``save(path)`` (same architecture); returns self."""
        shapes = {name: array.shape for name, (_, _, array) in self._state_slots().items()}
        state = serialization.load_npz(path, expected=shapes, strict=strict,
                                       owner=type(self).__name__)  # checked before reading
        self.load_state_dict(state, strict=strict)
        return self

    # ---- display ----

    def extra_repr(self) -> str:
        """The layer's settings inside the parentheses of its repr (override it)."""
        return ""

    def __repr__(self) -> str:
        lines = []
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child}")
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        head = f"{type(self).__name__}({extra}" if extra else f"{type(self).__name__}("
        return head + "\n" + "\n".join(lines) + "\n)"


def _cast_problem(array: np.ndarray, dtype: np.dtype) -> str | None:
    """What would be lost copying ``array`` into an array of ``dtype``, or None. Rounding
    to fewer digits is not a loss (float64 -> float32); a number that would become
    infinite, stop being a whole number, wrap around or turn into a bool is."""
    if array.dtype == dtype or array.size == 0:
        return None
    source = array.astype(np.float64) if array.dtype.kind == "b" else array
    if dtype.kind == "f":
        if source.dtype.kind == "f":
            finite = np.isfinite(source)
        else:
            finite = np.ones(source.shape, dtype=bool)
        with np.errstate(over="ignore", invalid="ignore"):
            cast = source.astype(dtype)
        lost = finite & ~np.isfinite(cast)
        if lost.any():
            return (f"{source[lost].flat[0].item()!r} does not fit {dtype} (it would become "
                    f"{cast[lost].flat[0].item()!r})")
        return None
    if dtype.kind == "b":
        if not np.isin(source, (0, 1)).all():
            bad = source[~np.isin(source, (0, 1))].flat[0]
            return f"{bad.item()!r} is not 0 or 1, so it does not fit a bool buffer"
        return None
    limits = np.iinfo(dtype)  # an integer buffer (num_batches_tracked, a counter)
    if source.dtype.kind == "f":
        if not np.isfinite(source).all():
            bad = source[~np.isfinite(source)].flat[0]
            return f"{bad.item()!r} cannot be stored in an {dtype} buffer (a whole number)"
        if (source != np.round(source)).any():
            bad = source[source != np.round(source)].flat[0]
            return f"{bad.item()!r} is not a whole number, so it does not fit an {dtype} buffer"
    outside = (source < limits.min) | (source > limits.max)
    if outside.any():
        return (f"{source[outside].flat[0].item()!r} is outside the range of {dtype} "
                f"[{limits.min}, {limits.max}]")
    return None
