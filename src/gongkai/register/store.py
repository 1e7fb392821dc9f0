"""The register in the store: applications read, added, changed and deleted — each change checked, judged
by the same access rules as a report (gongkai.access: a submitter its own agency, a reviewer its region),
written in one transaction with its entry in ``register_log`` and, through ``on_write``, the caller's
audit entry (the web application's log)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from .. import access
from ..access import WriteGuard
from ..agencies import RegionPath, canonical_name
from ..formats import EDITIONS
from ..model import Report
from ..store import Store, region_clause
from ..store import schema as S
from ..store.db import inserted_id
from .deadlines import DUE_SOON, Deadline, deadline
from .model import Application, FollowUp, Pause, RegisterError, check
from .schema import register_applications as A
from .schema import register_log as L
from .tables import RegisterTables, year_tables

# runs inside the transaction that makes a change: (connection, action, the entry before, after)
Hook = Callable[[Connection, str, Application | None, Application | None], None]

_STORED = ("agency_id", "number", "channel", "submitted", "confirmed", "applicant_type", "applicant", "content",
           "correction_requested", "correction_answered", "extension_days", "extended_on", "replied", "outcome",
           "fee_notice", "fee_amount", "fee_paid", "note")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _row_values(app: Application) -> dict[str, Any]:
    values = {k: getattr(app, k) for k in _STORED}
    values["number"] = (app.number or "").strip() or None
    values["received"] = app.received
    values["consultations"] = json.dumps([p.to_json() for p in app.consultations]) if app.consultations else None
    values["follow_ups"] = json.dumps([f.to_json() for f in app.follow_ups]) if app.follow_ups else None
    return values


def _from_row(m, agency: str | None = None) -> Application:
    app = Application(**{k: m[k] for k in _STORED})
    app.extension_days = int(m["extension_days"] or 0)
    app.consultations = [Pause.from_json(x) for x in json.loads(m["consultations"] or "[]")]
    app.follow_ups = [FollowUp.from_json(x) for x in json.loads(m["follow_ups"] or "[]")]
    app.applicant, app.content, app.note = m["applicant"] or "", m["content"] or "", m["note"] or ""
    app.id, app.version = m["id"], m["version"]
    app.created, app.created_by, app.updated, app.updated_by = m["created"], m["created_by"], m["updated"], m["updated_by"]
    app.agency = agency
    return app


@dataclass(slots=True)
class Listed:
    """An application with where it stands on a day, for the lists."""

    app: Application
    deadline: Deadline
    agency: str
    region: str


class Register:
    """The register of every agency in one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    # -- agencies ---------------------------------------------------------------------------------

    def agency(self, agency_id: int, conn: Connection | None = None) -> dict[str, Any]:
        """The agency's row (name, region) — RegisterError 404 when the store has none."""
        def read(c: Connection):
            return c.execute(select(S.agencies).where(S.agencies.c.id == agency_id)).mappings().first()

        if conn is None:
            with self.engine.connect() as c:
                m = read(c)
        else:
            m = read(conn)
        if m is None:
            raise RegisterError(f"库中没有编号为 {agency_id} 的机关", f"no agency {agency_id}", status=404)
        out = dict(m)
        out["region"] = RegionPath(m["province"], m["city"], m["county"], m["township"]).path
        return out

    def resolve_agency(self, name: str) -> int:
        """An agency id from its id, its name or one of its spellings (RegisterError when none or several)."""
        text = (name or "").strip()
        if text.isdigit():
            self.agency(int(text))
            return int(text)
        with self.engine.connect() as conn:
            ids = set(conn.execute(select(S.agencies.c.id).where(S.agencies.c.name == text)).scalars())
            if not ids:
                ids = set(conn.execute(select(S.agency_names.c.agency_id).where(
                    S.agency_names.c.name == canonical_name(text))).scalars())
        if not ids:
            raise RegisterError(f"库中没有名为“{text}”的机关（请先导入机关名单）", f"no agency named {text!r}", status=404)
        if len(ids) > 1:
            raise RegisterError(f"名为“{text}”的机关不止一个（编号 {', '.join(map(str, sorted(ids)))}），请用编号指定",
                                f"several agencies are named {text!r}")
        return ids.pop()

    def _guard(self, conn: Connection, guard: WriteGuard | None, agency_id: int | None) -> dict[str, Any]:
        """The agency, when the guard's principal may change its register; RegisterError 403 otherwise."""
        if agency_id is None:
            raise RegisterError("请选择登记申请的机关", "no agency given")
        ag = self.agency(agency_id, conn)
        if guard is None or access.sees_agency(guard.who, agency_id, access.places(ag)):
            return ag
        who = guard.who
        if who.role == "submitter":
            why = f"“{ag['name']}”不是您账户所属的机关，不能登记或修改它的政府信息公开申请。"
        else:
            why = (f"“{ag['name']}”（{ag['region'] or '未写明所在地区'}）不在您负责的地区“{who.region or '（未设）'}”内，"
                   "不能登记或修改它的政府信息公开申请。")
        raise RegisterError(why, "outside the scope of the principal", status=403)

    def check_scope(self, guard: WriteGuard | None, agency_id: int) -> dict[str, Any]:
        """The agency, when the guard's principal may change its register (RegisterError 403 otherwise)."""
        with self.engine.connect() as conn:
            return self._guard(conn, guard, agency_id)

    # -- reading ----------------------------------------------------------------------------------

    def _query(self):
        return select(A, S.agencies.c.name.label("agency_name")).select_from(
            A.join(S.agencies, A.c.agency_id == S.agencies.c.id))

    def get(self, app_id: int) -> Application:
        with self.engine.connect() as conn:
            m = conn.execute(self._query().where(A.c.id == app_id)).mappings().first()
        if m is None:
            raise RegisterError(f"台账中没有第 {app_id} 条申请", f"no application {app_id}", status=404)
        return _from_row(m, m["agency_name"])

    def applications(self, *, agency_ids: Iterable[int] | None = None, region: str | None = None,
                     year: int | None = None, open_on: dt.date | None = None,
                     received_by: dt.date | None = None) -> list[Application]:
        """The applications of these agencies (or of a region): those of ``year`` (received in it or still
        open when it began), those open on a day, those received by a day; in the order they were received."""
        q = self._query()
        if agency_ids is not None:
            q = q.where(A.c.agency_id.in_(list(agency_ids)))
        if region:
            q = q.where(region_clause(region))
        if year is not None:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            q = q.where(A.c.received <= last, or_(A.c.received >= first, A.c.replied.is_(None), A.c.replied >= first))
        if open_on is not None:
            q = q.where(A.c.received <= open_on, or_(A.c.replied.is_(None), A.c.replied > open_on))
        if received_by is not None:
            q = q.where(A.c.received <= received_by)
        q = q.order_by(A.c.received, A.c.id)
        with self.engine.connect() as conn:
            return [_from_row(m, m["agency_name"]) for m in conn.execute(q).mappings()]

    def agency_counts(self, agency_ids: Iterable[int]) -> dict[int, int]:
        ids = list(agency_ids)
        with self.engine.connect() as conn:
            return dict(conn.execute(select(A.c.agency_id, func.count()).where(A.c.agency_id.in_(ids)).group_by(
                A.c.agency_id)).all())

    def due(self, today: dt.date, *, agency_ids: Iterable[int] | None = None, region: str | None = None,
            soon: int = DUE_SOON) -> list[Listed]:
        """Every application open on ``today`` with where it stands, the most pressing first: overdue, due
        soon, those whose deadline cannot be computed, waiting, the rest."""
        apps = self.applications(agency_ids=agency_ids, region=region, open_on=today)
        places = self._regions({a.agency_id for a in apps if a.agency_id is not None})
        out = [Listed(a, deadline(a, today, soon), a.agency or "", places.get(a.agency_id or 0, "")) for a in apps]
        rank = {"overdue": 0, "due_soon": 1, "unknown": 2, "waiting": 3, "open": 4}
        out.sort(key=lambda x: (rank.get(x.deadline.state, 5), x.deadline.due or dt.date.max, x.app.received or dt.date.max))
        return out

    def _regions(self, agency_ids: set[int]) -> dict[int, str]:
        if not agency_ids:
            return {}
        a = S.agencies.c
        with self.engine.connect() as conn:
            return {m.id: RegionPath(m.province, m.city, m.county, m.township).path for m in conn.execute(
                select(a.id, a.province, a.city, a.county, a.township).where(a.id.in_(list(agency_ids))))}

    def history(self, app_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(L).where(L.c.application_id == app_id).order_by(L.c.id)).mappings().all()
        out = []
        for m in rows:
            d = dict(m)
            d["old_entry"] = json.loads(m["old_entry"]) if m["old_entry"] else None
            d["new_entry"] = json.loads(m["new_entry"]) if m["new_entry"] else None
            out.append(d)
        return out

    def year_tables(self, agency_id: int, year: int, edition: str | None = None) -> RegisterTables:
        """Tables 三 and 四 of the agency's year from its register (every application received by the year's
        end: one concluded earlier may still have a review or a lawsuit filed in the year)."""
        apps = self.applications(agency_ids=[agency_id], received_by=dt.date(year, 12, 31))
        return year_tables(apps, year, edition)

    def next_number(self, agency_id: int, year: int) -> str:
        """A number for a new application of ``year``: 2024-004 after the highest 2024-NNN used."""
        with self.engine.connect() as conn:
            numbers = conn.execute(select(A.c.number).where(A.c.agency_id == agency_id,
                                                            A.c.number.like(f"{year}-%"))).scalars().all()
        used = [int(m.group(1)) for n in numbers if n and (m := re.fullmatch(rf"{year}-(\d+)", n))]
        return f"{year}-{max(used, default=0) + 1:03d}"

    # -- writing ----------------------------------------------------------------------------------

    def _log(self, conn: Connection, action: str, by: str, agency_id: int, app_id: int | None,
             old: Application | None, new: Application | None) -> None:
        conn.execute(L.insert().values(
            application_id=app_id, agency_id=agency_id, at=now(), by=(by or "")[:200] or None, action=action,
            old_entry=json.dumps(old.to_json(), ensure_ascii=False) if old else None,
            new_entry=json.dumps(new.to_json(), ensure_ascii=False) if new else None))

    def _number_taken(self, conn: Connection, app: Application) -> None:
        number = (app.number or "").strip()
        if not number:
            return
        q = select(A.c.id).where(A.c.agency_id == app.agency_id, A.c.number == number)
        if app.id is not None:
            q = q.where(A.c.id != app.id)
        other = conn.execute(q).scalar()
        if other is not None:
            raise RegisterError(f"登记编号“{number}”已用于本机关台账第 {other} 条申请，请换一个编号。",
                                f"number {number!r} is taken", status=409)

    def _insert(self, conn: Connection, app: Application, by: str, action: str) -> Application:
        self._number_taken(conn, app)
        at = now()
        values = _row_values(app) | {"version": 1, "created": at, "created_by": by or None, "updated": at,
                                     "updated_by": by or None}
        stored = app.copy()
        stored.id = inserted_id(conn.execute(A.insert().values(**values)))
        stored.version, stored.created, stored.created_by, stored.updated, stored.updated_by = 1, at, by, at, by
        assert stored.agency_id is not None  # guarded before
        self._log(conn, action, by, stored.agency_id, stored.id, None, stored)
        return stored

    def add(self, app: Application, *, by: str, guard: WriteGuard | None = None,
            on_write: Hook | None = None) -> Application:
        """Store a new application (checked; within the guard's scope); returns it with its id."""
        check(app)
        try:
            with self.engine.begin() as conn:
                ag = self._guard(conn, guard, app.agency_id)
                stored = self._insert(conn, app, by, "add")
                stored.agency = ag["name"]
                if on_write is not None:
                    on_write(conn, "add", None, stored)
        except IntegrityError as exc:
            raise RegisterError("登记编号已被使用（可能他人刚刚登记），请换一个编号。", str(exc.orig), status=409) from exc
        return stored

    def update(self, app: Application, *, by: str, guard: WriteGuard | None = None,
               on_write: Hook | None = None) -> Application:
        """Store a changed application. ``app.version`` is the version the change was made on: when the entry
        changed meanwhile nothing is stored (RegisterError 409). Moving it to another agency needs the
        right to change both."""
        if app.id is None:
            raise RegisterError("没有指明要修改哪一条申请", "no application id")
        check(app)
        try:
            with self.engine.begin() as conn:
                m = conn.execute(self._query().where(A.c.id == app.id)).mappings().first()
                if m is None:
                    raise RegisterError(f"台账中没有第 {app.id} 条申请", f"no application {app.id}", status=404)
                old = _from_row(m, m["agency_name"])
                self._guard(conn, guard, old.agency_id)
                ag = self._guard(conn, guard, app.agency_id) if app.agency_id != old.agency_id else None
                self._number_taken(conn, app)
                at = now()
                done = conn.execute(update(A).where(A.c.id == app.id, A.c.version == app.version).values(
                    **_row_values(app), version=app.version + 1, updated=at, updated_by=by or None))
                if not done.rowcount:
                    raise RegisterError(f"这条申请已被{old.updated_by or '他人'}修改过（{_when(old.updated)}），"
                                        "您的修改未保存。请刷新页面，看过最新内容后再改。",
                                        "the entry changed meanwhile", status=409)
                new = app.copy()
                new.version, new.updated, new.updated_by = app.version + 1, at, by
                new.created, new.created_by = old.created, old.created_by
                new.agency = ag["name"] if ag else old.agency
                assert new.agency_id is not None
                self._log(conn, "update", by, new.agency_id, new.id, old, new)
                if on_write is not None:
                    on_write(conn, "update", old, new)
        except IntegrityError as exc:
            raise RegisterError("登记编号已被使用（可能他人刚刚登记），请换一个编号。", str(exc.orig), status=409) from exc
        return new

    def delete(self, app_id: int, *, version: int, by: str, guard: WriteGuard | None = None,
               on_write: Hook | None = None) -> Application:
        """Remove an application entered by mistake (the log keeps what it was)."""
        with self.engine.begin() as conn:
            m = conn.execute(self._query().where(A.c.id == app_id)).mappings().first()
            if m is None:
                raise RegisterError(f"台账中没有第 {app_id} 条申请", f"no application {app_id}", status=404)
            old = _from_row(m, m["agency_name"])
            self._guard(conn, guard, old.agency_id)
            done = conn.execute(delete(A).where(A.c.id == app_id, A.c.version == version))
            if not done.rowcount:
                raise RegisterError("这条申请已被他人修改过，未删除。请刷新页面后再操作。", "the entry changed meanwhile",
                                    status=409)
            assert old.agency_id is not None
            self._log(conn, "delete", by, old.agency_id, app_id, old, None)
            if on_write is not None:
                on_write(conn, "delete", old, None)
        return old

    def add_many(self, agency_id: int, apps: list[Application], *, by: str, guard: WriteGuard | None = None,
                 on_write: Hook | None = None) -> list[Application]:
        """Store several applications of one agency in one transaction: all of them, or — when one of them
        cannot be stored — none (RegisterError listing every one that cannot)."""
        found: list[str] = []
        for i, app in enumerate(apps, start=1):
            app.agency_id = agency_id
            try:
                check(app)
            except RegisterError as exc:
                found += [f"第{i}条：{p}" for p in exc.problems]
        if found:
            raise RegisterError(f"有 {len(found)} 处问题，没有导入任何申请", "nothing imported", problems=found)
        stored: list[Application] = []
        try:
            with self.engine.begin() as conn:
                ag = self._guard(conn, guard, agency_id)
                for app in apps:
                    s = self._insert(conn, app, by, "import")
                    s.agency = ag["name"]
                    stored.append(s)
                if on_write is not None:
                    for s in stored:
                        on_write(conn, "import", None, s)
        except IntegrityError as exc:
            raise RegisterError("登记编号已被使用，没有导入任何申请。", str(exc.orig), status=409) from exc
        return stored

    def numbers(self, agency_id: int) -> dict[str, int]:
        """The numbers already used in the agency's register → the application's id."""
        with self.engine.connect() as conn:
            return {n: i for i, n in conn.execute(select(A.c.id, A.c.number).where(
                and_(A.c.agency_id == agency_id, A.c.number.is_not(None)))).all()}


