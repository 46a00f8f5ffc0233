"""The notebooks/ course: up to date with notebooks/build.py, and executed in a real
Jupyter kernel (nbclient + ipykernel) with their key outputs checked.

English notebooks run in every test run; the Korean ones run the same code with
translated text and are marked slow (CI runs them too).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
WIDGET = "application/vnd.jupyter.widget-view+json"


def load_builder():
    spec = importlib.util.spec_from_file_location("notebook_build", NOTEBOOKS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_notebooks_are_what_build_py_writes(tmp_path):
    written = load_builder().build(tmp_path)
    assert len(written) == 10  # five lessons, English and Korean
    for path in written:
        relative = path.relative_to(tmp_path)
        committed = NOTEBOOKS / relative
        assert committed.exists(), f"{relative} is missing: run notebooks/build.py"
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{relative} differs from notebooks/build.py's output: run it and commit")
        if relative.parts[0] == "ko":  # the Korean text cells really are Korean
            book = nbformat.read(committed, as_version=4)
            text = " ".join(c.source for c in book.cells if c.cell_type == "markdown")
            assert sum("\uac00" <= ch <= "\ud7a3" for ch in text) > 100


def execute_book(path: Path, tmp_path: Path) -> nbformat.NotebookNode:
    """The notebook after a run in a real kernel (widget states in its metadata)."""
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(book, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    return book


def outputs_of(book) -> list[dict]:
    return [output for cell in book.cells for output in cell.get("outputs", [])]


def execute(path: Path, tmp_path: Path) -> list[dict]:
    return outputs_of(execute_book(path, tmp_path))


def widget_states(book, model_name: str) -> list[dict]:
    """The last state of every widget of one kind, as the kernel left it."""
    states = book.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return [w["state"] for w in states.values() if w.get("model_name") == model_name]


def stdout(outputs) -> str:
    return "".join(o["text"] for o in outputs if o["output_type"] == "stream"
                   and o["name"] == "stdout")


def mime(outputs, kind: str) -> list:
    return [o["data"][kind] for o in outputs
            if o["output_type"] in ("display_data", "execute_result") and kind in o["data"]]


def check_clean(outputs) -> None:
    """No errors, no warnings on stderr, and never tqdm's IProgress complaint."""
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o["text"] for o in outputs if o.get("name") == "stderr"]
    assert "IProgress" not in json.dumps(outputs)


def check_chain_rule(book, lang: str) -> None:
    outputs = outputs_of(book)
    text = stdout(outputs)
    for line in ("f = -7", "∂f/∂w = 5", "∂f/∂x = -2", "∂f/∂b = 1", "same gradients: True"):
        assert line in text
    svgs = mime(outputs, "image/svg+xml")
    assert len(svgs) == 2 and all("<svg" in svg for svg in svgs)
    pages = mime(outputs, "text/html")
    # viz.show: the whole explorer page, escaped into its frame's srcdoc, in the notebook's
    # language, with the graph drawn in it; the second opens in practice mode
    assert len(pages) == 2 and all(page.startswith("<iframe srcdoc=") for page in pages)
    for page in pages:
        assert f"lang=&quot;{lang}&quot;" in page and "&lt;svg" in page
        assert "<script" not in page  # the page's scripts stay inside the attribute
    assert "&quot;practice&quot;: false" in pages[0]
    assert "&quot;practice&quot;: true" in pages[1]


def check_xor(book, lang: str) -> None:
    outputs = outputs_of(book)
    text = stdout(outputs)
    assert len([line for line in text.splitlines() if line.startswith("epoch ")]) == 20
    assert "two layers: accuracy 1.00" in text
    one_layer = float(text.split("one layer: accuracy ")[1].split()[0])
    assert one_layer <= 0.75
    assert mime(outputs, WIDGET), "fit's progress should be tqdm's notebook widget"
    assert len(mime(outputs, "image/png")) == 1  # viz.plots, with no pyplot
    # viz.LiveView: an anywidget whose last state is the end of training
    assert "watched: 1000 steps" in text and "accuracy 1.00" in text.split("watched:")[1]
    (live,) = [state["data"] for state in widget_states(book, "AnyModel")]
    assert live["last"]["step"] == 999 and live["last"]["accuracy"] == 1.0
    assert len(live["loss"]) == 500 and live["loss"][0] > 10 * live["loss"][-1]
    assert set(live["grad_norms"]) == {"layer 1", "layer 2"}  # the two Linear layers, counted
    # the boundary is drawn over the four points: XOR's corners on the right sides
    boundary, n = live["boundary"], live["boundary"]["size"]
    corners = [boundary["values"][i] for i in (0, n - 1, (n - 1) * n, n * n - 1)]
    assert corners[0] < 50 and corners[1] > 50 and corners[2] > 50 and corners[3] < 50
    assert sorted(map(tuple, boundary["points"])) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def check_vanishing(book, lang: str) -> None:
    outputs = outputs_of(book)
    text = stdout(outputs)
    sigmoid = float(text.split("sigmoid: first/last layer gradient norm ratio ")[1].split()[0])
    relu = float(text.split("relu: first/last layer gradient norm ratio ")[1].split()[0])
    assert sigmoid < 0.01 < relu  # the first sigmoid layer's gradient has vanished
    assert len(mime(outputs, "image/png")) == 2


