"""Examples for test_rule_examples: the narrative's claims (gongkai.checks.claims). code → (report text, last year's report text or None),
written with tests/reportgen.py; each makes its rule fire while the correct report keeps it silent."""

from __future__ import annotations

from reportgen import apps, last_year, report_text, tables

# the correct report's table 三 with one of its 3 granted applications dropped for a fee notice not paid
# (every identity still holds)
UNPAID_FEE = tables(applications=apps(granted=[1, 1, 0, 0, 0, 0, 2], other_unpaid_fee=[1, 0, 0, 0, 0, 0, 1]))

FIRES: dict[str, tuple[str, str | None]] = {
    # 1 application is carried forward (table 三 四), yet all were finished
    "GK403": (report_text(body={3: "本年度新收政府信息公开申请6件，上年结转1件，均已按期办结。"}), None),
    # no fee collected, while an applicant did not pay the fee notice
    "GK404": (report_text(tables=UNPAID_FEE), None),
    # 5 → 6 is a rise of 20%
    "GK405": (report_text(body={3: "本年度新收政府信息公开申请6件，较上年的5件增长50%。"}), None),
    # (3 + 1) / 6 is 66.7%; no usual reading gives 90%
    "GK406": (report_text(body={3: "本年度新收政府信息公开申请6件，依申请公开率为90%。"}), None),
    # last year's report has 6 new applications too: no rise at all
    "GK606": (report_text(body={3: "本年度新收政府信息公开申请6件，同比增长50%。"}), last_year()),
}
