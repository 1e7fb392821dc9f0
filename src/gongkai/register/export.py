"""The register written to an Excel workbook: one line per application with its deadline on the day of the
export (sheet 台账), and — for a year — tables 三 and 四 computed from it (sheet 表三表四). The 台账 sheet's
headers are ones :mod:`gongkai.register.importing` maps back, so an exported register imports again."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..formats import TABLE_NAMES, get_edition
from .deadlines import deadline
from .model import RESULTS, Application
from .tables import RegisterTables

HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
LATE_FILL = PatternFill("solid", fgColor="F8D7DA")
PENDING_ZH = "尚未审结"

COLUMNS: tuple[tuple[str, int], ...] = (
    ("登记编号", 12), ("收到方式", 16), ("提交日期", 12), ("签收或确认日期", 14), ("收到申请日期", 13),
    ("申请人类型", 22), ("申请人", 14), ("申请内容", 40), ("补正告知日期", 13), ("收到补正日期", 13),
    ("征求意见日期", 13), ("收到意见日期", 13), ("延长答复期限", 12), ("延期告知日期", 13), ("答复期限", 12),
    ("状态", 30), ("答复日期", 12), ("办理结果", 30), ("收费通知日期", 13), ("收费金额", 10), ("缴费日期", 12),
    ("申请行政复议日期", 14), ("行政复议结果", 12), ("复议决定日期", 13), ("起诉日期", 12), ("行政诉讼结果", 12),
    ("判决日期", 12), ("备注", 24),
)


def _result(r: str | None) -> str:
    return RESULTS.get(r, "") if r else PENDING_ZH


def _line(app: Application, today: dt.date) -> list[Any]:
    d = deadline(app, today)
    first = app.consultations[0] if app.consultations else None
    review = next((f for f in app.follow_ups if f.kind == "review"), None)
    suit = next((f for f in app.follow_ups if f.kind != "review"), None)
    return [
        app.number or "", app.channel_name, app.submitted, app.confirmed, app.received, app.applicant_type_name,
        app.applicant, app.content, app.correction_requested, app.correction_answered,
        first.start if first else None, first.end if first else None, app.extension_days or "", app.extended_on,
        d.due, d.summary, app.replied, app.outcome_name,
        app.fee_notice, app.fee_amount, app.fee_paid,
        review.filed if review else None, _result(review.result) if review else "", review.decided if review else None,
        suit.filed if suit else None, _result(suit.result) if suit else "", suit.decided if suit else None,
        app.note,
    ]


def _header(ws, row: int, names: Iterable[str]) -> None:
    for j, name in enumerate(names, start=1):
        c = ws.cell(row, j, name)
        c.font = Font(bold=True)
        c.fill = HEAD_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def workbook(apps: list[Application], today: dt.date, agency: str = "",
             tables: RegisterTables | None = None) -> bytes:
    """The workbook's bytes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has its sheet
    ws.title = "台账"
    _header(ws, 1, (name for name, _ in COLUMNS))
    for i, app in enumerate(apps, start=2):
        line = _line(app, today)
        for j, v in enumerate(line, start=1):
            c = ws.cell(i, j, v)
            if isinstance(v, dt.date):
                c.number_format = "yyyy-mm-dd"
        state = deadline(app, today).state
        if state in ("overdue", "late"):
            for j in range(1, len(COLUMNS) + 1):
                ws.cell(i, j).fill = LATE_FILL
    for j, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(apps) + 1)}"
    if tables is not None:
        _tables_sheet(wb, tables, agency)
    note = wb.create_sheet("说明")
    note.append([f"{agency} 政府信息公开申请台账，导出于 {today.isoformat()}。"])
    note.append([("“答复期限”和“状态”按导出当日计算：《政府信息公开条例》第三十三条 20 个工作日（延期的加延长的工作日），"
                  "补正的自收到补正之日起算，征求意见和收费通知至缴费的时间不计入；节假日按国务院办公厅公布的安排。")])
    note.append(["再次导入时“答复期限”“状态”两列不导入，其他列按表头对应。"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _tables_sheet(wb: Workbook, t: RegisterTables, agency: str) -> None:
    ed = get_edition(t.edition)
    ws = wb.create_sheet("表三表四")
    ws.append([f"{agency} {t.year}年度 按台账计算（{ed.name}）"])
    ws.cell(1, 1).font = Font(bold=True)
    row = 3
    for key in ("applications", "review_litigation"):
        tdef = ed.table(key)
        ws.cell(row, 1, TABLE_NAMES[key]).font = Font(bold=True)
        row += 1
        cols = tdef.rows[0].columns
        _header(ws, row, ["项目"] + [c.label for c in cols])
        row += 1
        for r in tdef.rows:
            ws.cell(row, 1, r.name)
            for j, c in enumerate(r.columns, start=2):
                ws.cell(row, j, t.value(f"{key}.{r.key}.{c.key}"))
            row += 1
        row += 1
    ws.column_dimensions["A"].width = 44
    for j in range(2, 10):
        ws.column_dimensions[get_column_letter(j)].width = 12
