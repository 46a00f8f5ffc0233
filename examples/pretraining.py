"""Experiment 6 — RBM/DBN pre-training vs random initialisation.

Claim (course notes): Pre-training a deep sigmoid net layer by layer as RBMs (a DBN)
gives a better start than random initialisation; simple Xavier/He initialisation does
about as well without the RBMs.

    python examples/pretraining.py [--quick] [--seed N] [--out DIR]
        [--dataset digits|mnist --data-root DIR]

Prints what it measured and saves its figures under <out>/pretraining/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/pretraining.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("pretraining"))
