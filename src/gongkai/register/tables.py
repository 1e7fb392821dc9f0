"""Table 三 and table 四 of a year, computed from an agency's register.

- 一、本年新收: applications received in the year (by the day 第三十一条 fixes);
- 二、上年结转: received before the year and not concluded before it began;
- 三、本年度办理结果: concluded in the year, each in the row of its outcome;
- 四、结转下年度继续办理: received by the year's end and not concluded by then;
- table 四: each review or lawsuit in the year it was filed, in the column of its result as things stood at
  the year's end (尚未审结 when not decided by then).

Every count says which applications make it up, so a difference with a report can name them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..formats import EDITIONS, Edition, edition_for_year, get_edition
from ..formats.common import APPLICANT_COLUMNS, REVIEW_COLUMNS, REVIEW_LITIGATION
from ..formats.conversion import cell_map
from .model import Application, RegisterError, outcome_name, outcome_rows

TABLES = ("applications", "review_litigation")


@dataclass(slots=True)
class RegisterTables:
    """Counts of one agency's year in the cells of tables 三 and 四, and the applications behind each."""

    year: int
    edition: str
    values: dict[str, int]  # "table.row.column" → count, every cell of both tables
    members: dict[str, list[Application]] = field(default_factory=dict)  # the same keys → applications
    kept: bool = False  # the register has an application of this year (received in it or carried into it)

    def value(self, ref: str) -> int:
        return self.values.get(ref, 0)

    def names(self, ref: str, limit: int = 8) -> str:
        """The applications behind a cell, for a message: 编号2024-001、编号2024-002 等5件."""
        apps = self.members.get(ref, [])
        shown = "、".join(a.label for a in apps[:limit])
        return shown + (f" 等{len(apps)}件" if len(apps) > limit else "")

    def cells(self) -> dict[str, str]:
        """The form's values (gongkai.web.writing): every cell as text."""
        return {ref: str(v) for ref, v in self.values.items()}


def _outcome_row(key: str, edition: Edition) -> str:
    """The row of ``edition``'s table 三 an outcome is counted in (another edition's row is carried over
    the way ``gongkai convert`` carries it)."""
    if key in outcome_rows(edition):
        return key
    for other in EDITIONS.values():
        if other.key != edition.key and key in outcome_rows(other):
            target = cell_map(other.key, edition.key).get(f"applications.{key}.total")
            if target:
                return target.split(".")[1]
    raise RegisterError(f"办理结果“{outcome_name(key)}”在{edition.name}表三中没有对应的一行",
                        f"outcome {key} has no row in edition {edition.key}")


def year_tables(apps: Iterable[Application], year: int, edition: str | None = None) -> RegisterTables:
    """Tables 三 and 四 of ``year`` from the applications (of one agency), in ``edition`` (the year's own
    edition when None)."""
    ed = get_edition(edition) if edition else edition_for_year(year)
    if ed is None:
        raise RegisterError(f"{year}年度没有适用的报告格式", f"no edition for {year}")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    values: dict[str, int] = {}
    members: dict[str, list[Application]] = {}
    for t in TABLES:
        for r in ed.table(t).rows:
            for c in r.columns:
                values[f"{t}.{r.key}.{c.key}"] = 0

    def add(table: str, row: str, column: str, app: Application) -> None:
        for col in (column, "total"):
            ref = f"{table}.{row}.{col}"
            values[ref] += 1
            members.setdefault(ref, []).append(app)

    kept = False
    for app in sorted(apps, key=lambda a: (a.received or dt.date.max, a.id or 0)):
        received = app.received
        if received is None or received > last:
            continue
        col = app.applicant_type
        if received >= first:
            add("applications", "new_received", col, app)
            kept = True
        elif app.replied is None or app.replied >= first:
            add("applications", "carried_over", col, app)
            kept = True
        if app.replied is not None and first <= app.replied <= last and app.outcome:
            add("applications", _outcome_row(app.outcome, ed), col, app)
            add("applications", "total_processed", col, app)
        if app.open_on(last):
            add("applications", "carried_forward", col, app)
        for f in app.follow_ups:
            if first <= f.filed <= last:
                add("review_litigation", f.kind, f.result_at(last), app)
    return RegisterTables(year, ed.key, values, members, kept)


# the columns each table counts in, for the tests and the pages
APPLICANT_KEYS = tuple(c.key for c in APPLICANT_COLUMNS)
REVIEW_KEYS = tuple(c.key for c in REVIEW_COLUMNS)
REVIEW_ROWS = tuple(r.key for r in REVIEW_LITIGATION.rows)
