"""Experiment 8 — batch normalisation over a sweep of initial weight scales.

Claim (course notes): With batch normalisation a deep net learns faster and is far less
sensitive to the initial weight scale (std 1 … 1e-4) than the same net without it.

    python examples/batch_norm.py [--quick] [--seed N] [--out DIR]
        [--dataset digits|mnist --data-root DIR]

Prints what it measured and saves its figures under <out>/batch_norm/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/batch_norm.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("batch_norm"))
