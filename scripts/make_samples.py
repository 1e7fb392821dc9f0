"""Write the sample reports under samples/ (committed; run again only to change them).

A small county — 奉新县, 江西省宜春市 — as a disclosure office sees it: its list of agencies (agencies.csv,
two of them without any report, so the roll-up shows who has not submitted), and synthetic reports for
2021–2023 from tests/synth.py (numbers consistent, narrative from the seeds). 甘坊镇's 2023 report is
the real seed tests/data/seeds/003_…; its 2021 and 2022 reports here are synthetic, so the agency page has
years to compare and the cross-year rules have something to say.

    python scripts/make_samples.py
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the report generator (tests/synth.py)
from synth import Agency, Corpus  # noqa: E402

OUT = ROOT / "samples"
PROVINCE, CITY, COUNTY = "江西省", "宜春市", "奉新县"

TOWNS = ("赤岸镇", "会埠镇", "澡下镇", "罗市镇")
DEPARTMENTS = ("住房和城乡建设局", "市场监督管理局")
NOT_REPORTING = ("干洲镇", "奉新县教育体育局")


def main() -> None:
    corpus = Corpus(seed=2024)
    corpus.rng = random.Random(2024)
    agencies = [Agency(f"{t}人民政府", PROVINCE, CITY, COUNTY, t, f"{PROVINCE}{COUNTY}{t}人民路{i + 8}号")
                for i, t in enumerate(TOWNS)]
    agencies += [Agency(f"{COUNTY}{d}", PROVINCE, CITY, COUNTY, None, f"{PROVINCE}{COUNTY}行政中心{i + 3}号",
                        kind="department") for i, d in enumerate(DEPARTMENTS)]
    folder = OUT / COUNTY
    for old in folder.glob("*.txt"):
        old.unlink()
    for a in agencies:
        prev = None
        for year in (2021, 2022, 2023):
            prev = corpus.report(a, year, prev)
            prev.write(folder)
    ganfang = Agency("甘坊镇人民政府", PROVINCE, CITY, COUNTY, "甘坊镇", f"{PROVINCE}{COUNTY}甘坊镇青云大道166号")
    prev = None
    for year in (2021, 2022):
        prev = corpus.report(ganfang, year, prev)
        prev.write(folder)
    rows = ["名称,级别,省,市,县,乡,别名"]
    for t in TOWNS + ("甘坊镇", "干洲镇"):
        rows.append(f"{t}人民政府,乡镇,{PROVINCE},{CITY},{COUNTY},{t},{t}政府；{COUNTY}{t}")
    for d in DEPARTMENTS + ("教育体育局",):
        rows.append(f"{COUNTY}{d},县级部门,{PROVINCE},{CITY},{COUNTY},,")
    (OUT / "agencies.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {len(list(folder.glob('*.txt')))} reports and agencies.csv under {OUT}")


if __name__ == "__main__":
    main()
