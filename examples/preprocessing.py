"""Experiment 12 — pre-processing: zero-centring and normalisation.

Claim (course notes): Zero-centring the inputs, and normalising them by their standard
deviation, make training faster: fewer steps to reach a target training loss.

    python examples/preprocessing.py [--quick] [--seed N] [--out DIR]
        [--dataset digits|mnist --data-root DIR]

Prints what it measured and saves its figures under <out>/preprocessing/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/preprocessing.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("preprocessing"))
