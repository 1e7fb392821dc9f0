"""The rule catalogue: stable codes, documented, and docs/rules.md generated from it."""

from __future__ import annotations

import re

from gongkai.checks import catalogue
from gongkai.checks.docs import rules_markdown

from conftest import ROOT


def test_every_rule_is_documented():
    rules = catalogue()
    assert len(rules) >= 20
    names = set()
    for r in rules:
        assert re.fullmatch(r"GK[1-9]\d\d", r.code)
        assert re.fullmatch(r"[a-z][a-z0-9-]+", r.name) and r.name not in names
        names.add(r.name)
        assert r.severity in ("error", "warning", "info")
        for text in (r.title, r.what, r.why, r.example):
            assert re.search(r"[\u4e00-\u9fff]", text), f"{r.code}: documentation must be in Chinese"


def test_docs_rules_md_is_generated_from_the_catalogue():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `gongkai rules --format markdown > docs/rules.md`"
    )


def test_the_identities_of_the_reference_have_rules():
    codes = {r.code for r in catalogue()}
    # 三: 一+二 = （七）+四; 总计 column; （七） = outcomes; 四: three totals
    assert {"GK301", "GK302", "GK303", "GK304"} <= codes
