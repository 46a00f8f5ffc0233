"""Experiment 5 — weight initialisation.

Claim (course notes): Sigmoid activations saturate at 0/1 with N(0,1) weights, bunch at
0.5 with N(0,0.01) and spread with Xavier; ReLU activations collapse with std 0.01,
shrink with depth with Xavier and keep their spread with He. All-zero weights never
break symmetry. A 5-layer ReLU net with std 0.01 does not learn; He learns faster than
Xavier.

    python examples/weight_init.py [--quick] [--seed N] [--out DIR]
        [--dataset digits|mnist --data-root DIR]

Prints what it measured and saves its figures under <out>/weight_init/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/weight_init.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("weight_init"))
