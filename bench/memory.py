"""Peak memory of reading one file of each format: each sample is read (and extracted and checked)
in a fresh process, and that process's peak RSS (VmHWM) is reported, with the peak of the same
process having only imported gongkai, so the difference is what reading the file costs.

    python bench/memory.py [--runs 3] [--json]

Samples: as bench/readers.py (text seed, generated 6-page .docx, pingtan-2019.html,
huaian-city-2024.pdf), and .doc through LibreOffice when it is installed (its own process is not
counted: the figure is gongkai's side). Median of ``--runs`` processes per sample.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

_CHILD = r"""
import sys
from pathlib import Path

def hwm():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0

from gongkai.checks import check
from gongkai.extract import extract
import gongkai.readers.docx, gongkai.readers.html, gongkai.readers.pdf, gongkai.readers.text, gongkai.readers.legacy
from gongkai.readers import read_path
baseline = hwm()
path = sys.argv[1]
if path != "-":
    check(extract(read_path(path)))
print(baseline, hwm())
"""


def samples(tmp: Path) -> list[tuple[str, str, Path]]:
    from readers import samples as reader_samples

    out = []
    for fmt, what, files, _pages in reader_samples():
        name, data = files[0]
        path = tmp / f"{fmt}-{Path(name).name}"
        path.write_bytes(data)
        out.append((fmt, f"{what} ({len(data) // 1024} KB)" if fmt != "text" else f"{name} ({len(data) // 1024} KB)",
                    path))
    plain_doc = HERE.parent / "tests" / "data" / "legacy" / "plain.doc"
    from gongkai.readers.legacy import find_soffice

    if plain_doc.exists() and find_soffice():
        out.append(("doc", f"tests/data/legacy/plain.doc ({plain_doc.stat().st_size // 1024} KB)", plain_doc))
    return out


def measure(runs: int) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-mem-") as tmp:
        for fmt, what, path in samples(Path(tmp)):
            peaks, bases = [], []
            for _ in range(runs):
                out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                                     check=True)
                base, peak = map(float, out.stdout.split())
                bases.append(base)
                peaks.append(peak)
            results.append({"format": fmt, "sample": what, "peak_mb": statistics.median(peaks),
                            "baseline_mb": statistics.median(bases),
                            "reading_mb": statistics.median(p - b for p, b in zip(peaks, bases, strict=True))})
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = measure(args.runs)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return
    for r in results:
        print(f"{r['format']:<5} {r['sample']:<44} peak {r['peak_mb']:6.0f} MB "
              f"(after imports {r['baseline_mb']:.0f} MB, reading +{r['reading_mb']:.0f} MB)")


if __name__ == "__main__":
    main()
