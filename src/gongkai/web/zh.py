"""What the pages print, in Chinese: counts and sums with thousands separators, a finding's expected and
printed values (numbers, lists, cells), the names of file formats and of reasons a file was not taken,
and the audit log's entries — never an internal key, a Python list or ``None``."""

from __future__ import annotations

import re
from typing import Any

from ..formats import TABLE_SHORT
from ..formats.files import FORMAT_NAMES
from ..register.model import outcome_name
from .schema import DECISION_ZH, ROLE_ZH
from .uploads import REASON_ZH

EMPTY = "—"


def num(v: Any) -> str:
    """A count or a sum as pages show it: 1,234 · 12.5 · 1,234.56 (— for none). Not for years, ids or phone
    numbers: those are printed as they are."""
    if v is None:
        return EMPTY
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        if v.is_integer():
            return f"{int(v):,}"
        return f"{v:,.2f}".rstrip("0").rstrip(".")
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def format_name(key: str | None) -> str:
    """纯文本, Word（.docx）, 网页, PDF … for a report's Source.format."""
    return FORMAT_NAMES.get(key or "", "未知格式")


def cell_place(ref: str, ed=None) -> str:
    """A cell, row or table reference named as a clerk finds it (表三「（七）总计」自然人); never the key."""
    parts = ref.split(".")
    if ed is not None:
        try:
            if len(parts) == 3:
                return ed.cell_label(ref)
            if len(parts) == 2:
                return f"{TABLE_SHORT[parts[0]]}「{ed.table(parts[0]).row(parts[1]).name}」"
        except (KeyError, StopIteration, ValueError):
            pass
    table = TABLE_SHORT.get(parts[0])
    if table is None:
        return "报告中的一处"
    return table if len(parts) == 1 else f"{table}中的一格"


def _is_ref(key: Any) -> bool:
    return isinstance(key, str) and key.split(".", 1)[0] in TABLE_SHORT


def value_zh(v: Any, ed=None) -> str | None:
    """A finding's expected or printed value in words: numbers with separators, a list joined with 、,
    the candidate readings of a run of digits joined with 或, cells named (None: there is none)."""
    if v is None:
        return None
    if isinstance(v, bool | int | float):
        return num(v)
    if isinstance(v, str):
        text = v.strip()
        return text if text else "空白"
    if isinstance(v, dict):
        parts = []
        for k, x in v.items():
            one = value_zh(x, ed)
            if one is not None:
                parts.append(f"{cell_place(k, ed)} {one}" if _is_ref(k) else one)
        return "；".join(parts) or None
    if isinstance(v, list | tuple | set):
        items = list(v)
        shown = [s for s in (value_zh(x, ed) for x in items) if s]
        if items and all(isinstance(x, list | tuple) for x in items):  # several readings of the same cells
            return " 或 ".join(shown) or None
        return "、".join(shown) or None
    return str(v)


# ---------------------------------------------------------------------------------------------- reasons

def reason_zh(reason: str | None) -> str:
    """Why a file was not taken, for the list of unreadable files (the store keeps a short key)."""
    if not reason:
        return EMPTY
    return REASON_ZH.get(reason, "无法读取")


# ---------------------------------------------------------------------------------------------- the audit log

STATES_ZH = {"missing": "未报送", "draft": "草稿", "submitted": "已提交（待审核）", "returned": "退回修改",
             "approved": "已通过"}
UPLOAD_STATUS_ZH = {"new": "已入库", "replaced": "已入库（更正稿）", "existing": "此前已入库", "failed": "无法读取",
                    "refused": "未接收", "stored": "已入库"}
_TARGETS = {"report": "报告", "agency": "机关", "application": "申请登记", "user": "用户", "file": "文件",
            "region": "地区"}
_LINKS = {"report": "/reports/{}", "agency": "/agencies/{}", "application": "/register/{}"}

# detail keys in the order and words the page shows them; keys not listed here are left out
_DETAIL = {
    "role": "角色", "region": "地区", "agency": "机关", "agency_id": "机关编号", "year": "年度",
    "name": "文件", "size": "大小", "status": "结果", "reason": "原因", "message": "说明",
    "code": "规则", "decision": "意见", "comment": "说明", "from": "原状态", "to": "改为",
    "cell": "单元格", "value": "数值", "entered": "录入", "gone": "消失的问题", "new": "新的问题",
    "number": "登记编号", "received": "收到日期", "replied": "答复日期", "outcome": "办理结果",
    "office": "审核机关名称", "department": "政府部门截止日期", "government": "县级以上人民政府截止日期",
    "township": "乡镇、街道截止日期", "edition": "格式版本", "reports": "报告数",
}
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_FLAGS = {"api": "通过 JSON 接口", "cli": "在命令行操作", "reset": "由管理员重置", "own": "本人修改"}


def audit_target(target: str | None) -> tuple[str, str | None]:
    """(words, link) for an audit entry's object: 报告 #12 → /reports/12; 用户 admin."""
    if not target:
        return EMPTY, None
    kind, _, ident = target.partition(":")
    if kind not in _TARGETS:
        return EMPTY, None
    if ident in ("", "None"):
        return _TARGETS[kind], None
    if kind in _LINKS and ident.isdigit():
        return f"{_TARGETS[kind]} #{ident}", _LINKS[kind].format(ident)
    return f"{_TARGETS[kind]} {ident}", None


def _size(n: Any) -> str:
    if not isinstance(n, int | float):
        return EMPTY
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{num(n)} 字节"


def _detail_value(key: str, v: Any) -> str | None:
    if v is None or v == "" or v == []:
        return None
    if key == "role":
        return ROLE_ZH.get(v, "其他")
    if key == "decision":
        return DECISION_ZH.get(v, "其他")
    if key in ("from", "to"):
        return STATES_ZH.get(v, "其他")
    if key == "status":
        return UPLOAD_STATUS_ZH.get(v, "其他")
    if key == "reason":
        return reason_zh(v)
    if key == "size":
        return _size(v)
    if key == "active":
        return None
    if key == "outcome":
        return outcome_name(v)
    if key == "edition":
        return f"{v}年版"
    if key in ("agency_id", "year", "number"):
        return str(v)
    if key in ("department", "government", "township") and isinstance(v, str):
        m = _MONTH_DAY.match(v)
        return f"{int(m.group(1))}月{int(m.group(2))}日" if m else v
    return value_zh(v)


def audit_detail(action: str, detail: dict[str, Any] | None) -> list[tuple[str, str]]:
    """An audit entry's detail as (label, words) pairs; internal keys and machine fields are left out."""
    if not detail:
        return []
    out: list[tuple[str, str]] = []
    if action == "user.active" and "active" in detail:
        out.append(("改为", "启用" if detail["active"] else "停用"))
    for key, label in _DETAIL.items():
        if key not in detail:
            continue
        shown = _detail_value(key, detail[key])
        if shown:
            out.append((label, shown[:200]))
    for key, words in _FLAGS.items():
        if detail.get(key):
            out.append(("方式", words))
    return out
