"""Experiment 3 — the vanishing gradient: XOR through 9 hidden layers.

Claim (course notes): XOR through 9 hidden layers: with sigmoid everywhere accuracy
stays at chance (0.5); with ReLU hidden layers and a sigmoid output it reaches 1.0,
because sigmoid gradients shrink layer by layer on the way back.

    python examples/vanishing_gradient.py [--quick] [--seed N] [--out DIR]

Prints what it measured and saves its figures under <out>/vanishing_gradient/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/vanishing_gradient.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("vanishing_gradient"))
