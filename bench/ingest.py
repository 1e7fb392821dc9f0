"""Batch ingest throughput: N generated reports (text and .docx mixed, from the seeds' narrative with
numbers varied consistently, agencies × years) into a fresh store; reports per second and peak memory.

    python bench/ingest.py [--n 10000] [--runs 3] [--docx-share 0.3] [--jobs N] [--db URL]

The reports are generated once into a temporary folder (not timed); each run ingests them into a new
SQLite file (or, with --db, into that database, which must be empty). Prints each run and the median.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))  # the report generator (tests/synth.py)
from gongkai.store import Store  # noqa: E402
from gongkai.store.ingest import default_jobs  # noqa: E402

from common import machine  # noqa: E402
from synth import write_corpus  # noqa: E402


def cpu_seconds() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def peak_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--docx-share", type=float, default=0.3)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--db", default=None, help="a database URL (default: a new SQLite file per run)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        root = Path(tmp)
        t0 = time.monotonic()
        written = write_corpus(root / "reports", args.n, seed=args.seed, docx_share=args.docx_share)
        n_docx = sum(1 for p in written.paths if p.suffix == ".docx")
        size = sum(p.stat().st_size for p in written.paths)
        print(f"machine: {machine()}")
        print(f"generated {len(written.paths)} reports ({n_docx} .docx, {len(written.paths) - n_docx} text, "
              f"{size / 1e6:.1f} MB) in {time.monotonic() - t0:.1f} s")
        rates = []
        for run in range(args.runs):
            db = args.db or str(root / f"run{run}.sqlite3")
            store = Store.open(db)
            cpu0 = cpu_seconds()
            t = time.monotonic()
            summary = store.ingest([str(root / "reports")], jobs=args.jobs)
            secs = time.monotonic() - t
            me, kids = (b - a for a, b in zip(cpu0, cpu_seconds(), strict=True))
            counts = store.counts()
            store.close()
            rate = summary.stored / secs
            rates.append(rate)
            print(f"run {run + 1}: {summary.stored} stored ({summary.new} new, {summary.replaced} replaced, "
                  f"{summary.failed} failed) in {secs:.1f} s = {rate:,.0f} reports/s; "
                  f"{counts['cells']:,} cells, {counts['findings']:,} findings; "
                  f"jobs {args.jobs or default_jobs()}")
            print(f"        CPU: writer {me:.1f} s, workers {kids:.1f} s = {(me + kids) / args.n * 1000:.1f} ms per "
                  f"report (on {default_jobs()} free cores at best {(me + kids) / default_jobs():.1f} s; the machine's "
                  f"load average now {os.getloadavg()[0]:.1f})")
            pm, pk = peak_mb()
            print(f"        peak RSS: writer {pm:.0f} MB, largest worker {pk:.0f} MB")
            second = Store.open(db)
            t = time.monotonic()
            again = second.ingest([str(root / "reports")], jobs=args.jobs)
            print(f"        second run over the same files: {again.unchanged} unchanged, {again.new} new "
                  f"in {time.monotonic() - t:.1f} s")
            second.close()
            if args.db:
                break
        print(f"median: {statistics.median(rates):,.0f} reports/s "
              f"({args.n / statistics.median(rates):.1f} s for {args.n})")


if __name__ == "__main__":
    main()
