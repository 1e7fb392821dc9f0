"""The store's packaging of one file, done in a sandbox's worker (gongkai.pipeline): the pipeline reads,
extracts and checks; :func:`packaged` adds what the store keeps — cells in columns, the text's sketch, the
agency's place. Everything returned is plain data, cheap to send back to the single writer."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ..agencies import AgencyName, RegionPath, report_region
from ..checks import Finding, check
from ..errors import GongkaiError
from ..limits import DEFAULT_LIMITS, Limits
from ..location import dumps
from ..model import AmbiguousRun, Cell, Report, Unread
from ..pipeline import Failure, Processed, Sandbox, default_sandbox
from ..similar import TextSketch, narrative_text, sketch


@dataclass(slots=True)
class Parsed:
    path: str
    status: str  # ok | known | failed
    sha256: str | None = None
    size: int = 0
    format: str | None = None
    data: bytes | None = None
    report_json: str | None = None
    agency: str | None = None
    year: int | None = None
    edition: str | None = None
    title: str | None = None
    date: str | None = None
    # every cell, column-wise: (tables, rows, columns, values, raws, ats, hows, confidences, candidates,
    # doubts) — cheap to send and to insert; ``at`` as the store keeps it, JSON text (location.dumps);
    # ``how`` None when read as printed, ``candidates`` JSON text
    cell_columns: tuple[list, ...] = field(default_factory=lambda: ([], [], [], [], [], [], [], [], [], []))
    crops: list[tuple[str, str, str, bytes]] = field(default_factory=list)  # (table, row, column, PNG)
    findings: list[dict] = field(default_factory=list)
    sections: list[tuple[int, str, str]] = field(default_factory=list)
    sketch: TextSketch | None = None
    name: AgencyName | None = None
    region: RegionPath = field(default_factory=RegionPath)
    reason: str | None = None
    message: str | None = None
    message_en: str | None = None

    @property
    def cells(self):
        """(table, row, column, value, raw, at, how, confidence, candidates, doubt) for every cell."""
        return zip(*self.cell_columns, strict=True)


def warm_up() -> None:
    """Set a worker up to package files (the initializer of the sandboxes the store uses): the text
    sketch's library and tables are loaded now (about a second), not within the first file's time."""
    sketch("本机关认真贯彻落实政府信息公开条例，主动公开政府信息，依法办理政府信息公开申请。" * 20)


def refused(path: str, exc: GongkaiError) -> Parsed:
    """A file that could not even be opened (missing, a directory, over the size limit)."""
    return _failed(path, None, Failure.of(exc))


def packaged(p: Processed) -> Parsed:
    """A processed file as the store keeps it (applied in the worker: the rows are built there)."""
    if p.failure is not None:
        return _failed(p.name, p.sha256, p.failure, p.size)
    assert p.report is not None and p.data is not None
    head = "\n".join(par.text for par in p.document.paragraphs()[:80]) if p.document is not None else ""
    return from_report(p.report, p.data, p.name, p.report.source.sha256, head, p.findings)


def parse_bytes(data: bytes, path: str | None, sha: str | None = None, limits: Limits = DEFAULT_LIMITS,
                sandbox: Sandbox | None = None) -> Parsed:
    """Read, check and package one file given as bytes, in ``sandbox`` (the process's default one when
    None). ``sha`` is accepted for callers that know it; the worker works it out again."""
    return (sandbox or default_sandbox()).run(data, path, limits, then=packaged)


Reviewed = tuple[str, float | None, str]  # (table.row.column, value, the cell's text as the reviewer read it)


def reviewed(reviews: tuple[Reviewed, ...], p: Processed) -> Parsed:
    """:func:`packaged`, with the values reviewers read by eye put in and the rules run again on them
    (``then`` of a stored report read again: gongkai.store.reviews)."""
    if p.failure is None and p.report is not None and reviews:
        apply_reviews(p.report, reviews)
        p.findings = check(p.report)
    return packaged(p)


def _num(v: float | None) -> int | float | None:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def apply_reviews(report: Report, reviews: Iterable[Reviewed]) -> None:
    """Put reviewers' values into ``report``: each cell takes the value read by eye (``how`` "reviewer", no
    doubt left, the crop kept). A run of digits several splits fitted keeps only the splits that agree with
    the values read; where every split listed agrees on a cell, that cell is read too. What gongkai had
    noted about rows it could not read goes once their cells are read."""
    given: dict[str, tuple[int | float | None, str]] = {}
    for ref, value, raw in reviews:
        t, r, c = ref.split(".")
        v = _num(value)
        given[ref] = (v, raw)
        cell = report.cell(ref)
        if cell is None:  # (the reader no longer finds the cell: the reviewer's value still stands)
            report.tables.setdefault(t, {}).setdefault(r, {})[c] = Cell(v, raw, how="reviewer")
            continue
        cell.value, cell.raw, cell.how, cell.doubt, cell.candidates, cell.confidence = v, raw, "reviewer", None, (), None
        report.doubts.pop(ref, None)
    report.ambiguous = [kept for run in report.ambiguous if (kept := _narrowed(report, run, given)) is not None]
    report.unread = [note for note in report.unread if _still_unread(report, note)]


def _narrowed(report: Report, run: AmbiguousRun, given: dict[str, tuple[int | float | None, str]]
              ) -> AmbiguousRun | None:
    """The run with what reviewers read taken into account; None when no cell of it is left in doubt."""
    fixed = {i: given[ref][0] for i, ref in enumerate(run.cells) if ref in given}
    if not fixed:
        return run
    complete = run.count == len(run.splits)  # every consistent split is listed: the listed ones decide
    fits = [s for s in run.splits if all(s[i] == v for i, v in fixed.items())]
    open_ = [i for i in range(len(run.cells)) if i not in fixed]
    if complete and fits:
        for i in open_:
            values = {s[i] for s in fits}
            cell = report.cell(run.cells[i])
            if cell is None or cell.doubt != "ambiguous":
                continue
            if len(values) == 1:  # the same in every split left: read
                v = values.pop()
                cell.value, cell.raw, cell.doubt, cell.candidates = v, "/" if v is None else str(v), None, ()
            else:
                cell.candidates = tuple(v for v in dict.fromkeys(s[i] for s in fits) if v is not None)
    left = [i for i in open_ if (c := report.cell(run.cells[i])) is not None and c.doubt == "ambiguous"]
    if not left:
        return None
    splits = tuple(dict.fromkeys(tuple(s[i] for i in left) for s in (fits if complete and fits else run.splits)))
    return replace(run, cells=tuple(run.cells[i] for i in left), splits=splits,
                   count=len(splits) if complete else run.count)


def _still_unread(report: Report, note: Unread) -> bool:
    """A row (or table) gongkai could not read, some cell of which is still not read."""
    rows = report.tables.get(note.table) or {}
    cells = [c for r, cols in rows.items() if note.row is None or r == note.row for c in cols.values()]
    return not cells or any(c.doubt == "unread" for c in cells)


def cell_rows(report: Report) -> tuple[tuple[list, ...], list[tuple[str, str, str, bytes]]]:
    """A report's cells column-wise (see ``Parsed.cell_columns``) and the crops the store keeps: those of
    uncertain cells and of cells a reviewer read."""
    cols: tuple[list, ...] = ([], [], [], [], [], [], [], [], [], [])
    crops = []
    for t, rows in report.tables.items():
        for r, row in rows.items():
            for c, cell in row.items():
                cols[0].append(t)
                cols[1].append(r)
                cols[2].append(c)
                cols[3].append(cell.value)
                cols[4].append(cell.raw)
                cols[5].append(dumps(cell.at))
                how = cell.how
                cols[6].append(None if how == "printed" else how)
                cols[7].append(cell.confidence)
                cols[8].append(json.dumps(list(cell.candidates)) if cell.candidates else None)
                cols[9].append(cell.doubt)
                if cell.crop and (cell.doubt is not None or how == "reviewer"):
                    crops.append((t, r, c, bytes(cell.crop)))
    return cols, crops


def report_json_text(report: Report) -> str:
    """The report as the store keeps it: its JSON without the crops' images (kept in ``cell_crops``)."""
    rj = report.to_json()
    for rows in (rj.get("tables") or {}).values():
        for cols in rows.values():
            for cell in cols.values():
                if isinstance(cell, dict):
                    cell.pop("crop_png_base64", None)
    return json.dumps(rj, ensure_ascii=False, separators=(",", ":"))


