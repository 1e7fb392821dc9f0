"""The office's own list of agencies (CSV) brought into the store: names, levels, regions, aliases.

The CSV is authoritative: an agency it lists takes its name, level and region from it, and every stored
agency its name or aliases resolve to is merged into it (their reports move over; for a year with two
reports the newer stays current). See docs/store.md for the columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, inspect, select, text, update

from ..agencies import AgencyRow, RegionPath, agency_level, complete_path, fold_name, parse_name, read_agency_csv
from . import schema as S
from .writer import AgencyRec, Writer, crossyear_agency, now, recompute_current


@dataclass(slots=True)
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    merged: int = 0  # stored agencies folded into one the CSV lists
    completed: int = 0  # other agencies whose missing upper levels the CSV filled in
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "merged": self.merged,
                "completed": self.completed, "notes": list(self.notes)}


def _region_of(row: AgencyRow) -> tuple[RegionPath, str | None]:
    """The CSV row's region, completed by the places its name prints (conflicts are reported)."""
    an = parse_name(row.name)
    region = row.region
    note = None
    if an.prefix and region:
        if an.prefix.conflicts(region):
            note = f"第{row.line}行：名称“{row.name}”中的地名与所填地区“{region.path}”不一致，以所填地区为准"
        else:
            region = region.merged(an.prefix)
    elif an.prefix:
        region = an.prefix
    return region, note


def import_agencies(store, data: bytes | str) -> ImportSummary:
    rows = read_agency_csv(data)
    out = ImportSummary(rows=len(rows))
    writer = Writer(store.engine)
    touched: set[int] = set()
    with store.engine.begin() as conn:
        for row in rows:
            region, note = _region_of(row)
            if note:
                out.notes.append(note)
            names = [row.name] + row.aliases
            parsed = [parse_name(n) for n in names]
            an = parsed[0]
            found: dict[int, AgencyRec] = {}
            for p in parsed:
                for rec in writer.index.find_all(p, region):
                    found[rec.id] = rec
            level = row.level or (an.level if an.kind != "department" else agency_level("department", None, region))
            if not found:
                aid = conn.execute(S.agencies.insert().values(
                    name=fold_name(row.name), core=an.core, kind=an.kind, level=level, province=region.province,
                    city=region.city, county=region.county, township=region.township, from_csv=True, created=now(),
                )).inserted_primary_key[0]
                writer.index.put(AgencyRec(aid, fold_name(row.name), an.core, an.kind, level, region, True))
                out.created += 1
            else:
                ordered = sorted(found.values(), key=lambda r: (not r.from_csv, r.id))
                target, others = ordered[0], ordered[1:]
                aid = target.id
                conn.execute(update(S.agencies).where(S.agencies.c.id == aid).values(
                    name=fold_name(row.name), core=an.core, kind=an.kind, level=level, province=region.province,
                    city=region.city, county=region.county, township=region.township, from_csv=True,
                ))
                writer.index.put(AgencyRec(aid, fold_name(row.name), an.core, an.kind, level, region, True))
                out.updated += 1
                for other in others:
                    _merge(conn, writer, other.id, aid)
                    out.merged += 1
                touched.add(aid)
            for p in parsed:
                writer.add_name(conn, aid, p.canonical, p.core, "csv" if p is an else "alias")
        # the CSV's knowledge fills the upper levels other agencies' reports left out
        csv_paths = [r.region for r in writer.index.by_id.values() if r.from_csv and r.region]
        for rec in list(writer.index.by_id.values()):
            if rec.from_csv or not rec.region:
                continue
            done = complete_path(rec.region, csv_paths)
            if done != rec.region:
                level = rec.level if rec.kind != "department" else agency_level("department", None, done)
                conn.execute(update(S.agencies).where(S.agencies.c.id == rec.id).values(
                    province=done.province, city=done.city, county=done.county, township=done.township, level=level))
                out.completed += 1
        for aid in touched:
            years = conn.execute(select(S.reports.c.year).where(
                S.reports.c.agency_id == aid, S.reports.c.year.is_not(None)).distinct()).scalars().all()
            for y in years:
                recompute_current(conn, aid, y)
            crossyear_agency(writer, conn, aid)
    return out


_OWN = frozenset({"agencies", "agency_names", "reports"})  # moved by _merge itself


def _move_references(conn, source: int, target: int) -> None:
    """Every other row naming agency ``source`` (the register's applications, the yearly cycle's states, the
    roll-up's choices …) moves to ``target``: found in the database's own catalogue, so a table added later
    is not forgotten. A row keyed by the agency and something else (a year) that ``target`` already has
    stays behind and goes with ``source``."""
    prep = conn.dialect.identifier_preparer
    insp = inspect(conn)
    for table in insp.get_table_names():
        if table in _OWN:
            continue
        for fk in insp.get_foreign_keys(table):
            if fk["referred_table"] != "agencies" or len(fk["constrained_columns"]) != 1:
                continue
            col = fk["constrained_columns"][0]
            t, c = prep.quote(table), prep.quote(col)
            pk = insp.get_pk_constraint(table)["constrained_columns"] or []
            key = [k for k in pk if k != col]
            if col in pk and key:
                same = " AND ".join(f"o.{prep.quote(k)} = {t}.{prep.quote(k)}" for k in key)
                # names from the database's catalogue, quoted by the dialect; the ids are bound
                conn.execute(text(f"DELETE FROM {t} WHERE {c} = :s AND EXISTS "  # noqa: S608
                                  f"(SELECT 1 FROM {t} o WHERE o.{c} = :t AND {same})"), {"s": source, "t": target})
            conn.execute(text(f"UPDATE {t} SET {c} = :t WHERE {c} = :s"), {"s": source, "t": target})  # noqa: S608


def _merge(conn, writer: Writer, source: int, target: int) -> None:
    """Agency ``source`` is ``target``: its reports and names move over, then it is removed."""
    conn.execute(update(S.reports).where(S.reports.c.agency_id == source).values(agency_id=target))
    have = set(conn.execute(select(S.agency_names.c.name).where(S.agency_names.c.agency_id == target)).scalars())
    for name, core, src in conn.execute(select(S.agency_names.c.name, S.agency_names.c.core,
                                               S.agency_names.c.source).where(S.agency_names.c.agency_id == source)).all():
        if name not in have:
            conn.execute(S.agency_names.insert().values(agency_id=target, name=name, core=core, source=src))
        writer.index.by_name[name].discard(source)
        writer.index.by_name[name].add(target)
        writer.index.by_core[core].discard(source)
        writer.index.by_core[core].add(target)
    _move_references(conn, source, target)
    conn.execute(delete(S.agency_names).where(S.agency_names.c.agency_id == source))
    conn.execute(delete(S.agencies).where(S.agencies.c.id == source))
    writer.index.by_id.pop(source, None)
