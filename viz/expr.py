"""A safe parser for toy expressions: ``"g = w*x; f = g + b"`` -> a `Value` graph.

The text is parsed with `ast` and every piece of the tree is checked against a short
whitelist *before anything is computed*: numbers, names, ``+ - * / **``, unary ``-``,
and calls of exp, log, tanh, sigmoid, relu, leaky_relu, elu, abs, sqrt, sin, cos, max,
min. Nothing is ever passed to
``eval`` or ``exec``; we walk the tree ourselves and call `Value`'s own ops. Anything
else -- attribute access, indexing, ``__dunder__`` names, other calls, strings,
lambdas -- is refused with one line that points at the column of the problem.
"""

from __future__ import annotations

import ast
import math
import warnings
from dataclasses import dataclass

from tinygrad_edu.scalar import Value

__all__ = ["ExpressionError", "Program", "parse_expression", "evaluate", "build_graph",
           "FUNCTIONS"]

# function name -> (fewest, most) arguments; the optional second one is a constant,
# except for the functions of two inputs, max(a, b) and min(a, b) (the max gate)
FUNCTIONS = {"exp": (1, 1), "log": (1, 1), "tanh": (1, 1), "sigmoid": (1, 1),
             "relu": (1, 1), "leaky_relu": (1, 2), "elu": (1, 2), "abs": (1, 1),
             "sqrt": (1, 1), "sin": (1, 1), "cos": (1, 1), "max": (2, 2), "min": (2, 2)}
TWO_INPUTS = {"max", "min"}
OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
MAX_LENGTH = 2000
MAX_DEPTH = 200
MAX_INTEGER = 10**308  # a bigger int literal cannot become a float
ALLOWED = "numbers, names, + - * / **, unary -, and calls of " + ", ".join(FUNCTIONS)
# what to call the usual suspects in an error message
KIND_NAMES = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.Compare: "comparisons", ast.BoolOp: "and/or", ast.IfExp: "if/else",
    ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts", ast.Set: "sets",
    ast.ListComp: "comprehensions", ast.GeneratorExp: "comprehensions",
    ast.Starred: "*-unpacking", ast.JoinedStr: "strings", ast.NamedExpr: ":=",
    ast.Await: "await",
}


class ExpressionError(ValueError):
    """A toy expression we refuse to build; the message is one line."""


@dataclass(frozen=True)
class Program:
    """A checked expression: statements as (assigned name or None, expression tree)."""

    text: str
    statements: tuple[tuple[str | None, ast.expr], ...]

    def names_used(self) -> list[str]:
        """Names read before any statement assigns them: these need a value."""
        assigned: set[str] = set()
        needed: list[str] = []
        for target, tree in self.statements:
            callees = [n.func for n in ast.walk(tree) if isinstance(n, ast.Call)]
            for node in ast.walk(tree):
                if (isinstance(node, ast.Name) and node.id not in assigned
                        and node.id not in needed and not any(node is c for c in callees)):
                    needed.append(node.id)
            if target:
                assigned.add(target)
        return needed


def _where(text: str, node: ast.AST) -> str:
    """``at column 7: f = w.x`` (with the line number when there are several lines)."""
    lines = text.splitlines() or [""]
    line = getattr(node, "lineno", 1)
    column = getattr(node, "col_offset", 0) + 1
    shown = lines[line - 1] if line - 1 < len(lines) else ""
    if len(shown) > 60:  # a window around the problem, not the whole line
        start = max(0, column - 30)
        shown = ("…" if start else "") + shown[start:start + 60] + (
            "…" if start + 60 < len(shown) else "")
    shown = shown.strip()
    place = f"line {line}, column {column}" if len(lines) > 1 else f"column {column}"
    return f"at {place}: {shown}"


def _refuse(text: str, node: ast.AST, problem: str, hint: str = "") -> ExpressionError:
    return ExpressionError(f"{problem} {_where(text, node)}" + (f" ({hint})" if hint else ""))


