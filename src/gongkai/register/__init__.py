"""The application register (依申请公开台账): every application for government information through the
year, its legal deadline in working days, and tables 三 and 四 computed from it (docs/register.md).

    from gongkai.register import Application, Register, deadline, year_tables
    reg = Register(store)                                  # over a gongkai.store.Store
    app = reg.add(Application(agency_id=3, submitted=date(2024, 3, 4)), by="张三")
    deadline(app, date.today()).due                        # 2024-04-01
    reg.year_tables(3, 2024).value("applications.new_received.total")
"""

from __future__ import annotations

from . import schema  # noqa: F401  (the register's tables on the store's MetaData)
from .calendar import CalendarError, add_working_days, is_workday, working_days_between
from .deadlines import DUE_SOON, Deadline, deadline
from .model import (
    APPLICANT_TYPES,
    CHANNELS,
    FOLLOW_UP_KINDS,
    PAUSE_KINDS,
    RESULTS,
    Application,
    FollowUp,
    Pause,
    RegisterError,
    outcome_choices,
    outcome_rows,
    problems,
)
from .store import Listed, Register
from .tables import RegisterTables, year_tables

__all__ = [
    "APPLICANT_TYPES",
    "CHANNELS",
    "DUE_SOON",
    "FOLLOW_UP_KINDS",
    "PAUSE_KINDS",
    "RESULTS",
    "Application",
    "CalendarError",
    "Deadline",
    "FollowUp",
    "Listed",
    "Pause",
    "Register",
    "RegisterError",
    "RegisterTables",
    "add_working_days",
    "deadline",
    "is_workday",
    "outcome_choices",
    "outcome_rows",
    "problems",
    "working_days_between",
    "year_tables",
]
