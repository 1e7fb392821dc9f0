"""An application for government information (政府信息公开申请) as the register keeps it, in plain
dataclasses, with what each field may hold and the checks that keep an entry sound.

The applicant types are table 三's columns and the outcomes its leaf rows, taken from the format's data
(``gongkai.formats``): an outcome is a row key of the edition of the year the application was concluded in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from typing import Any

from ..errors import GongkaiError
from ..formats import EDITIONS, Edition, edition_for_year, outcome_groups
from ..formats.common import APPLICANT_COLUMNS, APPLICATION_HEADERS, NOT_OUTCOMES, REVIEW_COLUMNS, REVIEW_LITIGATION


class RegisterError(GongkaiError):
    """An entry or an operation the register refuses, with the reason in Chinese. ``status``: 422 the
    input, 403 outside the user's scope, 404 no such application, 409 changed meanwhile."""

    code = "register"

    def __init__(self, zh: str, en: str = "", *, status: int = 422, problems: list[str] | None = None) -> None:
        super().__init__(zh, en)
        self.status = status
        self.problems = problems or [zh]


# ---------------------------------------------------------------------------------------------- vocabularies


@dataclass(frozen=True, slots=True)
class Channel:
    key: str
    label: str
    date_field: str  # the date 第三十一条 takes as the day the application is received
    rule: str  # what 第三十一条 says, for the page


# 第三十一条: the day an application counts as received depends on how it came
CHANNELS: dict[str, Channel] = {c.key: c for c in (
    Channel("in_person", "当面提交", "submitted", "当面提交的，以提交之日为收到申请之日"),
    Channel("post", "邮寄（需签收）", "confirmed", "以邮寄方式提交的，以行政机关签收之日为收到申请之日"),
    Channel("letter", "平常信函", "confirmed", "以平常信函等无需签收的方式邮寄的，以当日与申请人确认之日为收到申请之日"),
    Channel("online", "互联网（网站、电子邮件等）", "confirmed", "通过互联网渠道提交的，以双方确认之日为收到申请之日"),
    Channel("fax", "传真", "confirmed", "通过传真提交的，以双方确认之日为收到申请之日"),
    Channel("other", "其他", "either", "其他方式：以登记的签收或确认日期为收到申请之日（没有时用提交日期）"),
)}

_ORG = "法人或其他组织"
assert _ORG in APPLICATION_HEADERS  # the merged header over table 三's organisation columns

# table 三's applicant columns (总计 is their sum, not a type)
APPLICANT_TYPES: dict[str, str] = {
    c.key: (c.label if i == 0 else f"{_ORG}·{c.label}")
    for i, c in enumerate(APPLICANT_COLUMNS) if c.key != "total"
}

# table 四's rows: the follow-ups an application can have
FOLLOW_UP_KINDS: dict[str, str] = {r.key: r.name for r in REVIEW_LITIGATION.rows}
# the results a decided case can have (尚未审结 and 总计 are worked out)
RESULTS: dict[str, str] = {c.key: c.label for c in REVIEW_COLUMNS if c.key not in ("pending", "total")}
PENDING = "pending"

# time that is not counted in the reply period
PAUSE_KINDS: dict[str, str] = {
    "third_party": "征求第三方意见",  # 第三十二条, 第三十三条第二款
    "other_agency": "征求其他机关意见",  # 第三十三条第二款
}
FEE_PAUSE = "收费通知至缴费"  # 国办函〔2020〕109号: from the fee notice to the payment

REPLY_DAYS = 20  # 第三十三条: reply within 20 working days
MAX_EXTENSION = 20  # … extended once by at most 20 working days
CORRECTION_NOTICE_DAYS = 7  # 第三十条: ask for 补正 within 7 working days of receipt


def outcome_rows(edition: Edition) -> dict[str, str]:
    """The leaf rows of table 三 an application's outcome can be: row key → its short name."""
    return {r.key: r.name for r in edition.table("applications").rows if r.key not in NOT_OUTCOMES}


