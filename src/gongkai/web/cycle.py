"""The office's year: each agency-year's state (草稿 → 已提交（待审核） → 退回修改 / 已通过), who may move it where,
every move kept and audited; the deadlines per agency level; the findings still open (not dismissed with a
reason); what changed between the versions of an agency-year.

Moves are plain functions over the store (usable from a command as from the web app), checked with the same
rules as every write (:mod:`gongkai.access`): a submitter moves its own agency's years, a reviewer those of its
region, an admin anything. A move is one transaction: the state, its history row and the audit entry.

The tables (declared here, created by the migration ``web03``):

* ``web_cycle_states`` — an agency-year's recorded state, the version it was about, the reviewer's opinion;
* ``web_cycle_moves`` — every move: who, when, from and to, which version, the opinion or the note;
* ``web_cycle_offices`` — a region's office: its name (for the 审核意见书) and its deadlines per agency level.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass, replace
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from .. import access
from ..agencies import RegionPath, region_names
from ..errors import GongkaiError
from ..formats import TABLE_SHORT, get_edition
from ..formats.deadlines import default_deadlines
from ..store import ReportRow, Store
from ..store import schema as S
from ..store.decisions import dismissed, open_findings
from ..store.reviews import BEIJING, beijing
from ..store.schema import metadata
from . import auth
from .access import NotFound, Scope
from .views import cell_name, edition_key
from .zh import num

# ---------------------------------------------------------------------------------------------- tables

web_cycle_states = Table(
    "web_cycle_states",
    metadata,
    Column("agency_id", Integer, ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("state", String(16), nullable=False),  # draft | submitted | returned | approved
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="SET NULL"), nullable=True),  # the version moved
    Column("opinion", Text, nullable=True),  # the reviewer's opinion, when returned
    Column("note", Text, nullable=True),  # the submitter's note, when submitted
    Column("moved_at", DateTime(timezone=True), nullable=False),
    Column("moved_by", String(64), nullable=True),
    Column("moves", Integer, nullable=False),  # how many moves so far: a move applies only to the state it saw
)

web_cycle_moves = Table(
    "web_cycle_moves",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agency_id", Integer, ForeignKey("agencies.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("action", String(16), nullable=False),  # submit | resubmit | return | approve | set
    Column("from_state", String(16), nullable=False),  # the state as it was seen (missing, draft …)
    Column("to_state", String(16), nullable=False),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="SET NULL"), nullable=True),
    Column("comment", Text, nullable=True),
    Column("user_id", Integer, ForeignKey("web_users.id", ondelete="SET NULL"), nullable=True),
    Column("username", String(64), nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_web_cycle_moves_agency_id_year", "agency_id", "year"),
)

web_cycle_offices = Table(
    "web_cycle_offices",
    metadata,
    Column("region", String(200), primary_key=True),  # 江西省/宜春市/奉新县, as region_names joins it
    Column("office", Text, nullable=True),  # 奉新县人民政府办公室
    Column("department_due", String(5), nullable=True),  # MM-DD of the year after the report's
    Column("government_due", String(5), nullable=True),
    Column("township_due", String(5), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(64), nullable=True),
)

# ---------------------------------------------------------------------------------------------- states

STATES = ("draft", "submitted", "returned", "approved")
STATE_ZH = {"missing": "未报送", "draft": "草稿", "submitted": "已提交（待审核）", "returned": "退回修改",
            "approved": "已通过"}
PENDING = ("missing", "draft", "returned")  # not (yet again) with the office: the 催报 list


@dataclass(frozen=True, slots=True)
class Move:
    action: str
    zh: str  # the button
    done_zh: str  # the history
    sources: tuple[str, ...]  # the states it leaves
    target: str
    roles: tuple[str, ...]


MOVES = {
    "submit": Move("submit", "提交审核", "提交", ("draft",), "submitted", ("submitter", "admin")),
    "resubmit": Move("resubmit", "重新提交", "重新提交", ("returned",), "submitted", ("submitter", "admin")),
    "return": Move("return", "退回修改", "退回修改", ("submitted",), "returned", ("reviewer", "admin")),
    "approve": Move("approve", "审核通过", "审核通过", ("submitted",), "approved", ("reviewer", "admin")),
    # an admin may put any year in any state (a correction of the record), saying why
    "set": Move("set", "改为", "管理员改为", ("missing", "draft", "submitted", "returned", "approved"), "", ("admin",)),
}
ACTION_ZH = {"cycle." + k: "报告" + m.done_zh for k, m in MOVES.items()}
ACTION_ZH["cycle.set"] = "管理员更改报告状态"
ACTION_ZH["cycle.office"] = "设置报送截止日期"
auth.ACTION_ZH.update(ACTION_ZH)  # the audit page names these moves in Chinese


class CycleError(GongkaiError):
    """A move or a setting that cannot be made, and why (``status``: 403 not this user's role or region, 404
    no such agency or not one the user sees, 409 not from this state, 422 the input)."""

    code = "cycle"

    def __init__(self, zh: str, en: str = "", *, status: int = 422) -> None:
        super().__init__(zh, en)
        self.status = status


def today() -> dt.date:
    """Today in Beijing (deadlines are days of the Beijing calendar)."""
    return dt.datetime.now(BEIJING).date()


def cycle_year(on: dt.date | None = None) -> int:
    """The report year the office is collecting: last year's reports are due this year."""
    return (on or today()).year - 1


