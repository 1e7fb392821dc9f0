"""Examples for test_rule_examples: copied text (gongkai.checks.copied). code → (report text, last year's report text or None),
written with tests/reportgen.py; each makes its rule fire while the correct report keeps it silent.
GK801 reads other reports of the store: tests/test_copied.py fires it on a real store."""

from __future__ import annotations

from reportgen import BODY, HEADINGS, last_year, report_text


def with_narrative(text: str, body: dict[int, str]) -> str:
    """``text`` (a report from report_text) with the narrative of its sections replaced by ``body``."""
    lines = text.split("\n")
    for n, words in body.items():
        i = lines.index(HEADINGS[n])
        lines[i + 1] = words  # report_text prints a section's text on the line after its heading
    return "\n".join(lines)


# last year's report (its own tables) written in the very words of this year's correct report, the year
# aside: this year's narrative is last year's
LAST_YEAR_SAME_WORDS = with_narrative(last_year(), {n: t.replace("2023年", "2022年") for n, t in BODY.items()})

FIRES: dict[str, tuple[str, str | None]] = {
    "GK605": (report_text(), LAST_YEAR_SAME_WORDS),
}
