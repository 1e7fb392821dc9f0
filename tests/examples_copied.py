"""Examples for test_rule_examples: copied text (gongkai.checks.copied). code → (report text, last year's report text or None),
written with tests/reportgen.py; each makes its rule fire while the correct report keeps it silent."""

from __future__ import annotations

FIRES: dict[str, tuple[str, str | None]] = {}
