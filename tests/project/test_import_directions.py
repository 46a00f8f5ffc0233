"""The directions of the imports, read from the source (every ``import``, also the ones
inside functions): the graph core knows neither engine, the two engines know nothing of
each other, and nothing below the application layer imports `viz`."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tinygrad_edu"
CORE = ["autograd", "ops", "op_checks", "backprop"]


def imported_modules(path: pathlib.Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            # `from . import tensor_math` imports a module too
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def engine_modules_named(modules: set[str], prefixes: tuple[str, ...]) -> set[str]:
    return {name for name in modules if name.startswith("tinygrad_edu.")
            and name.split(".")[1].startswith(prefixes)}


def test_the_reader_resolves_relative_imports():
    modules = imported_modules(PACKAGE / "tensor.py")
    assert "tinygrad_edu.autograd" in modules and "tinygrad_edu.tensor_math" in modules
    assert "numpy" in modules


def test_the_graph_core_imports_neither_engine():
    for stem in CORE:
        modules = imported_modules(PACKAGE / f"{stem}.py")
        assert not engine_modules_named(modules, ("scalar", "tensor")), (stem, modules)
        ours = {name.split(".")[1] for name in modules if name.startswith("tinygrad_edu.")}
        assert ours <= set(CORE), (stem, ours)


def test_the_engines_do_not_import_each_other():
    for path in PACKAGE.glob("scalar*.py"):
        assert not engine_modules_named(imported_modules(path), ("tensor",)), path.name
    for path in PACKAGE.glob("tensor*.py"):
        assert not engine_modules_named(imported_modules(path), ("scalar",)), path.name


def test_nothing_below_the_application_layer_imports_viz():
    application = {"cli", "lab", "demo"}
    for path in PACKAGE.rglob("*.py"):
        part = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if part.startswith(tuple(application)):
            continue
        modules = imported_modules(path)
        assert not any(name == "viz" or name.startswith("viz.") for name in modules), path
