"""Experiment 7 — optimizers: SGD, Momentum, AdaGrad, RMSProp and Adam.

Claim (course notes): On f(x, y) = x²/20 + y² from (-7, 2), SGD zig-zags across the
steep y direction while Momentum, AdaGrad, RMSProp and Adam take straighter paths;
training a ReLU net, SGD is the slowest of them.

    python examples/optimizers.py [--quick] [--seed N] [--out DIR]
        [--dataset digits|mnist --data-root DIR]

Prints what it measured and saves its figures under <out>/optimizers/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/optimizers.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("optimizers"))