def _when(at: dt.datetime | None) -> str:
    if at is None:
        return "刚才"
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M 北京时间")


def tables_for_report(store: Store, report_id: int, report: Report) -> RegisterTables | None:
    """Tables 三 and 四 of a stored report's agency and year from the register, in the report's edition;
    None when the register has no application of that year (or the report no agency or year)."""
    row = store.report_row(report_id)
    year = report.year or (row.year if row else None)
    if row is None or row.agency_id is None or year is None:
        return None
    edition = report.edition if report.edition in EDITIONS else None
    try:
        tables = Register(store).year_tables(row.agency_id, year, edition)
    except RegisterError:
        return None  # a year no edition covers
    return tables if tables.kept else None


def prefill_form(store: Store, agency_id: int, year: int, edition: str | None, cells: dict[str, str]) -> list[str]:
    """Put tables 三 and 四 of the agency's year, as its register gives them, into a writer's form values
    (``cells``: "table.row.column" → text); the notes say what was done. Nothing when the register has no
    application of that year."""
    try:
        t = Register(store).year_tables(agency_id, year, edition if edition in EDITIONS else None)
    except RegisterError:
        return []
    if not t.kept:
        return []
    notes = []
    carried = "applications.carried_over.total"
    before = cells.get(carried, "")
    if before not in ("", str(t.value(carried))):
        notes.append(f"注意：台账中从上年结转的申请为 {t.value(carried)} 件，上年度报告“结转下年度继续办理”为 {before} 件，"
                     "已按台账填写；请核对哪一方有误")
    cells.update(t.cells())
    v = t.value
    notes.insert(0, f"表三、表四已按本机关依申请公开台账预填：本年新收 {v('applications.new_received.total')} 件，"
                    f"上年结转 {v(carried)} 件，本年办结 {v('applications.total_processed.total')} 件，"
                    f"结转下年度 {v('applications.carried_forward.total')} 件；"
                    f"行政复议 {v('review_litigation.review.total')} 件，行政诉讼 "
                    f"{v('review_litigation.litigation_direct.total') + v('review_litigation.litigation_after_review.total')} 件")
    return notes
