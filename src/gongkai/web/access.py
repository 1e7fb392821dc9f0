"""Who sees what, for the pages and the API: the rules of :mod:`gongkai.access` (the same ones the store's
writer applies before storing a report), and the lists narrowed by them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from .. import access
from ..agencies import RegionPath, region_names
from ..store import ReportRow, Store, region_clause
from ..store import schema as S
from .auth import User


class Forbidden(Exception):
    """The user's role or region may not do this (the pages answer 403 in Chinese: ``zh`` says who may)."""

    def __init__(self, what: object = None, zh: str | None = None) -> None:
        super().__init__(what)
        self.zh = zh


class NotFound(Exception):
    """No such report, agency or application for this user: it does not exist, or it is outside the user's
    scope — one answer for both (404 "找不到…"), so that an id never tells whether it exists."""

    def __init__(self, what: str, ident: object = None) -> None:
        super().__init__(what, ident)
        self.what = what
        self.ident = ident

    @property
    def title(self) -> str:
        return f"找不到该{self.what}"

    @property
    def zh(self) -> str:
        which = f"编号为 {self.ident} 的" if isinstance(self.ident, int) else "该"
        return (f"找不到{which}{self.what}：它不存在、已被删除，或不在您的账户可以查看的范围内。"
                "请核对地址，或回到列表中查找。")


@dataclass(slots=True)
class Scope:
    user: User

    # -- tests on one thing ----------------------------------------------------------------------

    def sees_places(self, places: set[str]) -> bool:
        return access.sees_places(self.user.principal, places)

    def sees_row(self, row: ReportRow | None) -> bool:
        if row is None:
            return False
        return access.sees_agency(self.user.principal, row.agency_id, access.places(row.region))

    def sees_agency(self, agency: dict[str, Any] | None) -> bool:
        if agency is None:
            return False
        return access.sees_agency(self.user.principal, agency["id"], access.places(agency))

    def allows_region(self, region: str, store: Store | None = None) -> bool:
        """A roll-up region the user may open: its own region or one inside it — it names every place the
        user's region names, or (given the store) every agency it takes in is in the user's region."""
        if self.user.role == "admin":
            return True
        if self.user.role != "reviewer":
            return False
        mine = region_names(self.user.region or "")
        asked = region_names(region)
        if not mine or not asked:
            return False
        if all(n in asked for n in mine):
            return True
        if store is None:
            return False
        a = S.agencies.c
        with store.engine.connect() as conn:
            taken = conn.execute(select(a.province, a.city, a.county, a.township).where(
                region_clause("/".join(asked)))).all()
        return bool(taken) and all(self.sees_places({p for p in t if p}) for t in taken)

    def report(self, store: Store, report_id: int) -> ReportRow:
        """A report the user sees; NotFound (404) alike when there is none and when it is another's."""
        row = store.report_row(report_id)
        if row is None or not self.sees_row(row):
            raise NotFound("报告", report_id)
        return row

    def agency(self, store: Store, agency_id: int) -> dict[str, Any]:
        """An agency the user sees; NotFound (404) alike when there is none and when it is another's."""
        with store.engine.connect() as conn:
            m = conn.execute(select(S.agencies).where(S.agencies.c.id == agency_id)).mappings().first()
        ag = dict(m) if m else None
        if ag is None or not self.sees_agency(ag):
            raise NotFound("机关", agency_id)
        ag["region"] = RegionPath(ag["province"], ag["city"], ag["county"], ag["township"]).path
        return ag

    # -- lists -----------------------------------------------------------------------------------

    def reports(self, store: Store, *, year: int | None = None, region: str | None = None,
                all_versions: bool = False) -> list[ReportRow]:
        """Reports the user may see (current versions unless ``all_versions``), narrowed by year and region."""
        role = self.user.role
        if role == "submitter":
            if self.user.agency_id is None:
                return []
            with store.engine.connect() as conn:
                ids = list(conn.execute(select(S.reports.c.id).where(
                    S.reports.c.agency_id == self.user.agency_id)).scalars())
            rows = store.reports(ids=ids, year=year, region=region or None, all_versions=all_versions)
        elif role == "reviewer":
            combined = "/".join(region_names(self.user.region or "") + (region_names(region) if region else []))
            if not combined:
                return []
            rows = store.reports(year=year, region=combined, all_versions=all_versions)
        else:
            rows = store.reports(year=year, region=region or None, all_versions=all_versions)
        return [r for r in rows if self.sees_row(r)]

    def agencies(self, store: Store) -> list[dict[str, Any]]:
        role = self.user.role
        if role == "reviewer":
            rows = store.agencies(region="/".join(region_names(self.user.region or ""))) if self.user.region else []
        elif role == "submitter":
            rows = [a for a in store.agencies() if a["id"] == self.user.agency_id]
        else:
            rows = store.agencies()
        return [a for a in rows if self.sees_agency(a)]

    def default_region(self) -> str | None:
        return self.user.region if self.user.role == "reviewer" else None
