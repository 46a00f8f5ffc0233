"""Experiment 11 — logging XOR training to TensorBoard.

Claim (course notes): XOR training can be followed in TensorBoard: a `cost` scalar every
step and a `weights2` histogram, written to event files that `tensorboard --logdir`
opens.

    python examples/tensorboard_logging.py [--quick] [--seed N] [--out DIR]

Prints what it measured and saves its figures under <out>/tensorboard_logging/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/tensorboard_logging.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("tensorboard_logging"))
