"""Reply deadlines in working days (《政府信息公开条例》第三十至三十三条), worked out by hand from the
State Council General Office's holiday notices, around Spring Festival, National Day and the weekend days
made working days (调休), with 补正, consultations, a fee notice and extensions.

The notices (国务院办公厅关于部分节假日安排的通知):
- 2024 (国办发明电〔2023〕7号): 春节 2月10日至17日放假调休，2月4日（星期日）、2月18日（星期日）上班；
  中秋节 9月15日至17日，9月14日（星期六）上班；国庆节 10月1日至7日，9月29日（星期日）、10月12日（星期六）上班。
- 2025 (国办发明电〔2024〕12号): 春节 1月28日至2月4日放假调休，1月26日（星期日）、2月8日（星期六）上班；
  国庆节、中秋节 10月1日至8日，9月28日（星期日）、10月11日（星期六）上班。
- 2026 (国办发明电〔2025〕7号): 元旦 1月1日至3日，1月4日（星期日）上班。
A deadline is the 20th working day after the day of receipt (that day not counted).
"""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.register import Application, CalendarError, Pause, add_working_days, deadline, is_workday
from gongkai.register.calendar import known_years, working_days_between

D = dt.date
LATER = D(2026, 12, 6)  # a day after every deadline below (all replies due by then)


def due(app: Application, today: dt.date = LATER):
    return deadline(app, today)


def in_person(day: dt.date, **kw) -> Application:
    return Application(channel="in_person", submitted=day, **kw)


def test_the_calendar_knows_the_adjusted_working_days():
    assert is_workday(D(2024, 2, 4)) and is_workday(D(2024, 2, 18))  # Sundays worked before and after 春节
    assert not is_workday(D(2024, 2, 12))  # 春节 holiday, a Monday
    assert is_workday(D(2024, 10, 12)) and not is_workday(D(2024, 10, 7))  # Saturday worked; a Monday off
    assert is_workday(D(2025, 1, 26)) and is_workday(D(2025, 2, 8)) and not is_workday(D(2025, 2, 4))
    assert is_workday(D(2026, 1, 4)) and not is_workday(D(2026, 1, 2))
    assert not is_workday(D(2024, 3, 9))  # an ordinary Saturday


def test_spring_festival_2024():
    # received Friday 26 Jan: 29,30,31 Jan, 1,2 Feb (5), Sunday 4 Feb (6), 5–9 Feb (11), holiday 10–17,
    # Sunday 18 Feb (12), 19–23 Feb (17), 26, 27, 28 Feb (20)
    assert due(in_person(D(2024, 1, 26))).due == D(2024, 2, 28)
    # extended by 20: 29 Feb, 1 Mar (22), 4–8 (27), 11–15 (32), 18–22 (37), 25, 26, 27 Mar (40)
    d = due(in_person(D(2024, 1, 26), extension_days=20, extended_on=D(2024, 2, 20)))
    assert d.due == D(2024, 3, 27) and d.original_due == D(2024, 2, 28) and d.warnings == []


def test_spring_festival_2025_with_a_third_party_consulted():
    # received Wednesday 22 Jan: 23, 24 (2), Sunday 26 Jan (3), 27 (4), holiday 28 Jan–4 Feb, 5, 6, 7 (7),
    # Saturday 8 Feb (8), 10–14 (13), 17–21 (18), 24, 25 Feb (20)
    assert due(in_person(D(2025, 1, 22))).due == D(2025, 2, 25)
    # the third party is asked on 5 Feb (the 5th working day, which counts) and answers on 19 Feb: the
    # working days 6 Feb … 19 Feb do not count; 20, 21 (7), 24–28 (12), 3–7 Mar (17), 10, 11, 12 Mar (20)
    app = in_person(D(2025, 1, 22), consultations=[Pause("third_party", D(2025, 2, 5), D(2025, 2, 19))])
    d = due(app)
    assert d.due == D(2025, 3, 12)
    assert d.counted_out == [(D(2025, 2, 5), D(2025, 2, 19), "征求第三方意见")]