def _check_name(text: str, node: ast.AST, name: str) -> None:
    if name.startswith("__") or name.endswith("__"):
        raise _refuse(text, node, f"names with double underscores ({name!r}) are not allowed")


def _check(text: str, node: ast.AST, depth: int = 0) -> None:
    """Refuse anything outside the whitelist, pointing at it. Computes nothing."""
    if depth > MAX_DEPTH:
        raise _refuse(text, node, f"the expression is nested more than {MAX_DEPTH} deep",
                      hint="split it into statements: g = ...; f = g + ...")
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "strings" if isinstance(value, str) else type(value).__name__
            raise _refuse(text, node, f"{kind} are not allowed, only numbers")
        if isinstance(value, int) and abs(value) > MAX_INTEGER or not math.isfinite(value):
            raise _refuse(text, node, "this number is too large for a float (the largest is "
                                      "about 1.8e308)")
        return
    if isinstance(node, ast.Name):
        _check_name(text, node, node.id)
        return
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.BitXor):  # x^2 means x² on paper, not in Python
            raise _refuse(text, node, "`^` is not a power here: did you mean `**`?",
                          hint="write x**2 for x²")
        if type(node.op) not in OPERATORS:
            raise _refuse(text, node, f"the operator {type(node.op).__name__} is not allowed "
                                      "(only + - * / **)")
        _check(text, node.left, depth + 1)
        _check(text, node.right, depth + 1)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise _refuse(text, node, "only unary - and + are allowed")
        _check(text, node.operand, depth + 1)
        return
    if isinstance(node, ast.Call):
        _check_call(text, node, depth)
        return
    kind = KIND_NAMES.get(type(node), type(node).__name__)
    if isinstance(node, ast.Attribute):
        kind = f"attribute access (.{node.attr})"
    raise _refuse(text, node, f"{kind} is not allowed", hint=f"allowed: {ALLOWED}")


def _check_call(text: str, node: ast.Call, depth: int) -> None:
    if not isinstance(node.func, ast.Name):
        if isinstance(node.func, ast.Attribute):
            raise _refuse(text, node.func, f"attribute access (.{node.func.attr}) is not allowed")
        raise _refuse(text, node, "only direct calls like exp(x) are allowed")
    name = node.func.id
    _check_name(text, node.func, name)
    if name not in FUNCTIONS:
        raise _refuse(text, node, f"unknown function {name!r}; allowed: {', '.join(FUNCTIONS)}")
    if node.keywords:
        raise _refuse(text, node, f"{name}: pass arguments by position, e.g. leaky_relu(x, 0.1)")
    fewest, most = FUNCTIONS[name]
    if not fewest <= len(node.args) <= most:
        wanted = str(fewest) if fewest == most else f"{fewest} or {most}"
        raise _refuse(text, node, f"{name} takes {wanted} argument(s), got {len(node.args)}")
    for argument in node.args:
        _check(text, argument, depth + 1)
    if len(node.args) == 2 and name not in TWO_INPUTS and _constant(node.args[1]) is None:
        raise _refuse(text, node.args[1], f"{name}: the second argument must be a number")