def when(at: dt.datetime | None) -> str:
    """2026-12-07 14:03 in Beijing time (the pages say once that times are Beijing time)."""
    b = beijing(at)
    return f"{b:%Y-%m-%d %H:%M}" if b is not None else ""


def date_zh(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


# ---------------------------------------------------------------------------------------------- deadlines

GROUPS = ("department", "government", "township")
GROUP_ZH = {"department": "政府部门", "government": "县级以上人民政府", "township": "乡镇人民政府、街道办事处"}


def _national_due() -> dict[str, tuple[int, int]]:
    """条例第四十九条 as formats/deadlines.yaml gives it (the one source of the publication deadlines): a
    submission is due by the day the report must be published, until the office sets its own day."""
    national = default_deadlines()
    return {g: (national.of(g).month, national.of(g).day) for g in GROUPS}


DEFAULT_DUE = _national_due()
_MONTH_DAY = re.compile(r"^\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?\s*$")


def group_of(kind: str | None) -> str:
    if kind == "department":
        return "department"
    if kind == "government":
        return "government"
    return "township"


def parse_month_day(text: str | None) -> tuple[int, int] | None:
    """“1月31日”, “01-31”, “2/20” → (month, day); None for a blank; CycleError for anything else."""
    if text is None or not text.strip():
        return None
    m = _MONTH_DAY.match(text)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        try:
            dt.date(2001, month, day)  # a day every year has (not 2月29日)
        except ValueError:
            pass
        else:
            return month, day
    raise CycleError(f"截止日期“{text.strip()[:20]}”无法识别，请写成“1月31日”或“01-31”（每年都有的日期）")


def due_date(report_year: int, month_day: tuple[int, int]) -> dt.date:
    """The deadline of a report year: that day of the following year."""
    return dt.date(report_year + 1, *month_day)


@dataclass(slots=True)
class Office:
    """What applies to one place: the office's name and its deadline per level, with the region each
    came from (None: the default)."""

    region: str | None
    office: str
    dues: dict[str, tuple[int, int]]
    due_from: dict[str, str | None]

    def due(self, group: str, report_year: int) -> dt.date:
        return due_date(report_year, self.dues[group])

    def due_text(self, group: str) -> str:
        month, day = self.dues[group]
        return f"{month}月{day}日"


def _key(region: str | None) -> str:
    return "/".join(region_names(region or ""))


def default_office(place: str | None) -> str:
    """The government office of a place (a county, else its city, else its province) — editable."""
    return f"{place}人民政府办公室" if place else "政府信息公开工作主管部门"


def agency_seat(ag: dict[str, Any] | RegionPath) -> str | None:
    """The place whose office reviews an agency: its county, else its city, else its province."""
    get = ag.get if isinstance(ag, dict) else lambda k: getattr(ag, k)
    return get("county") or get("city") or get("province")


def office_rows(conn) -> list[dict[str, Any]]:
    return [dict(m) for m in conn.execute(select(web_cycle_offices)).mappings()]


def office_for(rows: list[dict[str, Any]], names: set[str], seat: str | None) -> Office:
    """The settings of the most specific configured region that takes in these places (a field a nearer
    office left blank comes from the next one out, then from the defaults; the office's name, when none
    is set, from ``seat``)."""
    fitting = [r for r in rows if region_names(r["region"]) and set(region_names(r["region"])) <= names]
    fitting.sort(key=lambda r: -len(region_names(r["region"])))
    dues: dict[str, tuple[int, int]] = {}
    came: dict[str, str | None] = {}
    for g in GROUPS:
        for r in fitting:
            md = _stored_md(r.get(f"{g}_due"))
            if md:
                dues[g], came[g] = md, r["region"]
                break
        else:
            dues[g], came[g] = DEFAULT_DUE[g], None
    name = next((r["office"] for r in fitting if r.get("office")), None)
    return Office(fitting[0]["region"] if fitting else None, name or default_office(seat), dues, came)


def _stored_md(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        return parse_month_day(text)
    except CycleError:
        return None


def office_settings(store: Store, region: str) -> dict[str, Any]:
    """What the settings form shows for a region: its own row (if any) and what applies there."""
    key = _key(region)
    with store.engine.connect() as conn:
        rows = office_rows(conn)
    own = next((r for r in rows if r["region"] == key), None)
    names = region_names(key)
    applies = office_for(rows, set(names), names[-1] if names else None)
    dues = {g: (f"{md[0]}月{md[1]}日" if (md := _stored_md(own.get(f"{g}_due") if own else None)) else "")
            for g in GROUPS}
    return {"region": key, "own": own, "dues": dues, "applies": applies,
            "updated": when(own["updated_at"]) if own else "", "updated_by": own["updated_by"] if own else ""}


def may_set_office(store: Store, user, region: str) -> bool:
    if not region_names(region or ""):
        return user.is_admin and not region
    return user.role in ("admin", "reviewer") and Scope(user).allows_region(region, store)


def set_office(store: Store, user, region: str, office: str | None, dues: dict[str, str | None],
               ip: str | None = None) -> dict[str, Any]:
    """Keep a region's office name and deadlines (admins; reviewers for their region or one inside it)."""
    key = _key(region)
    if not key:
        raise CycleError("请填写地区，如“江西省/宜春市/奉新县”")
    if not may_set_office(store, user, key):
        raise CycleError(f"您无权设置“{key}”的报送截止日期：审核人只能设置本地区及下级地区的。", status=403)
    values: dict[str, Any] = {"office": (office or "").strip()[:100] or None}
    for g in GROUPS:
        md = parse_month_day(dues.get(g))
        values[f"{g}_due"] = f"{md[0]:02d}-{md[1]:02d}" if md else None
    values.update(updated_at=auth.now(), updated_by=user.username)
    o = web_cycle_offices
    with store.engine.begin() as conn:
        done = conn.execute(update(o).where(o.c.region == key).values(**values))
        if not done.rowcount:
            conn.execute(o.insert().values(region=key, **values))
        auth.audit_in(conn, user, "cycle.office", f"region:{key}", {
            "office": values["office"], **{g: values[f"{g}_due"] for g in GROUPS}}, ip)
    return {"region": key, **values}


# ---------------------------------------------------------------------------------------------- open findings


def open_rows(store: Store, rows: list[ReportRow]) -> list[ReportRow]:
    """The rows with their counts of errors, warnings and infos counting open findings only."""
    gone = dismissed(store.engine, [r.id for r in rows])
    if not gone:
        return rows
    out = []
    for r in rows:
        if r.id not in gone:
            out.append(r)
            continue
        left = open_findings(store, r.id, gone=gone[r.id])
        n = {s: sum(1 for f in left if f["severity"] == s) for s in ("error", "warning", "info")}
        out.append(replace(r, errors=n["error"], warnings=n["warning"], infos=n["info"]))
    return out


def open_errors(store: Store, report_id: int) -> int:
    return sum(1 for f in open_findings(store, report_id) if f["severity"] == "error")


# ---------------------------------------------------------------------------------------------- status


@dataclass(slots=True)
class Status:
    """Where an agency's report for a year stands."""

    agency_id: int
    agency: str
    kind: str
    level: str | None
    region: RegionPath
    year: int
    state: str  # missing | draft | submitted | returned | approved (as it stands now)
    report_id: int | None  # the current version
    recorded: str | None = None  # the state last moved to
    moved_report_id: int | None = None  # the version that move was about
    opinion: str | None = None
    note: str | None = None
    moved_at: dt.datetime | None = None
    moved_by: str | None = None
    due: dt.date | None = None
    office: str = ""
    revised: bool = False  # returned, and a corrected version stored since
    changed: bool = False  # submitted or approved, then a newer version stored (which is a draft)
    submitted_at: dt.datetime | None = None  # the last (re)submission
    moves: int = 0  # moves recorded so far
    errors: int = 0  # open error findings of the current version

    @property
    def group(self) -> str:
        return group_of(self.kind)

    @property
    def state_zh(self) -> str:
        return STATE_ZH[self.state]

    @property
    def pending(self) -> bool:
        return self.state in PENDING

    def days_left(self, on: dt.date | None = None) -> int | None:
        """Days to the deadline (negative: overdue), for a year not (again) with the office."""
        if self.due is None or not self.pending:
            return None
        return (self.due - (on or today())).days

    def days_text(self, on: dt.date | None = None) -> str:
        left = self.days_left(on)
        if left is None:
            if self.submitted_at is not None and self.due is not None:
                late = (beijing(self.submitted_at).date() - self.due).days  # type: ignore[union-attr]
                return f"逾期 {num(late)} 天提交" if late > 0 else "按时提交"
            return ""
        if left > 0:
            return f"还有 {num(left)} 天"
        if left == 0:
            return "今天截止"
        return f"已逾期 {num(-left)} 天"

    @property
    def detail_zh(self) -> str:
        """What the state alone does not say."""
        if self.revised:
            return f"已上传修改稿 #{self.report_id}，尚未重新提交"
        if self.changed:
            was = STATE_ZH.get(self.recorded or "", "")
            return f"#{self.moved_report_id} {was}后又上传了新版本 #{self.report_id}，新版本尚未提交"
        return ""

    def to_json(self, on: dt.date | None = None) -> dict[str, Any]:
        return {"agency_id": self.agency_id, "agency": self.agency, "level": self.level, "region": self.region.path,
                "year": self.year, "state": self.state, "state_zh": self.state_zh, "report_id": self.report_id,
                "opinion": self.opinion, "note": self.note, "moved_at": when(self.moved_at), "moved_by": self.moved_by,
                "due": self.due.isoformat() if self.due else None, "days_left": self.days_left(on),
                "detail": self.detail_zh}


def _status(ag: dict[str, Any], year: int, current: int | None, rec: dict[str, Any] | None, office: Office,
            submitted_at: dt.datetime | None = None) -> Status:
    place = RegionPath(ag.get("province"), ag.get("city"), ag.get("county"), ag.get("township"))
    st = Status(ag["id"], ag["name"], ag["kind"], ag.get("level"), place, year, "missing", current,
                due=office.due(group_of(ag["kind"]), year), office=office.office, submitted_at=submitted_at)
    if rec is not None:
        st.recorded, st.moved_report_id = rec["state"], rec["report_id"]
        st.opinion, st.note, st.moved_at, st.moved_by = rec["opinion"], rec["note"], rec["moved_at"], rec["moved_by"]
        st.moves = rec["moves"]
    if current is None:
        return st  # nothing stored: whatever was recorded, there is no report to stand on
    if rec is None:
        st.state = "draft"
    elif rec["report_id"] == current or rec["state"] == "draft":
        st.state = rec["state"]
    elif rec["state"] == "returned":
        st.state, st.revised = "returned", True
    else:  # submitted or approved, then a newer version came: that one is not submitted
        st.state, st.changed = "draft", True
    if st.state not in ("submitted", "approved"):
        st.submitted_at = None
    return st


def statuses(store: Store, agencies: list[dict[str, Any]], year: int) -> list[Status]:
    """The status of each agency's report for ``year`` (three queries however many agencies)."""
    ids = [a["id"] for a in agencies]
    current: dict[int, int] = {}
    recs: dict[int, dict[str, Any]] = {}
    submitted: dict[int, dt.datetime] = {}
    r, st, mv = S.reports.c, web_cycle_states.c, web_cycle_moves.c
    with store.engine.connect() as conn:
        rows = office_rows(conn)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for aid, rid in conn.execute(select(r.agency_id, func.max(r.id)).where(
                    r.agency_id.in_(chunk), r.year == year, r.current).group_by(r.agency_id)):
                current[aid] = rid
            for m in conn.execute(select(web_cycle_states).where(st.agency_id.in_(chunk), st.year == year)).mappings():
                recs[m["agency_id"]] = dict(m)
            for aid, at in conn.execute(select(mv.agency_id, func.max(mv.at)).where(
                    mv.agency_id.in_(chunk), mv.year == year, mv.to_state == "submitted").group_by(mv.agency_id)):
                submitted[aid] = at
    offices: dict[frozenset[str], Office] = {}
    out = []
    for ag in agencies:
        names = frozenset(access.places(ag))
        if names not in offices:
            offices[names] = office_for(rows, set(names), agency_seat(ag))
        out.append(_status(ag, year, current.get(ag["id"]), recs.get(ag["id"]), offices[names],
                           submitted.get(ag["id"])))
    return out


def _agency(conn, agency_id: int) -> dict[str, Any] | None:
    m = conn.execute(select(S.agencies).where(S.agencies.c.id == agency_id)).mappings().first()
    return dict(m) if m else None


def status_of(store: Store, agency_id: int, year: int) -> Status:
    with store.engine.connect() as conn:
        ag = _agency(conn, agency_id)
    if ag is None:
        raise CycleError(NotFound("机关", agency_id).zh, status=404)
    st = statuses(store, [ag], year)[0]
    if st.report_id is not None:
        st.errors = open_errors(store, st.report_id)
    return st


def history(store: Store, agency_id: int, year: int) -> list[dict[str, Any]]:
    """Every move of an agency-year, oldest first."""
    mv = web_cycle_moves.c
    with store.engine.connect() as conn:
        rows = [dict(m) for m in conn.execute(select(web_cycle_moves).where(
            mv.agency_id == agency_id, mv.year == year).order_by(mv.id)).mappings()]
    for m in rows:
        move = MOVES.get(m["action"])
        done = move.done_zh if move else m["action"]
        m["action_zh"] = f"{done}“{STATE_ZH.get(m['to_state'], m['to_state'])}”" if m["action"] == "set" else done
        m["from_zh"], m["to_zh"] = STATE_ZH.get(m["from_state"], m["from_state"]), STATE_ZH.get(m["to_state"], "")
        m["when"] = when(m["at"])
    return rows


# ---------------------------------------------------------------------------------------------- moves


def _may_act(who: access.Principal, ag: dict[str, Any]) -> bool:
    return access.sees_agency(who, ag["id"], access.places(ag))


def allowed_moves(user, st: Status) -> list[Move]:
    """The moves this user may make on this agency-year now (scope checked by the caller)."""
    out = []
    for m in MOVES.values():
        if user.role not in m.roles or m.action == "set":
            continue
        if st.state in m.sources and st.report_id is not None:
            out.append(m)
    return out


def set_targets(user, st: Status) -> list[tuple[str, str]]:
    """The states an admin may put this year in (any but its own, with a report to stand on), with
    their names."""
    if not user.is_admin or st.report_id is None:
        return []
    return [(s, STATE_ZH[s]) for s in STATES if s != st.state]


def move(store: Store, user, agency_id: int, year: int, action: str, comment: str | None = None, *,
         to: str | None = None, ip: str | None = None) -> Status:
    """Move an agency-year: ``action`` one of MOVES (``to`` the target of an admin's "set"). The state, its
    history row and the audit entry are written in one transaction, and only from the state the move
    leaves (two reviewers acting at once: the second is told it has changed)."""
    m = MOVES.get(action)
    if m is None:
        raise CycleError("不支持的操作")
    comment = (comment or "").strip()[:4000] or None
    with store.engine.connect() as conn:
        ag = _agency(conn, agency_id)
    if ag is None or not _may_act(user.principal, ag):  # one answer: an id does not tell whether it exists
        raise CycleError(NotFound("机关", agency_id).zh, status=404)
    if user.role not in m.roles:
        who = "填报人（或管理员）" if "submitter" in m.roles else "审核人（或管理员）" if "reviewer" in m.roles else "管理员"
        raise CycleError(f"“{m.zh}”只能由{who}操作。", status=403)
    target = m.target
    if action == "set":
        if to not in STATES:
            raise CycleError("请选择要改为的状态")
        target = to
    st = statuses(store, [ag], year)[0]
    if st.report_id is None:
        raise CycleError(f"{ag['name']}还没有{year}年度的报告，无法{m.zh}。请先上传或撰写报告。", status=409)
    if action != "set" and st.state not in m.sources:
        raise CycleError(f"该报告现在是“{st.state_zh}”，不能{m.zh}。请刷新页面查看最新状态。", status=409)
    if action == "set" and not comment:
        raise CycleError("管理员更改状态时请写明原因。")
    if target == "returned" and not comment:
        raise CycleError("退回修改时请写明审核意见（要修改什么、为什么），填报人会看到这些意见。")
    if action in ("submit", "resubmit"):
        n = open_errors(store, st.report_id)
        if n and not comment:
            raise CycleError(f"报告还有 {n} 个错误没有改正。请改正后再提交；确需按现在的内容提交的，"
                             "请在“说明”中写明理由，审核人会看到。")
    now = auth.now()
    values = {"state": target, "report_id": st.report_id, "moved_at": now, "moved_by": user.username}
    if target == "returned":
        values["opinion"] = comment
    elif target == "submitted":
        values["note"] = comment
        values["opinion"] = st.opinion if st.state == "returned" else None  # kept for the history's sake
    s = web_cycle_states.c
    try:
        with store.engine.begin() as conn:
            if st.recorded is None:
                conn.execute(web_cycle_states.insert().values(agency_id=agency_id, year=year, moves=1, **values))
            else:
                same = and_(s.agency_id == agency_id, s.year == year, s.moves == st.moves)
                if not conn.execute(update(web_cycle_states).where(same).values(moves=st.moves + 1, **values)).rowcount:
                    raise CycleError("该报告的状态刚刚被他人更改，请刷新页面查看最新状态。", status=409)
            conn.execute(web_cycle_moves.insert().values(
                agency_id=agency_id, year=year, action=action, from_state=st.state, to_state=target,
                report_id=st.report_id, comment=comment, user_id=user.id, username=user.username, at=now))
            auth.audit_in(conn, user, f"cycle.{action}", f"report:{st.report_id}", {
                "agency": ag["name"], "agency_id": agency_id, "year": year, "from": st.state, "to": target,
                "comment": comment}, ip)
    except IntegrityError as exc:  # another move created the row first
        raise CycleError("该报告的状态刚刚被他人更改，请刷新页面查看最新状态。", status=409) from exc
    return status_of(store, agency_id, year)


# ---------------------------------------------------------------------------------------------- lists


def agencies_in(store: Store, user, region: str | None = None) -> list[dict[str, Any]]:
    """The agencies the user may see, within ``region`` when given."""
    sc = Scope(user)
    if user.role == "reviewer":
        combined = "/".join(region_names(user.region or "") + (region_names(region) if region else []))
        rows = store.agencies(region=combined) if combined else []
    elif user.role == "submitter":
        rows = [a for a in store.agencies() if a["id"] == user.agency_id]
    else:
        rows = store.agencies(region=region or None)
    return [a for a in rows if sc.sees_agency(a)]


def board(store: Store, user, year: int, region: str | None = None, on: dt.date | None = None) -> dict[str, Any]:
    """The dashboard of a year: every agency's status, the counts, the 催报 list (not yet with the office,
    soonest deadline and longest overdue first)."""
    on = on or today()
    rows = statuses(store, agencies_in(store, user, region), year)
    order = {"returned": 0, "missing": 1, "draft": 2, "submitted": 3, "approved": 4}
    rows.sort(key=lambda s: (order[s.state], s.due or dt.date.max, s.region.path, s.agency))
    counts = {k: sum(1 for s in rows if s.state == k) for k in STATE_ZH}
    urge = [s for s in rows if s.pending]
    urge.sort(key=lambda s: (s.due or dt.date.max, order[s.state], s.region.path, s.agency))
    overdue = sum(1 for s in urge if (s.days_left(on) or 0) < 0)
    return {"year": year, "region": region, "rows": rows, "counts": counts, "urge": urge, "overdue": overdue,
            "total": len(rows), "on": on}


def todo(store: Store, user, on: dt.date | None = None) -> dict[str, Any]:
    """The 工作台's to-dos. A submitter: its returned years (with the opinion), drafts and what is due when;
    a reviewer or an admin: the reports waiting for review, returned and not resubmitted, not submitted."""
    out = _todo(store, user, on)
    out.update(when=when, date_zh=date_zh, moves=MOVES)  # for the page
    return out


def _todo(store: Store, user, on: dt.date | None = None) -> dict[str, Any]:
    on = on or today()
    year = cycle_year(on)
    if user.role == "submitter":
        if user.agency_id is None:
            return {"role": "submitter", "items": [], "year": year}
        st = web_cycle_states.c
        with store.engine.connect() as conn:
            ag = _agency(conn, user.agency_id)
            years = set(conn.execute(select(st.year).where(st.agency_id == user.agency_id)).scalars())
        if ag is None:
            return {"role": "submitter", "items": [], "year": year}
        items = []
        for y in sorted(years | {year}, reverse=True):
            s = statuses(store, [ag], y)[0]
            if s.state == "approved" or (s.state == "missing" and y != year):
                continue
            if s.state == "draft" and s.recorded is None and y < year:
                continue  # an old year never sent through the web app: nothing to do
            if s.report_id is not None:
                s.errors = open_errors(store, s.report_id)
            items.append(s)
        first = {"returned": 0, "draft": 1, "missing": 2, "submitted": 3}
        items.sort(key=lambda s: (first.get(s.state, 9), -s.year))
        return {"role": "submitter", "items": items, "year": year, "on": on}
    b = board(store, user, year, user.region if user.role == "reviewer" else None, on)
    waiting = [s for s in b["rows"] if s.state == "submitted"]
    # reports waiting in any year (a late one of last year too)
    st = web_cycle_states.c
    with store.engine.connect() as conn:
        others = sorted(set(conn.execute(select(st.year).where(st.state == "submitted", st.year != year)).scalars()))
    for y in others:
        waiting += [s for s in statuses(store, agencies_in(store, user), y) if s.state == "submitted"]
    return {"role": user.role, "year": year, "on": on, "waiting": waiting, "counts": b["counts"],
            "overdue": b["overdue"], "total": b["total"],
            "returned": [s for s in b["rows"] if s.state == "returned"]}


# ---------------------------------------------------------------------------------------------- names


def _inner(text: str) -> str:
    """Quotes inside a quoted name become single quotes: “三安全一稳定” → ‘三安全一稳定’."""
    return text.replace("“", "‘").replace("”", "’")


ORG_COLUMNS = ("commercial", "research", "social_welfare", "legal_service", "other_org")


def place_name(edition: str, ref: str) -> str:
    """Where a cell is, as a clerk looks for it in the printed table:
    表三“（三）不予公开 3.危及‘三安全一稳定’”行“自然人”列; a row (table.row) or a table alone likewise."""
    parts = ref.split(".")
    try:
        ed = get_edition(edition)
        t = ed.table(parts[0])
        if len(parts) == 1:
            return t.name or TABLE_SHORT.get(parts[0], ref)
        r = t.row(parts[1])
        if t.key == "active":
            row = f"{r.caption} {r.label}" if r.caption else r.label
        elif t.key == "applications":
            if r.group and r.group.startswith("（"):
                row = f"{r.group} {r.label}"  # （三）不予公开 3.危及“三安全一稳定”
            else:  # 一、本年新收政府信息公开申请数量; （二）部分公开 without its long note
                row = r.label if r.group is None else (r.short or r.label)
        else:
            row = r.short or r.label
        if len(parts) == 2:
            return f"{t.short}“{_inner(row)}”" + ("一栏" if t.key == "review_litigation" else "行")
        c = next(c for c in r.columns if c.key == parts[2])
        col = f"{c.label}（法人或其他组织）" if t.key == "applications" and c.key == "other_org" else c.label
        if t.key == "review_litigation":
            return f"{t.short}“{_inner(row)}”中的“{_inner(col)}”"
        return f"{t.short}“{_inner(row)}”行“{_inner(col)}”列"
    except (KeyError, StopIteration, ValueError):
        try:
            return cell_name(get_edition(edition), ref)
        except (KeyError, ValueError):
            return ref


# ---------------------------------------------------------------------------------------------- versions


def versions(store: Store, agency_id: int, year: int) -> list[ReportRow]:
    """Every stored version of an agency-year, oldest first."""
    with store.engine.connect() as conn:
        ids = list(conn.execute(select(S.reports.c.id).where(
            S.reports.c.agency_id == agency_id, S.reports.c.year == year)).scalars())
    return sorted(store.reports(ids=ids, all_versions=True), key=lambda r: r.id) if ids else []


_SENTENCE = re.compile(r"(?<=[。；！？!?;])|\n")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text or "") if s and s.strip()]