def check_optimizers(book, lang: str) -> None:
    outputs = outputs_of(book)
    text = stdout(outputs)
    for name in ("SGD", "Momentum", "AdaGrad", "RMSProp", "Adam"):
        assert f"{name} " in text
    assert len(mime(outputs, "image/png")) == 1
    # viz.narrated_step writes out the first step of each, in numbers
    assert "point[0] ← point[0] − η·b = (-7) − 0.1 × (-0.7) = -6.93" in text
    assert "m̂ = m / (1 − β₁ᵗ) = (-0.07) / (1 − 0.9^1) = -0.7" in text
    assert "Momentum: point after one step [-6.93  1.6 ]" in text
    assert "Adam: point after one step [-6.7  1.7]" in text  # about η per coordinate


def check_own_op(book, lang: str) -> None:
    outputs = outputs_of(book)
    text = stdout(outputs)
    for line in ("gradcheck(softplus_composite): True", "∂loss/∂x == σ(x): True",
                 "gradcheck(softplus): True", "gradgradcheck(softplus): True",
                 "spec_of(y): 'softplus', symbol 'softplus', math 'd/dx ln(1 + eˣ) = σ(x)'",
                 "local derivative for x: σ(x)", "gradcheck(numpy_softplus): True",
                 "all equal: True", "Newton: 6 steps; gradient descent (lr 0.01): 264 steps"):
        assert line in text
    # the explorer's steps name the declared op and its declared local derivative
    assert "softplus" in text.split("local derivative for x")[1] and "× σ(x)" in text
    assert "caught: gradcheck: input 0 'x'" in text  # the wrong rule is found
    assert "second derivative: create_graph: the rule of 'numpy_softplus'" in text
    # the closed forms of tanh's derivatives, at 0.5
    for value in ("+0.786448", "-0.726862", "-0.565209"):
        assert text.count(value) == 2  # the engine's and the formula's
    svgs = mime(outputs, "image/svg+xml")
    assert len(svgs) == 2
    assert ">softplus</text>" in svgs[0]  # one node with its own symbol, not exp/+/log
    assert ">log</text>" not in svgs[0]


CHECKS = {"01_chain_rule": check_chain_rule, "02_xor": check_xor,
          "03_vanishing_gradients": check_vanishing, "04_optimizers": check_optimizers,
          "05_write_your_own_op": check_own_op}
CASES = [pytest.param(lang, name, marks=[pytest.mark.slow] if lang == "ko" else [],
                      id=f"{lang}-{name}") for lang in ("en", "ko") for name in CHECKS]


@pytest.mark.skipif(sys.platform == "win32", reason="kernel start-up is slow there")
@pytest.mark.parametrize(("lang", "name"), CASES)
def test_notebook_runs_in_a_real_kernel(lang, name, tmp_path):
    book = execute_book(NOTEBOOKS / lang / f"{name}.ipynb", tmp_path)
    check_clean(outputs_of(book))
    CHECKS[name](book, lang)


def test_plots_display_without_pyplot():
    # IPython's own formatter, as a notebook uses it, finds a PNG on a viz.plots figure
    from IPython.core.formatters import DisplayFormatter

    from viz import plots

    figure = plots.training_curves({"train": [3.0, 2.0, 1.0]})
    data, _ = DisplayFormatter().format(figure)
    assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"


def test_fit_in_a_kernel_without_ipywidgets_says_what_to_install(tmp_path):
    # ipywidgets made unimportable inside the kernel: no bar, no IProgress warning, the
    # epoch lines, and one line naming the extra (once, however many fits follow)
    source = '''
import sys
sys.modules["ipywidgets"] = None  # what a missing package looks like to an import
import numpy as np
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.data import DataLoader, TensorDataset, xor
from tinygrad_edu.train import fit

X, y = xor()
loader = DataLoader(TensorDataset(X, y), batch_size=4)
for _ in range(2):
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 2))
    fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), loader, epochs=3)
'''
    book = nbformat.v4.new_notebook()
    book.cells.append(nbformat.v4.new_code_cell(source))
    path = tmp_path / "no_widgets.ipynb"
    nbformat.write(book, path)
    outputs = execute(path, tmp_path)
    check_clean(outputs)
    assert not mime(outputs, WIDGET)
    lines = stdout(outputs).splitlines()
    hints = [line for line in lines if "ipywidgets" in line]
    assert hints == ["progress bar: Jupyter needs ipywidgets: pip install -e '.[notebook]' "
                     "(in a clone) or pip install 'tinygrad-edu[notebook]'"]
    assert len([line for line in lines if line.startswith("epoch ")]) == 6
