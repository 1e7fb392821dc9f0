"""An existing register, kept in Excel or CSV in whatever shape the office keeps it, read into applications:

1. :func:`read_sheet` finds the header row (a title row above it is common) and the rows under it;
2. :func:`propose` maps each column to a field of the register by its header — a proposal the user
   confirms or changes;
3. :func:`convert` turns every row into an application with that mapping, or says why it cannot (row by
   row, in Chinese). The caller stores them all or none (``Register.add_many``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Any

from charset_normalizer import from_bytes
from openpyxl import load_workbook

from ..formats import EDITIONS, Edition, edition_for_year
from ..formats.common import RESULTS as RESULTS_HEADER
from .model import (
    APPLICANT_TYPES,
    CHANNELS,
    MAX_EXTENSION,
    RESULTS,
    Application,
    FollowUp,
    Pause,
    RegisterError,
    outcome_rows,
    problems,
)

MAX_ROWS = 20000
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Target:
    key: str
    name: str  # how the page names it
    aliases: tuple[str, ...]  # headers that mean it (compared folded)
    kind: str = "text"  # text | date | number | channel | applicant_type | outcome | extension | result


# The fields a column can be mapped to. 收到日期 is the day the office recorded as received: it stands for
# the date 第三十一条 takes (提交日期 for 当面, 签收或确认日期 otherwise).
TARGETS: tuple[Target, ...] = (
    Target("number", "登记编号", ("登记编号", "编号", "申请编号", "受理编号", "登记号", "流水号", "序号")),
    Target("received", "收到申请日期", ("收到申请日期", "收到日期", "受理日期", "收件日期", "登记日期", "申请日期",
                                     "接收日期", "收到时间", "收到申请时间", "受理时间", "申请时间"), "date"),
    Target("submitted", "提交日期", ("提交日期", "提交时间", "寄出日期"), "date"),
    Target("confirmed", "签收或确认日期", ("签收或确认日期", "签收日期", "确认日期", "签收时间", "确认时间"), "date"),
    Target("channel", "收到方式", ("收到方式", "申请方式", "提交方式", "申请渠道", "渠道", "方式", "申请途径"), "channel"),
    Target("applicant_type", "申请人类型", ("申请人类型", "申请人类别", "申请主体类型", "申请人性质", "主体类型", "类型",
                                        "申请人情况"), "applicant_type"),
    Target("applicant", "申请人", ("申请人", "申请人姓名", "申请人名称", "姓名或名称", "姓名")),
    Target("content", "申请内容", ("申请内容", "申请公开的内容", "申请事项", "申请信息", "所需信息", "内容摘要", "内容")),
    Target("correction_requested", "补正告知日期", ("补正告知日期", "告知补正日期", "补正日期", "补正通知日期"), "date"),
    Target("correction_answered", "收到补正日期", ("收到补正日期", "补正后收到日期", "补正答复日期", "补正完成日期"), "date"),
    Target("consultation_start", "征求意见日期", ("征求意见日期", "征求第三方意见日期", "征求意见时间"), "date"),
    Target("consultation_end", "收到意见日期", ("收到意见日期", "第三方答复日期", "第三方意见日期", "意见反馈日期"), "date"),
    Target("extension", "延长答复期限", ("延长答复期限", "延期", "是否延期", "延期天数", "延长期限", "延长工作日"), "extension"),
    Target("extended_on", "延期告知日期", ("延期告知日期", "延期日期", "延期时间"), "date"),
    Target("replied", "答复（办结）日期", ("答复日期", "答复办结日期", "办结日期", "答复时间", "办结时间", "答复日"), "date"),
    Target("outcome", "办理结果", ("办理结果", "答复结果", "处理结果", "答复类型", "答复情况", "办理情况", "答复意见",
                               "结果"), "outcome"),
    Target("fee_notice", "收费通知日期", ("收费通知日期", "收费通知时间"), "date"),
    Target("fee_amount", "收费金额（元）", ("收费金额", "信息处理费", "收费金额元", "处理费金额"), "number"),
    Target("fee_paid", "缴费日期", ("缴费日期", "缴费时间"), "date"),
    Target("review_filed", "申请行政复议日期", ("申请行政复议日期", "复议申请日期", "行政复议日期", "复议日期"), "date"),
    Target("review_result", "行政复议结果", ("行政复议结果", "复议结果", "行政复议", "行政复议情况", "复议情况"), "result"),
    Target("review_decided", "复议决定日期", ("复议决定日期", "行政复议决定日期"), "date"),
    Target("litigation_filed", "起诉日期", ("起诉日期", "行政诉讼日期", "诉讼日期"), "date"),
    Target("litigation_result", "行政诉讼结果", ("行政诉讼结果", "诉讼结果", "行政诉讼", "行政诉讼情况", "诉讼情况"), "result"),
    Target("litigation_decided", "判决日期", ("判决日期", "诉讼判决日期", "裁判日期"), "date"),
    Target("note", "备注", ("备注", "说明", "其他")),
)
TARGET = {t.key: t for t in TARGETS}
SKIP = ""  # a column not imported


def _key(text: Any) -> str:
    """A header or value compared folded: full-width to half-width, no blanks, no brackets or punctuation."""
    s = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s()（）\[\]【】《》<>:：,，、.。;；/\\\-—_*]+", "", s).lower()


# ---------------------------------------------------------------------------------------------- the sheet


@dataclass(slots=True)
class Sheet:
    name: str  # the file's name (and the sheet's, for a workbook)
    headers: list[str]
    rows: list[list[Any]]  # the cells under the header row
    header_row: int  # the header's row number as the spreadsheet shows it (1 = first)

    def row_number(self, i: int) -> int:
        return self.header_row + 1 + i

    def samples(self, column: int, n: int = 3) -> list[str]:
        out = []
        for row in self.rows:
            v = row[column] if column < len(row) else None
            if v not in (None, ""):
                out.append(_text(v)[:30])
            if len(out) >= n:
                break
        return out


def _text(v: Any) -> str:
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if not (v.hour or v.minute or v.second) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_sheet(data: bytes, name: str = "") -> Sheet:
    """The register in a workbook (.xlsx: its first sheet with a header row) or a CSV file (UTF-8 or GBK,
    comma- or tab-separated)."""
    if len(data) > MAX_BYTES:
        raise RegisterError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请分成几个文件导入", "file too large")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, name)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RegisterError("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中“另存为” .xlsx 或 CSV 后再导入",
                            "legacy .xls is not read")
    return _read_csv(data, name)


def _read_xlsx(data: bytes, name: str) -> Sheet:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RegisterError("无法读取这个 Excel 文件（可能已损坏或不是 .xlsx）", f"cannot read the workbook: {exc}") from exc
    try:
        for ws in wb.worksheets:
            rows = []
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                if i > MAX_ROWS:
                    raise RegisterError(f"表格超过 {MAX_ROWS} 行，请分成几个文件导入", "too many rows")
                rows.append(list(row))
            sheet = _with_header(rows, f"{name}（{ws.title}）" if name else ws.title)
            if sheet is not None:
                return sheet
    finally:
        wb.close()
    raise RegisterError("Excel 文件中没有找到表头（如“收到日期”“申请人类型”“办理结果”）", "no header row found")


def _read_csv(data: bytes, name: str) -> Sheet:
    text = None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        best = from_bytes(data).best()
        if best is None:
            raise RegisterError("无法识别 CSV 文件的文字编码（请另存为 UTF-8 或 GBK）", "unknown encoding")
        text = str(best)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    if len(rows) > MAX_ROWS:
        raise RegisterError(f"表格超过 {MAX_ROWS} 行，请分成几个文件导入", "too many rows")
    sheet = _with_header(rows, name)
    if sheet is None:
        raise RegisterError("CSV 文件中没有找到表头（如“收到日期”“申请人类型”“办理结果”）", "no header row found")
    return sheet


def _with_header(rows: list[list[Any]], name: str) -> Sheet | None:
    """The sheet under the first of its first ten rows that names at least two fields."""
    for i, row in enumerate(rows[:10]):
        texts = [_text(v) if v is not None else "" for v in row]
        if sum(1 for t in texts if _match(t)[0]) >= 2:
            width = max((j + 1 for j, t in enumerate(texts) if t), default=0)
            body = [list(r[:width]) + [None] * (width - len(r[:width])) for r in rows[i + 1:]]
            while body and all(v in (None, "") for v in body[-1]):
                body.pop()
            return Sheet(name, texts[:width], body, i + 1)
    return None


# ---------------------------------------------------------------------------------------------- the mapping


def _match(header: str) -> tuple[str | None, tuple[int, int]]:
    """The field a header names and how well: (2, …) its own name (an earlier alias better), (1, length) a
    name of three characters or more within a longer header."""
    k = _key(header)
    if not k:
        return None, (0, 0)
    for t in TARGETS:
        for i, a in enumerate(t.aliases):
            if k == _key(a):
                return t.key, (2, -i)
    best, best_len = None, 0
    for t in TARGETS:
        for a in t.aliases:
            ak = _key(a)
            if len(ak) >= 3 and ak in k and len(ak) > best_len:
                best, best_len = t.key, len(ak)
    return best, ((1, best_len) if best else (0, 0))


def propose(headers: list[str]) -> dict[int, str]:
    """Column index → field, from the headers: each field to the column that names it best (the first when
    two do equally well); columns that name nothing are left out."""
    taken: dict[str, tuple[int, tuple[int, int]]] = {}
    for i, h in enumerate(headers):
        key, score = _match(h)
        if key is None:
            continue
        have = taken.get(key)
        if have is None or score > have[1]:
            taken[key] = (i, score)
    return {i: key for key, (i, _) in sorted(taken.items(), key=lambda kv: kv[1][0])}


def mapping_problems(mapping: dict[int, str], width: int) -> list[str]:
    """What keeps a mapping from giving applications at all."""
    out = []
    fields = list(mapping.values())
    for key in set(fields):
        if key and fields.count(key) > 1:
            cols = [str(i + 1) for i, k in mapping.items() if k == key]
            out.append(f"“{TARGET[key].name}”对应了多列（第{'、'.join(cols)}列），只能对应一列")
    for i, key in mapping.items():
        if key and key not in TARGET:
            out.append(f"第{i + 1}列：没有“{key}”这一项")
        if not 0 <= i < width:
            out.append(f"表格没有第{i + 1}列")
    have = set(fields)
    if not have & {"received", "submitted", "confirmed"}:
        out.append("没有对应“收到申请日期”（或提交日期、签收或确认日期）的列")
    if "applicant_type" not in have:
        out.append("没有对应“申请人类型”的列（表三按申请人类型分列统计）")
    return out


# ---------------------------------------------------------------------------------------------- values

_DATE_PATTERNS = (
    re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(v: Any) -> dt.date | None:
    """A date as spreadsheets hold it: a date cell, an Excel day number, 2024-03-05, 2024/3/5, 2024.3.5,
    2024年3月5日, 20240305. Blank is None; anything else raises ValueError with the reason."""
    if v in (None, ""):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        if 20000 <= v <= 80000:  # an Excel day number (1954–2119)
            return _EXCEL_EPOCH + dt.timedelta(days=int(v))
        if 19000101 <= v <= 21001231 and float(v).is_integer():
            v = str(int(v))
        else:
            raise ValueError(f"“{_text(v)}”不是日期")
    s = unicodedata.normalize("NFKC", str(v)).strip()
    for rx in _DATE_PATTERNS:
        m = rx.fullmatch(s)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise ValueError(f"“{s[:20]}”不是有效的日期") from None
    if re.fullmatch(r"\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?", s):
        raise ValueError(f"日期“{s[:20]}”没有写年份")
    raise ValueError(f"“{s[:20]}”不是日期（应写成 2024-03-05 或 2024年3月5日）")


_CHANNEL_WORDS = (
    ("online", ("电子邮件", "电子信箱", "邮箱", "email", "e-mail", "网", "在线", "网上", "互联网", "平台", "微信", "app")),
    ("fax", ("传真",)),
    ("in_person", ("当面", "现场", "窗口", "面交", "来访", "亲自")),
    ("letter", ("平常信函", "平信", "普通信函", "信函", "来信")),
    ("post", ("挂号", "ems", "快递", "邮政", "邮寄", "寄送", "邮件")),
    ("other", ("其他", "其它")),
)


def parse_channel(v: Any) -> str:
    s = _key(v)
    if not s:
        raise ValueError("没有填写收到方式")
    for key, ch in CHANNELS.items():
        if s == _key(ch.label):
            return key
    for key, words in _CHANNEL_WORDS:
        if any(w in s for w in words):
            return key
    raise ValueError(f"收到方式“{_text(v)[:20]}”不认识（应为 {'、'.join(c.label for c in CHANNELS.values())}）")


_APPLICANT_WORDS = (
    ("natural_person", ("自然人", "个人", "公民", "群众")),
    ("commercial", ("商业企业", "企业", "公司", "商户", "个体工商户")),
    ("research", ("科研机构", "科研", "研究院", "研究所", "高校", "大学")),
    ("social_welfare", ("社会公益组织", "公益", "基金会", "协会")),
    ("legal_service", ("法律服务机构", "律师事务所", "律所", "法律服务", "律师")),
    ("other_org", ("其他组织", "其他", "其它", "村委会", "居委会", "合作社")),
)


def parse_applicant_type(v: Any) -> str:
    s = _key(v)
    if not s:
        raise ValueError("没有填写申请人类型")
    for key, label in APPLICANT_TYPES.items():
        if s in (_key(label), _key(label.split("·")[-1]), key):
            return key
    for key, words in _APPLICANT_WORDS:
        if any(_key(w) in s for w in words):
            return key
    raise ValueError(f"申请人类型“{_text(v)[:20]}”不是表三的申请人类型（{'、'.join(APPLICANT_TYPES.values())}）")


# common wordings of an outcome → the row meant; the rows' own names are matched first
_OUTCOME_WORDS = (
    ("partially_granted", ("部分公开",)),
    ("withheld_state_secret", ("国家秘密",)),
    ("withheld_prohibited", ("法律行政法规禁止", "禁止公开")),
    ("withheld_security", ("三安全一稳定", "危及")),
    ("withheld_third_party", ("第三方合法权益",)),
    ("withheld_internal", ("内部事务",)),
    ("withheld_process", ("过程性",)),
    ("withheld_enforcement_file", ("执法案卷",)),
    ("withheld_inquiry", ("行政查询", "查询事项")),
    ("unavailable_not_held", ("不掌握", "信息不存在", "不存在")),
    ("unavailable_needs_creation", ("另行制作", "没有现成")),
    ("unavailable_unclear", ("仍不明确",)),
    ("declined_petition", ("信访", "举报", "投诉")),
    ("declined_duplicate", ("重复申请",)),
    ("declined_publication", ("公开出版物",)),
    ("declined_excessive", ("大量反复",)),
    ("declined_confirmation", ("重新出具", "确认或重新")),
    ("other_no_correction", ("逾期不补正", "未补正", "不补正")),
    ("other_unpaid_fee", ("未缴纳", "未缴费", "逾期未缴", "未按收费通知")),
    ("granted", ("予以公开", "同意公开", "全部公开", "已公开", "公开")),
)


def _body(label: str) -> str:
    """A row's name without its numbering: 1.属于国家秘密 → 属于国家秘密."""
    return re.sub(r"^(?:（[一二三四五六七八九十]+）)?\d*[.、．]?", "", label)