def _printed(cell) -> str:
    if cell is None or cell.raw is None:
        return "（报告中没有）"
    raw = cell.raw.strip()
    return raw if raw else "（空白）"


def diff(store: Store, old_id: int, new_id: int, limit: int = 40) -> dict[str, Any]:
    """What changed from one version to the next: the cells whose printed value differs (by the clerk's
    name of the cell) and, per section, the sentences taken out and put in."""
    old, new = store.load_report(old_id), store.load_report(new_id)
    ed_key = edition_key(new)
    cells = []
    # in the printed order of the edition's tables, then whatever else either version holds
    refs = [f"{t.key}.{r.key}.{c.key}" for t in get_edition(ed_key).tables for r in t.rows for c in r.columns]
    known = set(refs)
    for rep in (old, new):
        for t, rows in rep.tables.items():
            for r, cols in rows.items():
                for c in cols:
                    ref = f"{t}.{r}.{c}"
                    if ref not in known:
                        known.add(ref)
                        refs.append(ref)
    for ref in refs:
        a, b = _printed(old.cell(ref)), _printed(new.cell(ref))
        if a != b:
            cells.append({"ref": ref, "name": place_name(ed_key, ref), "old": a, "new": b})
    sections = []
    olds = {s.number: s for s in old.sections}
    news = {s.number: s for s in new.sections}
    for n in sorted(set(olds) | set(news)):
        was, now = olds.get(n), news.get(n)
        sa, sb = _sentences(was.text if was else ""), _sentences(now.text if now else "")
        if sa == sb:
            continue
        removed, added = [], []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, sa, sb, autojunk=False).get_opcodes():
            if op in ("replace", "delete"):
                removed += sa[i1:i2]
            if op in ("replace", "insert"):
                added += sb[j1:j2]
        either = now or was
        head = either.heading if either is not None else None
        sections.append({"number": n, "heading": head or f"第{n}部分", "removed": removed[:limit],
                         "added": added[:limit], "more": max(0, len(removed) + len(added) - 2 * limit)})
    title = (old.title or "") != (new.title or "")
    return {"old": old_id, "new": new_id, "cells": cells[:limit * 5], "cells_more": max(0, len(cells) - limit * 5),
            "sections": sections, "title": {"old": old.title, "new": new.title} if title else None,
            "same": not cells and not sections and not title}


