"""The store: many reports in one database (SQLite file by default, PostgreSQL by URL).

It keeps each original file once (by sha256, in an object store beside the database: objects.py), the
parsed report (JSON), every cell in long form, the findings, the agencies with their regions, and MinHash
sketches of the narrative text. See docs/store.md.

    from gongkai.store import Store
    store = Store.open()                       # $GONGKAI_DB or ~/.local/share/gongkai/gongkai.sqlite3
    summary = store.ingest(["reports/"])       # parallel; idempotent
    store.reports(year=2023, region="奉新县")
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine, make_url

from .. import access
from .. import similar as sim
from ..access import WriteGuard
from ..agencies import RegionPath, canonical_name, region_names
from ..limits import DEFAULT_LIMITS, Limits
from ..location import loads
from ..model import Report
from ..pipeline import Sandbox
from . import reviews
from . import schema as S
from .agencies import import_agencies
from .cluster import ingest as on_cluster
from .db import StoreError, create, default_path, migrate, resolve_url
from .ingest import ingest, recheck, write_one
from .objects import ObjectStore, attach, objects_for, objects_url
from .reviews import CellState, ReviewError
from .work import parse_bytes
from .writer import Outcome, Writer


@dataclass(slots=True)
class ReportRow:
    id: int
    agency_id: int | None
    agency: str | None  # the agency's name in the store (else as printed)
    agency_printed: str | None
    level: str | None
    region: RegionPath
    year: int | None
    edition: str | None
    format: str
    path: str | None
    current: bool
    superseded_by: int | None
    errors: int
    warnings: int
    infos: int
    sha256: str
    title: str | None
    date: Any

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "agency_id": self.agency_id, "agency": self.agency, "agency_printed": self.agency_printed,
            "level": self.level, "region": self.region.path, "province": self.region.province,
            "city": self.region.city, "county": self.region.county, "township": self.region.township,
            "year": self.year, "edition": self.edition, "format": self.format, "path": self.path,
            "current": self.current, "superseded_by": self.superseded_by, "errors": self.errors,
            "warnings": self.warnings, "infos": self.infos, "sha256": self.sha256, "title": self.title,
            "date": self.date.isoformat() if self.date else None,
        }


def region_clause(region: str | None):
    """SQL condition on the agencies table: every place named in ``region`` is one of the agency's."""
    if not region:
        return None
    names = region_names(region)
    cols = (S.agencies.c.province, S.agencies.c.city, S.agencies.c.county, S.agencies.c.township)
    return and_(*(or_(*(c == n for c in cols)) for n in names))


