"""Experiment 10 — random hyper-parameter search on a validation split.

Claim (course notes): Random search over lr ∈ 10^U(-6,-2) and weight decay ∈
10^U(-8,-4), judged on a validation split, finds the good learning rates near the top of
the range (about 0.001–0.01); the best five are printed as in the notes.

    python examples/hyperparameter_search.py [--quick] [--seed N] [--out DIR]
        [--dataset digits|mnist --data-root DIR]

Prints what it measured and saves its figures under <out>/hyperparameter_search/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/hyperparameter_search.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("hyperparameter_search"))
