"""From a Document (any format) to a Report: sections, tables, and the report's own facts."""

from __future__ import annotations

from ..document import Document, Paragraph
from ..location import Location
from ..model import Report, Section
from . import meta, scan, tables
from .leftovers import drop_table_labels
from .units import Unit, units_and_text


def extract(doc: Document) -> Report:
    units, text = units_and_text(doc)
    report = Report(source=doc.source)
    _sections(report, text)
    drop_table_labels(report)  # a table's header cell printed as a line is no narrative

    paragraphs = [(b.text, b.at) for b in doc.blocks if isinstance(b, Paragraph)]
    title, title_at = meta.find_title(paragraphs)
    if title is None and doc.meta.get("title"):
        title, title_at = doc.meta["title"], Location(meta="title")
    if title is None and doc.meta.get("标题"):
        title, title_at = doc.meta["标题"], Location(meta="标题")
    report.title, report.title_at = title, title_at
    report.preamble = _preamble(text, title_at)
    body = "\n".join(t for t, _ in paragraphs)
    report.year = meta.year_from(title, body)
    report.agency = meta.agency_from(title)
    report.date, report.date_at = meta.find_date(paragraphs, doc.meta)
    report.published, report.published_from, report.published_at = meta.find_published(
        paragraphs, doc.meta, doc.source.format, report.year)
    report.contact = meta.find_contact(body[:6000])
    meta.take_signature(report)

    res = scan.scan(units)
    report.edition = tables.detect_edition(res)
    tables.fill(report, res, report.edition, doc)
    return report


def _preamble(units: list[Unit], title_at: Location | None) -> str:
    """The running text before the first section heading, after the title when the title is among it."""
    before: list[Unit] = []
    for u in units:
        if u.heading:
            break
        before.append(u)
    else:
        return ""  # no section at all: nothing is "before" them
    for i, u in enumerate(before):
        if title_at is not None and u.at == title_at:
            before = before[i + 1:]
            break
    return "\n".join(t for t in (u.text.strip() for u in before if u.kind == "para") if t)


def _sections(report: Report, units: list[Unit]) -> None:
    current: Section | None = None
    texts: list[tuple[str, Location]] = []

    def close():
        if current is not None:
            parts, pos = [], 0
            for raw, at in texts:
                text = raw.strip()
                if not text:
                    continue
                current.spans.append((pos, at))
                parts.append(text)
                pos += len(text) + 1
            current.text = "\n".join(parts)
            report.sections.append(current)

    for u in units:
        if u.heading:
            close()
            h = u.heading
            current = Section(h.number, h.title.rstrip("。.：: "), "", u.at, h.printed)
            texts = []
        elif current is not None and u.kind == "para":
            texts.append((u.text, u.at))
    close()