def _constant(node: ast.AST) -> float | None:
    """The number a tree spells directly (``3``, ``-0.5``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _constant(node.operand)
        if inner is not None:
            return -inner if isinstance(node.op, ast.USub) else inner
    return None


def parse_expression(text: str) -> Program:
    """Parse and check ``text``: one expression, or statements separated by ``;`` or
    new lines, each ``name = expression`` except perhaps the last."""
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be a string, got {type(text).__name__}; "
                              "try \"f = w*x + b\"")
    if not text.strip():
        raise ExpressionError("the expression is empty; try \"f = w*x + b\"")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        with warnings.catch_warnings():  # a SyntaxWarning would print before our refusal
            warnings.simplefilter("ignore")
            module = ast.parse(text, mode="exec")
    except SyntaxError as error:
        column = f"column {error.offset}" if error.offset else "somewhere"
        raise ExpressionError(f"syntax error at {column}: {error.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the expression is nested too deeply or is not text") from None
    if not module.body:
        raise ExpressionError("the expression has only comments or blank lines; write one, "
                              "e.g. \"f = w*x + b\"")
    statements = []
    for statement in module.body:
        if isinstance(statement, ast.Expr):
            target, tree = None, statement.value
        elif (isinstance(statement, ast.Assign) and len(statement.targets) == 1
              and isinstance(statement.targets[0], ast.Name)):
            target, tree = statement.targets[0].id, statement.value
            _check_name(text, statement.targets[0], target)
            if target in FUNCTIONS:
                raise _refuse(text, statement, f"{target!r} is a function; pick another name")
        else:
            raise _refuse(text, statement, "only `name = expression` statements and expressions "
                                           "are allowed")
        _check(text, tree)
        statements.append((target, tree))
    for target, _ in statements[:-1]:
        if target is None:
            raise ExpressionError("only the last statement may be a bare expression; "
                                  "name the others (g = w*x; f = g + b)")
    return Program(text, tuple(statements))


def _evaluate(text: str, node: ast.AST, env: dict[str, Value], decompose: bool) -> Value:
    constant = _constant(node)
    if constant is not None:
        return Value(constant)
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(text, node.operand, env, decompose)
        return -operand if isinstance(node.op, ast.USub) else operand
    try:
        if isinstance(node, ast.BinOp):
            left = _evaluate(text, node.left, env, decompose)
            if isinstance(node.op, ast.Pow) and _constant(node.right) is not None:
                return left ** _constant(node.right)  # a constant exponent: the x² gate
            right = _evaluate(text, node.right, env, decompose)
            return {ast.Add: left.__add__, ast.Sub: left.__sub__, ast.Mult: left.__mul__,
                    ast.Div: left.__truediv__, ast.Pow: left.__pow__}[type(node.op)](right)
        name, arguments = node.func.id, node.args
        operand = _evaluate(text, arguments[0], env, decompose)
        if name in TWO_INPUTS:  # max(a, b), min(a, b): both sides are inputs
            return getattr(operand, name)(_evaluate(text, arguments[1], env, decompose))
        if name == "abs":
            return abs(operand)
        setting = [_constant(arguments[1])] if len(arguments) == 2 else []
        if name == "sigmoid":
            return operand.sigmoid(decompose=decompose)
        return getattr(operand, name)(*setting)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise _refuse(text, node, str(error)) from None


def evaluate(program: Program, values: dict[str, float], decompose: bool = False) -> Value:
    """Build the graph of a checked program; ``values`` gives every input a number.

    Inputs become labelled leaves; each ``name = ...`` labels its result. All names are
    checked before the first op runs. Returns the last statement's Value.
    """
    text = program.text
    for name in values:
        if any(target == name for target, _ in program.statements):
            raise ExpressionError(f"{name!r} is given a value but the expression also assigns it")
    missing = [name for name in program.names_used() if name not in values]
    if missing:
        hint = " ".join(f"{name}=VALUE" for name in missing)
        raise ExpressionError(f"unknown or unset name(s) {', '.join(map(repr, missing))}; "
                              f"give them values with --set {hint}")
    for name in program.names_used():
        number = values[name]
        if not isinstance(number, (int, float)) or not math.isfinite(number):
            raise ExpressionError(f"{name} must be a finite number, got {number!r}")
    env = {name: Value(float(values[name]), label=name) for name in program.names_used()}
    result = None
    for target, tree in program.statements:
        result = _evaluate(text, tree, env, decompose)
        if target:
            if not result.label:
                result.label = target
            env[target] = result
    if not result.label:
        result.label = "f" if "f" not in env else "out"
    return result


def build_graph(text: str, values: dict[str, float], decompose: bool = False) -> Value:
    """Parse, check, then build: ``build_graph("f = w*x + b", {"w": -2, "x": 5, "b": 3})``."""
    return evaluate(parse_expression(text), values, decompose)
