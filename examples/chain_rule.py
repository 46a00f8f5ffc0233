"""Experiment 1 — the chain rule on f = w*x + b, and sigmoid fused vs decomposed.

Claim (course notes): For f = w*x + b at w=-2, x=5, b=3: ∂f/∂w = 5, ∂f/∂x = -2, ∂f/∂b =
1; sigmoid as one op and as ×(-1) → exp → +1 → 1/x give the same gradient.

    python examples/chain_rule.py [--quick] [--seed N] [--out DIR]

Prints what it measured and saves its figures under <out>/chain_rule/ (default out/lab).
The experiment itself lives in tinygrad_edu/lab/chain_rule.py.
"""

import sys

from tinygrad_edu.lab.script import main

if __name__ == "__main__":
    sys.exit(main("chain_rule"))