def test_national_day_2024_with_correction():
    # received Monday 23 Sep: 24–27 (4), Sunday 29 Sep (5), 30 Sep (6), holiday 1–7 Oct, 8–11 (10),
    # Saturday 12 Oct (11), 14–18 (16), 21–24 Oct (20)
    assert due(in_person(D(2024, 9, 23))).due == D(2024, 10, 24)
    # 补正 asked on 27 Sep, the corrected application received on Wednesday 9 Oct: 20 working days from
    # then (第三十条): 10, 11 (2), Saturday 12 (3), 14–18 (8), 21–25 (13), 28–31 (17), 1 Nov (18), 4, 5 Nov (20)
    d = due(in_person(D(2024, 9, 23), correction_requested=D(2024, 9, 27), correction_answered=D(2024, 10, 9)))
    assert d.due == D(2024, 11, 5) and d.start == D(2024, 10, 9)
    # the 补正 notice is due within 7 working days: 24–27, 29, 30 Sep, 8 Oct
    assert d.correction_due == D(2024, 10, 8) and d.warnings == []
    late = due(in_person(D(2024, 9, 23), correction_requested=D(2024, 10, 9), correction_answered=D(2024, 10, 9)))
    assert late.warnings and "2024-10-08" in late.warnings[0] and "第三十条" in late.warnings[0]


def test_national_day_2024_with_a_fee_notice():
    # fee notice on 9 Oct (the 8th working day: 24–27, 29, 30 Sep, 8, 9 Oct), paid on 16 Oct: 10, 11,
    # Saturday 12, 14, 15, 16 Oct do not count; 17, 18 (10), 21–25 (15), 28–31 (19), 1 Nov (20)
    app = in_person(D(2024, 9, 23), fee_notice=D(2024, 10, 9), fee_amount=100.0, fee_paid=D(2024, 10, 16))
    assert due(app).due == D(2024, 11, 1)
    # not yet paid: the clock stands; 8 working days used
    waiting = deadline(in_person(D(2024, 9, 23), fee_notice=D(2024, 10, 9)), D(2024, 10, 20))
    assert waiting.state == "waiting" and waiting.due is None and waiting.used == 8
    assert "收费通知至缴费" in waiting.waiting


def test_national_day_2025_and_an_extension():
    # received Thursday 25 Sep: 26 (1), Sunday 28 Sep (2), 29, 30 (4), holiday 1–8 Oct, 9, 10 (6),
    # Saturday 11 Oct (7), 13–17 (12), 20–24 (17), 27, 28, 29 Oct (20)
    assert due(Application(channel="online", submitted=D(2025, 9, 24), confirmed=D(2025, 9, 25))).due == D(2025, 10, 29)
    # +20: 30, 31 Oct (22), 3–7 (27), 10–14 (32), 17–21 (37), 24, 25, 26 Nov (40)
    d = due(in_person(D(2025, 9, 25), extension_days=20, extended_on=D(2025, 10, 20)))
    assert d.due == D(2025, 11, 26) and d.original_due == D(2025, 10, 29)
    # an extension decided after the original deadline is shown as such
    late = due(in_person(D(2025, 9, 25), extension_days=20, extended_on=D(2025, 10, 30)))
    assert late.due == D(2025, 11, 26) and "晚于原答复期限 2025-10-29" in late.warnings[0]


def test_new_year_2026():
    # received Monday 15 Dec 2025: 16–19 (4), 22–26 (9), 29–31 (12), holiday 1–3 Jan, Sunday 4 Jan (13),
    # 5–9 (18), 12, 13 Jan (20)
    assert due(in_person(D(2025, 12, 15))).due == D(2026, 1, 13)


