"""The reply deadline of an application in working days (《政府信息公开条例》第三十至三十三条):

- 第三十一条: the day it counts as received depends on how it came (``Application.received``);
- 第三十三条: a reply within 20 working days of that day — the day itself not counted — and, with the
  approval of the disclosure office's head, once at most 20 more;
- 第三十条: when the agency asks for 补正, the period runs from the day the corrected application is
  received (the days before it do not count); the 补正 notice itself is due within 7 working days;
- 第三十二、三十三条: the time taken by consulting a third party or another agency is not counted, and
  neither is the time from a fee notice to the payment (国办函〔2020〕109号).

A stretch not counted runs from the day after it began to the day it ended, both included: the day a
consultation is sent still counts, the day its answer comes does not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .calendar import CalendarError, add_working_days, working_days_between
from .model import CORRECTION_NOTICE_DAYS, FEE_PAUSE, REPLY_DAYS, Application, Pause

DUE_SOON = 5  # working days: an open application this close to its due date is listed as due soon

STATE_ZH = {
    "open": "办理中",
    "due_soon": "即将到期",
    "overdue": "已逾期",
    "waiting": "暂停计时",
    "replied": "已按期办结",
    "late": "逾期办结",
    "unknown": "无法计算",
}


@dataclass(slots=True)
class Deadline:
    """An application's deadline as things stand on ``today``."""

    today: dt.date
    state: str  # a key of STATE_ZH
    received: dt.date | None = None
    start: dt.date | None = None  # the day the 20 working days are counted from
    due: dt.date | None = None  # with the extension, if any
    original_due: dt.date | None = None  # without it (set when there is one)
    correction_due: dt.date | None = None  # the last day for a 补正 notice (第三十条)
    left: int | None = None  # working days from today to the due date; negative: overdue by so many
    used: int | None = None  # working days counted so far (while the clock is stopped)
    counted_out: list[tuple[dt.date, dt.date, str]] = field(default_factory=list)  # pauses taken out
    waiting: str | None = None  # why the clock is stopped now
    error: str | None = None  # why nothing could be computed (a date the calendar does not cover)
    warnings: list[str] = field(default_factory=list)  # what the law asks that the entry shows was missed

    @property
    def state_zh(self) -> str:
        return STATE_ZH[self.state]

    @property
    def summary(self) -> str:
        """One line for lists: 2024-02-28 到期，还剩 3 个工作日."""
        if self.error:
            return f"无法计算：{self.error}"
        if self.state == "waiting":
            return f"暂停计时（{self.waiting}），已用 {self.used} 个工作日"
        if self.due is None:
            return self.state_zh
        if self.state in ("replied", "late"):
            return f"{self.due} 到期，{self.state_zh}"
        if self.left is None:
            return f"{self.due} 到期"
        if self.state == "overdue":
            return f"{self.due} 到期，已逾期" + (f" {-self.left} 个工作日" if self.left else "")
        if self.left == 0:
            return f"{self.due} 到期，今天是最后一天"
        return f"{self.due} 到期，还剩 {self.left} 个工作日"

    def to_json(self) -> dict[str, Any]:
        def iso(d):
            return d.isoformat() if d else None

        return {"state": self.state, "state_zh": self.state_zh, "received": iso(self.received),
                "start": iso(self.start), "due": iso(self.due), "original_due": iso(self.original_due),
                "correction_due": iso(self.correction_due), "left": self.left, "used": self.used,
                "counted_out": [[iso(a), iso(b), why] for a, b, why in self.counted_out],
                "waiting": self.waiting, "error": self.error, "warnings": list(self.warnings),
                "summary": self.summary}


def deadline(app: Application, today: dt.date, soon: int = DUE_SOON) -> Deadline:
    """Where ``app`` stands against its legal deadline on ``today``."""
    d = Deadline(today, "unknown", received=app.received)
    if d.received is None:
        d.error = "没有收到申请的日期"
        return d
    try:
        _compute(app, d, soon)
    except CalendarError as exc:
        d.state, d.error = "unknown", exc.zh
        d.due = d.original_due = None
        d.left = d.used = None
    return d


def _pause_name(p: Pause) -> str:
    return FEE_PAUSE if p.kind == "fee" else p.name


def _compute(app: Application, d: Deadline, soon: int) -> None:
    received = d.received
    assert received is not None
    if app.correction_requested is not None:
        d.correction_due = add_working_days(received, CORRECTION_NOTICE_DAYS)
        if app.correction_requested > d.correction_due:
            d.warnings.append(f"补正告知（{app.correction_requested}）晚于第三十条规定的收到申请后{CORRECTION_NOTICE_DAYS}个工作日"
                              f"（应不晚于 {d.correction_due}）")
    end = app.replied  # the clock cannot run past the reply
    if app.correction_requested is not None and app.correction_answered is None:
        if end is None:
            d.state = "waiting"
            d.waiting = f"{app.correction_requested} 已告知补正，等待申请人补正；补正后重新计算20个工作日"
            d.used = 0
            return
        d.start = None  # concluded without a correction (e.g. 逾期不补正): no reply period ran
        d.state = "replied"
        return
    d.start = app.correction_answered or received
    closed: list[tuple[dt.date, dt.date]] = []
    still: Pause | None = None
    for p in sorted(app.pauses(), key=lambda p: p.start):
        stop = p.end if p.end is not None else end
        if stop is None:
            still = still or p
            continue
        if stop > d.start:
            closed.append((max(p.start, d.start), stop))
            d.counted_out.append((p.start, stop, _pause_name(p)))
    if still is not None:
        d.state = "waiting"
        d.waiting = f"{still.start} 起{_pause_name(still)}，期间不计入答复期限"
        d.used = working_days_between(d.start, min(d.today, still.start), closed) if still.start > d.start else 0
        return
    d.due = add_working_days(d.start, REPLY_DAYS + app.extension_days, closed)
    if app.extension_days:
        d.original_due = add_working_days(d.start, REPLY_DAYS, closed)
        if app.extended_on is not None and app.extended_on > d.original_due:
            d.warnings.append(f"延期告知（{app.extended_on}）晚于原答复期限 {d.original_due}；延期应在期限内决定并告知申请人")
    if end is not None:
        d.state = "replied" if end <= d.due else "late"
        if d.state == "late":
            over = working_days_between(d.due, end)
            d.warnings.append(f"答复日期 {end} 晚于答复期限 {d.due}（逾期 {over} 个工作日）")
        return
    if d.today > d.due:
        d.left = -working_days_between(d.due, d.today)
        d.state = "overdue"
    else:
        d.left = working_days_between(d.today, d.due)
        d.state = "due_soon" if d.left <= soon else "open"
