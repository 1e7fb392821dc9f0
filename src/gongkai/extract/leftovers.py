"""What a reader leaves of a table in the running text: a header cell printed on a line of its own
(三、本年度办理结果 above table 三 in a plain-text report) is no narrative. It is taken out here, where
the sections are made, so that the checks, the JSON and every output see the same text."""

from __future__ import annotations

from ..formats import TABLE_SECTION, label_index
from ..formats.labels import label_key
from ..model import Report, Section
from .sections import role_of


def is_table_label(paragraph: str) -> bool:
    """A paragraph that is only a label of a table's rows or headers (any edition)."""
    return label_key(paragraph) in label_index()[0]


def drop_table_labels(report: Report) -> None:
    """Take the table labels out of the text of each section that holds a table (the first section
    standing for 二, 三 or 四); the positions of the paragraphs left follow."""
    held: set[str] = set()
    for section in report.sections:
        role = role_of(section.title, section.number) if section.title else None
        table = next((t for t, n in TABLE_SECTION.items() if n == role and t not in held), None)
        if table is None:
            continue
        held.add(table)
        if section.text:
            _drop(section)


def _drop(section: Section) -> None:
    kept: list[str] = []
    moves: list[tuple[int, int, int | None]] = []  # (old start, old end, new start or None when dropped)
    old = new = 0
    for paragraph in section.text.split("\n"):
        end = old + len(paragraph) + 1
        if paragraph.strip() and is_table_label(paragraph):
            moves.append((old, end, None))
        else:
            moves.append((old, end, new))
            kept.append(paragraph)
            new += len(paragraph) + 1
        old = end
    if len(kept) == len(moves):
        return
    spans = []
    for offset, at in section.spans:
        start, _, moved = next((m for m in moves if m[0] <= offset < m[1]), (0, 0, None))
        if moved is not None:
            spans.append((moved + offset - start, at))
    section.text = "\n".join(kept)
    section.spans = spans
