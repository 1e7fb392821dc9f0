"""Who may see and change which agency's reports — one set of rules, used to show a report and to store one.

An admin may do everything. A reviewer may see and change the agencies of its region and of every
place below it: every place its region names is one of the agency's places. A submitter may see and
change its own agency. A report whose agency is unknown is the admin's only.

The web application asks these questions when it shows a page (``gongkai.web.access.Scope``) and the
store's writer asks the same ones before it stores a report (:class:`WriteGuard`), about the agency the
report resolves to — never about the name as printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .agencies import RegionPath, region_names

ROLES = ("admin", "reviewer", "submitter")


@dataclass(frozen=True, slots=True)
class Principal:
    """Whoever reads or writes: a role with its region (a reviewer) or its agency (a submitter)."""

    role: str
    region: str | None = None
    agency_id: int | None = None
    name: str = ""  # for messages and the audit log

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


ADMIN = Principal("admin")


def places(region: RegionPath | Mapping[str, Any] | None) -> set[str]:
    """The named places of a region (or of an agency's row)."""
    if region is None:
        return set()
    if isinstance(region, RegionPath):
        values: Iterable[Any] = (region.province, region.city, region.county, region.township)
    else:
        values = (region.get(k) for k in ("province", "city", "county", "township"))
    return {v for v in values if v}


def sees_places(who: Principal, agency_places: set[str]) -> bool:
    """An agency in these places is within the principal's region."""
    if who.role == "admin":
        return True
    if who.role == "reviewer":
        names = region_names(who.region or "")
        return bool(names) and all(n in agency_places for n in names)
    return False


def sees_agency(who: Principal, agency_id: int | None, agency_places: set[str]) -> bool:
    """The principal may see and change the reports of this agency (``None``: a report without one)."""
    if who.role == "admin":
        return True
    if agency_id is None:
        return False
    if who.role == "submitter":
        return agency_id == who.agency_id
    return sees_places(who, agency_places)


# ---------------------------------------------------------------------------------------------- writing


@dataclass(frozen=True, slots=True)
class WriteGuard:
    """What the writer checks before it stores a report: the agency the report resolves to is one the
    principal may change, and, when ``agency_id`` is set (a report written for a chosen agency), that
    agency. Plain data, so it travels to a worker process."""

    who: Principal
    agency_id: int | None = None
    own_agency_name: str | None = None  # the submitter's or the chosen agency's name, for messages

    @property
    def prefer(self) -> int | None:
        """The agency a name that fits several is taken to mean: the one chosen, else the submitter's own."""
        if self.agency_id is not None:
            return self.agency_id
        return self.who.agency_id if self.who.role == "submitter" else None

    def refusal(self, agency_id: int | None, region: RegionPath, printed: str | None,
                agency_name: str | None = None) -> str | None:
        """None when the report may be stored for this agency; otherwise why not, in Chinese."""
        shown = printed or agency_name or "（未能识别）"
        if self.agency_id is not None and agency_id != self.agency_id:
            return (f"报告中的机关“{shown}”与所选机关“{self.own_agency_name or self.agency_id}”不一致，未入库。"
                    "请核对报告标题和落款中的机关名称。")
        if sees_agency(self.who, agency_id, places(region)):
            return None
        if agency_id is None and not printed:
            return "未能从报告中识别出所属机关，无法确认在您的权限范围内，未接收。请检查报告标题和落款，或请管理员上传。"
        if self.who.role == "submitter":
            return (f"报告中的机关“{shown}”不是您账户所属的机关“{self.own_agency_name or '（未设）'}”，未接收。"
                    "请上传本机关的报告；如需代报，请联系管理员。")
        where = region.path or "未写明所在地区"
        return (f"报告中的机关“{shown}”（{where}）不在您负责审核的地区“{self.who.region or '（未设）'}”内，"
                "未接收。")
