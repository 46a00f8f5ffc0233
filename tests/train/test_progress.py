"""What fit shows: verbose=0/1/2 as in Keras, one summary line per epoch that stays.

The notebook side (tqdm's widget, no IProgress warning) is tested in a real kernel in
tests/docs/test_notebooks.py; a real terminal is tested here through a pseudo-terminal.
"""

import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.data import DataLoader, TensorDataset, spiral
from tinygrad_edu.train import fit
from tinygrad_edu.train.progress import epoch_line, resolve_verbose

LINE = re.compile(r"^epoch +(\d+)/(\d+)  loss (\S+)  accuracy (\S+)  val_loss (\S+)  "
                  r"val_accuracy (\S+)  \((\d+\.\d\d) s\)$")


def run_fit(epochs=3, **options):
    X, y = spiral(n=30, classes=3, seed=0)
    order = np.random.default_rng(0).permutation(len(X))  # every class in both splits
    X, y = X[order], y[order]
    train = DataLoader(TensorDataset(X[:60], y[:60]), batch_size=16, shuffle=True, seed=0)
    val = DataLoader(TensorDataset(X[60:], y[60:]), batch_size=64)
    model = nn.Sequential(nn.Linear(2, 8, generator=np.random.default_rng(0)), nn.ReLU(),
                          nn.Linear(8, 3, generator=np.random.default_rng(1)))
    return fit(model, F.cross_entropy, optim.Adam(model.parameters(), lr=0.05), train, val,
               epochs=epochs, **options)


def test_verbose_2_leaves_one_line_per_epoch_with_every_figure(capsys):
    history = run_fit(epochs=3, verbose=2)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3 and err == ""  # no bar at all
    for epoch, line in enumerate(lines):
        match = LINE.match(line)
        assert match, line
        assert int(match[1]) == epoch + 1 and int(match[2]) == 3
        # the numbers on the line are the ones History kept
        for group, name in ((3, "loss"), (4, "accuracy"), (5, "val_loss"), (6, "val_accuracy")):
            assert float(match[group]) == pytest.approx(history.per_epoch(name)[epoch], abs=1e-4)


def test_verbose_0_prints_nothing_and_1_adds_the_bar(capsys):
    run_fit(epochs=2, verbose=0)
    assert capsys.readouterr() == ("", "")
    run_fit(epochs=2, verbose=1)
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 2 and all(LINE.match(line) for line in out.splitlines())
    assert "step" in err  # tqdm's bar went to stderr


def test_bad_verbose_is_one_clear_line():
    with pytest.raises(ValueError, match=r"verbose must be 0 \(silent\), 1 .* got 3"):
        run_fit(epochs=1, verbose=3)


def test_auto_is_silent_unless_someone_watches(monkeypatch):
    assert resolve_verbose("auto") == 0  # pytest captures stderr: not a terminal
    assert resolve_verbose("auto", progress=True) == 1
    assert resolve_verbose(2, progress=False) == 2  # an explicit verbose wins


def test_epoch_line_formats_small_numbers_readably():
    line = epoch_line(9, 100, {"loss": 0.00001234, "accuracy": 1.0}, 1.5)
    assert line == "epoch  10/100  loss 1.234e-05  accuracy 1.0000  (1.50 s)"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_in_a_terminal_the_epoch_lines_stay_when_the_bar_is_gone(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})
        from test_progress import run_fit
        run_fit(epochs=3)   # verbose="auto": stderr is a terminal here
    """))
    # `script` gives the child a pseudo-terminal; the typescript is what the screen got.
    typescript = tmp_path / "screen.txt"
    command = f"stty cols 100 rows 30; {sys.executable} {script}"  # a screen 100 wide
    done = subprocess.run(["script", "-qec", command, str(typescript)], capture_output=True,
                          timeout=120, cwd=os.getcwd())
    assert done.returncode == 0, done.stderr.decode()
    screen = typescript.read_bytes().decode("utf-8", "replace")  # keep the \r as written
    assert "step" in screen  # the bar was drawn ...
    # ... and what remains after carriage returns is one line per epoch
    final = [part.rstrip("\r").rsplit("\r", 1)[-1].strip() for part in screen.split("\n")]
    final = [line for line in final if line and not line.startswith("Script ")]
    assert len(final) == 3 and all(LINE.match(line) for line in final), screen
