"""`make bench`: every benchmark, printed as a table and saved to out/bench/results.json."""

from __future__ import annotations

import argparse
import datetime
import json
import pathlib

from . import (
    bench_conv,
    bench_memory,
    bench_rnn,
    bench_scalar,
    bench_tensor,
    bench_training,
    bench_viz,
)
from .common import machine


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds per candidate")
    parser.add_argument("--only", action="append",
                        choices=["scalar", "tensor", "memory", "viz", "training", "conv", "rnn"])
    options = parser.parse_args()
    chosen = options.only or ["scalar", "tensor", "memory", "viz", "training", "conv", "rnn"]
    results = []
    if "scalar" in chosen:
        results += bench_scalar.run(options.rounds)
    if "tensor" in chosen:
        results += bench_tensor.run(options.rounds)
    if "memory" in chosen:
        results += bench_memory.run()
    if "viz" in chosen:
        results += bench_viz.run(options.rounds)
    if "training" in chosen:
        results += bench_training.run(options.rounds)
    if "conv" in chosen:
        results += bench_conv.run(options.rounds)
    if "rnn" in chosen:
        results += bench_rnn.run(options.rounds)
    print(f"\n{datetime.date.today()} on {machine()} "
          f"(medians of {options.rounds} interleaved rounds)")
    for row in results:
        verdict = {True: "  [met]", False: "  [NOT met]", None: ""}[row.get("met")]
        print(f"  {row['benchmark']:50s} {row['summary']}{verdict}")
    folder = pathlib.Path("out/bench")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(
        {"date": str(datetime.date.today()), "machine": machine(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
