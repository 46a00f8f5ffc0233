"""Experiment 9 — overfitting, weight decay, dropout and ensembles.

Claim (course notes): A 6×100 ReLU net trained on 300 samples overfits (train accuracy
far above test); weight decay λ = 0.1 narrows the gap; dropout (0.15 as in the notes,
and 0.2) narrows it; an ensemble of 5 models beats a single one.

    python examples/overfitting.py [--quick] [--seed N] [--out DIR]
        [--dataset digits|mnist --data-root DIR]

Prints what it measured and saves its figures under <out>/overfitting/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/overfitting.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("overfitting"))