def test_the_receiving_date_follows_article_31():
    # post: the day it is signed for; an ordinary letter, online, fax: the day both sides confirm
    post = Application(channel="post", submitted=D(2024, 3, 1), confirmed=D(2024, 3, 4))
    assert post.received == D(2024, 3, 4)
    # 4 Mar 2024 (Monday): 5–8 (4), 11–15 (9), 18–22 (14), 25–29 (19), 1 Apr (20)
    assert due(post).due == D(2024, 4, 1)
    assert Application(channel="online", submitted=D(2024, 3, 1)).received is None  # not confirmed yet
    assert Application(channel="in_person", submitted=D(2024, 3, 1)).received == D(2024, 3, 1)
    d = deadline(Application(channel="online", submitted=D(2024, 3, 1)), LATER)
    assert d.state == "unknown" and d.due is None


def test_where_an_application_stands_on_a_day():
    app = in_person(D(2024, 1, 26))  # due 28 Feb 2024
    # on 5 Feb: 6–9, 18–23, 26–28 Feb are left: 13 working days
    assert (d := deadline(app, D(2024, 2, 5))).state == "open" and d.left == 13
    assert (d := deadline(app, D(2024, 2, 26))).state == "due_soon" and d.left == 2
    assert (d := deadline(app, D(2024, 2, 28))).state == "due_soon" and d.left == 0 and "最后一天" in d.summary
    # on Friday 1 Mar: 29 Feb and 1 Mar past the deadline
    assert (d := deadline(app, D(2024, 3, 1))).state == "overdue" and d.left == -2
    assert d.summary == "2024-02-28 到期，已逾期 2 个工作日"
    # replied on 28 Feb: in time; on 4 Mar: late by 29 Feb, 1 Mar, 4 Mar
    assert deadline(in_person(D(2024, 1, 26), replied=D(2024, 2, 28), outcome="granted"), LATER).state == "replied"
    late = deadline(in_person(D(2024, 1, 26), replied=D(2024, 3, 4), outcome="granted"), LATER)
    assert late.state == "late" and "逾期 3 个工作日" in late.warnings[0]


def test_the_clock_stops_while_waiting():
    asked = in_person(D(2024, 9, 23), correction_requested=D(2024, 9, 27))
    d = deadline(asked, D(2024, 10, 20))
    assert d.state == "waiting" and d.due is None and "补正" in d.waiting
    # the third party asked on 5 Feb 2025 and not yet answered: 23, 24, 26, 27 Jan and 5 Feb used
    consult = in_person(D(2025, 1, 22), consultations=[Pause("other_agency", D(2025, 2, 5))])
    d = deadline(consult, D(2025, 2, 10))
    assert d.state == "waiting" and d.used == 5 and "征求其他机关意见" in d.waiting


def test_a_date_outside_the_calendar_is_an_error_not_a_guess():
    first, last = known_years()
    assert (first, last) == (2004, 2026)
    with pytest.raises(CalendarError) as err:
        is_workday(D(2027, 1, 4))
    assert "2027年的法定节假日和调休安排尚未收录" in err.value.zh
    # received Tuesday 1 Dec 2026: 2–4 (3), 7–11 (8), 14–18 (13), 21–25 (18), 28, 29 Dec (20) — computable
    assert due(in_person(D(2026, 12, 1)), D(2026, 12, 6)).due == D(2026, 12, 29)
    # extended by 20, it runs into 2027, whose holidays the calendar does not have: said, not guessed
    d = deadline(in_person(D(2026, 12, 1), extension_days=20, extended_on=D(2026, 12, 20)), D(2026, 12, 6))
    assert d.state == "unknown" and d.due is None and "2027年" in d.error and "不作推测" in d.error
    with pytest.raises(CalendarError):
        add_working_days(D(2003, 12, 30), 1)


def test_counting_between_days():
    # (26 Jan, 28 Feb 2024]: 20 working days; backwards the same, negative
    assert working_days_between(D(2024, 1, 26), D(2024, 2, 28)) == 20
    assert working_days_between(D(2024, 2, 28), D(2024, 1, 26)) == -20
    assert add_working_days(D(2024, 1, 26), 0) == D(2024, 1, 26)