def parse_outcome(v: Any, edition: Edition) -> str:
    """The row of ``edition``'s table 三 a written outcome names."""
    s = _key(v)
    if not s:
        raise ValueError("没有填写办理结果")
    rows = outcome_rows(edition)
    table = edition.table("applications")
    for r in table.rows:
        if r.key in rows and s in (_key(r.label), _key(r.name), _key(_body(r.label)), r.key):
            return r.key
    for key, words in _OUTCOME_WORDS:
        if any(_key(w) in s for w in words):
            if key == "granted" and any(w in s for w in ("不予", "不公开", "无法", "不予处理", "未公开")):
                break  # 不予公开 … without saying which: asked below
            if key in rows:
                return key
            if key.startswith("other_") and "other" in rows:  # 2019: （六）其他处理 is one row
                return "other"
    for r in table.rows:  # a group named without its row: 不予公开 — which kind?
        if r.key in rows and r.group and r.group != RESULTS_HEADER and _key(_body(r.group)) in s:
            raise ValueError(f"办理结果“{_text(v)[:20]}”没有写明是{r.group}中的哪一种（如“{_body(r.group)}-{_body(r.label)}”）")
    if "其他" in s and "other" in rows:
        return "other"
    if "其他" in s and "other_other" in rows:
        return "other_other"
    raise ValueError(f"办理结果“{_text(v)[:30]}”对不上{edition.name}表三的任何一项")


