"""Experiment 2 — XOR: one layer cannot learn it, two layers can.

Claim (course notes): One layer (logistic regression) cannot learn XOR (accuracy stays ≤
0.75); two layers reach 1.0; the hand-set weights W1=[[5,-7],[5,-7]], b1=[-8,3],
W2=[[-11],[-11]], b2=[6] compute XOR; the wide (2→10→1) and deep (4 layers of 10) nets
do better.

    python examples/xor.py [--quick] [--seed N] [--out DIR]

Prints what it measured and saves its figures under <out>/xor/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/xor.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("xor"))