def outcome_choices(edition: Edition) -> list[tuple[str, list[tuple[str, str]]]]:
    """The outcomes grouped as table 三 prints them: [(group, [(row key, name)])]."""
    rows = edition.table("applications").rows
    names = outcome_rows(edition)
    return [(group, [(k, names[k]) for k in keys]) for group, keys in outcome_groups(rows).items()]


def outcome_name(key: str | None) -> str:
    """An outcome's short name in whichever edition has it."""
    if not key:
        return ""
    for ed in sorted(EDITIONS.values(), key=lambda e: e.first_year, reverse=True):
        names = outcome_rows(ed)
        if key in names:
            return names[key]
    return key


# ---------------------------------------------------------------------------------------------- the entry


@dataclass(slots=True)
class Pause:
    """Time not counted in the reply period: a consultation from the day it was sent to the day the answer
    came (``end`` None: still waiting)."""

    kind: str
    start: dt.date
    end: dt.date | None = None

    @property
    def name(self) -> str:
        return PAUSE_KINDS.get(self.kind, self.kind)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": _iso(self.start), "end": _iso(self.end)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Pause:
        start = _date(d.get("start"))
        assert start is not None  # stored entries were checked
        return cls(str(d.get("kind") or "third_party"), start, _date(d.get("end")))


@dataclass(slots=True)
class FollowUp:
    """An administrative review (行政复议) or lawsuit (行政诉讼) over the application: table 四."""

    kind: str  # review | litigation_direct | litigation_after_review
    filed: dt.date
    result: str | None = None  # upheld | corrected | other; None while undecided
    decided: dt.date | None = None

    @property
    def name(self) -> str:
        return FOLLOW_UP_KINDS.get(self.kind, self.kind)

    def result_at(self, day: dt.date) -> str:
        """The column of table 四 the case falls in as things stood on ``day``."""
        if self.result and self.decided is not None and self.decided <= day:
            return self.result
        return PENDING

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "filed": _iso(self.filed), "result": self.result, "decided": _iso(self.decided)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FollowUp:
        filed = _date(d.get("filed"))
        assert filed is not None  # stored entries were checked
        return cls(str(d.get("kind") or "review"), filed, d.get("result") or None, _date(d.get("decided")))


@dataclass(slots=True)
class Application:
    """One application in the register of one agency."""

    agency_id: int | None = None
    channel: str = "in_person"
    submitted: dt.date | None = None  # the day the applicant handed it in or sent it
    confirmed: dt.date | None = None  # the day it was signed for (邮寄) or confirmed with the applicant
    applicant_type: str = "natural_person"
    applicant: str = ""
    content: str = ""
    number: str | None = None  # the office's own number (登记编号)
    correction_requested: dt.date | None = None  # 补正 notice sent (第三十条)
    correction_answered: dt.date | None = None  # the corrected application received
    consultations: list[Pause] = field(default_factory=list)
    extension_days: int = 0  # 第三十三条: at most 20
    extended_on: dt.date | None = None  # the day the extension was approved and the applicant told
    replied: dt.date | None = None  # the reply, or the day the agency concluded it otherwise
    outcome: str | None = None  # a leaf row key of table 三 in the edition of the reply's year
    fee_notice: dt.date | None = None  # 收费通知 sent (国办函〔2020〕109号)
    fee_amount: float | None = None  # 元
    fee_paid: dt.date | None = None
    follow_ups: list[FollowUp] = field(default_factory=list)
    note: str = ""
    id: int | None = None
    version: int = 0
    agency: str | None = None  # the agency's name (shown; not stored with the entry)
    created: dt.datetime | None = None
    created_by: str | None = None
    updated: dt.datetime | None = None
    updated_by: str | None = None

    # -- derived --------------------------------------------------------------------------------

    @property
    def received(self) -> dt.date | None:
        """The day the application counts as received (第三十一条), by how it came."""
        ch = CHANNELS.get(self.channel)
        if ch is None:
            return None
        if ch.date_field == "submitted":
            return self.submitted or self.confirmed
        if ch.date_field == "confirmed":
            return self.confirmed
        return self.confirmed or self.submitted

    @property
    def label(self) -> str:
        """How messages name it: 编号 2024-003, else 台账第12条."""
        if self.number:
            return f"编号{self.number}"
        return f"台账第{self.id}条" if self.id is not None else "（新登记）"

    @property
    def applicant_type_name(self) -> str:
        return APPLICANT_TYPES.get(self.applicant_type, self.applicant_type)

    @property
    def channel_name(self) -> str:
        ch = CHANNELS.get(self.channel)
        return ch.label if ch else self.channel

    @property
    def outcome_name(self) -> str:
        return outcome_name(self.outcome)

    def open_on(self, day: dt.date) -> bool:
        """Received by the end of ``day`` and not concluded by then."""
        r = self.received
        return r is not None and r <= day and (self.replied is None or self.replied > day)

    def pauses(self) -> list[Pause]:
        """Every stretch of time not counted: the consultations and the wait for a fee."""
        out = list(self.consultations)
        if self.fee_notice is not None:
            out.append(Pause("fee", self.fee_notice, self.fee_paid))
        return out

    # -- JSON -------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "consultations" or f.name == "follow_ups":
                v = [x.to_json() for x in v]
            elif isinstance(v, dt.datetime):
                v = v.isoformat(timespec="seconds")
            elif isinstance(v, dt.date):
                v = v.isoformat()
            out[f.name] = v
        out["received"] = _iso(self.received)
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Application:
        app = cls()
        for f in fields(cls):
            if f.name not in d:
                continue
            v = d[f.name]
            if f.name == "consultations":
                v = [Pause.from_json(x) for x in v or []]
            elif f.name == "follow_ups":
                v = [FollowUp.from_json(x) for x in v or []]
            elif f.name in DATE_FIELDS:
                v = _date(v)
            elif f.name in ("created", "updated"):
                v = dt.datetime.fromisoformat(v) if v else None
            setattr(app, f.name, v)
        return app

    def copy(self) -> Application:
        return replace(self, consultations=[replace(p) for p in self.consultations],
                       follow_ups=[replace(f) for f in self.follow_ups])