_RESULT_WORDS: tuple[tuple[str | None, tuple[str, ...]], ...] = (
    (None, ("未审结", "尚未", "审理中", "在审", "未结", "待定", "审查中")),
    ("upheld", ("维持", "驳回诉讼请求", "驳回起诉")),
    ("corrected", ("纠正", "撤销", "确认违法", "责令", "变更", "败诉")),
    ("other", ("其他", "其它", "驳回", "终止", "撤诉", "调解", "和解")),
)
NO_CASE = frozenset({"", "无", "否", "没有", "/", "-", "—", "0"})


def parse_result(v: Any) -> tuple[bool, str | None]:
    """(there is a case, its result or None while undecided) from what a register writes about it."""
    s = _key(v)
    if s in NO_CASE:
        return False, None
    for key, label in RESULTS.items():
        if s == _key(label):
            return True, key
    for result, words in _RESULT_WORDS:
        if any(w in s for w in words):
            return True, result
    if s in ("是", "有", "已申请", "已起诉"):
        return True, None
    raise ValueError(f"“{_text(v)[:20]}”看不出结果（应为 结果维持、结果纠正、其他结果 或 尚未审结）")


def parse_extension(v: Any) -> int:
    """Working days of the extension: a number, or yes (20) / no (0)."""
    if v in (None, ""):
        return 0
    if isinstance(v, int | float) and not isinstance(v, bool):
        n = float(v)
    else:
        s = _key(v)
        if s in ("", "否", "无", "不延期", "未延期", "0", "/", "-"):
            return 0
        if s in ("是", "延期", "已延期", "有", "√", "y", "yes"):
            return MAX_EXTENSION
        m = re.fullmatch(r"(?:延期|延长)?(\d+)(?:个)?(?:工作日|天|日)?", s)
        if not m:
            raise ValueError(f"延长答复期限“{_text(v)[:20]}”看不懂（填 是/否 或工作日数）")
        n = float(m.group(1))
    if not n.is_integer() or not 0 <= n <= MAX_EXTENSION:
        raise ValueError(f"延长答复期限 {_text(v)} 不对：第三十三条规定最长延长{MAX_EXTENSION}个工作日")
    return int(n)


