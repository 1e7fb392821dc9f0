"""Export of the long-form cells with agency, region, year and edition: CSV or Parquet (pyarrow)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import IO, Any

from sqlalchemy import select

from ..formats import EDITIONS
from ..location import dumps, loads
from . import region_clause
from . import schema as S

COLUMNS = (
    "report_id", "agency_id", "agency", "level", "province", "city", "county", "township", "region", "year",
    "edition", "format", "current", "table", "row", "column", "row_label", "column_label", "value", "raw", "at",
)


@lru_cache(maxsize=4096)
def _labels(edition: str | None, table: str, row: str, column: str) -> tuple[str | None, str | None]:
    for key in ([edition] if edition in EDITIONS else []) + list(EDITIONS):
        try:
            t = EDITIONS[key].table(table)
            r = t.row(row)
        except KeyError:
            continue
        col = next((c.label for c in r.columns if c.key == column), None)
        return r.name, col
    return None, None


def rows(store, *, year: int | None = None, region: str | None = None, all_versions: bool = False,
         batch: int = 20000) -> Iterator[dict[str, Any]]:
    r, a, c = S.reports, S.agencies, S.cells
    q = select(r.c.id, r.c.agency_id, a.c.name, r.c.agency_printed, a.c.level, a.c.province, a.c.city, a.c.county,
               a.c.township, r.c.year, r.c.edition, r.c.format, r.c.current, c.c.table_key, c.c.row_key,
               c.c.column_key, c.c.value, c.c.raw, c.c.at).select_from(
        c.join(r, c.c.report_id == r.c.id).outerjoin(a, r.c.agency_id == a.c.id))
    if not all_versions:
        q = q.where(r.c.current)
    if year is not None:
        q = q.where(r.c.year == year)
    if region:
        q = q.where(region_clause(region))
    q = q.order_by(r.c.id, c.c.table_key, c.c.row_key, c.c.column_key)
    with store.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(q)
        for m in result:
            row_label, col_label = _labels(m.edition, m.table_key, m.row_key, m.column_key)
            value = m.value
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            parts = [p for p in (m.province, m.city, m.county, m.township) if p]
            yield {
                "report_id": m.id, "agency_id": m.agency_id, "agency": m.name or m.agency_printed, "level": m.level,
                "province": m.province, "city": m.city, "county": m.county, "township": m.township,
                "region": "/".join(parts) or None, "year": m.year, "edition": m.edition, "format": m.format,
                "current": bool(m.current), "table": m.table_key, "row": m.row_key, "column": m.column_key,
                "row_label": row_label, "column_label": col_label, "value": value, "raw": m.raw,
                "at": dumps(loads(m.at)),  # as JSON text ({"line":76}); an older store's text as {"note":…}
            }


def write_csv(store, out: IO[str] | None = None, **kw) -> int:
    out = out or sys.stdout
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    n = 0
    for row in rows(store, **kw):
        w.writerow(row)
        n += 1
    return n


def write_parquet(store, path, *, chunk: int = 50000, **kw) -> int:
    # lazy: pyarrow takes 100 MB and a third of a second to load; only Parquet needs it, not CSV
    import pyarrow as pa  # noqa: PLC0415  (lazy, see above)
    import pyarrow.parquet as pq  # noqa: PLC0415  (lazy, see above)

    fields: list[tuple[str, pa.DataType]] = [
        ("report_id", pa.int64()), ("agency_id", pa.int64()), ("agency", pa.string()), ("level", pa.string()),
        ("province", pa.string()), ("city", pa.string()), ("county", pa.string()), ("township", pa.string()),
        ("region", pa.string()), ("year", pa.int32()), ("edition", pa.string()), ("format", pa.string()),
        ("current", pa.bool_()), ("table", pa.string()), ("row", pa.string()), ("column", pa.string()),
        ("row_label", pa.string()), ("column_label", pa.string()), ("value", pa.float64()), ("raw", pa.string()),
        ("at", pa.string()),
    ]
    schema = pa.schema(fields)
    n = 0
    buf: dict[str, list] = {k: [] for k in COLUMNS}

    def flush(writer) -> None:
        if buf["report_id"]:
            writer.write_table(pa.Table.from_pydict(buf, schema=schema))
            for v in buf.values():
                v.clear()

    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        for row in rows(store, **kw):
            for k in COLUMNS:
                v = row[k]
                buf[k].append(float(v) if k == "value" and v is not None else v)
            n += 1
            if len(buf["report_id"]) >= chunk:
                flush(writer)
        flush(writer)
    return n
