"""Parse + check throughput on the seed reports, one core: reports per second, median of runs.

Two figures: through the pipeline as ``gongkai check`` runs it (a sandbox with one worker process, the
command and its worker pinned to the same core, findings sent back), and in this process alone (read,
extract, check), which is what the worker's isolation must not cost.

    python bench/throughput.py [--runs 7] [--repeat 40] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gongkai.pipeline import Pending, Sandbox, process

from common import machine, median_rate, one_core

SEEDS = sorted((Path(__file__).resolve().parents[1] / "tests" / "data" / "seeds").glob("*.txt"))


def through_sandbox(sandbox: Sandbox, files: list[tuple[str, bytes]]) -> int:
    """Every file through the sandbox, as ``gongkai check`` hands them over: a window of files ahead."""
    ahead: deque[Pending] = deque()
    done = 0
    for name, data in files:
        ahead.append(sandbox.submit(data, name, report=False))
        if len(ahead) >= sandbox.ahead:
            done += _counted(ahead.popleft())
    while ahead:
        done += _counted(ahead.popleft())
    return done


def _counted(pending: Pending) -> int:
    out = pending.result()
    if not out.ok:
        raise SystemExit(f"{out.name}: {out.failure}")
    return 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=40, help="passes over the seeds per run")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args()
    one_core()  # the worker started below inherits the core
    files = [(p.name, p.read_bytes()) for p in SEEDS] * args.repeat

    def in_process() -> int:
        for name, data in files:
            if not process(data, name).ok:
                raise SystemExit(f"{name} failed")
        return len(files)

    with Sandbox(1, start="fork") as sandbox:
        piped, piped_runs = median_rate(lambda: through_sandbox(sandbox, files), runs=args.runs)
    alone, alone_runs = median_rate(in_process, runs=args.runs)
    if args.json:
        print(json.dumps({"reports_per_s": piped, "min": min(piped_runs), "max": max(piped_runs),
                          "in_process_reports_per_s": alone, "runs": args.runs, "files": len(SEEDS),
                          "repeat": args.repeat}))
        return
    print(f"machine: {machine()}")
    print(f"parse+check, plain text seeds ({len(SEEDS)} files x {args.repeat} per run, {args.runs} runs, one core)")
    print(f"through the pipeline (1 worker): median {piped:,.0f} reports/s "
          f"(min {min(piped_runs):,.0f}, max {max(piped_runs):,.0f})")
    print(f"in this process:                 median {alone:,.0f} reports/s "
          f"(min {min(alone_runs):,.0f}, max {max(alone_runs):,.0f})")


if __name__ == "__main__":
    main()
