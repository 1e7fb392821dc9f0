"""The deadlines of 第四十九条 as data: by when, in the year after the report's year, each level of agency
publishes its annual report. The national rule is in deadlines.yaml beside this module; an office whose
local rules move a deadline (区属部门 by 2月20日) writes its own file of the same shape, naming only the
levels it changes, and gives it to ``gongkai check --deadlines FILE`` or to ``check(..., deadlines=)``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import GongkaiError

DEFAULT_FILE = "deadlines.yaml"
MAX_BYTES = 64 * 1024  # a deadlines file is a few lines

LEVELS = ("department", "government", "township", "street")
LEVEL_ZH = {"department": "部门", "government": "政府", "township": "乡镇", "street": "街道"}
# who a level is, in a message
WHO = {"department": "县级以上人民政府部门", "government": "县级以上地方人民政府", "township": "乡镇", "street": "街道"}
# the names a file may give each level
_LEVEL_NAMES = {
    "部门": "department", "县级以上人民政府部门": "department", "政府部门": "department", "department": "department",
    "政府": "government", "县级以上地方人民政府": "government", "人民政府": "government", "government": "government",
    "乡镇": "township", "乡镇人民政府": "township", "乡镇政府": "township", "township": "township",
    "街道": "street", "街道办事处": "street", "street": "street",
}
_BASIS = ("依据", "basis")
_DATE_KEYS = ("期限", "deadline")
_DAY = re.compile(r"^\s*(\d{1,2})\s*(?:月\s*(\d{1,2})\s*日?|[-/.]\s*(\d{1,2}))\s*$")
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 2月29日 is not in every year


class DeadlinesError(GongkaiError):
    """A deadlines file that cannot be used: the reason in Chinese, with where."""

    code = "deadlines"


@dataclass(frozen=True, slots=True)
class Deadline:
    month: int
    day: int
    basis: str  # what sets it: 《中华人民共和国政府信息公开条例》第四十九条, or the local rule's name

    def after(self, year: int) -> dt.date:
        """The last day to publish the report on ``year``: in the year after it."""
        return dt.date(year + 1, self.month, self.day)


@dataclass(frozen=True, slots=True)
class Deadlines:
    levels: dict[str, Deadline] = field(default_factory=dict)  # every level of LEVELS
    source: str | None = None  # the office's file; None for the national rule

    def of(self, level: str) -> Deadline:
        return self.levels[level]


@cache
def default_deadlines() -> Deadlines:
    """第四十九条 as the package's deadlines.yaml gives it (read once)."""
    text = (resources.files("gongkai") / "formats" / DEFAULT_FILE).read_text(encoding="utf-8")
    return parse_deadlines(text, None, inherit=False)


