"""Parse + check throughput on the seed reports: reports per second, one core, median of runs.

    python bench/throughput.py [--runs 7] [--repeat 50]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, median_rate, one_core  # noqa: E402

from gongkai.checks import check  # noqa: E402
from gongkai.extract import extract  # noqa: E402
from gongkai.readers import read_bytes  # noqa: E402

SEEDS = sorted((Path(__file__).resolve().parents[1] / "tests" / "data" / "seeds").glob("*.txt"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=40, help="passes over the seeds per run")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args()
    one_core()
    blobs = [(p.name, p.read_bytes()) for p in SEEDS]

    def work() -> int:
        n = 0
        for _ in range(args.repeat):
            for name, data in blobs:
                check(extract(read_bytes(data, name)))
                n += 1
        return n

    rate, rates = median_rate(work, runs=args.runs)
    if args.json:
        print(json.dumps({"reports_per_s": rate, "min": min(rates), "max": max(rates), "runs": args.runs,
                          "files": len(blobs), "repeat": args.repeat}))
        return
    print(f"machine: {machine()}")
    print(f"parse+check, plain text seeds ({len(blobs)} files x {args.repeat} per run, {args.runs} runs, one core)")
    print(f"median: {rate:,.0f} reports/s   (min {min(rates):,.0f}, max {max(rates):,.0f})")


if __name__ == "__main__":
    main()
