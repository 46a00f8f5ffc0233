"""Experiment 4 — activation functions on the same task with the same budget.

Claim (course notes): On the same task and budget sigmoid fails to converge, tanh
trails, and the ReLU family (ReLU, Leaky ReLU 0.1, PReLU, ELU) and Maxout do best,
Maxout on top (notes' CIFAR-10 table: sigmoid n/c, tanh 89.82, ReLU 92.11, VLReLU 93.09,
Maxout 93.94).

    python examples/activations.py [--quick] [--seed N] [--out DIR]
        [--dataset digits|mnist --data-root DIR]

Prints what it measured and saves its figures under <out>/activations/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/activations.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("activations"))
