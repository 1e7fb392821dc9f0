"""The store's packaging of one file, done in a sandbox's worker (gongkai.pipeline): the pipeline reads,
extracts and checks; :func:`packaged` adds what the store keeps — cells in columns, the text's sketch, the
agency's place. Everything returned is plain data, cheap to send back to the single writer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..agencies import AgencyName, RegionPath, report_region
from ..checks import Finding
from ..errors import GongkaiError
from ..limits import DEFAULT_LIMITS, Limits
from ..location import dumps
from ..model import Report
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
    # every cell, column-wise: (tables, rows, columns, values, raws, ats) — cheap to send and to insert;
    # ``at`` as the store keeps it, JSON text (location.dumps)
    cell_columns: tuple[list, ...] = field(default_factory=lambda: ([], [], [], [], [], []))
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
        """(table, row, column, value, raw, at) for every cell."""
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


def from_report(report: Report, data: bytes, path: str | None, sha: str, head: str,
                findings: list[Finding]) -> Parsed:
    """The store's rows of a report the pipeline gave (``head``: the document's first paragraphs, where
    the agency's place may be named)."""
    found = [f.to_json() for f in findings]
    for f in found:
        f.pop("file", None)
    cols: tuple[list, ...] = ([], [], [], [], [], [])
    for t, rows in report.tables.items():
        for r, row in rows.items():
            for c, cell in row.items():
                cols[0].append(t)
                cols[1].append(r)
                cols[2].append(c)
                cols[3].append(cell.value)
                cols[4].append(cell.raw)
                cols[5].append(dumps(cell.at))
    if not head:
        head = "\n".join(s.text for s in report.sections[:1])
    name, region = report_region(report.agency, report.title, report.contact.get("address"), head)
    rj = report.to_json()
    return Parsed(
        path=path or "<stdin>",
        status="ok",
        sha256=sha,
        size=len(data),
        format=report.source.format,
        data=data,
        report_json=json.dumps(rj, ensure_ascii=False, separators=(",", ":")),
        agency=report.agency,
        year=report.year,
        edition=report.edition,
        title=report.title,
        date=report.date.isoformat() if report.date else None,
        cell_columns=cols,
        findings=found,
        sections=[(sec.number, sec.title, sec.text) for sec in report.sections],
        sketch=sketch(narrative_text(report)),
        name=name,
        region=region,
    )


def _failed(path: str | None, sha: str | None, failure: Failure, size: int = 0) -> Parsed:
    return Parsed(path or "<stdin>", "failed", sha, size, reason=failure.reason, message=failure.zh,
                  message_en=failure.en)
