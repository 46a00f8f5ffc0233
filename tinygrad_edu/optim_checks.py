"""Checking an optimizer state before `Optimizer.load_state_dict` takes it.

A state that loads but breaks the next ``step()`` -- a 0-d buffer, ``lr='fast'``,
``betas=(2, 2)``, a missing key -- is worse than one refused, so every part is checked
first (keys, group sizes, buffer names, shapes and dtypes, the types and ranges of the
hyper-parameters) and every problem is named in one message; nothing is changed unless
all of it is right.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["state_dict_problems"]

NON_NEGATIVE = {"lr", "momentum", "dampening", "weight_decay", "lr_decay",
                "initial_accumulator_value", "eps"}
IN_UNIT_INTERVAL = {"alpha", "rho"}  # [0, 1]
FLAGS = {"nesterov", "centered", "amsgrad"}


def _buffers(kind: str, group: Mapping) -> tuple[set[str], set[str]] | None:
    """(required, optional) buffer names of one parameter's state for an optimizer
    class name, as its ``step()`` creates them; None for a class we do not know."""
    if kind == "SGD":
        return set(), {"momentum_buffer"}
    if kind == "Adagrad":
        return {"step", "sum"}, set()
    if kind == "RMSprop":
        required = {"step", "square_avg"}
        momentum = group.get("momentum", 0)
        required |= {"momentum_buffer"} if _is_number(momentum) and momentum > 0 else set()
        return required | ({"grad_avg"} if group.get("centered") is True else set()), set()
    if kind == "Adadelta":
        return {"step", "square_avg", "acc_delta"}, set()
    if kind == "Adam":
        return {"step", "exp_avg", "exp_avg_sq"} | (
            {"max_exp_avg_sq"} if group.get("amsgrad") is True else set()), set()
    return None


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _option_problem(name: str, value, current) -> str | None:
    """What is wrong with one hyper-parameter value, or None."""
    if name in FLAGS:
        return None if isinstance(value, bool | np.bool_) else f"{value!r} is not True/False"
    if name == "betas":
        if (not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2
                or not all(_is_number(b) and 0 <= b < 1 for b in value)):
            return f"{value!r} is not two numbers in [0, 1)"
        return None
    if _is_number(current):
        if not _is_number(value) or not math.isfinite(value):
            return f"{value!r} is not a finite number"
        if name in NON_NEGATIVE and value < 0:
            return f"{value!r} is negative"
        if name in IN_UNIT_INTERVAL and not 0 <= value <= 1:
            return f"{value!r} is not in [0, 1]"
    return None


def _group_problems(number: int, saved, group: Mapping, first_index: int) -> list[str]:
    where = f"param_groups[{number}]"
    if not isinstance(saved, Mapping):
        return [f"{where} is a {type(saved).__name__}, not a dict"]
    problems = []
    params = saved.get("params")
    wanted = list(range(first_index, first_index + len(group["params"])))
    if not isinstance(params, Sequence) or isinstance(params, str):
        problems.append(f"{where}['params'] is {params!r}, not a list of parameter numbers")
    elif len(params) != len(wanted):
        problems.append(f"group {number} has {len(params)} parameters in the state but "
                        f"{len(wanted)} here")
    elif list(params) != wanted:
        problems.append(f"{where}['params'] is {list(params)[:4]}, expected the numbers "
                        f"{wanted[0]} to {wanted[-1]}")
    options = set(group) - {"params"}
    missing = sorted(options - set(saved))
    unknown = sorted(set(saved) - options - {"params"})
    if missing:
        problems.append(f"{where} lacks {', '.join(map(repr, missing))}")
    if unknown:
        problems.append(f"{where} has unknown option(s) {', '.join(map(repr, unknown))}")
    for name in sorted(options & set(saved)):
        problem = _option_problem(name, saved[name], group[name])
        if problem:
            problems.append(f"{where}[{name!r}]: {problem}")
    if saved.get("nesterov") is True and (not _is_number(saved.get("momentum"))
                                          or saved.get("momentum", 0) <= 0
                                          or saved.get("dampening", 0) != 0):
        problems.append(f"{where}: nesterov needs momentum > 0 and dampening = 0")
    return problems


def _buffer_problems(index, buffers, param, kind: str, group: Mapping) -> list[str]:
    where = f"state[{index!r}]"
    if not isinstance(buffers, Mapping):
        return [f"{where} is a {type(buffers).__name__}, not a dict of buffers"]
    problems = []
    names = _buffers(kind, group)
    if names is not None and buffers:
        required, optional = names
        missing = sorted(required - set(buffers))
        unknown = sorted(set(buffers) - required - optional)
        if missing:
            problems.append(f"{where} lacks {', '.join(map(repr, missing))}")
        if unknown:
            problems.append(f"{where} has unknown buffer(s) {', '.join(map(repr, unknown))}")
    for name, value in buffers.items():
        if name == "step":
            if not (isinstance(value, numbers.Integral) and not isinstance(value, bool)
                    and value >= 0):
                problems.append(f"{where}['step']: {value!r} is not a whole number >= 0")
            continue
        if not isinstance(value, np.ndarray):
            problems.append(f"{where}[{name!r}] is a {type(value).__name__}, not an array")
        elif value.shape != param.shape:
            problems.append(f"{where}[{name!r}] has shape {value.shape} but the parameter has "
                            f"shape {param.shape}")
        elif value.dtype.kind != "f":
            problems.append(f"{where}[{name!r}] holds {value.dtype}, not floating-point numbers")
        elif not np.all(np.isfinite(value)):
            problems.append(f"{where}[{name!r}] holds NaN or infinite values")
    return problems


def state_dict_problems(optimizer, state_dict) -> list[str]:
    """Everything wrong with ``state_dict`` for ``optimizer``, each named; [] if none.
    Parameters are numbered across groups, as ``state_dict()`` numbers them."""
    if not isinstance(state_dict, Mapping):
        return [f"expected the dict that state_dict() returns, got a {type(state_dict).__name__}"]
    problems = []
    missing = [key for key in ("state", "param_groups") if key not in state_dict]
    unknown = sorted(set(state_dict) - {"state", "param_groups"}, key=str)
    if missing:
        problems.append(f"missing key(s) {', '.join(map(repr, missing))}")
    if unknown:
        problems.append(f"unknown key(s) {', '.join(map(repr, unknown))}")
    if missing:
        return problems
    groups, state = state_dict["param_groups"], state_dict["state"]
    if not isinstance(groups, Sequence) or len(groups) != len(optimizer.param_groups):
        size = len(groups) if isinstance(groups, Sequence) else type(groups).__name__
        return problems + [f"the state has {size} parameter groups, this optimizer has "
                           f"{len(optimizer.param_groups)}"]
    first = 0
    for number, (saved, group) in enumerate(zip(groups, optimizer.param_groups, strict=True)):
        problems += _group_problems(number, saved, group, first)
        first += len(group["params"])
    if not isinstance(state, Mapping):
        return problems + [f"'state' is a {type(state).__name__}, not a dict"]
    kind = next((cls.__name__ for cls in type(optimizer).__mro__
                 if _buffers(cls.__name__, {}) is not None), "")
    params = {}  # index -> (parameter, its options as the state would set them)
    for group, saved in zip(optimizer.param_groups, groups, strict=True):
        options = {**group, **(saved if isinstance(saved, Mapping) else {})}
        for param in group["params"]:
            params[len(params)] = (param, options)
    for index, buffers in state.items():
        if index not in params:
            problems.append(f"the state has buffers for parameter {index!r}, which does not "
                            f"exist here (0 to {len(params) - 1})")
            continue
        param, options = params[index]
        problems += _buffer_problems(index, buffers, param, kind, options)
    return problems