def parse_number(v: Any) -> float | None:
    if v in (None, ""):
        return None
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v)
    s = unicodedata.normalize("NFKC", str(v)).strip().replace(",", "").removesuffix("元")
    if s in ("", "无", "/", "-", "—"):
        return None
    try:
        return float(s)
    except ValueError:
        raise ValueError(f"“{_text(v)[:20]}”不是金额") from None


# ---------------------------------------------------------------------------------------------- rows


@dataclass(slots=True)
class RowProblem:
    row: int  # as the spreadsheet numbers it
    reasons: list[str]

    def __str__(self) -> str:
        return f"第{self.row}行：{'；'.join(self.reasons)}"


@dataclass(slots=True)
class Converted:
    applications: list[Application] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # the spreadsheet row of each application
    problems: list[RowProblem] = field(default_factory=list)
    skipped: int = 0  # blank rows


def convert(sheet: Sheet, mapping: dict[int, str], *, default_channel: str | None = None,
            taken_numbers: set[str] | None = None) -> Converted:
    """Every row of the sheet as an application with this mapping; rows that cannot be are listed with the
    reasons (nothing half-read: a row with a problem gives no application)."""
    bad = mapping_problems(mapping, len(sheet.headers))
    if bad:
        raise RegisterError("；".join(bad), "the mapping cannot be used", problems=bad)
    out = Converted()
    seen: dict[str, int] = {}
    taken = taken_numbers or set()
    for i, row in enumerate(sheet.rows):
        values = {key: row[col] if col < len(row) else None for col, key in mapping.items() if key}
        if all(v in (None, "") or (isinstance(v, str) and not v.strip()) for v in values.values()):
            out.skipped += 1
            continue
        number = sheet.row_number(i)
        app, reasons = _row(values, default_channel)
        if app.number:
            if app.number in taken:
                reasons.append(f"登记编号“{app.number}”在本机关台账中已有")
            elif app.number in seen:
                reasons.append(f"登记编号“{app.number}”与第{seen[app.number]}行重复")
            seen.setdefault(app.number, number)
        if not reasons:
            reasons = problems(app)
        if reasons:
            out.problems.append(RowProblem(number, reasons))
        else:
            out.applications.append(app)
            out.rows.append(number)
    return out