DATE_FIELDS = ("submitted", "confirmed", "correction_requested", "correction_answered", "extended_on", "replied",
               "fee_notice", "fee_paid")

# what a clerk enters, in the order the pages and the spreadsheets list it (field → Chinese name)
FIELD_NAMES: dict[str, str] = {
    "number": "登记编号",
    "channel": "收到方式",
    "submitted": "提交日期",
    "confirmed": "签收或确认日期",
    "applicant_type": "申请人类型",
    "applicant": "申请人",
    "content": "申请内容",
    "correction_requested": "补正告知日期",
    "correction_answered": "收到补正日期",
    "consultations": "征求意见",
    "extension_days": "延长答复期限（工作日）",
    "extended_on": "延期告知日期",
    "replied": "答复（办结）日期",
    "outcome": "办理结果",
    "fee_notice": "收费通知日期",
    "fee_amount": "收费金额（元）",
    "fee_paid": "缴费日期",
    "follow_ups": "行政复议、行政诉讼",
    "note": "备注",
}


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _date(v: Any) -> dt.date | None:
    if v in (None, ""):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


# ---------------------------------------------------------------------------------------------- checks


def problems(app: Application) -> list[str]:
    """What makes the entry unsound (each a sentence in Chinese); empty when it may be stored."""
    out: list[str] = []
    ch = CHANNELS.get(app.channel)
    if ch is None:
        out.append(f"收到方式“{app.channel}”不认识，应为：{'、'.join(c.label for c in CHANNELS.values())}。")
    elif app.received is None:
        if ch.date_field == "submitted":
            out.append("请填写提交日期（当面提交的，以提交之日为收到申请之日）。")
        elif ch.date_field == "confirmed":
            out.append(f"请填写签收或确认日期：{ch.rule}（第三十一条）。")
        else:
            out.append("请填写收到申请的日期。")
    received = app.received
    if app.submitted and app.confirmed and app.confirmed < app.submitted:
        out.append(f"签收或确认日期 {app.confirmed} 早于提交日期 {app.submitted}。")
    if received is not None and edition_for_year(received.year) is None:
        out.append(f"收到日期 {received} 早于 {min(e.first_year for e in EDITIONS.values())} 年，年度报告格式不适用。")
    if app.applicant_type not in APPLICANT_TYPES:
        out.append(f"申请人类型“{app.applicant_type}”不是表三的申请人类型之一（{'、'.join(APPLICANT_TYPES.values())}）。")
    if app.correction_answered and not app.correction_requested:
        out.append("填写了收到补正日期，但没有补正告知日期。")
    if received and app.correction_requested and app.correction_requested < received:
        out.append(f"补正告知日期 {app.correction_requested} 早于收到申请日期 {received}。")
    if app.correction_requested and app.correction_answered and app.correction_answered < app.correction_requested:
        out.append(f"收到补正日期 {app.correction_answered} 早于补正告知日期 {app.correction_requested}。")
    for p in app.consultations:
        if p.kind not in PAUSE_KINDS:
            out.append(f"征求意见的种类“{p.kind}”不认识。")
        if received and p.start < received:
            out.append(f"{p.name}的发出日期 {p.start} 早于收到申请日期 {received}。")
        if p.end is not None and p.end < p.start:
            out.append(f"{p.name}：收到意见日期 {p.end} 早于发出日期 {p.start}。")
    if not 0 <= app.extension_days <= MAX_EXTENSION:
        out.append(f"延长答复期限填的是 {app.extension_days} 个工作日；第三十三条规定延长的期限最长不得超过{MAX_EXTENSION}个工作日。")
    if app.extended_on and not app.extension_days:
        out.append("填写了延期告知日期，请填写延长的工作日数（最多20个）。")
    if app.fee_paid and not app.fee_notice:
        out.append("填写了缴费日期，但没有收费通知日期。")
    if app.fee_notice and app.fee_paid and app.fee_paid < app.fee_notice:
        out.append(f"缴费日期 {app.fee_paid} 早于收费通知日期 {app.fee_notice}。")
    if app.fee_amount is not None and app.fee_amount < 0:
        out.append("收费金额不能是负数。")
    out += _reply_problems(app, received)
    for f in app.follow_ups:
        if f.kind not in FOLLOW_UP_KINDS:
            out.append(f"“{f.kind}”不是表四的一种（{'、'.join(FOLLOW_UP_KINDS.values())}）。")
        if f.result is not None and f.result not in RESULTS:
            out.append(f"{f.name}的结果“{f.result}”应为：{'、'.join(RESULTS.values())}（未审结的不填）。")
        if f.result and f.decided is None:
            out.append(f"{f.name}填写了结果，请填写决定或判决日期。")
        if f.decided and not f.result:
            out.append(f"{f.name}填写了决定日期，请填写结果（结果维持、结果纠正或其他结果）。")
        if f.decided and f.decided < f.filed:
            out.append(f"{f.name}的决定日期 {f.decided} 早于申请或起诉日期 {f.filed}。")
    return out


def _reply_problems(app: Application, received: dt.date | None) -> list[str]:
    out: list[str] = []
    if app.replied is None:
        if app.outcome:
            out.append("选择了办理结果，请填写答复（办结）日期。")
        return out
    if not app.outcome:
        out.append("填写了答复（办结）日期，请选择办理结果（表三的一项）。")
        return out
    if received and app.replied < received:
        out.append(f"答复日期 {app.replied} 早于收到申请日期 {received}。")
    ed = edition_for_year(app.replied.year)
    if ed is None:
        out.append(f"答复日期 {app.replied} 所在年度没有适用的年度报告格式。")
        return out
    rows = outcome_rows(ed)
    if app.outcome not in rows:
        out.append(f"办理结果“{outcome_name(app.outcome)}”不是{ed.name}表三的一项；{app.replied.year}年办结的申请"
                   f"应按{ed.name}选择（如 {'、'.join(list(rows.values())[:3])} ……）。")
    return out


def check(app: Application) -> None:
    """Raise :class:`RegisterError` listing every problem of the entry (nothing is stored then)."""
    found = problems(app)
    if found:
        raise RegisterError("；".join(found), "the entry is not sound", problems=found)