def from_report(report: Report, data: bytes, path: str | None, sha: str, head: str,
                findings: list[Finding]) -> Parsed:
    """The store's rows of a report the pipeline gave (``head``: the document's first paragraphs, where
    the agency's place may be named)."""
    found = [f.to_json() for f in findings]
    for f in found:
        f.pop("file", None)
    cols, crops = cell_rows(report)
    if not head:
        head = "\n".join(s.text for s in report.sections[:1])
    name, region = report_region(report.agency, report.title, report.contact.get("address"), head)
    return Parsed(
        path=path or "<stdin>",
        status="ok",
        sha256=sha,
        size=len(data),
        format=report.source.format,
        data=data,
        report_json=report_json_text(report),
        agency=report.agency,
        year=report.year,
        edition=report.edition,
        title=report.title,
        date=report.date.isoformat() if report.date else None,
        cell_columns=cols,
        crops=crops,
        findings=found,
        sections=[(sec.number, sec.title, sec.text) for sec in report.sections],
        sketch=sketch(narrative_text(report)),
        name=name,
        region=region,
    )


def _failed(path: str | None, sha: str | None, failure: Failure, size: int = 0) -> Parsed:
    return Parsed(path or "<stdin>", "failed", sha, size, reason=failure.reason, message=failure.zh,
                  message_en=failure.en)