def _row(values: dict[str, Any], default_channel: str | None) -> tuple[Application, list[str]]:
    app = Application()
    reasons: list[str] = []
    parsed: dict[str, Any] = {}
    for key, v in values.items():
        kind = TARGET[key].kind
        try:
            if kind == "date":
                parsed[key] = parse_date(v)
            elif kind == "number":
                parsed[key] = parse_number(v)
            elif kind == "channel":
                parsed[key] = parse_channel(v) if v not in (None, "") else None
            elif kind == "applicant_type":
                parsed[key] = parse_applicant_type(v)
            elif kind == "extension":
                parsed[key] = parse_extension(v)
            elif kind == "result":
                parsed[key] = parse_result(v)
            else:
                parsed[key] = _text(v) if v is not None else ""
        except ValueError as exc:
            reasons.append(f"{TARGET[key].name}：{exc}")
    channel = parsed.get("channel") or default_channel or "other"
    app.channel = channel
    app.number = parsed.get("number") or None
    app.applicant_type = parsed.get("applicant_type") or ""
    app.applicant, app.content, app.note = (parsed.get(k) or "" for k in ("applicant", "content", "note"))
    app.submitted, app.confirmed = parsed.get("submitted"), parsed.get("confirmed")
    received = parsed.get("received")
    if received is not None:  # the day the office recorded as received stands for the one 第三十一条 takes
        if CHANNELS[channel].date_field == "submitted":
            app.submitted = app.submitted or received
        else:
            app.confirmed = app.confirmed or received
    for k in ("correction_requested", "correction_answered", "extended_on", "replied", "fee_notice", "fee_paid"):
        setattr(app, k, parsed.get(k))
    app.fee_amount = parsed.get("fee_amount")
    app.extension_days = parsed.get("extension") or 0
    if parsed.get("consultation_start"):
        app.consultations = [Pause("third_party", parsed["consultation_start"], parsed.get("consultation_end"))]
    elif parsed.get("consultation_end"):
        reasons.append("有收到意见日期，没有征求意见日期")
    raw_outcome = values.get("outcome")
    if raw_outcome not in (None, "") and _key(raw_outcome):
        if app.replied is None:
            reasons.append("写了办理结果，但没有答复（办结）日期")
        else:
            ed = edition_for_year(app.replied.year)
            if ed is None:
                reasons.append(f"答复日期 {app.replied} 所在年度没有适用的年度报告格式")
            else:
                try:
                    app.outcome = parse_outcome(raw_outcome, ed)
                except ValueError as exc:
                    reasons.append(f"办理结果：{exc}")
    elif app.replied is not None:
        reasons.append("有答复日期，但没有写办理结果")
    fallback = app.replied or app.received
    review = parsed.get("review_result")
    if review and review[0]:
        filed = parsed.get("review_filed") or fallback
        if filed is None:
            reasons.append("有行政复议，但看不出申请复议的日期")
        else:
            decided = parsed.get("review_decided") or (filed if review[1] else None)
            app.follow_ups.append(FollowUp("review", filed, review[1], decided))
    lit = parsed.get("litigation_result")
    if lit and lit[0]:
        filed = parsed.get("litigation_filed") or fallback
        if filed is None:
            reasons.append("有行政诉讼，但看不出起诉的日期")
        else:
            kind = "litigation_after_review" if app.follow_ups else "litigation_direct"
            decided = parsed.get("litigation_decided") or (filed if lit[1] else None)
            app.follow_ups.append(FollowUp(kind, filed, lit[1], decided))
    return app, reasons


def editions_named() -> str:
    return "、".join(e.name for e in EDITIONS.values())