def version_chain(store: Store, agency_id: int, year: int) -> list[dict[str, Any]]:
    """The versions of an agency-year, newest first, each with what changed from the one before it and
    the moves made on it."""
    rows = versions(store, agency_id, year)
    moved: dict[int, list[str]] = {}
    for h in history(store, agency_id, year):
        if h["report_id"] is not None:
            moved.setdefault(h["report_id"], []).append(h["action_zh"])
    out = []
    for i, r in enumerate(rows):
        out.append({"row": r, "number": i + 1, "moves": moved.get(r.id, []),
                    "diff": diff(store, rows[i - 1].id, r.id) if i else None})
    return list(reversed(out))


# ---------------------------------------------------------------------------------------------- the 催报 list


def report_bar(store: Store, user, row: ReportRow) -> dict[str, Any] | None:
    """What a report's page shows of its year: the state, the opinion, the moves this user may make."""
    if row.agency_id is None or row.year is None:
        return None
    st = status_of(store, row.agency_id, row.year)
    return {"status": st, "moves": allowed_moves(user, st), "targets": set_targets(user, st),
            "this_version": st.report_id == row.id, "state_zh": STATE_ZH}


URGE_HEAD = ("序号", "机关", "级别", "所在地区", "状态", "截止日期", "剩余或逾期", "退回时间（北京时间）", "审核意见", "说明")


