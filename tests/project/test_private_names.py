"""No module outside the engine uses a private engine name.

The engine is `autograd`, `backprop`, `ops`, `scalar*`, `tensor*` and `gradcheck`. Its
private names (``_rule``, ``_saved``, ``_from_op``, ``_data``, ...) are whatever it
defines with a leading underscore: module-level names, methods, class attributes,
``__slots__`` and ``self._x`` assignments. Everything else -- viz, nn, the lab, the
CLI, tests, examples, benchmarks -- goes through the public API (`tinygrad_edu.ops`,
``node.rule``, ``node.saved``, ``node.local_grads``, ...). Checked by parsing, so a
name in a comment or a string does not count, but ``getattr(node, "_rule")`` does.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tinygrad_edu"
ENGINE = sorted(
    path for path in PACKAGE.glob("*.py")
    if path.stem in {"autograd", "backprop", "ops", "op_checks", "gradcheck"}
    or path.stem.startswith(("scalar", "tensor"))
)
OUTSIDE = sorted(
    [*(ROOT / "viz").rglob("*.py"), *(PACKAGE / "nn").rglob("*.py"),
     *(PACKAGE / "lab").rglob("*.py"), *PACKAGE.glob("cli*.py"), *(ROOT / "tests").rglob("*.py"),
     *(ROOT / "examples").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def defined_names(tree: ast.AST) -> set[str]:
    """Every private name a module defines for itself."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)  # self._x = ...
        elif (isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__slots__" for t in node.targets)):
            names.update(c.value for c in ast.walk(node.value)
                         if isinstance(c, ast.Constant) and isinstance(c.value, str))
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[-1])
    return {name for name in names if _private(name)}


def _parse(path: pathlib.Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


ENGINE_PRIVATE = set().union(*(defined_names(_parse(path)) for path in ENGINE))
ENGINE_STEMS = {path.stem for path in ENGINE}


def uses_of_private_engine_names(path: pathlib.Path, root: pathlib.Path = ROOT) -> list[str]:
    """``file:line: name`` for each use of a private engine name in ``path``."""
    tree = _parse(path)
    own = defined_names(tree)
    found = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute) and node.attr in ENGINE_PRIVATE and (
                node.attr not in own or isinstance(node.ctx, ast.Store)):
            name = node.attr
        elif (isinstance(node, ast.ImportFrom)
              and (node.module or "").split(".")[-1] in ENGINE_STEMS):
            privates = [alias.name for alias in node.names if _private(alias.name)]
            name = ", ".join(privates) if privates else None
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in {"getattr", "setattr", "hasattr"} and len(node.args) >= 2
              and isinstance(node.args[1], ast.Constant)
              and node.args[1].value in ENGINE_PRIVATE):
            name = node.args[1].value
        if name:
            found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}: {name}")
    return found


def test_the_engine_has_private_names_to_protect():
    assert {"_rule", "_saved"} <= ENGINE_PRIVATE  # the check would pass vacuously otherwise
    assert len(OUTSIDE) > 30


def test_no_module_outside_the_engine_uses_a_private_engine_name():
    uses = [use for path in OUTSIDE for use in uses_of_private_engine_names(path)]
    assert not uses, "private engine names used outside the engine:\n" + "\n".join(uses)


def test_the_check_finds_each_kind_of_use(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from tinygrad_edu.tensor import _new_object\n"
        "rule = node._rule\n"
        "saved = getattr(node, '_saved')\n"
        "# node._rule in a comment does not count\n"
        "text = 'node._rule'\n",
        encoding="utf-8",
    )
    uses = uses_of_private_engine_names(sample, root=tmp_path)
    assert [use.split(": ")[1] for use in uses] == ["_new_object", "_rule", "_saved"]
