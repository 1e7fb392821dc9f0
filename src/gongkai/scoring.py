"""The 考核 score: an office's rule pack (a small YAML file: its items, the findings that deduct, how many
points, a cap per item) applied to a report's findings, with every deduction naming its findings.

A pack is checked against ``PACK_SCHEMA`` and the rule catalogue before it is used; what is wrong is said in
Chinese (``PackError``). The default pack is package data (formats/kaohe-default.yaml). gongkai's own reading
(GK7xx) never deducts: a pack naming it is refused. The format: docs/scoring.md.

This module knows findings, not the store: the scores of stored reports (which findings count, the pack a
store keeps) are gongkai.store.kaohe's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml
from jsonschema import Draft202012Validator, ValidationError
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .checks import READING, REGISTRY, SEVERITIES, SEVERITY_ZH, Finding
from .errors import GongkaiError

SCHEMA = "gongkai.kaohe/1"
DEFAULT_FILE = "kaohe-default.yaml"
MAX_PACK_BYTES = 256 * 1024  # a pack is a page of text; anything far larger is not one
PER = ("finding", "report")
PER_ZH = {"finding": "每条", "report": "每份报告一次"}

PACK_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "gongkai 考核规则包",
    "type": "object",
    "required": ["name", "full_marks", "items"],
    "additionalProperties": False,
    "properties": {
        "schema": {"const": SCHEMA},
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": {"type": "string"},
        "full_marks": {"type": "number", "exclusiveMinimum": 0, "maximum": 10000},
        "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/item"}},
    },
    "$defs": {
        "item": {
            "type": "object",
            "required": ["name", "deduct"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 100},
                "cap": {"type": "number", "exclusiveMinimum": 0},
                "why": {"type": "string"},
                "deduct": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/penalty"}},
            },
        },
        "penalty": {
            "type": "object",
            "required": ["rules", "points"],
            "additionalProperties": False,
            "properties": {
                "rules": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^GK[0-9]{1,3}$"}},
                "points": {"type": "number", "exclusiveMinimum": 0},
                "per": {"enum": list(PER)},
                "severity": {"type": "array", "minItems": 1, "items": {"enum": list(SEVERITIES)}},
                "note": {"type": "string"},
            },
        },
    },
}

_VALIDATOR = Draft202012Validator(PACK_SCHEMA)


class PackError(GongkaiError):
    """A rule pack that cannot be used; ``reasons`` says every problem found, in Chinese."""

    code = "bad-pack"

    def __init__(self, source: str, reasons: Sequence[str]) -> None:
        self.source = source
        self.reasons = list(reasons)
        super().__init__(f"考核规则包“{source}”无法使用：" + "；".join(self.reasons),
                         f"the rule pack {source!r} cannot be used")


def points_text(v: float) -> str:
    """Points as people write them: 1, 0.5, 0.25."""
    return f"{round(v, 4):g}"


# ---------------------------------------------------------------------------------------------- the pack


@dataclass(frozen=True, slots=True)
class Penalty:
    """One line of an item: the findings it names (codes or family prefixes) and what each costs."""

    rules: tuple[str, ...]
    points: float
    per: str = "finding"  # finding: every finding deducts; report: once, however many
    severity: frozenset[str] | None = None  # only findings of these severities; None: any
    note: str | None = None

    def match(self, code: str, severity: str) -> int:
        """The length of the longest of its names that ``code`` falls under (0: none)."""
        if self.severity is not None and severity not in self.severity:
            return 0
        return max((len(r) for r in self.rules if code.startswith(r)), default=0)


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    cap: float  # the most this item may take off
    penalties: tuple[Penalty, ...]
    why: str | None = None


@dataclass(frozen=True, slots=True)
class Pack:
    name: str
    full_marks: float
    items: tuple[Item, ...]
    source: str = ""  # where it was read from, for messages
    description: str | None = None
    text: str | None = None  # the YAML it was read from

    def names(self, code: str) -> bool:
        """Whether some finding of rule ``code`` may deduct (of some severity)."""
        return not code.startswith(READING) and any(
            code.startswith(r) for it in self.items for p in it.penalties for r in p.rules)

    def place(self, code: str, severity: str) -> tuple[Item, Penalty] | None:
        """The item line a finding deducts under: the one naming it most exactly (GK301 before GK3),
        the first of equals; None when the pack does not name it. GK7xx never deducts."""
        if code.startswith(READING):
            return None
        best: tuple[Item, Penalty] | None = None
        length = 0
        for item in self.items:
            for p in item.penalties:
                n = p.match(code, severity)
                if n > length:
                    best, length = (item, p), n
        return best


@cache
def default_pack() -> Pack:
    text = (resources.files("gongkai") / "formats" / DEFAULT_FILE).read_text(encoding="utf-8")
    return load_pack(text, DEFAULT_FILE)


def load_pack_file(path: str | Path) -> Pack:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PackError(str(p), [f"无法读取文件（{exc.strerror or exc}）"]) from exc
    if len(data) > MAX_PACK_BYTES:
        raise PackError(str(p), [f"文件过大（{len(data)} 字节），规则包不应超过 {MAX_PACK_BYTES // 1024} KB"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PackError(str(p), ["文件不是 UTF-8 编码的文本，请用 UTF-8 保存"]) from exc
    return load_pack(text, str(p))


def load_pack(text: str, source: str = "规则包") -> Pack:
    """A pack from its YAML text, checked against the schema and the rule catalogue (PackError if not)."""
    if len(text.encode("utf-8")) > MAX_PACK_BYTES:
        raise PackError(source, [f"内容过长，规则包不应超过 {MAX_PACK_BYTES // 1024} KB"])
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第{mark.line + 1}行第{mark.column + 1}列附近）" if mark is not None else ""
        problem = getattr(exc, "problem", None) or exc
        reason = f"不是有效的 YAML{where}：请检查缩进（只用空格）、冒号后的空格、括号和引号是否成对（{problem}）"
        raise PackError(source, [reason]) from exc
    if not isinstance(data, dict):
        raise PackError(source, ["内容应是“键: 值”的对象，至少包含 name、full_marks、items"])
    reasons = schema_problems(data)
    if reasons:
        raise PackError(source, reasons)
    reasons = catalogue_problems(data)
    if reasons:
        raise PackError(source, reasons)
    full = float(data["full_marks"])
    items = tuple(
        Item(name=it["name"], cap=float(it.get("cap", full)), why=it.get("why"), penalties=tuple(
            Penalty(tuple(p["rules"]), float(p["points"]), p.get("per", "finding"),
                    frozenset(p["severity"]) if "severity" in p else None, p.get("note"))
            for p in it["deduct"]))
        for it in data["items"])
    return Pack(data["name"], full, items, source, data.get("description"), text)


# -- what is wrong with a pack, in Chinese

_FIELDS = {"schema": "schema", "name": "名称（name）", "description": "说明（description）", "full_marks": "满分（full_marks）",
           "items": "考核项（items）", "cap": "本项最多扣分（cap）", "why": "依据（why）", "deduct": "扣分规则（deduct）",
           "rules": "规则代码（rules）", "points": "扣分（points）", "per": "计扣方式（per）",
           "severity": "严重程度（severity）", "note": "说明（note）"}
_ORDER = {k: i for i, k in enumerate(_FIELDS)}  # problems listed in the order a pack is written
_TYPES = {"object": "“键: 值”的对象", "array": "列表（每行以“- ”开头，或写成 [a, b]）", "string": "文字", "number": "数字"}


def _shown(v: Any) -> str:
    s = str(v)
    return s if len(s) <= 40 else s[:40] + "…"


def _item_name(data: dict, i: int) -> str:
    items = data.get("items")
    it = items[i] if isinstance(items, list) and i < len(items) else None
    name = it.get("name") if isinstance(it, dict) else None
    return f"第{i + 1}个考核项" + (f"“{name}”" if isinstance(name, str) and name else "")


def _where(data: dict, path: Sequence[Any]) -> str:
    """A place in the pack in words: 第2个考核项“数据准确”第1条扣分规则的 扣分 points."""
    out = ""
    rest = list(path)
    if rest[:1] == ["items"] and len(rest) >= 2 and isinstance(rest[1], int):
        out = _item_name(data, rest[1])
        rest = rest[2:]
        if rest[:1] == ["deduct"] and len(rest) >= 2 and isinstance(rest[1], int):
            out += f"第{rest[1] + 1}条扣分规则"
            rest = rest[2:]
    if rest and isinstance(rest[0], str):
        out += ("的" if out else "") + _FIELDS.get(rest[0], rest[0])
        rest = rest[1:]
        if rest and isinstance(rest[0], int):
            out += f"第{rest[0] + 1}项"
    return out or "规则包"


def _reason(data: dict, e: ValidationError) -> str:
    path = list(e.absolute_path)
    where = _where(data, path)
    kind, value, expected = e.validator, cast(Any, e.instance), cast(Any, e.validator_value)
    if kind == "required":
        missing = [k for k in expected if not isinstance(value, dict) or k not in value]
        return f"{where}缺少" + "、".join(_FIELDS.get(k, k) for k in missing)
    if kind == "additionalProperties":
        known = e.schema.get("properties", {}) if isinstance(e.schema, dict) else {}
        unknown = [str(k) for k in value if k not in known]
        return f"{where}有不认识的键：{'、'.join(unknown)}（可用：{'、'.join(known)}）"
    if kind == "type":
        return f"{where}应是{_TYPES.get(expected, expected)}，而不是“{_shown(value)}”"
    if kind == "exclusiveMinimum":
        return f"{where}应大于 {expected}，而不是 {_shown(value)}"
    if kind == "maximum":
        return f"{where}不能大于 {expected}，而不是 {_shown(value)}"
    if kind in ("minItems", "minLength"):
        return f"{where}不能为空"
    if kind == "maxLength":
        return f"{where}过长（{len(value)} 字，最多 {expected} 字）"
    if kind == "enum":
        return f"{where}应是 {'、'.join(map(str, expected))} 之一，而不是“{_shown(value)}”"
    if kind == "pattern":
        return f"{where}“{_shown(value)}”不是规则代码：应写作 GK502 这样的规则代码，或 GK3 这样的规则族前缀（大写）"
    if kind == "const":
        return f"{where}应是“{expected}”或不写，而不是“{_shown(value)}”"
    return f"{where}不符合规则包格式（{e.message}）"


def schema_problems(data: Any) -> list[str]:
    """Every way ``data`` breaks PACK_SCHEMA, one reason per place, in the order of the pack."""
    out: list[str] = []
    seen: set[tuple] = set()
    for e in sorted(_VALIDATOR.iter_errors(data), key=lambda e: [p if isinstance(p, int) else _ORDER.get(p, 99)
                                                                 for p in e.absolute_path]):
        key = tuple(e.absolute_path)
        if key in seen:
            continue
        seen.add(key)
        out.append(_reason(data, e))
    return out


def catalogue_problems(data: dict) -> list[str]:
    """What the schema cannot see: codes the catalogue does not have, gongkai's own reading named, the same
    code under two lines, an item capped above the full marks, two items of one name."""
    known = sorted(REGISTRY)
    full = float(data["full_marks"])
    out: list[str] = []
    names: set[str] = set()
    claimed: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for i, it in enumerate(data["items"]):
        item = _item_name(data, i)
        if it["name"] in names:
            out.append(f"{item}与前面的考核项重名，请改用不同的名称")
        names.add(it["name"])
        if "cap" in it and float(it["cap"]) > full:
            out.append(f"{item}的本项最多扣分 cap（{points_text(it['cap'])}）大于满分（{points_text(full)}）")
        for j, p in enumerate(it["deduct"]):
            line = f"{item}第{j + 1}条扣分规则"
            sev = frozenset(p.get("severity", SEVERITIES))
            for code in p["rules"]:
                if code.startswith(READING):
                    out.append(f"{line}的 {code} 属于 GK7xx：那是 gongkai 自己读取不确定的提示，不是机关的错误，不能扣分")
                    continue
                if len(code) == 5 and code not in REGISTRY:
                    out.append(f"{line}的 {code} 不是已有的审核规则（可运行 gongkai rules 查看全部规则代码）")
                    continue
                if not any(k.startswith(code) for k in known):
                    out.append(f"{line}的前缀 {code} 不对应任何审核规则（可运行 gongkai rules 查看）")
                    continue
                for other, other_sev in claimed.get(code, []):
                    if sev & other_sev:
                        out.append(f"{line}的 {code} 已在{other}中出现，同一规则只能在一处扣分"
                                   f"（可用 severity 按严重程度分开）")
                        break
                claimed.setdefault(code, []).append((line, sev))
    return out


# ---------------------------------------------------------------------------------------------- the score


@dataclass(frozen=True, slots=True)
class Cited:
    """A finding as a deduction names it."""

    code: str
    severity: str
    message: str
    title: str = ""

    @classmethod
    def of(cls, f: Finding | dict[str, Any]) -> Cited:
        d = f.to_json() if isinstance(f, Finding) else f
        rule = REGISTRY.get(d["code"])
        return cls(d["code"], d["severity"], d["message"], rule.title if rule else "")

    @property
    def severity_zh(self) -> str:
        return SEVERITY_ZH.get(self.severity, self.severity)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "title": self.title, "message": self.message}


@dataclass(slots=True)
class Deduction:
    """Points taken off under one item line, and the finding(s) that cost them."""

    item: str
    rules: tuple[str, ...]  # the line's codes or prefixes
    points: float
    per: str
    findings: list[Cited]
    note: str | None = None

    @property
    def codes(self) -> str:
        return "、".join(dict.fromkeys(f.code for f in self.findings))

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "rules": list(self.rules), "points": self.points, "per": self.per,
                "note": self.note, "findings": [f.to_json() for f in self.findings]}


@dataclass(slots=True)
class ItemScore:
    name: str
    cap: float
    deductions: list[Deduction] = field(default_factory=list)

    @property
    def listed(self) -> float:
        """The deductions added up, before the cap."""
        return round(sum(d.points for d in self.deductions), 4)

    @property
    def deducted(self) -> float:
        return min(self.cap, self.listed)

    @property
    def capped(self) -> bool:
        return self.listed > self.cap

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "cap": self.cap, "deducted": self.deducted, "listed": self.listed,
                "deductions": [d.to_json() for d in self.deductions]}


@dataclass(slots=True)
class Score:
    pack: str
    full_marks: float
    items: list[ItemScore]
    dismissed: list[Cited] = field(default_factory=list)  # would deduct, but a reviewer dismissed them

    @property
    def deducted(self) -> float:
        return round(sum(i.deducted for i in self.items), 4)

    @property
    def total(self) -> float:
        return round(max(0.0, self.full_marks - self.deducted), 4)

    @property
    def deductions(self) -> list[Deduction]:
        return [d for i in self.items for d in i.deductions]

    def item(self, name: str) -> ItemScore:
        return next(i for i in self.items if i.name == name)

    def to_json(self) -> dict[str, Any]:
        return {"pack": self.pack, "full_marks": self.full_marks, "score": self.total, "deducted": self.deducted,
                "items": [i.to_json() for i in self.items], "dismissed": [f.to_json() for f in self.dismissed]}


def score(pack: Pack, findings: Iterable[Finding | dict[str, Any]],
          dismissed: Iterable[Finding | dict[str, Any]] = ()) -> Score:
    """The pack applied to a report's findings. ``dismissed``: findings a reviewer rejected; they deduct
    nothing and are listed (those the pack names) so that the score says what it left out."""
    items = {it.name: ItemScore(it.name, it.cap) for it in pack.items}
    once: dict[int, Deduction] = {}
    for f in findings:
        c = Cited.of(f)
        placed = pack.place(c.code, c.severity)
        if placed is None:
            continue
        item, p = placed
        if p.per == "report":
            d = once.get(id(p))
            if d is None:
                d = once[id(p)] = Deduction(item.name, p.rules, p.points, p.per, [], p.note)
                items[item.name].deductions.append(d)
            d.findings.append(c)
        else:
            items[item.name].deductions.append(Deduction(item.name, p.rules, p.points, p.per, [c], p.note))
    left_out = [c for c in map(Cited.of, dismissed) if pack.place(c.code, c.severity) is not None]
    return Score(pack.name, pack.full_marks, list(items.values()), left_out)


# ---------------------------------------------------------------------------------------------- Excel


def write_sheet(wb: Any, lines: Sequence[Any], pack: Pack, title: str = "考核得分") -> None:
    """A sheet of the roll-up workbook: each agency's score and what each item took off, then every
    deduction with its rule, points and finding. ``lines``: the roll-up's AgencyLines (with .score)."""
    ws = wb.create_sheet(title)
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E78")
    wrap = Alignment(wrap_text=True, vertical="top")

    def header(row: int, values: list[str]) -> None:
        for j, v in enumerate(values, start=1):
            c = ws.cell(row=row, column=j, value=v)
            c.font, c.fill, c.border = head_font, head_fill, border
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")

    ws["A1"] = f"{pack.name}（满分 {points_text(pack.full_marks)} 分）"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "各项括号内为本项最多扣分；审核人已驳回的问题不扣分。扣分明细见下方。"
    header(4, ["机关", "地区", "报告编号", "得分", "扣分"] + [f"{it.name}（{points_text(it.cap)}）" for it in pack.items])
    row = 5
    scored = [ln for ln in lines if ln.score is not None]
    for ln in scored:
        s = ln.score
        values = [ln.name, ln.region, ln.report_id, s.total, s.deducted] + [s.item(it.name).deducted for it in pack.items]
        for j, v in enumerate(values, start=1):
            c = ws.cell(row=row, column=j, value=v)
            c.border = border
            if j >= 4:
                c.number_format = "0.0#"
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="扣分明细").font = Font(bold=True, size=12)
    row += 1
    header(row, ["机关", "考核项", "扣分", "计扣方式", "规则", "规则名称", "问题", "说明"])
    row += 1
    for ln in scored:
        for d in ln.score.deductions:
            values = [ln.name, d.item, d.points, PER_ZH[d.per], d.codes, "；".join(dict.fromkeys(f.title for f in d.findings)),
                      "\n".join(f.message for f in d.findings), d.note]
            for j, v in enumerate(values, start=1):
                c = ws.cell(row=row, column=j, value=v)
                c.border, c.alignment = border, wrap
            ws.cell(row=row, column=3).number_format = "0.0#"
            row += 1
        for it in ln.score.items:
            if it.capped:
                ws.cell(row=row, column=1, value=ln.name).border = border
                ws.cell(row=row, column=2, value=it.name).border = border
                ws.cell(row=row, column=7, value=f"本项合计 {points_text(it.listed)} 分，超过本项最多扣分，"
                                                 f"按 {points_text(it.cap)} 分计").border = border
                row += 1
    for i, w in enumerate([30, 30, 8, 8, 10, 30, 60, 30] + [12] * max(0, len(pack.items) - 3), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B5"
