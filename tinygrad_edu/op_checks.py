"""The checks behind `ops.declare` and `ops.apply`: a learner's mistake in a declaration
is refused where it is made, in one line, and a rule that returns the wrong gradients is
caught before they reach any ``.grad``.

* `check_declaration` -- at ``declare`` time: the name and texts are strings, the rule
  and the forward are functions, and every ``local`` template can be written out (each
  is formatted with stand-in names, so ``{x}``, ``{5}`` or a lone ``{`` is refused now
  rather than when a drawing needs it).
* `CheckedRule` -- what a node made by ``apply`` runs as its rule: the learner's rule,
  then a look at what it returned (one gradient per parent; each one float for a Value,
  an array of floats of the parent's shape for a Tensor, or None). The engine says what
  its gradients look like (``_checked_grad``); the error names the op, the parent, what
  was expected and what came back. The built-in ops of the two engines make their nodes
  without ``apply``, so their rules run unchecked: the check costs them nothing.
* `check_parents` -- at ``apply`` time: at least one parent, all of one engine.
"""

from __future__ import annotations

import string
from collections.abc import Callable

from .autograd import Node

__all__ = ["check_declaration", "check_template", "CheckedRule", "check_parents", "describe"]


class _AnySetting:
    """Stands for one of ``node.args`` while a template is tried out: it formats under
    any format spec a number or a string accepts."""

    def __format__(self, spec: str) -> str:
        for example in (0.5, "a"):
            try:
                return format(example, spec)
            except (ValueError, TypeError):
                pass
        raise ValueError(f"the format spec {spec!r} fits neither a number nor a text")


class _AnySettings:
    """Stands for ``node.args`` (a tuple of unknown length) while a template is tried."""

    def __getitem__(self, index) -> _AnySetting:
        if not isinstance(index, int):
            raise TypeError(f"args[{index!r}]: a setting is picked by its position, args[0]")
        return _AnySetting()


def check_template(who: str, template, parents: int) -> None:
    """Refuse a ``local`` template that could not be written out for an op with
    ``parents`` parents: ``{0}``..``{n-1}`` name the parents, ``{out}`` the result,
    ``{args[i]}`` a setting."""
    if not isinstance(template, str):
        raise TypeError(f"{who}: each local template must be a str, got "
                        f"{type(template).__name__} {template!r}")
    names = [f"p{i}" for i in range(parents)]
    try:
        template.format(*names, out="out", args=_AnySettings())
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as error:
        fields = [field for _, field, _, _ in _fields(template) if field is not None]
        parent_fields = "{0}" if parents == 1 else f"{{0}}..{{{parents - 1}}}"
        raise ValueError(
            f"{who}: the local template {template!r} cannot be written out ({_why(error)}); "
            f"use {parent_fields} for the parent{'' if parents == 1 else 's'}, {{out}} for "
            "the result, {args[0]} for a setting, and a doubled brace for a brace"
            + (f" (its fields: {', '.join('{' + f + '}' for f in fields)})" if fields else "")
        ) from None


def _fields(template: str) -> list:
    try:
        return list(string.Formatter().parse(template))
    except ValueError:
        return []


