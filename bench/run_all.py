"""Every throughput and memory figure in one command; writes the table into docs/performance.md.

    python bench/run_all.py [--runs 7] [--ingest-count 1000] [--no-ingest] [--out docs/performance.md]

Runs, each in a process of its own (one core for the timings, see bench/common.one_core):

* bench/throughput.py      parse + check of the plain-text seeds, reports per second;
* bench/readers.py         read + extract per input format (files per second, PDF pages per second);
* bench/memory.py          peak RSS of reading one file of each format;
* bench/hostile_inputs.py  slowest refusal and largest peak RSS over the bombs of tests/hostile.py;
* bench/ingest.py          batch ingest into the store, when that script exists (another part of
  the project); it is run with a smaller count than its default (``--ingest-count``), and the
  table says so.

Timings are medians of ``--runs`` runs. Only the part of the file between the two
``<!-- bench:... -->`` markers is rewritten; notes around it are kept.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from common import machine  # noqa: E402

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
TARGETS = {"text": 1000, "docx": 100, "html": 200, "pdf_pages": 20}


def run_json(script: str, *args: str) -> object:
    out = subprocess.run([sys.executable, str(HERE / script), *args, "--json"], capture_output=True, text=True,
                         cwd=ROOT, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{script} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_ingest(count: int) -> dict | None:
    script = HERE / "ingest.py"
    if not script.exists():
        return None
    usage = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, cwd=ROOT,
                           check=False).stdout
    option = "--count" if "--count" in usage else "--n" if re.search(r"--n\b", usage) else None
    args = [option, str(count)] if option else []
    out = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, cwd=ROOT, check=False)
    text = out.stdout + out.stderr
    m = re.search(r"median:\s*([\d,.]+)\s*reports/s", text)
    peak = re.search(r"peak RSS writer (\d+) MB, largest worker (\d+) MB; jobs (\d+)", text)
    return {"ok": out.returncode == 0 and m is not None, "count": count if option else None, "option": option,
            "rate": float(m.group(1).replace(",", "")) if m else None,
            "writer_mb": int(peak.group(1)) if peak else None, "worker_mb": int(peak.group(2)) if peak else None,
            "jobs": int(peak.group(3)) if peak else None, "tail": text.strip().splitlines()[-3:]}


def versions() -> str:
    import lxml.etree
    import pdfminer
    import pdfplumber

    return (f"lxml {'.'.join(map(str, lxml.etree.LXML_VERSION[:3]))}, pdfminer.six {pdfminer.__version__}, "
            f"pdfplumber {pdfplumber.__version__}")


def status(value: float | None, target: float | None) -> str:
    if value is None or target is None:
        return ""
    return "✓" if value >= target else "✗ below target"


def table(results: dict, runs: int) -> str:
    rows = ["| what | command | figure | target |", "|---|---|---|---|"]
    t = results["throughput"]
    rows.append(f"| parse + check, plain text (5 seeds × {t['repeat']}), through the pipeline's worker | "
                f"`python bench/throughput.py` | "
                f"**{t['reports_per_s']:,.0f} reports/s** (runs {t['min']:,.0f}–{t['max']:,.0f}; in one process "
                f"{t['in_process_reports_per_s']:,.0f}) | "
                f"≥ {TARGETS['text']:,} {status(t['reports_per_s'], TARGETS['text'])} |")
    for r in results["readers"]:
        fmt = r["format"]
        if fmt == "pdf":
            figure = f"**{r['pages_per_s']:.1f} pages/s** ({r['files_per_s']:.2f} files/s)"
            target = f"≥ {TARGETS['pdf_pages']} pages/s {status(r['pages_per_s'], TARGETS['pdf_pages'])}"
        else:
            figure = f"**{r['files_per_s']:,.0f} files/s**"
            goal = TARGETS.get(fmt)
            target = f"≥ {goal} files/s {status(r['files_per_s'], goal)}" if goal and fmt != "text" else ""
        rows.append(f"| read + extract, {fmt}: {r['sample']} | `python bench/readers.py` | {figure} | {target} |")
    for m in results["memory"]:
        rows.append(f"| peak memory reading {m['format']}: {m['sample']} | `python bench/memory.py` | "
                    f"**{m['peak_mb']:.0f} MB** peak RSS (+{m['reading_mb']:.0f} MB over the "
                    f"{m['baseline_mb']:.0f} MB after imports) | |")
    h = results["hostile"]
    rows.append(f"| hostile inputs: {h['count']} bombs and the 1 GB file of zeros, `gongkai check` each | "
                f"`python bench/hostile_inputs.py` | slowest refusal **{h['max_seconds']:.1f} s** ({h['slowest']}); "
                f"largest peak **{h['max_peak_mb']:.0f} MB** ({h['largest']}) | within the time limit, < 1 GB "
                f"{'✓' if h['max_peak_mb'] < 1024 else '✗'} |")
    ing = results.get("ingest")
    if ing is None:
        rows.append("| batch ingest into the store | `python bench/ingest.py` | (bench/ingest.py not present) | |")
    elif not ing["ok"]:
        rows.append(f"| batch ingest into the store | `python bench/ingest.py` | failed: {' / '.join(ing['tail'])} | |")
    else:
        count = f"{ing['count']:,} reports ({ing['option']} {ing['count']}; the script's default is 10,000)" \
            if ing["count"] else "the script's default count"
        mem = f"; peak RSS writer {ing['writer_mb']} MB, largest worker {ing['worker_mb']} MB, {ing['jobs']} jobs" \
            if ing["writer_mb"] is not None else ""
        rows.append(f"| batch ingest into the store, {count} | `python bench/ingest.py {ing['option'] or ''} "
                    f"{ing['count'] or ''}`".rstrip() + f" | **{ing['rate']:,.0f} reports/s**{mem} | |")
    return "\n".join(rows)


def render(results: dict, runs: int) -> str:
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    return "\n".join([
        START,
        f"Measured {when} by `python bench/run_all.py` on: {machine()}; {versions()}.",
        f"Timings are medians of {runs} runs on one core (the process pinned to one CPU); memory figures",
        "are the peak RSS (VmHWM) of a fresh process per sample, median of 3.",
        "",
        table(results, runs),
        END,
    ])


def write(out: Path, block: str) -> None:
    if out.exists():
        text = out.read_text(encoding="utf-8")
        if START in text and END in text:
            head, _, rest = text.partition(START)
            _, _, tail = rest.partition(END)
            out.write_text(head + block + tail, encoding="utf-8")
            return
        out.write_text(text.rstrip() + "\n\n" + block + "\n", encoding="utf-8")
        return
    out.write_text("# Performance\n\n" + block + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--ingest-count", type=int, default=1000)
    ap.add_argument("--no-ingest", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    results: dict = {}
    steps = [("throughput", lambda: run_json("throughput.py", "--runs", str(args.runs))),
             ("readers", lambda: run_json("readers.py", "--runs", str(args.runs))),
             ("memory", lambda: run_json("memory.py", "--runs", "3")),
             ("hostile", lambda: run_json("hostile_inputs.py"))]
    if not args.no_ingest:
        steps.append(("ingest", lambda: run_ingest(args.ingest_count)))
    for name, step in steps:
        print(f"running {name} ...", flush=True)
        results[name] = step()
    block = render(results, args.runs)
    write(Path(args.out), block)
    print(block)
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