def load_deadlines(path: str | Path) -> Deadlines:
    """An office's deadlines file: the levels it names, the national rule for the others. DeadlinesError
    (a one-line Chinese reason) when it cannot be used."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        why = ("文件不存在" if isinstance(exc, FileNotFoundError) else "这是一个文件夹，不是文件"
               if isinstance(exc, IsADirectoryError) else "没有读取权限" if isinstance(exc, PermissionError)
               else "无法读取")
        raise DeadlinesError(f"公布期限文件 {p}：{why}", f"cannot read the deadlines file {p}: {exc}") from exc
    if len(data) > MAX_BYTES:
        raise DeadlinesError(f"公布期限文件 {p} 过大（{len(data)} 字节），不应超过 {MAX_BYTES // 1024} KB",
                             f"the deadlines file {p} is too large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DeadlinesError(f"公布期限文件 {p} 不是 UTF-8 编码的文本，请用 UTF-8 保存",
                             f"the deadlines file {p} is not UTF-8 text") from exc
    return parse_deadlines(text, str(p))


def parse_deadlines(text: str, source: str | None = "公布期限", *, inherit: bool = True) -> Deadlines:
    """Deadlines from YAML text; the levels it leaves out are the national rule's (``inherit``), or the
    text must give every level."""
    name = source or DEFAULT_FILE

    def bad(zh: str, en: str) -> DeadlinesError:
        return DeadlinesError(f"公布期限文件 {name}：{zh}", f"deadlines file {name}: {en}")

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else ""
        raise bad(f"{where}不是有效的 YAML，请检查冒号、缩进和引号（应按“级别: 期限”逐行书写，如“部门: 2月20日”）",
                  f"not valid YAML: {' '.join(str(exc).split())}") from exc
    if data is None:
        raise bad("文件是空的，请至少写出一级的期限，如“部门: 2月20日”", "the file is empty")
    if not isinstance(data, dict):
        raise bad("应按“级别: 期限”逐行书写，如“部门: 2月20日”", "not a mapping of levels to deadlines")
    basis = None
    given: dict[str, tuple[int, int, str | None]] = {}
    for key, value in data.items():
        k = str(key).strip()
        if k in _BASIS:
            basis = _text(value, k, bad)
            continue
        level = _LEVEL_NAMES.get(k)
        if level is None:
            known = "、".join(LEVEL_ZH.values())
            raise bad(f"不认识的级别“{k}”，可写的级别有：{known}（以及“依据”）", f"unknown level {k!r}")
        if level in given:
            raise bad(f"“{k}”与前面的“{LEVEL_ZH[level]}”是同一级，重复了", f"level {level} given twice")
        own = None
        if isinstance(value, dict):
            parts = {str(x).strip(): v for x, v in value.items()}
            extra = [x for x in parts if x not in _DATE_KEYS + _BASIS]
            if extra:
                raise bad(f"“{k}”下不认识的项“{extra[0]}”，只可写“期限”和“依据”", f"unknown entry {extra[0]!r} under {k}")
            date_value = next((parts[x] for x in _DATE_KEYS if x in parts), None)
            if date_value is None:
                raise bad(f"“{k}”下没有写“期限”，如“期限: 2月20日”", f"no deadline under {k}")
            own = next((_text(parts[x], f"{k}的依据", bad) for x in _BASIS if x in parts), None)
        else:
            date_value = value
        month, day = _month_day(date_value, k, bad)
        given[level] = (month, day, own)
    if not given:
        raise bad("没有写出任何一级的期限，如“部门: 2月20日”", "no level given")
    fallback = default_deadlines() if inherit else None
    levels: dict[str, Deadline] = {}
    for level in LEVELS:
        if level in given:
            month, day, own = given[level]
            levels[level] = Deadline(month, day, own or basis or f"本地规定（{source or DEFAULT_FILE}）")
        elif fallback is not None:
            levels[level] = fallback.of(level)
        else:
            raise bad(f"缺少“{LEVEL_ZH[level]}”的期限", f"no deadline for {level}")
    return Deadlines(levels, source)


def _text(value: Any, what: str, bad) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad(f"“{what}”应写一段文字（规定的名称或文号）", f"{what} should be text")
    return value.strip()


def _month_day(value: Any, key: str, bad) -> tuple[int, int]:
    """(month, day) of "2月20日", "2-20", "02-20"; a date with a year is refused (the deadline recurs every year)."""
    if isinstance(value, dt.date):
        raise bad(f"“{key}”的期限只写月和日（如“2月20日”），不写年份：每年的报告都按它判断",
                  f"{key}: a month and a day without a year")
    if isinstance(value, bool) or not isinstance(value, str):
        raise bad(f"“{key}”的期限“{value}”看不懂，请写成“2月20日”", f"{key}: cannot read {value!r}")
    m = _DAY.match(value)
    if m is None:
        raise bad(f"“{key}”的期限“{value}”看不懂，请写成“2月20日”", f"{key}: cannot read {value!r}")
    month, day = int(m.group(1)), int(m.group(2) or m.group(3))
    if not 1 <= month <= 12:
        raise bad(f"“{key}”的期限“{value}”中没有{month}月", f"{key}: no month {month}")
    if not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        if month == 2 and day == 29:
            raise bad(f"“{key}”的期限不能是2月29日（不是每年都有），请写2月28日或3月1日", f"{key}: 29 February")
        raise bad(f"“{key}”的期限“{value}”中{month}月没有{day}日", f"{key}: no day {day} in month {month}")
    return month, day
