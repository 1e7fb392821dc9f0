"""OCR of a scanned report on one core: pages per second, time per page, peak memory.

    python bench/ocr.py [SCAN.pdf] [--runs 3] [--address-space MB]

Default: ../shared/corpus/dev/huaian-city-2024-scan.pdf (6 pages, 150 dpi). The engine is loaded and
warmed up first (its time is printed apart: a worker pays it once); then every page without a text
layer is read, ``--runs`` times, and the median is taken. Then the whole file once more as a user's
file goes: the PDF reader (which finds the pages to OCR, reads them and lays out their tables and
paragraphs) and the extractor, in this process with the engine already loaded. Peak memory is the
process's peak resident set (``ru_maxrss``) and its peak address space (``VmPeak``, which the
sandbox's ``max_memory_bytes`` bounds). ``--address-space`` runs the whole measurement under that
``RLIMIT_AS``, as a worker would.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gongkai.extract import extract  # noqa: E402
from gongkai.limits import Limits  # noqa: E402
from gongkai.ocr import engine as engines  # noqa: E402
from gongkai.ocr.engine import Engine  # noqa: E402
from gongkai.ocr.scan import pages_needing_ocr, read_pdf  # noqa: E402
from gongkai.readers import read_bytes  # noqa: E402

from common import machine, one_core  # noqa: E402

SCAN = HERE.parent.parent / "shared" / "corpus" / "dev" / "huaian-city-2024-scan.pdf"


def vm_peak_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmPeak:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scan", nargs="?", type=Path, default=SCAN)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--address-space", type=int, default=0, help="RLIMIT_AS in MB (0: none)")
    args = ap.parse_args(argv)
    if not args.scan.exists():
        print(f"no scan at {args.scan}")
        return 1
    one_core()
    if args.address_space:
        limit = args.address_space * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    data = args.scan.read_bytes()
    pages = pages_needing_ocr(data)
    limits = Limits()

    t0, c0 = time.perf_counter(), time.process_time()
    engine = Engine(threads=limits.ocr_threads)
    engine.warm_up()
    load_wall, load_cpu = time.perf_counter() - t0, time.process_time() - c0

    walls, cpus, per_page = [], [], []
    result = None
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        result = read_pdf(data, pages, limits, ocr=engine)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    # per page, once more, to show where the time goes
    assert result is not None
    for number in pages:
        t0 = time.process_time()
        page = read_pdf(data, [number], limits, ocr=engine).pages[0]
        per_page.append((number, time.process_time() - t0, len(page.lines), sum(len(t.cells) for t in page.tables)))
    engines.engine(limits.ocr_threads).warm_up()  # the process's engine, as a worker keeps it
    t0, c0 = time.perf_counter(), time.process_time()
    report = extract(read_bytes(data, args.scan.name, limits))
    reader_wall, reader_cpu = time.perf_counter() - t0, time.process_time() - c0
    ocr = report.source.ocr
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    cells = sum(len(t.cells) for p in result.pages for t in p.tables)
    flagged = sum(1 for p in result.pages for t in p.tables for c in t.cells if c.doubt)
    print(f"machine: {machine()}; one core, {limits.ocr_threads} engine thread(s)")
    print(f"engine: {result.engine}")
    print(f"file: {args.scan.name}, {len(pages)} pages without a text layer, {cells} table cells "
          f"({flagged} with a doubt), {sum(len(p.lines) for p in result.pages)} lines of text")
    print(f"engine load + warm-up: {load_wall:.1f} s wall, {load_cpu:.1f} s CPU (once per worker)")
    print(f"whole file, median of {args.runs}: {wall:.1f} s wall, {cpu:.1f} s CPU -> "
          f"{len(pages) / wall:.2f} pages/s ({len(pages) / cpu:.2f} per CPU-second)")
    for number, seconds, lines, n_cells in per_page:
        print(f"  page {number}: {seconds:.1f} CPU-s, {lines} lines, {n_cells} cells")
    print(f"through the PDF reader and the extractor: {reader_wall:.1f} s wall, {reader_cpu:.1f} s CPU -> "
          f"{len(pages) / reader_wall:.2f} pages/s; OCR'd pages {ocr.pages if ocr else None}, "
          f"lowest confidence {ocr.confidence:.2f}, mean {ocr.mean_confidence:.3f}" if ocr else "(no OCR)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {rss:.0f} MB resident, {vm_peak_mb():.0f} MB address space"
          + (f" (under RLIMIT_AS {args.address_space} MB)" if args.address_space else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
