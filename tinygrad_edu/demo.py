"""`tinygrad-edu demo` (what `make demo` runs): the lecture's f = w*x + b, forward and
backward step by step, drawn as graphs and a step-through page, then a small MLP
trained on XOR."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import numpy as np

from .autograd import no_grad
from .tensor import Tensor

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_TARGETS = np.array([[0], [1], [1], [0]], dtype=np.float32)


def chain_rule_walkthrough(folder: Path, lang: str = "en") -> list[Path]:
    """f = w*x + b with w=-2, x=5, b=3: print every forward and backward step and write
    the graph (SVG), its step-through page (HTML) and the decomposed sigmoid (SVG)."""
    from viz import demo_outputs  # the application layer may use both engine and viz

    paths, steps_text = demo_outputs(folder, lang=lang)
    print(steps_text)
    return paths


def train_xor(steps: int = 1000, seed: int = 0) -> float:
    """The lecture's 2-2-1 sigmoid network on the four XOR points; returns its accuracy.

    SGD with lr 0.5 and momentum 0.9 on binary cross-entropy, full batch, from
    ``np.random.seed(seed)`` (the layers draw their initial weights from numpy).
    """
    from . import nn, optim
    from .nn import functional as F

    np.random.seed(seed)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
    optimizer = optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    print(model)
    for step in range(steps + 1):
        loss = F.binary_cross_entropy(model(Tensor(XOR_INPUTS)), XOR_TARGETS)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % (steps // 4) == 0:
            print(f"  step {step:5d}  loss {loss.item():.4f}")
    with no_grad():
        prediction = model(Tensor(XOR_INPUTS)).data
    accuracy = F.accuracy(prediction, XOR_TARGETS)
    shown = ", ".join(f"{p:.3f}" for p in prediction.ravel())
    print(f"  predictions for (0,0) (0,1) (1,0) (1,1): {shown}")
    print(f"  accuracy {accuracy:.2f}")
    return accuracy


def command_name() -> str:
    """How to type this command here: ``tinygrad-edu`` when PATH finds it, else the path
    it was started by (``.venv/bin/tinygrad-edu`` from `make demo`, venv not activated)."""
    program = Path(sys.argv[0])
    if program.name != "tinygrad-edu" or shutil.which("tinygrad-edu"):
        return "tinygrad-edu"
    return os.path.relpath(program) if not program.is_absolute() else str(program)


def run(options: argparse.Namespace) -> int:
    from viz.demo import demo_words  # the headers are viz's words, in both languages

    words = demo_words(options.lang)
    folder = Path(options.out)
    print(words["chain"])
    paths = chain_rule_walkthrough(folder, lang=options.lang)
    for path in paths:
        print(f"  wrote {path}")
    print(f"\n{words['xor']}")
    train_xor()
    # the hint keeps the language asked for, so the next command speaks it too
    lang = "" if options.lang == "en" else f" --lang {options.lang}"
    print(f"\n{words['next']} {command_name()} graph \"f = w*x + b\" --set w=-2 x=5 b=3 "
          f"--steps{lang}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="the lecture's chain rule and XOR, step by step")
    parser.add_argument("--out", default="out/demo",
                        help="folder for the graphs (default out/demo)")
    parser.add_argument("--lang", choices=["en", "ko"], default="en",
                        help="language of the headers, steps and page (ko: Korean)")
    parser.set_defaults(run=run)
