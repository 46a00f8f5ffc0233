"""viz.demo_outputs (what `make demo` writes) and the layering: the engine never imports viz."""

import subprocess
import sys
import xml.etree.ElementTree as ET

import viz

SVG = "{http://www.w3.org/2000/svg}"


def texts(path):
    return {"".join(t.itertext()).strip() for t in ET.parse(path).getroot().iter(f"{SVG}text")}


def test_demo_outputs_write_the_lecture_graphs(tmp_path):
    paths, steps_text = viz.demo_outputs(tmp_path / "demo")
    assert [p.name for p in paths] == ["fwb.svg", "fwb_steps.html", "sigmoid_decomposed.svg"]
    assert {"w", "x", "b", "g", "f", "-2", "5", "3", "-10", "-7"} <= texts(paths[0])
    assert "tg-slider" in paths[1].read_text(encoding="utf-8")
    sigmoid = texts(paths[2])
    assert {"exp", "1/x", "×", "+", "0.7311", "0.1966"} <= sigmoid
    assert "∂f/∂w = ∂f/∂g · ∂g/∂w = 1 × x = 1 × 5 = 5" in steps_text


def test_the_engine_nn_optim_data_train_never_import_viz():
    code = ("import sys, tinygrad_edu, tinygrad_edu.nn, tinygrad_edu.optim, tinygrad_edu.data, "
            "tinygrad_edu.train, tinygrad_edu.cli_graph; "
            "print(sorted(m for m in sys.modules if m == 'viz' or m.startswith('viz.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
