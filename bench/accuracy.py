"""Reading accuracy on the development corpus: share of cells read correctly, per file,
per format and overall.

    python bench/accuracy.py [CORPUS_DIR]     (default: ../shared/corpus/dev)

Each report NAME.<ext> has NAME.truth.json, values read by eye (see the corpus README):
t3 rows as 7 numbers, t4 as 15 numbers, t2 rows as lists in column order. Every cell the truth file
gives is counted, the scanned copy's included (read by OCR). For a file read by OCR the pages, the
engine and the confidences are printed, and each wrong cell says whether gongkai flagged it (a cell
whose value is uncertain says so: no wrong cell should come without a doubt).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from gongkai.api import read
from gongkai.errors import GongkaiError

T3_ROWS = {
    "new": "new_received",
    "carried_over": "carried_over",
    "granted": "granted",
    "partial": "partially_granted",
    "total_processed": "total_processed",
    "carry_forward": "carried_forward",
}
T3_COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]
T4 = [(g, c) for g in ("review", "litigation_direct", "litigation_after_review")
      for c in ("upheld", "corrected", "other", "pending", "total")]
T2_COLS = {
    "2021": {"regulations": ("regulations", ["issued", "repealed", "in_force"]),
             "normative": ("normative_documents", ["issued", "repealed", "in_force"]),
             "licensing": ("licensing", ["decisions"]), "penalty": ("penalty", ["decisions"]),
             "coercion": ("coercion", ["decisions"]), "fees": ("fees", ["amount"])},
    "2019": {"regulations": ("regulations", ["new_made", "new_published", "total_published"]),
             "normative": ("normative_documents", ["new_made", "new_published", "total_published"]),
             "licensing": ("licensing", ["prev_items", "change", "decisions"]),
             "other_services": ("other_services", ["prev_items", "change", "decisions"]),
             "penalty": ("penalty", ["prev_items", "change", "decisions"]),
             "coercion": ("coercion", ["prev_items", "change", "decisions"]),
             "fees": ("fees", ["prev_items", "change"])},
}
REPORT_SUFFIXES = {".txt", ".html", ".htm", ".pdf", ".docx", ".doc", ".wps", ".md"}


def expected_cells(truth: dict, edition: str) -> dict[str, object]:
    out: dict[str, object] = {}
    # a truth file may leave a table or a row out (the `or []`), or a row short: compare what it gives
    for key, row in T3_ROWS.items():
        for col, v in zip(T3_COLS, truth.get("t3", {}).get(key) or [], strict=False):
            out[f"applications.{row}.{col}"] = v
    for (g, c), v in zip(T4, truth.get("t4") or [], strict=False):
        out[f"review_litigation.{g}.{c}"] = v
    for key, values in (truth.get("t2") or {}).items():
        if key not in T2_COLS[edition]:
            continue
        row, cols = T2_COLS[edition][key]
        for col, v in zip(cols, values, strict=False):
            out[f"active.{row}.{col}"] = v
    return out


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"
    files = sorted(p for p in corpus.iterdir() if p.suffix.lower() in REPORT_SUFFIXES and not p.name.endswith(".meta.json"))
    if not files:
        print(f"no reports found in {corpus}")
        return 1
    per_format: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    total = [0, 0]
    print(f"{'file':<34} {'format':<6} {'cells':>6} {'correct':>8} {'share':>7}")
    for path in files:
        stem = path.name.split(".")[0]
        truth_file = corpus / f"{stem}.truth.json"
        meta_file = corpus / f"{stem}.meta.json"
        if not truth_file.exists():
            continue
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        edition = json.loads(meta_file.read_text(encoding="utf-8")).get("template", "2021") if meta_file.exists() else "2021"
        expected = expected_cells(truth, edition)
        flagged: dict[str, bool] = {}
        ocr = None
        try:
            report = read(path)
            fmt = report.source.format
            got = {ref: report.value(ref) for ref in expected}
            flagged = {ref: bool(getattr(report.cell(ref), "doubt", None)) for ref in expected}
            ocr = report.source.ocr
        except GongkaiError as exc:
            fmt, got = path.suffix.lstrip("."), {}
            print(f"  ({path.name}: {exc})")
        ok = sum(1 for ref, v in expected.items() if ref in got and same(got[ref], v))
        misses = [ref for ref, v in expected.items() if not (ref in got and same(got[ref], v))]
        per_format[fmt][0] += ok
        per_format[fmt][1] += len(expected)
        total[0] += ok
        total[1] += len(expected)
        print(f"{path.name:<34} {fmt:<6} {len(expected):>6} {ok:>8} {ok / max(1, len(expected)):>7.1%}")
        if ocr is not None:
            print(f"    read by OCR: pages {ocr.pages} ({len(ocr.unread_pages)} unread), lowest confidence "
                  f"{ocr.confidence:.2f}, mean {ocr.mean_confidence:.3f}; {ocr.engine}")
        for ref in misses[:10]:
            said = "flagged as uncertain" if flagged.get(ref) else "NOT flagged"
            print(f"    wrong: {ref}: expected {expected[ref]!r}, read {got.get(ref)!r} ({said})")
    print()
    for fmt, (ok, n) in sorted(per_format.items()):
        print(f"format {fmt:<6} {ok}/{n} cells correct ({ok / max(1, n):.1%})")
    print(f"overall      {total[0]}/{total[1]} cells correct ({total[0] / max(1, total[1]):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
