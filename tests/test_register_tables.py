"""Tables 三 and 四 of a year computed from a register written by hand; the counts were worked out by hand
(below each application, what it contributes to 2024), including applications spanning the new year."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.formats import get_edition
from gongkai.register import Application, FollowUp, Pause, RegisterError, year_tables
from gongkai.register.model import outcome_choices, outcome_rows, problems

D = dt.date


def app(n: str, received: dt.date, kind: str, replied: dt.date | None = None, outcome: str | None = None,
        **kw) -> Application:
    return Application(channel="in_person", submitted=received, applicant_type=kind, number=n, replied=replied,
                       outcome=outcome, **kw)


REGISTER = [
    # 2023, still open on 1 Jan 2024 → 上年结转; concluded in 2024
    app("A1", D(2023, 12, 11), "natural_person", D(2024, 1, 5), "granted"),
    app("A2", D(2023, 12, 20), "commercial", D(2024, 2, 20), "partially_granted"),
    # 2023, concluded in 2023: not in 2024 at all
    app("A3", D(2023, 11, 1), "natural_person", D(2023, 11, 20), "granted"),
    # received and concluded in 2024
    app("A4", D(2024, 1, 15), "natural_person", D(2024, 2, 1), "granted"),
    app("A5", D(2024, 3, 4), "natural_person", D(2024, 3, 25), "unavailable_not_held",
        follow_ups=[FollowUp("review", D(2024, 4, 20), "corrected", D(2024, 6, 1)),
                    FollowUp("litigation_after_review", D(2024, 6, 15), "other", D(2024, 11, 1))]),
    app("A6", D(2024, 5, 6), "legal_service", D(2024, 5, 30), "withheld_third_party",
        consultations=[Pause("third_party", D(2024, 5, 8), D(2024, 5, 20))]),
    app("A7", D(2024, 6, 3), "natural_person", D(2024, 7, 10), "other_no_correction",
        correction_requested=D(2024, 6, 5)),
    app("A8", D(2024, 9, 2), "research", D(2024, 9, 20), "declined_duplicate",
        follow_ups=[FollowUp("litigation_direct", D(2024, 10, 10))]),
    app("A13", D(2024, 10, 8), "natural_person", D(2024, 10, 30), "granted",
        follow_ups=[FollowUp("review", D(2024, 11, 15), "upheld", D(2024, 12, 20))]),
    app("A14", D(2024, 4, 1), "commercial", D(2024, 4, 20), "withheld_process",
        follow_ups=[FollowUp("review", D(2024, 12, 10), "corrected", D(2025, 1, 15))]),  # decided after the year
    # received in 2024, open on 31 Dec 2024 → 结转下年度
    app("A9", D(2024, 12, 16), "natural_person"),
    app("A10", D(2024, 12, 27), "other_org", D(2025, 1, 10), "granted"),
    # received in 2023 and still open at the end of 2024: carried over and carried forward
    app("A11", D(2023, 12, 28), "social_welfare", D(2025, 2, 1), "granted",
        consultations=[Pause("third_party", D(2023, 12, 29))]),
    # 2025: not in 2024
    app("A12", D(2025, 1, 3), "natural_person"),
    # concluded in 2023, reviewed in 2024: counts in 2024's table 四 only
    app("A15", D(2023, 6, 1), "natural_person", D(2023, 6, 20), "granted",
        follow_ups=[FollowUp("review", D(2024, 1, 10), "upheld", D(2024, 3, 1))]),
]
for i, a in enumerate(REGISTER, start=1):
    a.id = i

COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")


def row(t, key: str) -> tuple[int, ...]:
    return tuple(t.value(f"applications.{key}.{c}") for c in COLUMNS)


def review(t, key: str) -> tuple[int, ...]:
    return tuple(t.value(f"review_litigation.{key}.{c}") for c in ("upheld", "corrected", "other", "pending", "total"))


def test_every_entry_of_the_register_is_sound():
    assert [(a.number, problems(a)) for a in REGISTER if problems(a)] == []


def test_table_three_of_2024_from_the_register():
    t = year_tables(REGISTER, 2024)
    assert t.edition == "2021" and t.kept
    #                                  自然人 商业 科研 公益 法律 其他 总计
    assert row(t, "new_received") == (5, 1, 1, 0, 1, 1, 9)  # A4 A5 A7 A9 A13 | A14 | A8 | — | A6 | A10
    assert row(t, "carried_over") == (1, 1, 0, 1, 0, 0, 3)  # A1 | A2 | A11
    assert row(t, "granted") == (3, 0, 0, 0, 0, 0, 3)  # A1 A4 A13
    assert row(t, "partially_granted") == (0, 1, 0, 0, 0, 0, 1)  # A2
    assert row(t, "withheld_third_party") == (0, 0, 0, 0, 1, 0, 1)  # A6
    assert row(t, "withheld_process") == (0, 1, 0, 0, 0, 0, 1)  # A14
    assert row(t, "unavailable_not_held") == (1, 0, 0, 0, 0, 0, 1)  # A5
    assert row(t, "declined_duplicate") == (0, 0, 1, 0, 0, 0, 1)  # A8
    assert row(t, "other_no_correction") == (1, 0, 0, 0, 0, 0, 1)  # A7
    assert row(t, "total_processed") == (5, 2, 1, 0, 1, 0, 9)
    assert row(t, "carried_forward") == (1, 0, 0, 1, 0, 1, 3)  # A9 | A11 | A10
    untouched = set(outcome_rows(get_edition("2021"))) - {
        "granted", "partially_granted", "withheld_third_party", "withheld_process", "unavailable_not_held",
        "declined_duplicate", "other_no_correction"}
    assert all(row(t, k) == (0,) * 7 for k in untouched)
    # 一 + 二 = （七）+ 四 in every column
    for i in range(7):
        assert row(t, "new_received")[i] + row(t, "carried_over")[i] == row(t, "total_processed")[i] + row(t, "carried_forward")[i]
    # the applications behind a cell, for messages
    assert [a.number for a in t.members["applications.carried_forward.total"]] == ["A11", "A9", "A10"]
    assert t.names("applications.carried_over.total") == "编号A1、编号A2、编号A11"  # in the order received


def test_table_four_of_2024_from_the_follow_ups():
    t = year_tables(REGISTER, 2024)
    #                                       维持 纠正 其他 未审结 总计
    assert review(t, "review") == (2, 1, 0, 1, 4)  # A13 A15 | A5 | — | A14 (decided in 2025)
    assert review(t, "litigation_direct") == (0, 0, 0, 1, 1)  # A8, undecided
    assert review(t, "litigation_after_review") == (0, 0, 1, 0, 1)  # A5


def test_the_years_before_and_after_join_up():
    t23, t24, t25 = (year_tables(REGISTER, y) for y in (2023, 2024, 2025))
    assert row(t23, "carried_forward") == row(t24, "carried_over") == (1, 1, 0, 1, 0, 0, 3)
    assert row(t24, "carried_forward") == row(t25, "carried_over") == (1, 0, 0, 1, 0, 1, 3)
    assert row(t25, "new_received") == (1, 0, 0, 0, 0, 0, 1)  # A12
    assert row(t25, "granted") == (0, 0, 0, 1, 0, 1, 2)  # A11, A10
    assert row(t25, "carried_forward") == (2, 0, 0, 0, 0, 0, 2)  # A9, A12
    assert review(t25, "review") == (0, 0, 0, 0, 0)  # A14's review counts in 2024, the year it was filed
    # 2023: A1 A2 A3 A11 A15 received (A3, A15 concluded)
    assert row(t23, "new_received") == (3, 1, 0, 1, 0, 0, 5)
    assert year_tables(REGISTER, 2022).kept is False


def test_other_editions():
    # a 2020 application concluded as 2019's single （六）其他处理, counted in 2020 in the 2019 edition, and
    # carried into the 2021 edition's （六）3.其他 when asked for in that edition
    old = [app("B1", D(2020, 3, 2), "natural_person", D(2020, 3, 20), "other")]
    assert problems(old[0]) == []
    t = year_tables(old, 2020)
    assert t.edition == "2019" and t.value("applications.other.total") == 1
    assert year_tables(old, 2020, "2021").value("applications.other_other.natural_person") == 1
    # an outcome must be a row of the edition of the year it was concluded in
    wrong = app("B2", D(2024, 3, 4), "natural_person", D(2024, 3, 20), "other")
    assert any("2021年版格式" in p for p in problems(wrong))
    groups = dict(outcome_choices(get_edition("2021")))
    assert [k for k, _ in groups["其他处理"]] == ["other_no_correction", "other_unpaid_fee", "other_other"]
    with pytest.raises(RegisterError):
        year_tables(old, 2018)


def test_entries_that_cannot_be_stored_say_why():
    bad = Application(channel="post", submitted=D(2024, 3, 1), applicant_type="citizen", extension_days=25,
                      replied=D(2024, 2, 1), outcome="granted", correction_answered=D(2024, 3, 5))
    found = problems(bad)
    assert any("签收或确认日期" in p and "第三十一条" in p for p in found)
    assert any("申请人类型" in p for p in found)
    assert any("最长不得超过20个工作日" in p for p in found)
    assert any("没有补正告知日期" in p for p in found)
    assert problems(Application(channel="in_person", submitted=D(2024, 3, 1), replied=D(2024, 2, 1), outcome="granted")) == [
        "答复日期 2024-02-01 早于收到申请日期 2024-03-01。"]
    assert any("请选择办理结果" in p for p in problems(in_person_replied_without_outcome()))


def in_person_replied_without_outcome() -> Application:
    return Application(channel="in_person", submitted=D(2024, 3, 1), replied=D(2024, 3, 5))
