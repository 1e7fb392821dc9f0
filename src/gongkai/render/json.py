"""The JSON contract (``Report.to_json()``, docs/json.md), as read back by ``Report.from_json``."""

from __future__ import annotations

import json

from . import Prepared, sections_of


def render(p: Prepared) -> bytes:
    report = p.report
    report.sections = sections_of(p.parts)
    data = report.to_json()
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
