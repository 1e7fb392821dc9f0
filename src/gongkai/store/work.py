"""The work done for one file, in a worker process: read, parse, check, sketch the text, place the
agency. Everything returned is plain data, cheap to send back to the single writer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..agencies import AgencyName, RegionPath, report_region
from ..checks import check
from ..errors import GongkaiError, ReadError
from ..extract import extract
from ..limits import DEFAULT_LIMITS, Limits
from ..model import Report
from ..readers import read_bytes
from ..similar import TextSketch, narrative_text, sketch
from ..workers import die_with_parent


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
    # every cell, column-wise: (tables, rows, columns, values, raws, ats) — cheap to send and to insert
    cell_columns: tuple[list, ...] = ((), (), (), (), (), ())
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
        return zip(*self.cell_columns)


_KNOWN: frozenset[str] = frozenset()
_LIMITS: Limits = DEFAULT_LIMITS


def init_worker(known: frozenset[str], limits: Limits = DEFAULT_LIMITS) -> None:
    """Set up a worker (or this process): the hashes already stored and the limits files are read with."""
    global _KNOWN, _LIMITS
    _KNOWN = known
    _LIMITS = limits


def init_pool_worker(known: frozenset[str], limits: Limits = DEFAULT_LIMITS) -> None:
    """The initializer of ingest's worker processes: they end with the ingest (a killed ingest leaves
    none behind), then are set up. Not for this process: init_worker runs here too when jobs is 1."""
    die_with_parent()
    init_worker(known, limits)


def parse_path(path: str, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limits.max_file_bytes:
            raise ReadError(
                f"文件过大（{size // (1024 * 1024)} MB），超过 {limits.max_file_bytes // (1024 * 1024)} MB 的上限",
                f"file too large ({size} bytes)", reason="limit",
            )
        data = p.read_bytes()
    except ReadError as exc:
        return _failed(path, None, exc)
    except OSError as exc:
        return _failed(path, None, ReadError(f"无法读取文件：{p}", f"cannot read {p}: {exc.strerror}", reason="missing"))
    sha = hashlib.sha256(data).hexdigest()
    if sha in _KNOWN:
        return Parsed(path, "known", sha, len(data))
    return parse_bytes(data, path, sha, limits)


def parse_chunk(paths: list[str]) -> list[Parsed]:
    return [parse_path(p, _LIMITS) for p in paths]


def parse_bytes(data: bytes, path: str | None, sha: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    sha = sha or hashlib.sha256(data).hexdigest()
    try:
        doc = read_bytes(data, path, limits)
        report = extract(doc)
    except GongkaiError as exc:
        return _failed(path, sha, exc, len(data))
    except Exception as exc:  # noqa: BLE001  a reader bug must not stop a run of thousands
        return _failed(path, sha, ReadError(f"读取时出错：{type(exc).__name__}: {exc}",
                                            f"error while reading: {type(exc).__name__}: {exc}", reason="error"),
                       len(data))
    head = "\n".join(p.text for p in doc.paragraphs()[:80])
    return from_report(report, data, path, sha, head)


def from_report(report: Report, data: bytes, path: str | None, sha: str, head: str = "") -> Parsed:
    findings = [f.to_json() for f in check(report)]
    for f in findings:
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
                cols[5].append(cell.at)
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
        findings=findings,
        sections=[(sec.number, sec.title, sec.text) for sec in report.sections],
        sketch=sketch(narrative_text(report)),
        name=name,
        region=region,
    )


def _failed(path, sha, exc: Exception, size: int = 0) -> Parsed:
    if isinstance(exc, GongkaiError):
        zh, en = exc.zh, exc.en
        reason = getattr(exc, "reason", exc.code)
    else:  # pragma: no cover
        zh = en = f"{type(exc).__name__}: {exc}"
        reason = "error"
    return Parsed(path or "<stdin>", "failed", sha, size, reason=reason, message=zh, message_en=en)