class Store:
    def __init__(self, engine: Engine, url: str, objects: ObjectStore | None = None) -> None:
        self.engine = engine
        self.url = url
        self.objects = objects or ObjectStore(objects_url(url))
        attach(engine, self.objects)

    @classmethod
    def open(cls, db: str | None = None, objects: str | None = None) -> Store:
        """Open (creating or upgrading as needed) the store at ``db``: a path, a URL, or the default.
        ``objects``: where the originals are (an fsspec URL or a folder; else $GONGKAI_OBJECTS, else beside
        the SQLite file: see objects.py)."""
        url = resolve_url(db)
        engine = create(url)
        try:
            attach(engine, ObjectStore(objects_url(url, objects)))  # (the migrations move originals there)
            migrate(engine)
        except Exception as exc:
            engine.dispose()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"无法打开数据库：{_safe(url)}（{type(exc).__name__}: {exc}）",
                             f"cannot open the store at {_safe(url)}: {exc}") from exc
        return cls(engine, url, objects_for(engine))

    def text_params_current(self) -> bool:
        """False when the stored sketches were made with other parameters (run `gongkai recheck`)."""
        with self.engine.connect() as conn:
            have = conn.execute(select(S.store_meta.c.value).where(S.store_meta.c.key == "text_sketch")).scalar()
        return have is None or json.loads(have) == sim.PARAMS

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # -- ingest and friends (see ingest.py) ------------------------------------------------------

    def ingest(self, paths: Iterable[str], *, scheduler: str | None = None, **kw):
        """Read, check and store the files under ``paths``: in this machine's worker processes, or on the
        Dask cluster whose scheduler is at ``scheduler`` (tcp://HOST:8786)."""
        if scheduler:
            kw.pop("jobs", None)  # the cluster's workers are its own
            return on_cluster(self, list(paths), scheduler=scheduler, **kw)
        return ingest(self, list(paths), **kw)

    def ingest_bytes(self, name: str, data: bytes, *, guard: WriteGuard | None = None,
                     limits: Limits = DEFAULT_LIMITS, sandbox: Sandbox | None = None) -> Outcome:
        """Read, check and store one file given as bytes (an upload). ``name`` is kept as where it came
        from (no server path is recorded). With a ``guard``, the report is stored only for an agency the
        guard's principal may change, and an already stored report is named (``report_id``) only when
        that principal may see it: otherwise the answer is the one a new file would get, naming nothing.
        The file is read in ``sandbox``'s workers (the process's default sandbox when None)."""
        sha = hashlib.sha256(data).hexdigest()

        def visible(rid: int) -> bool:
            row = self.report_row(rid)
            return guard is None or (row is not None and access.sees_agency(
                guard.who, row.agency_id, access.places(row.region)))

        rid = self.report_id_for_sha(sha)
        parsed = None
        if rid is None:
            parsed = parse_bytes(data, name, sha, limits, sandbox)
            outcome = write_one(Writer(self.engine), parsed, guard)
            if outcome.status != "duplicate":
                return outcome
            rid = self.report_id_for_sha(sha)  # stored meanwhile by another process
            if rid is None:
                return outcome
        if visible(rid):
            return Outcome("unchanged", name, rid)
        assert guard is not None
        parsed = parsed or parse_bytes(data, name, sha, limits, sandbox)
        why = Writer(self.engine).refusal(parsed, guard) if parsed.status == "ok" else None
        if why:
            return Outcome("refused", name, reason="scope", message=why)
        return Outcome("unchanged", name, None, message="此文件的内容已在库中，未重复入库。")

    def recheck(self, **kw):
        return recheck(self, **kw)

    # -- reading -------------------------------------------------------------------------------

    def known_hashes(self) -> tuple[set[str], set[str]]:
        with self.engine.connect() as conn:
            reports = set(conn.execute(select(S.files.c.sha256)).scalars())
            failed = set(conn.execute(select(S.failures.c.sha256).where(S.failures.c.sha256.is_not(None))).scalars())
        return reports, failed

    def counts(self) -> dict[str, int]:
        out = {}
        with self.engine.connect() as conn:
            for name, table in (("files", S.files), ("reports", S.reports), ("agencies", S.agencies),
                                ("cells", S.cells), ("findings", S.findings), ("failures", S.failures),
                                ("signatures", S.text_signatures), ("bands", S.text_bands)):
                out[name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
            out["current"] = conn.execute(
                select(func.count()).select_from(S.reports).where(S.reports.c.current)).scalar_one()
        return out

    def reports(self, *, year: int | None = None, region: str | None = None, agency: str | None = None,
                all_versions: bool = False, ids: Iterable[int] | None = None) -> list[ReportRow]:
        r, a = S.reports, S.agencies
        q = select(r, a.c.name.label("agency_name"), a.c.level, a.c.province, a.c.city, a.c.county,
                   a.c.township).select_from(r.outerjoin(a, r.c.agency_id == a.c.id))
        if not all_versions:
            q = q.where(r.c.current)
        if year is not None:
            q = q.where(r.c.year == year)
        if region:
            q = q.where(region_clause(region))
        if agency:
            like = f"%{canonical_name(agency)}%"
            names = select(S.agency_names.c.agency_id).where(S.agency_names.c.name.like(like))
            q = q.where(or_(a.c.name.like(like), r.c.agency_printed.like(f"%{agency}%"), r.c.agency_id.in_(names)))
        if ids is not None:
            q = q.where(r.c.id.in_(list(ids)))
        q = q.order_by(r.c.year, a.c.province, a.c.city, a.c.county, a.c.township, a.c.name, r.c.id)
        with self.engine.connect() as conn:
            return [self._row(m) for m in conn.execute(q).mappings()]

    @staticmethod
    def _row(m) -> ReportRow:
        return ReportRow(
            id=m["id"], agency_id=m["agency_id"], agency=m["agency_name"] or m["agency_printed"],
            agency_printed=m["agency_printed"], level=m["level"],
            region=RegionPath(m["province"], m["city"], m["county"], m["township"]), year=m["year"],
            edition=m["edition"], format=m["format"], path=m["path"], current=bool(m["current"]),
            superseded_by=m["superseded_by"], errors=m["errors"], warnings=m["warnings"], infos=m["infos"],
            sha256=m["sha256"], title=m["title"], date=m["date"],
        )

    def report_row(self, report_id: int) -> ReportRow | None:
        rows = self.reports(ids=[report_id], all_versions=True)
        return rows[0] if rows else None

    def report_id_for_sha(self, sha256: str) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(S.reports.c.id).where(S.reports.c.sha256 == sha256)).scalar()

    def report_json(self, report_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            data = conn.execute(select(S.reports.c.data).where(S.reports.c.id == report_id)).scalar()
        if data is None:
            raise StoreError(f"库中没有编号为 {report_id} 的报告", f"no report {report_id} in the store")
        return json.loads(data)

    def load_report(self, report_id: int) -> Report:
        return Report.from_json(self.report_json(report_id))

    def original(self, report_id: int) -> tuple[str | None, bytes]:
        """The name the file had when first stored, and its bytes (from the object store)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(S.files.c.name, S.files.c.sha256).select_from(
                S.reports.join(S.files, S.reports.c.sha256 == S.files.c.sha256)).where(
                S.reports.c.id == report_id)).first()
        if row is None:
            raise StoreError(f"库中没有编号为 {report_id} 的报告", f"no report {report_id} in the store")
        return row.name, self.objects.get(row.sha256)

    def findings(self, report_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(S.findings).where(S.findings.c.report_id == report_id).order_by(
                S.findings.c.id)).mappings().all()
        out = []
        order = {"error": 0, "warning": 1, "info": 2}
        for f in rows:
            out.append({
                "code": f["code"], "severity": f["severity"], "message": f["message"],
                "cells": json.loads(f["cells"]) if f["cells"] else [],
                "expected": json.loads(f["expected"]) if f["expected"] else None,
                "actual": json.loads(f["actual"]) if f["actual"] else None,
                "at": _at(f["at"]), "previous_id": f["previous_id"],
            })
        out.sort(key=lambda f: (order.get(f["severity"], 9), f["code"]))
        return out

    def failures(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(m) for m in conn.execute(select(S.failures).order_by(S.failures.c.id)).mappings()]

    def agencies(self, region: str | None = None) -> list[dict[str, Any]]:
        a, r = S.agencies, S.reports
        n_reports = select(func.count()).where(r.c.agency_id == a.c.id, r.c.current).scalar_subquery()
        years = select(func.max(r.c.year)).where(r.c.agency_id == a.c.id).scalar_subquery()
        q = select(a, n_reports.label("reports"), years.label("last_year"))
        if region:
            q = q.where(region_clause(region))
        q = q.order_by(a.c.province, a.c.city, a.c.county, a.c.township, a.c.level, a.c.name)
        with self.engine.connect() as conn:
            rows = [dict(m) for m in conn.execute(q).mappings()]
            names = conn.execute(select(S.agency_names.c.agency_id, S.agency_names.c.name)).all()
        by: dict[int, list[str]] = {}
        for aid, name in names:
            by.setdefault(aid, []).append(name)
        for row in rows:
            row["region"] = RegionPath(row["province"], row["city"], row["county"], row["township"]).path
            row["names"] = sorted(by.get(row["id"], []))
            row.pop("created", None)
        return rows

    # -- cells gongkai could not read with certainty (see reviews.py) ---------------------------

    def uncertain_cells(self, report_ids: Iterable[int], *, reviewed: bool = True) -> dict[int, list[CellState]]:
        """Every uncertain cell of these reports (and, with ``reviewed``, every cell a reviewer read)."""
        return reviews.cell_states(self, report_ids, reviewed=reviewed)

    def set_cell_value(self, report_id: int, ref: str, value: str | float, reviewer: str, **kw) -> reviews.Entered:
        """Keep the value a reviewer read by eye for an uncertain cell; the findings are computed again
        (see :func:`gongkai.store.reviews.set_value`)."""
        return reviews.set_value(self, report_id, ref, value, reviewer, **kw)

    def cell_crop(self, report_id: int, ref: str) -> bytes | None:
        """The scanned image (PNG) of an uncertain or reviewed recognised cell."""
        return reviews.crop(self, report_id, ref)

    # -- agencies from the office's CSV --------------------------------------------------------

    def import_agencies(self, data: bytes | str):
        return import_agencies(self, data)


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return url


def _at(text: str | None) -> dict[str, Any] | None:
    """A finding's stored location as in Finding.to_json (text a store kept before gongkai.report/2: as
    its note, unparsed)."""
    loc = loads(text)
    return loc.to_json() if loc is not None else None


__all__ = ["CellState", "ObjectStore", "ReportRow", "ReviewError", "Store", "StoreError", "default_path", "region_clause",
           "resolve_url"]

