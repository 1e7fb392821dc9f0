"""The single writer: agencies resolved, reports, cells, findings and text sketches written in
transactions, versions kept, cross-year rules run when the neighbouring year is stored."""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, replace
from itertools import repeat
from sys import intern

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ..access import WriteGuard
from ..agencies import AgencyName, RegionPath, agency_level, complete_path, fold_name, parse_name
from ..checks import catalogue, check
from ..checks.crossyear import ROWS_READ
from ..document import Source
from ..location import Location, dumps, loads
from ..model import Cell, Report, Section
from ..similar import band_keys, signature_array
from . import schema as S
from .db import inserted_id
from .objects import objects_for
from .work import Parsed


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def crossyear_codes() -> frozenset[str]:
    return frozenset(r.code for r in catalogue() if r.needs_previous)


def _json(v) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# agencies


@dataclass(slots=True)
class AgencyRec:
    id: int
    name: str
    core: str
    kind: str
    level: str
    region: RegionPath
    from_csv: bool


class AgencyIndex:
    """Every agency and every spelling of its name, in memory, for resolving names fast."""

    def __init__(self) -> None:
        self.by_id: dict[int, AgencyRec] = {}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        self.by_core: dict[str, set[int]] = defaultdict(set)
        self._through: dict[tuple[str, str], set[RegionPath]] | None = None

    @classmethod
    def load(cls, conn: Connection) -> AgencyIndex:
        idx = cls()
        for r in conn.execute(select(S.agencies)).mappings():
            idx.by_id[r["id"]] = AgencyRec(
                r["id"], r["name"], r["core"], r["kind"], r["level"],
                RegionPath(r["province"], r["city"], r["county"], r["township"]), bool(r["from_csv"]),
            )
        for n in conn.execute(select(S.agency_names.c.agency_id, S.agency_names.c.name, S.agency_names.c.core)):
            idx.by_name[n.name].add(n.agency_id)
            idx.by_core[n.core].add(n.agency_id)
        return idx

    def paths(self) -> list[RegionPath]:
        return [a.region for a in self.by_id.values() if a.region]

    def paths_through(self, region: RegionPath) -> list[RegionPath]:
        """Known regions of agencies in the same county or city as ``region`` (for complete_path)."""
        if not (region.county or region.city):
            return []
        if self._through is None:
            self._through = defaultdict(set)
            for a in self.by_id.values():
                self._note(a.region)
        out: set[RegionPath] = set()
        for lv in ("county", "city"):
            v = region.get(lv)
            if v:
                out |= self._through.get((lv, v), set())
        return list(out)

    def _note(self, region: RegionPath) -> None:
        if self._through is not None:
            upper = region.without("township")  # what complete_path reads: the levels above a township
            for lv in ("county", "city"):
                v = region.get(lv)
                if v:
                    self._through[(lv, v)].add(upper)

    def put(self, rec: AgencyRec) -> None:
        self.by_id[rec.id] = rec
        self._note(rec.region)

    def find_all(self, an: AgencyName, region: RegionPath) -> list[AgencyRec]:
        """Every agency this name could denote in this region."""
        exact = self.by_name.get(an.canonical, set())
        out = []
        for i in exact | self.by_core.get(an.core, set()):
            rec = self.by_id.get(i)
            if rec is None or not rec.region.compatible(region):
                continue
            if i not in exact and rec.kind != an.kind:
                continue
            out.append(rec)
        return out

    def find(self, an: AgencyName, region: RegionPath) -> AgencyRec | None:
        """The agency this name and region denote, or None (a new agency)."""
        exact = self.by_name.get(an.canonical, set())
        ids = exact | self.by_core.get(an.core, set())
        best, best_key = None, None
        fitting = []
        for i in ids:
            rec = self.by_id.get(i)
            if rec is None or not rec.region.compatible(region):
                continue
            if i not in exact and rec.kind != an.kind:
                continue
            fitting.append(rec)
            key = (i in exact, rec.region.agreement(region), rec.from_csv, -i)
            if best_key is None or key > best_key:
                best, best_key = rec, key
        if best is None or best_key is None:  # (set together)
            return None
        if not region and best_key[1] == 0 and len({r.id for r in fitting}) > 1 and not best_key[0]:
            return None  # the same short name in several places and nothing to tell which: a new agency
        return best


