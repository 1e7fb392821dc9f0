"""What hostile input costs: every bomb of tests/hostile.py (zip and XML bombs, PDF stream bombs,
deep nesting, huge element counts) read by ``gongkai check`` in a process of its own; the slowest
refusal and the largest peak RSS (of the command or of the sandbox workers that read the file).

    python bench/hostile_inputs.py [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import hostile  # noqa: E402

# the peak RSS of the command or of the workers that read its files (its children), whichever is larger
_WRAPPER = """
import atexit, resource, runpy, sys
def _peak():
    own = 0
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                own = int(line.split()[1])
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    sys.stderr.write("\\nPEAK_RSS_KB " + str(max(own, workers)) + "\\n")
atexit.register(_peak)
sys.argv = ["gongkai", *sys.argv[1:]]
runpy.run_module("gongkai.cli", run_name="__main__", alter_sys=True)
"""


def measure() -> dict:
    rows = []
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-hostile-") as tmp:
        folder = Path(tmp)
        cases = hostile.build_all(folder)
        zeros = hostile.sparse_zeros(folder / "zeros-1gb.txt")
        names = [n for n, c in cases.items() if c.bomb] + [zeros.name]
        for name in names:
            started = time.monotonic()
            proc = subprocess.run([sys.executable, "-c", _WRAPPER, "check", str(folder / name)],
                                  capture_output=True, text=True, timeout=300, check=False)
            seconds = time.monotonic() - started
            peak = float(proc.stderr.rpartition("PEAK_RSS_KB ")[2].split()[0]) / 1024 if "PEAK_RSS_KB" in proc.stderr \
                else 0.0
            rows.append({"case": name, "exit": proc.returncode, "seconds": seconds, "peak_mb": peak})
    worst_time = max(rows, key=lambda r: r["seconds"])
    worst_mem = max(rows, key=lambda r: r["peak_mb"])
    return {"cases": rows, "count": len(rows), "max_seconds": worst_time["seconds"], "slowest": worst_time["case"],
            "max_peak_mb": worst_mem["peak_mb"], "largest": worst_mem["case"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = measure()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for r in result["cases"]:
        print(f"{r['case']:<40} exit {r['exit']}  {r['seconds']:5.2f} s  peak {r['peak_mb']:5.0f} MB")
    print(f"{result['count']} cases: slowest {result['max_seconds']:.2f} s ({result['slowest']}), "
          f"largest peak {result['max_peak_mb']:.0f} MB ({result['largest']})")


if __name__ == "__main__":
    main()