def _why(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"no field named {error.args[0]!r}"
    if isinstance(error, IndexError):
        return "a parent number past the last parent"
    return str(error).splitlines()[0] or type(error).__name__


def check_declaration(name, symbol, math, local: tuple, variadic: bool,
                      forward, local_ko: tuple | None = None) -> None:
    """Everything ``declare`` is given, checked before anything is registered."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"declare: the op's name must be a non-empty str, got {name!r}")
    who = f"declare: {name}"
    for field, text in (("symbol", symbol), ("math", math)):
        if not isinstance(text, str):
            raise TypeError(f"{who}: {field}= must be a str, got {type(text).__name__} {text!r}")
    if not symbol.strip():
        raise ValueError(f"{who}: symbol= must show something in the op's circle, got {symbol!r}")
    if forward is not None and not callable(forward):
        raise TypeError(f"{who}: forward= must be a function forward(args, *parent_data) -> "
                        f"data, got {type(forward).__name__}")
    for field, templates in (("local", local), ("local_ko", local_ko)):
        if templates is None:
            continue
        if not templates:
            raise ValueError(f"{who}: {field}= needs one template per parent, got none")
        if variadic and len(templates) != 1:
            raise ValueError(f"{who}: a variadic op has one {field} template for every "
                             f"parent, got {len(templates)}")
        parents = 1 if variadic else len(templates)
        for template in templates:
            check_template(f"{who}: {field}", template, parents)
    if local_ko is not None and len(local_ko) != len(local):
        raise ValueError(f"{who}: local_ko= has {len(local_ko)} templates but local= has "
                         f"{len(local)}: give one per parent in both")


def check_rule(name: str, rule) -> None:
    if not callable(rule):
        raise TypeError(f"declare: {name}: the rule must be a function rule(node, upstream) "
                        f"-> one gradient per parent, got {type(rule).__name__} {rule!r}")


def describe(node: Node) -> str:
    """``'x'`` (a label), or the engine and shape of an unlabelled node."""
    kind = type(node).__name__
    shape = getattr(node, "shape", None)
    where = f" of shape {tuple(shape)}" if shape is not None else ""
    return f"{kind} {node.label!r}{where}" if node.label else f"a {kind}{where}"


def _returned(grads) -> str:
    shape = getattr(grads, "shape", None)
    return type(grads).__name__ + (f" of shape {tuple(shape)}" if shape is not None else "")


class CheckedRule:
    """The rule a node made by `ops.apply` runs: the declared rule, then a check of what
    it returned (see the module). Calls and compares like the rule it wraps."""

    __slots__ = ("rule", "name")

    def __init__(self, rule: Callable, name: str) -> None:
        self.rule, self.name = rule, name

    def __call__(self, node, upstream) -> tuple:
        grads = self.rule(node, upstream)
        parents = node.parents
        count = len(parents)
        if type(grads) is not tuple:
            if grads is None:
                raise TypeError(
                    f"{self.name}: its rule returned None; it must return one gradient per "
                    f"parent ({count}), e.g. `return (upstream * ...,)`")
            if not isinstance(grads, list):
                hint = " written as a tuple: `return (grad,)`" if count == 1 else ""
                raise TypeError(f"{self.name}: its rule returned {_returned(grads)}; it must "
                                f"return one gradient per parent ({count}){hint}")
            grads = tuple(grads)
        if len(grads) != count:
            raise ValueError(
                f"{self.name}: its rule returned {len(grads)} gradient"
                f"{'' if len(grads) == 1 else 's'} for {count} parent"
                f"{'' if count == 1 else 's'}; return exactly one per parent (None for a "
                "parent that needs none)")
        graph = not isinstance(node, Node)  # create_graph: the rule ran on a GraphView
        checked = []
        for slot in range(count):
            grad = grads[slot]
            if grad is not None:
                parent = parents[slot]
                target = parent.data if graph else parent  # the Value/Tensor itself
                try:
                    grad = target._checked_grad(grad, graph)
                except (TypeError, ValueError) as error:
                    raise type(error)(f"{self.name}: its rule's gradient for parent {slot} "
                                      f"({describe(target)}) is wrong: {error}") from None
            checked.append(grad)
        return tuple(checked)

    def __repr__(self) -> str:
        return f"<checked rule of {self.name!r}: {self.rule!r}>"


def check_parents(name: str, parents: tuple) -> Node:
    """The first Value/Tensor among ``parents``: there must be one, and every parent that
    is a node must be of its engine (numbers and arrays become constants)."""
    if not parents:
        raise TypeError(f"apply: {name}: an op needs at least one parent (a Value or Tensor); "
                        "got none")
    nodes = [parent for parent in parents if isinstance(parent, Node)]
    if not nodes:
        raise TypeError(f"apply: {name}: at least one parent must be a Value or Tensor, got "
                        f"{', '.join(type(parent).__name__ for parent in parents)}")
    engine = _engine(nodes[0])
    for slot, parent in enumerate(parents):
        if isinstance(parent, Node) and _engine(parent) is not engine:
            raise TypeError(f"apply: {name}: parent {slot} is a {type(parent).__name__} but "
                            f"parent {parents.index(nodes[0])} is a {type(nodes[0]).__name__}; "
                            "an op works on one engine: Values or Tensors, not both")
    return nodes[0]


def _engine(node: Node) -> type:
    """The engine class a node belongs to: the class right below Node in its ancestry
    (a Parameter is a Tensor)."""
    mro = type(node).__mro__
    return mro[mro.index(Node) - 1]
