"""Reading throughput per input format: read + extract, one core, median of several runs.

    python bench/readers.py [--runs 7]

text: the five seeds; docx: a generated six-page report in the official layout
(bench/reader_docx.py); html: pingtan-2019.html; pdf: huaian-city-2024.pdf (pages per second).
The last two come from the development corpus beside the repository; without it, a page and a PDF
made from a seed (tests/samplefiles.py) stand in.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import machine, median_rate, one_core  # noqa: E402
from reader_docx import realistic_report  # noqa: E402

sys.path.insert(0, str(HERE.parent / "tests"))
from gongkai.extract import extract  # noqa: E402
from gongkai.readers import read_bytes  # noqa: E402

import samplefiles  # noqa: E402

CORPUS = HERE.parent.parent / "shared" / "corpus" / "dev"
SEEDS = sorted((HERE.parent / "tests" / "data" / "seeds").glob("*.txt"))


def samples() -> list[tuple[str, str, list[tuple[str, bytes]], int]]:
    """(format, what, files, pages per file)"""
    out = [("text", "5 seed reports", [(p.name, p.read_bytes()) for p in SEEDS], 0)]
    out.append(("docx", "generated 6-page report", [("report.docx", realistic_report())], 0))
    html = CORPUS / "pingtan-2019.html"
    if html.exists():
        out.append(("html", html.name, [(html.name, html.read_bytes())], 0))
    else:  # without the development corpus: a page made from a seed
        out.append(("html", "generated page (no corpus)", [("report.html", samplefiles.html_bytes())], 0))
    pdf = CORPUS / "huaian-city-2024.pdf"
    if pdf.exists():
        name, data = pdf.name, pdf.read_bytes()
    else:
        name, data = "generated PDF (no corpus)", samplefiles.pdf_bytes(compress=True)
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as p:
        pages = len(p.pages)
    out.append(("pdf", name, [(name, data)], pages))
    return out


def measure(runs: int) -> list[dict]:
    one_core()
    results = []
    for fmt, what, files, pages in samples():
        repeat = max(1, {"text": 40, "docx": 20, "html": 20, "pdf": 2}[fmt])

        def work(repeat: int = repeat, files: list[tuple[str, bytes]] = files) -> int:
            n = 0
            for _ in range(repeat):
                for name, data in files:
                    extract(read_bytes(data, name))
                    n += 1
            return n

        rate, _ = median_rate(work, runs=runs)
        results.append({"format": fmt, "sample": what, "files_per_s": rate,
                        "pages_per_s": rate * pages if pages else None})
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    results = measure(args.runs)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return
    print(f"machine: {machine()}")
    for r in results:
        pages = f", {r['pages_per_s']:.1f} pages/s" if r["pages_per_s"] else ""
        print(f"{r['format']:<5} {r['sample']:<28} {r['files_per_s']:8.1f} files/s{pages}")


if __name__ == "__main__":
    main()