def urge_xlsx(b: dict[str, Any], title: str) -> bytes:
    """The 催报 list as an Excel workbook: every agency not (again) with the office, soonest deadline first;
    A4 landscape, the heading row repeated on each printed page."""
    on: dt.date = b["on"]
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has its sheet
    ws.title = "催报名单"
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(URGE_HEAD))
    ws["A2"] = (f"截至{date_zh(on)}（北京时间）：共 {b['total']} 个机关，未报送 {b['counts']['missing']} 个，草稿未提交 "
                f"{b['counts']['draft']} 个，退回未重新提交 {b['counts']['returned']} 个，其中已逾期 {b['overdue']} 个")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(URGE_HEAD))
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for j, h in enumerate(URGE_HEAD, start=1):
        c = ws.cell(row=3, column=j, value=h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDE4EC")
        c.border = box
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    late = Font(color="C62828", bold=True)
    for i, s in enumerate(b["urge"], start=1):
        left = s.days_left(on)
        values = (i, s.agency, s.level or "", s.region.path, s.state_zh, s.due, s.days_text(on),
                  when(s.moved_at) if s.state == "returned" else "", s.opinion if s.state == "returned" else "",
                  s.detail_zh)
        for j, v in enumerate(values, start=1):
            c = ws.cell(row=3 + i, column=j, value=v)
            c.border = box
            c.alignment = Alignment(vertical="top", wrap_text=j in (2, 9, 10))
            if j == 6:
                c.number_format = "yyyy\"年\"m\"月\"d\"日\""
            if j == 7 and left is not None and left < 0:
                c.font = late
    for letter, w in zip("ABCDEFGHIJ", (6, 30, 10, 26, 16, 16, 12, 18, 40, 30), strict=True):
        ws.column_dimensions[letter].width = w
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def office_name(store: Store, region: str) -> str | None:
    """The region's office as the review loop names it (the one set for the region, else the government's
    办公室): the signer of the region's draft report (gongkai.regionreport)."""
    return office_settings(store, region)["applies"].office or None
