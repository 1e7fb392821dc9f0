"""GK803 (register): a stored report's tables 三 and 四 against the agency's own application register
(依申请公开台账, gongkai.register), for the report's year, when the agency keeps one in the store."""

from __future__ import annotations

from ..formats import TABLE_SHORT
from .base import rule

TABLES = ("applications", "review_litigation")


def _column(row, ref: str) -> str:
    key = ref.rsplit(".", 1)[1]
    return next((c.label for c in row.columns if c.key == key), key)


def _n(v) -> int | float:
    return int(v) if isinstance(v, float) and v.is_integer() else v


@rule(
    "GK803", "register-mismatch", "warning", needs_store=True,
    title="表三、表四与本机关依申请公开台账不一致",
    what="本机关在本系统登记了依申请公开台账时，按台账算出报告年度的表三（本年新收、上年结转、各项办理结果、结转下年度）"
         "和表四（行政复议、行政诉讼），与报告所填逐格比对；不一致的每一行列出两边的数和台账中计入这些格的申请。"
         "只比对台账在该年度有申请（当年收到或从上年结转）的机关；读取不确定的单元格不比对。",
    why="表三是年度报告最容易出错的地方，多是年底凭记忆或手工清点造成的。台账逐件登记了收到、办结和结果，"
        "按台账算出的数与报告不一致，说明报告填错，或台账漏登、错登了申请，两者必有一处需要更正。",
    example="台账中2024年收到自然人申请 3 件（编号2024-001、2024-002、2024-003），报告表三“一、本年新收”自然人列填 2。",
)
def register_mismatch(report, ctx):
    ask = getattr(ctx.peers, "register_tables", None)
    ed = ctx.edition
    if ask is None or ed is None:
        return
    kept = ask(report)
    if kept is None or not kept.kept or kept.edition != ed.key:
        return
    for tkey in TABLES:
        for r in ed.table(tkey).rows:
            said, cells, at = [], [], None
            for c in r.columns:
                ref = f"{tkey}.{r.key}.{c.key}"
                cell = report.cell(ref)
                if cell is None or cell.raw is None or cell.uncertain:
                    continue  # a row not printed has its own finding; a value gongkai is unsure of proves nothing
                have = cell.value if cell.value is not None else 0
                want = kept.value(ref)
                if abs(have - want) < 1e-9:
                    continue
                shown = _n(have) if cell.value is not None else ("空白" if cell.blank else f"“{cell.raw.strip()}”")
                said.append(f"“{c.label}”报告填 {shown}、台账为 {want}")
                cells.append(ref)
                at = at or cell.at
            if not cells:
                continue
            # the applications behind each differing column (the total's only when no column of its own differs)
            named = [ref for ref in cells if not ref.endswith(".total")] or cells
            parts = [f"“{_column(r, ref)}”：{kept.names(ref)}" for ref in named if kept.names(ref)]
            behind = f"台账中计入的申请——{'；'.join(parts)}" if parts else "台账中这几列没有登记申请"
            yield register_mismatch.finding(
                f"{TABLE_SHORT[tkey]}「{r.name}」与本机关依申请公开台账{kept.year}年的统计不一致："
                f"{'；'.join(said)}。{behind}。请核对报告和台账，更正有误的一方",
                cells=cells, expected={ref: kept.value(ref) for ref in cells},
                actual={ref: _n(report.value(ref) or 0) for ref in cells}, at=at,
            )
