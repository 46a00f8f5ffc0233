"""`make bench`: every benchmark, printed as a table and saved to out/bench/results.json."""

from __future__ import annotations

import argparse
import datetime
import json
import pathlib

from . import bench_scalar
from .common import fmt_time, machine


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds per candidate")
    parser.add_argument("--only", choices=["scalar", "tensor", "memory"], action="append")
    options = parser.parse_args()
    chosen = options.only or ["scalar", "tensor", "memory"]
    results = []
    if "scalar" in chosen:
        results += bench_scalar.run(options.rounds)
    print(f"\n{datetime.date.today()} on {machine()} (medians of {options.rounds} interleaved rounds)")
    for row in results:
        if "anchor" in row:
            print(f"  {row['benchmark']:55s} ours {fmt_time(row['ours_s']):>9s}  "
                  f"{row['anchor']} {fmt_time(row['anchor_s']):>9s}  "
                  f"ratio {row['speedup']:.2f}x  target {row['target']}: "
                  f"{'met' if row['met'] else 'NOT met'}")
        else:
            print(f"  {row['benchmark']:55s} {row['summary']}")
    folder = pathlib.Path("out/bench")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(
        {"date": str(datetime.date.today()), "machine": machine(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