# ---------------------------------------------------------------------------------------------
# the writer


@dataclass(slots=True)
class Outcome:
    status: str  # new | replaced | duplicate | unchanged | failed | failed-known | refused
    path: str
    report_id: int | None = None
    reason: str | None = None
    message: str | None = None


CELL_COLUMNS = ("report_id", "table_key", "row_key", "column_key", "value", "raw", "at", "how", "confidence",
                "candidates", "doubt")
CROP_COLUMNS = ("report_id", "table_key", "row_key", "column_key", "png")
FINDING_COLUMNS = ("report_id", "code", "severity", "message", "cells", "expected", "actual", "at", "previous_id")
SIGNATURE_COLUMNS = ("report_id", "signature", "shingles", "chars")
BAND_COLUMNS = ("band", "key", "report_id")


COPY_FROM = 16  # rows from which PostgreSQL gets them by COPY (one stream) rather than one INSERT each


def bulk_insert(conn: Connection, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Many rows with the driver's executemany, or PostgreSQL's COPY (no per-row work in SQLAlchemy: the
    hot path of ingest)."""
    if not rows:
        return
    q = conn.dialect.identifier_preparer.quote
    names = ", ".join(q(c) for c in columns)
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None  # an open connection
        sql = f"COPY {q(table.name)} ({names}) FROM STDIN"
        try:
            with dbapi.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[attr-defined]  # (psycopg's cursor)
                for row in rows:
                    copy.write_row(row)
        except conn.dialect.loaded_dbapi.Error as exc:  # as SQLAlchemy raises the driver's errors elsewhere
            raise DBAPIError.instance(sql, None, exc, conn.dialect.loaded_dbapi.Error) from exc
        return
    style = conn.dialect.paramstyle
    marks = ", ".join("?" if style == "qmark" else "%s" for _ in columns)
    sql = f"INSERT INTO {q(table.name)} ({names}) VALUES ({marks})"  # noqa: S608  names quoted by the dialect, values bound
    conn.exec_driver_sql(sql, rows)


class Writer:
    """Writes parsed files; one instance per run, used from one thread.

    It keeps in memory what it needs per file — the stored hashes, each agency-year's current report,
    the agencies — so a file costs a handful of statements; bulk rows go through executemany.
    """

    CACHE = 2048  # reports kept for the cross-year rules, first in first out (the rest are read back)

    def __init__(self, engine, *, load: bool = True) -> None:
        self.engine = engine
        self.objects = objects_for(engine)  # where the originals go (the one the store was opened with)
        self.cross = crossyear_codes()
        self._reports: OrderedDict[int, Report] = OrderedDict()
        if load:  # (not needed by a writer that only re-runs the cross-year rules)
            self._load()

    def _load(self) -> None:
        self._reports.clear()
        with self.engine.connect() as conn:
            self.index = AgencyIndex.load(conn)
            self.files = set(conn.execute(select(S.files.c.sha256)).scalars())
            self.failed = set(conn.execute(
                select(S.failures.c.sha256).where(S.failures.c.sha256.is_not(None))).scalars())
            self.current: dict[tuple[int, int], int] = {}
            for rid, aid, year in conn.execute(select(S.reports.c.id, S.reports.c.agency_id, S.reports.c.year).where(
                    S.reports.c.current, S.reports.c.agency_id.is_not(None), S.reports.c.year.is_not(None))):
                key = (aid, year)
                if rid > self.current.get(key, -1):
                    self.current[key] = rid

    # -- a batch of files, in one transaction --------------------------------------------------

    def write(self, items: list[Parsed], guard: WriteGuard | None = None) -> list[Outcome]:
        """Store a batch in one transaction. With a ``guard``, a report is stored only when the agency it
        resolves to is one the guard's principal may change; otherwise its outcome is "refused" and nothing
        of it is written."""
        try:
            with self.engine.begin() as conn:
                batch = _Batch()
                out = [self._one(conn, p, batch, guard) for p in items]
                batch.flush(conn)
                for rid in batch.recount:
                    recount(conn, rid)
            self.files |= batch.shas
            self.failed -= batch.shas
            self.failed |= batch.failed
        except BaseException:
            self._load()
            raise
        return out

    def _one(self, conn: Connection, p: Parsed, batch: _Batch, guard: WriteGuard | None = None) -> Outcome:
        if p.status == "failed":
            return self._failure(conn, p, batch)
        if p.status == "known":
            return Outcome("unchanged", p.path)
        assert p.sha256 is not None  # every file read has its hash
        if p.sha256 in self.files or p.sha256 in batch.shas:
            return Outcome("duplicate", p.path)
        # where the report belongs, decided before anything is written: the guard judges the agency it
        # resolves to (an existing one, or a new one with the region it would get)
        rec, where, why = self._judge(p, guard)
        if why:
            return Outcome("refused", p.path, reason="scope", message=why)
        batch.shas.add(p.sha256)
        if p.sha256 in self.failed:
            conn.execute(delete(S.failures).where(S.failures.c.sha256 == p.sha256))  # read at last
        agency_id = self._settle(conn, p.name, p.region, rec, where) if (p.name or rec) else None
        if p.data is not None:  # (None: a cluster's worker stored it already)
            self.objects.put(p.sha256, p.data)  # before the row that names it is committed
        bulk_insert(conn, S.files, ("sha256", "size", "format", "name", "added"),
                    [(p.sha256, p.size, p.format or "unknown", _basename(p.path), now())])
        key = (agency_id, p.year) if agency_id is not None and p.year is not None else None
        cross: list[dict] = []
        prev_id = self.current.get((key[0], key[1] - 1)) if key else None
        report = None
        if prev_id is not None:
            report = light_report(p)
            # with its narrative: the rules on copied text and repeated improvements read last year's words
            cross = [f.to_json() for f in check(report, previous=self.report(conn, prev_id, narrative=True),
                                                select=set(self.cross))]
        counts = _counts(p.findings + cross)
        rid = inserted_id(conn.execute(S.reports.insert(), {
            "sha256": p.sha256, "agency_id": agency_id, "agency_printed": p.agency, "year": p.year,
            "edition": p.edition, "title": p.title, "date": dt.date.fromisoformat(p.date) if p.date else None,
            "format": p.format or "unknown", "path": p.path, "current": True, "superseded_by": None,
            "ingested_at": now(), "errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"],
            "data": p.report_json,
        }))
        self._remember(rid, report if report is not None else light_report(p, narrative=False))
        status = "new"
        if key is not None:
            older = self.current.get(key)
            if older is not None:
                status = "replaced"
                older_ids = conn.execute(select(S.reports.c.id).where(
                    S.reports.c.agency_id == agency_id, S.reports.c.year == p.year, S.reports.c.current,
                    S.reports.c.id != rid)).scalars().all()
                conn.execute(update(S.reports).where(S.reports.c.id.in_(older_ids)).values(
                    current=False, superseded_by=rid))
                conn.execute(delete(S.text_bands).where(S.text_bands.c.report_id.in_(older_ids)))
            self.current[key] = rid
        batch.cells.extend(zip(repeat(rid), *p.cell_columns))
        batch.crops.extend((rid, *crop) for crop in p.crops)
        batch.findings.extend(_finding_tuple(rid, f) for f in p.findings)
        batch.findings.extend(_finding_tuple(rid, f, prev_id) for f in cross)
        if p.sketch is not None:
            batch.signatures.append((rid, p.sketch.signature, p.sketch.shingles, p.sketch.chars))
            batch.bands.extend((b, k, rid) for b, k in p.sketch.bands)
        if key is not None:
            nxt = self.current.get((key[0], key[1] + 1))
            if nxt is not None:
                batch.flush(conn)  # the next year's findings are rewritten: this report's rows go first
                self.crossyear(conn, nxt, rid, batch)
        return Outcome(status, p.path, rid)

    def _failure(self, conn: Connection, p: Parsed, batch: _Batch) -> Outcome:
        if p.sha256 and (p.sha256 in self.failed or p.sha256 in batch.failed):
            return Outcome("failed-known", p.path, reason=p.reason, message=p.message)
        if p.sha256 is None:
            conn.execute(delete(S.failures).where(S.failures.c.path == p.path, S.failures.c.sha256.is_(None)))
        else:
            batch.failed.add(p.sha256)
        conn.execute(S.failures.insert().values(
            sha256=p.sha256, path=p.path, reason=p.reason or "unreadable", message=p.message or "",
            message_en=p.message_en, at=now(),
        ))
        return Outcome("failed", p.path, reason=p.reason, message=p.message)

    # -- agencies ------------------------------------------------------------------------------

    def refusal(self, p: Parsed, guard: WriteGuard) -> str | None:
        """Why the guard would refuse to store this read report (None: it would not), without writing."""
        return self._judge(p, guard)[2]

    def _judge(self, p: Parsed, guard: WriteGuard | None) -> tuple[AgencyRec | None, RegionPath, str | None]:
        rec, where = self.place(p.name, p.region, guard.prefer if guard else None)
        if guard is None:
            return rec, where, None
        return rec, where, guard.refusal(rec.id if rec else None, where, p.agency, rec.name if rec else None)

    def place(self, an: AgencyName | None, region: RegionPath,
              prefer: int | None = None) -> tuple[AgencyRec | None, RegionPath]:
        """The agency a report's name and region denote: a stored one with its region, or None with the
        region a new agency would get. ``prefer``: the agency meant when the name fits it among others
        (the submitter's own, or the one a report is written for); a report without a name is taken
        to be that agency's."""
        if an is None:
            rec = self.index.by_id.get(prefer) if prefer is not None else None
            return rec, (rec.region if rec else RegionPath())
        if prefer is not None:
            for cand in self.index.find_all(an, region):
                if cand.id == prefer:
                    return cand, cand.region
        rec = self.index.find(an, region)
        if rec is not None:
            return rec, rec.region
        return None, complete_path(region, self.index.paths_through(region))

    def _settle(self, conn: Connection, an: AgencyName | None, region: RegionPath, rec: AgencyRec | None,
                where: RegionPath) -> int:
        """The placed agency's id: a new agency created, a stored one's missing levels filled in."""
        if rec is None:
            assert an is not None
            level = an.level if an.kind != "department" else agency_level("department", None, where)
            aid = inserted_id(conn.execute(S.agencies.insert().values(
                name=fold_name(an.printed) or an.canonical, core=an.core, kind=an.kind, level=level,
                province=where.province, city=where.city, county=where.county, township=where.township,
                from_csv=False, created=now(),
            )))
            rec = AgencyRec(aid, fold_name(an.printed) or an.canonical, an.core, an.kind, level, where, False)
            self.index.put(rec)
        elif not rec.from_csv and region and rec.region.merged(region) != rec.region:
            merged = rec.region.merged(region)
            level = rec.level if rec.kind != "department" else agency_level("department", None, merged)
            conn.execute(update(S.agencies).where(S.agencies.c.id == rec.id).values(
                province=merged.province, city=merged.city, county=merged.county, township=merged.township, level=level,
            ))
            self.index.put(replace(rec, region=merged, level=level))
        if an is not None:
            self.add_name(conn, rec.id, an.canonical, an.core, "printed")
        return rec.id

    def add_name(self, conn: Connection, agency_id: int, name: str, core: str, source: str) -> None:
        if agency_id in self.index.by_name.get(name, ()):
            return
        conn.execute(S.agency_names.insert().values(agency_id=agency_id, name=name, core=core, source=source))
        self.index.by_name[name].add(agency_id)
        self.index.by_core[core].add(agency_id)

    # -- cross-year ----------------------------------------------------------------------------

    def _remember(self, rid: int, report: Report) -> None:
        """Keep a report for the cross-year rules (first in, first out)."""
        self._reports[rid] = report
        if len(self._reports) > self.CACHE:
            self._reports.popitem(last=False)

    def report(self, conn: Connection, rid: int, *, narrative: bool = False) -> Report:
        """A stored report for the cross-year rules: from the cache, else rebuilt from its cells (the rows
        the rules read) and, when the narrative is needed, from its JSON."""
        r = self._reports.get(rid)
        if r is not None and (r.sections or not narrative):
            return r
        if narrative:
            data = conn.execute(select(S.reports.c.data).where(S.reports.c.id == rid)).scalar_one()
            r = Report.from_json(json.loads(data))
        else:
            r = self._from_cells(conn, rid)
        self._remember(rid, r)
        return r

    def _from_cells(self, conn: Connection, rid: int) -> Report:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None  # an open connection
        cur = dbapi.cursor()
        try:
            # only the driver's parameter mark is put into the text; the values are bound
            cur.execute(f"SELECT year, edition, agency_printed FROM reports WHERE id = {mark}", (rid,))  # noqa: S608
            head = cur.fetchone()
            assert head is not None  # the report was just written or is stored
            year, edition, agency = head
            cur.execute("SELECT table_key, row_key, column_key, value, raw, at FROM cells "  # noqa: S608  (as above)
                        f"WHERE report_id = {mark}", (rid,))
            rows = cur.fetchall()
        finally:
            cur.close()
        r = Report(source=Source(None, "", "store"), agency=agency, year=year, edition=edition)
        for t, rk, c, v, raw, at in rows:
            if (t, rk) in ROWS_READ or (t, None) in ROWS_READ:
                r.tables.setdefault(t, {}).setdefault(rk, {})[c] = Cell(_int(v), raw, loads(at))
        return r

    def crossyear(self, conn, rid: int, prev_id: int | None, batch: _Batch | None = None) -> None:
        """Replace report ``rid``'s cross-year findings by those against ``prev_id``."""
        conn.execute(delete(S.findings).where(S.findings.c.report_id == rid, S.findings.c.code.in_(self.cross)))
        rows = []
        if prev_id is not None:
            cur = self.report(conn, rid, narrative=True)
            prev = self.report(conn, prev_id, narrative=True)
            rows = [_finding_tuple(rid, f.to_json(), prev_id)
                    for f in check(cur, previous=prev, select=set(self.cross))]
        bulk_insert(conn, S.findings, FINDING_COLUMNS, rows)
        if batch is not None:
            batch.recount.add(rid)
        else:
            recount(conn, rid)


class _Batch:
    """Rows gathered over a batch and written with one executemany per table."""

    __slots__ = ("bands", "cells", "crops", "failed", "findings", "recount", "shas", "signatures")

    def __init__(self) -> None:
        self.shas: set[str] = set()
        self.failed: set[str] = set()
        self.cells: list[tuple] = []
        self.crops: list[tuple] = []
        self.findings: list[tuple] = []
        self.signatures: list[tuple] = []
        self.bands: list[tuple] = []
        self.recount: set[int] = set()

    def flush(self, conn: Connection) -> None:
        bulk_insert(conn, S.cells, CELL_COLUMNS, self.cells)
        bulk_insert(conn, S.cell_crops, CROP_COLUMNS, self.crops)
        bulk_insert(conn, S.findings, FINDING_COLUMNS, self.findings)
        bulk_insert(conn, S.text_signatures, SIGNATURE_COLUMNS, self.signatures)
        bulk_insert(conn, S.text_bands, BAND_COLUMNS, self.bands)
        for rows in (self.cells, self.crops, self.findings, self.signatures, self.bands):
            rows.clear()


_WHOLE = frozenset(t for t, r in ROWS_READ if r is None)


def light_report(p: Parsed, *, narrative: bool = True) -> Report:
    """The Report the cross-year rules need, rebuilt from what a worker sent: the rows they read
    (crossyear.ROWS_READ) and, unless ``narrative`` is False, the narrative."""
    r = Report(source=Source(p.path, p.sha256 or "", p.format or ""), agency=p.agency, year=p.year,
               edition=p.edition)
    tables = r.tables
    for t, rk, c, v, raw, at, *_ in p.cells:
        if t in _WHOLE or (t, rk) in ROWS_READ:
            tables.setdefault(intern(t), {}).setdefault(intern(rk), {})[intern(c)] = Cell(v, raw, loads(at))
    if narrative:
        r.sections = [Section(n, title, text) for n, title, text in p.sections]
    return r


def _int(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _finding_tuple(rid: int, f: dict, previous_id: int | None = None) -> tuple:
    return (rid, f["code"], f["severity"], f["message"], _json(f.get("cells") or []), _json(f.get("expected")),
            _json(f.get("actual")), dumps(Location.from_json(f.get("at"))), previous_id)


def _counts(findings: list[dict]) -> dict[str, int]:
    c = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        c[f["severity"]] = c.get(f["severity"], 0) + 1
    return c


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def current_id(conn: Connection, agency_id: int, year: int) -> int | None:
    return conn.execute(select(S.reports.c.id).where(
        S.reports.c.agency_id == agency_id, S.reports.c.year == year, S.reports.c.current,
    ).order_by(S.reports.c.id.desc()).limit(1)).scalar()


def recount(conn: Connection, rid: int) -> None:
    counts: dict[str, int] = dict(conn.execute(
        select(S.findings.c.severity, func.count()).where(S.findings.c.report_id == rid).group_by(S.findings.c.severity)
    ).all())
    conn.execute(update(S.reports).where(S.reports.c.id == rid).values(
        errors=counts.get("error", 0), warnings=counts.get("warning", 0), infos=counts.get("info", 0),
    ))


def recompute_current(conn: Connection, agency_id: int, year: int) -> int | None:
    """The newest report of an agency's year is its current one; the others point to it."""
    ids = conn.execute(select(S.reports.c.id).where(
        S.reports.c.agency_id == agency_id, S.reports.c.year == year).order_by(S.reports.c.id)).scalars().all()
    if not ids:
        return None
    head, older = ids[-1], ids[:-1]
    conn.execute(update(S.reports).where(S.reports.c.id == head).values(current=True, superseded_by=None))
    if older:
        conn.execute(update(S.reports).where(S.reports.c.id.in_(older)).values(current=False, superseded_by=head))
        conn.execute(delete(S.text_bands).where(S.text_bands.c.report_id.in_(older)))
    restore_bands(conn, [head])
    return head


def restore_bands(conn: Connection, report_ids: list[int]) -> None:
    """Band keys for reports that are current again (computed from their stored signatures)."""
    have = set(conn.execute(select(S.text_bands.c.report_id).where(
        S.text_bands.c.report_id.in_(report_ids)).distinct()).scalars())
    rows: list[dict[str, object]] = []
    for rid, sig in conn.execute(select(S.text_signatures.c.report_id, S.text_signatures.c.signature).where(
            and_(S.text_signatures.c.report_id.in_(report_ids)))):
        if rid in have:
            continue
        rows.extend({"band": b, "key": k, "report_id": rid} for b, k in band_keys(signature_array(sig)))
    if rows:
        conn.execute(S.text_bands.insert(), rows)


def crossyear_agency(writer: Writer, conn: Connection, agency_id: int) -> None:
    """Re-run the cross-year rules on every current report of an agency."""
    rows = conn.execute(select(S.reports.c.id, S.reports.c.year).where(
        S.reports.c.agency_id == agency_id, S.reports.c.current, S.reports.c.year.is_not(None))).all()
    by_year = {y: i for i, y in rows}
    for rid, year in rows:
        writer.crossyear(conn, rid, by_year.get(year - 1))


def parse_agency(name: str) -> AgencyName:
    return parse_name(name)
