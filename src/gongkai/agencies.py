"""Agencies and regions: one name for each agency however it is printed, its level, and where it sits
(省/市/县/乡) as far as the report's own text says.

Nothing here invents a level the text does not give: "江西省奉新县甘坊镇" is 江西省 / — / 奉新县 / 甘坊镇,
the city left unknown. A gap can be filled later from what the office knows about other agencies in
the same county (its CSV), see :func:`complete_path` — that is the office's knowledge, not a guess.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

REGION_LEVELS = ("province", "city", "county", "township")
REGION_LEVELS_ZH = {"province": "省", "city": "市", "county": "县", "township": "乡"}

# Agency levels, as a disclosure office names them.
LEVELS = ("乡镇", "街道", "县级政府", "县级部门", "市级政府", "市级部门", "省级政府", "省级部门", "其他")
LEVEL_ALIASES = {
    "乡": "乡镇", "镇": "乡镇", "乡镇": "乡镇", "乡镇政府": "乡镇", "乡镇人民政府": "乡镇", "township": "乡镇",
    "街道": "街道", "街道办事处": "街道", "street": "街道",
    "县级政府": "县级政府", "县政府": "县级政府", "区政府": "县级政府", "县级人民政府": "县级政府",
    "县级部门": "县级部门", "县直部门": "县级部门", "县级": "县级部门", "区级部门": "县级部门",
    "市级政府": "市级政府", "市政府": "市级政府", "市级人民政府": "市级政府",
    "市级部门": "市级部门", "市直部门": "市级部门", "市级": "市级部门",
    "省级政府": "省级政府", "省政府": "省级政府", "省级人民政府": "省级政府",
    "省级部门": "省级部门", "省直部门": "省级部门", "省级": "省级部门",
    "其他": "其他", "other": "其他",
}

PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省",
    "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省",
    "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区", "西藏自治区",
    "宁夏回族自治区", "新疆维吾尔自治区",
)
# Short forms as printed without the suffix (江西奉新县…): only taken when another place follows.
_PROVINCE_SHORT = {p[:-1] if p.endswith("省") else p[:2]: p for p in PROVINCES if not p.endswith("市")}
_PROVINCE_SHORT.update({"内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区",
                        "新疆": "新疆维吾尔自治区"})
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}

_CJK = r"[\u4e00-\u9fff]"
_PROVINCE_RX = re.compile("|".join(sorted(map(re.escape, PROVINCES), key=len, reverse=True)))
_PROVINCE_SHORT_RX = re.compile("|".join(sorted(map(re.escape, _PROVINCE_SHORT), key=len, reverse=True)))
# Place suffixes, longest first; a place is 1–6 CJK characters and one of them.
_SUFFIXES = ("自治州", "自治县", "自治旗", "地区", "街道", "苏木", "市", "州", "盟", "县", "区", "旗", "镇", "乡")
_CJK_RUN = re.compile(rf"{_CJK}+")


class _Place:
    __slots__ = ("end", "name", "suffix", "text")

    def __init__(self, name: str, suffix: str, end: int) -> None:
        self.name, self.suffix, self.end = name, suffix, end
        self.text = name + suffix


_SUFFIX_HEADS = {s[0] for s in _SUFFIXES}


def _match_place(text: str, pos: int) -> _Place | None:
    """The shortest acceptable place name at ``pos``: 罗市镇 is one place (罗市 is no city), 长春市南关区 two."""
    m = _CJK_RUN.match(text, pos)
    if not m:
        return None
    run = m.group(0)
    for n in range(1, min(6, len(run) - 1) + 1):
        if run[n] not in _SUFFIX_HEADS:
            continue
        for suf in _SUFFIXES:
            if run.startswith(suf, n):
                name = run[:n]
                if _place_ok(name, suf):
                    return _Place(name, suf, pos + n + len(suf))
                break
    return None


_SUFFIX_LEVEL = {
    "自治州": "city", "地区": "city", "盟": "city", "州": "city",
    "自治县": "county", "自治旗": "county", "县": "county", "区": "county", "旗": "county",
    "镇": "township", "乡": "township", "街道": "township", "苏木": "township",
}
# Parts that never make a place name: they belong to an agency's own name or to running text.
_NOT_IN_PLACE = (
    "人民", "政府", "与", "及", "的", "局", "委", "办", "厅", "室", "中心", "管理", "建设", "服务", "社区", "村",
    "工作", "公开", "信息", "年", "报告", "我", "全", "各", "本", "该", "每", "所", "党", "部", "队", "院", "站",
    "开发", "园", "城乡", "乡镇", "县乡", "市县", "省市", "市场", "辖", "城区内", "农", "山区", "片区", "小区", "景区",
    "街道", "集团", "公司", "学", "医", "司法", "保障", "交通", "生态", "环境", "规划", "财政", "教育", "卫生",
)
_ONE_CHAR_NOT = set("我全各本该此每外两三一邻城郊新老东西南北上下中内")

_GOV_SUFFIX = "人民政府"


@dataclass(frozen=True, slots=True)
class RegionPath:
    """A place as far as it is known: any level may be None (unknown, not "none")."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None

    def get(self, level: str) -> str | None:
        return getattr(self, level)

    @property
    def parts(self) -> list[tuple[str, str]]:
        return [(lv, v) for lv in REGION_LEVELS if (v := getattr(self, lv))]

    @property
    def path(self) -> str:
        """Known levels joined with "/": 江西省/奉新县/甘坊镇."""
        return "/".join(v for _, v in self.parts)

    @property
    def lowest(self) -> str | None:
        for lv in reversed(REGION_LEVELS):
            if getattr(self, lv):
                return lv
        return None

    def __bool__(self) -> bool:
        return any(getattr(self, lv) for lv in REGION_LEVELS)

    def conflicts(self, other: RegionPath) -> bool:
        return any(
            (a := getattr(self, lv)) and (b := getattr(other, lv)) and a != b for lv in REGION_LEVELS
        )

    def compatible(self, other: RegionPath) -> bool:
        """Could be the same place: no level differs, and each path's lowest known level is known to the
        other (江西省/—/万载县 and 江西省/丰城市/— are not: one names a county, the other a city)."""
        if self.conflicts(other):
            return False
        a, b = self.lowest, other.lowest
        if a is None or b is None:
            return True
        return bool(other.get(a)) and bool(self.get(b))

    def agreement(self, other: RegionPath) -> int:
        return sum(1 for lv in REGION_LEVELS if getattr(self, lv) and getattr(self, lv) == getattr(other, lv))

    def merged(self, other: RegionPath) -> RegionPath:
        """Unknown levels filled from ``other`` (callers check :meth:`conflicts` first)."""
        return RegionPath(*(getattr(self, lv) or getattr(other, lv) for lv in REGION_LEVELS))

    def above(self, level: str) -> RegionPath:
        """Only the levels above ``level``."""
        keep = REGION_LEVELS[: REGION_LEVELS.index(level)]
        return RegionPath(*(getattr(self, lv) if lv in keep else None for lv in REGION_LEVELS))

    def without(self, level: str) -> RegionPath:
        return replace(self, **{level: None})

    def matches(self, names: Iterable[str]) -> bool:
        """Every name is one of this path's places (the region filter of rollup and reports)."""
        have = {v for _, v in self.parts}
        return all(n in have for n in names)

    @classmethod
    def from_tokens(cls, tokens: Iterable[tuple[str, str]]) -> RegionPath:
        d: dict[str, str] = {}
        for lv, v in tokens:
            d.setdefault(lv, v)
        return cls(**d)


def region_names(region: str) -> list[str]:
    """The place names of a region filter: "江西省/奉新县", "奉新县", "江西省 奉新县"."""
    return [p for p in re.split(r"[/／>\s,，、]+", fold_name(region)) if p]


# ---------------------------------------------------------------------------------------------
# names


def fold_name(text: str) -> str:
    """Full-width to half-width, no spaces: （ → (, 　 → nothing."""
    t = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", "", t).strip("\"'《》“”「」")


def canonical_name(name: str) -> str:
    """One spelling for the variants of an agency's name.

    甘坊镇人民政府 / 甘坊镇政府 / 甘坊 镇 → 甘坊镇; 某某街道办事处 → 某某街道; 奉新县政府 → 奉新县人民政府;
    full-width brackets → half-width.
    """
    base, note = _split_note(fold_name(name))
    t = re.sub(r"(乡|镇|苏木)(?:人民政府|政府)$", r"\1", base)
    t = re.sub(r"街道(?:办事处|办)$", "街道", t)
    t = re.sub(r"(省|市|县|区|旗|州|盟)政府$", r"\1人民政府", t)
    t = re.sub(r"管理委员会$", "管委会", t)
    return t + note


def _split_note(t: str) -> tuple[str, str]:
    """A trailing bracketed note — 幸福乡人民政府(本级) — apart from the name."""
    m = re.search(r"\([^()]*\)$", t)
    if m and m.start() > 0:
        return t[: m.start()], m.group(0)
    return t, ""


_NOT_IN_PLACE_RX = re.compile("|".join(map(re.escape, _NOT_IN_PLACE)))


def _place_ok(name: str, suffix: str) -> bool:
    if _NOT_IN_PLACE_RX.search(name + suffix):
        return False
    if len(name) == 1:
        return suffix == "县" and name not in _ONE_CHAR_NOT
    return True


def leading_places(text: str, *, start: int = 0) -> tuple[list[tuple[str, str]], int]:
    """The administrative places printed one after another from ``start``: [(level, name)], end.

    Levels only go down (省 → 市 → 县 → 乡). A 市 directly followed by a 乡/镇/街道 is a county-level city.
    """
    tokens: list[tuple[str, str]] = []
    pos = start
    rank = -1
    while pos < len(text):
        found: tuple[str, str, int] | None = None
        if rank < 0:
            m = _PROVINCE_RX.match(text, pos)
            if m:
                found = ("province", m.group(0), m.end())
            else:
                m = _PROVINCE_SHORT_RX.match(text, pos)
                if m and _match_place(text, m.end()):
                    found = ("province", _PROVINCE_SHORT[m.group(0)], m.end())
        if found is None:
            place = _match_place(text, pos)
            if place is None:
                break
            suffix = place.suffix
            if suffix == "市":
                nxt = _match_place(text, place.end)
                nxt_level = _SUFFIX_LEVEL.get(nxt.suffix) if nxt else None
                if place.text in _MUNICIPALITIES and rank < 0:
                    level = "province"
                elif rank >= REGION_LEVELS.index("city") or nxt_level == "township":
                    level = "county"
                else:
                    level = "city"
            else:
                level = _SUFFIX_LEVEL[suffix]
            found = (level, place.text, place.end)
        level, value, end = found
        r = REGION_LEVELS.index(level)
        if r <= rank:
            break
        tokens.append((level, value))
        rank, pos = r, end
        if level == "township":
            break
    return tokens, pos


@dataclass(frozen=True, slots=True)
class AgencyName:
    """What an agency's printed name tells: its canonical spelling, the part that names it within its
    region (core), the places printed before it, and its kind."""

    printed: str
    canonical: str
    core: str
    prefix: RegionPath  # places printed in the name (for a township, its own place included)
    kind: str  # township | street | government | department
    own_level: str | None  # the region level the agency governs (township, county, …), None for a department

    @property
    def level(self) -> str:
        return agency_level(self.kind, self.own_level, self.prefix)


def parse_name(name: str) -> AgencyName:
    canonical = canonical_name(name)
    base, note = _split_note(canonical)
    tokens, end = leading_places(base)
    rest = base[end:]
    prefix = RegionPath.from_tokens(tokens)
    if tokens and rest in ("", _GOV_SUFFIX, "管委会"):
        own_level, own = tokens[-1]
        if own_level == "township":
            kind = "street" if own.endswith("街道") else "township"
            return AgencyName(name, canonical, own + note, prefix, kind, "township")
        return AgencyName(name, canonical, own + (rest or _GOV_SUFFIX) + note, prefix, "government", own_level)
    if not tokens and re.search(r"(乡|镇|街道|苏木)$", base):
        kind = "street" if base.endswith("街道") else "township"
        return AgencyName(name, canonical, canonical, RegionPath(township=base), kind, "township")
    return AgencyName(name, canonical, (rest or base) + note, prefix, "department", None)


def agency_level(kind: str, own_level: str | None, region: RegionPath | None) -> str:
    if kind == "township":
        return "乡镇"
    if kind == "street":
        return "街道"
    if kind == "government":
        return {"county": "县级政府", "city": "市级政府", "province": "省级政府"}.get(own_level or "", "其他")
    # a department belongs to the lowest government level above a township its region names
    for lv, label in (("county", "县级部门"), ("city", "市级部门"), ("province", "省级部门")):
        if region is not None and region.get(lv):
            return label
    return "其他"


def normalise_level(text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    t = fold_name(text)
    return LEVEL_ALIASES.get(t) or (t if t in LEVELS else None)


# ---------------------------------------------------------------------------------------------
# where a report's agency sits, from the report's own text


# What is printed right before a place name in running text: a chain starting after one of these is
# taken as it is; elsewhere the start is a guess (请联系奉新县… is 奉新县, not 请联系奉新县).
_LEAD_WORDS = ("联系", "公布", "现将", "关于", "位于", "地址", "报告", "根据", "隶属", "属于", "负责")
_LEAD_CHARS = set("年月日于在是为对向由和与及的请将至即系：:，,。；;（(、 ")


def _start_strength(text: str, start: int) -> int:
    """2: a place name surely starts here (text start, after punctuation or a lead word such as 联系);
    1: it may (after a character such as 年 or 的); 0: a guess."""
    if start == 0 or not re.match(_CJK, text[start - 1]) or any(text.endswith(w, 0, start) for w in _LEAD_WORDS):
        return 2
    return 1 if text[start - 1] in _LEAD_CHARS else 0


def _chains_at(text: str, target: str, *, include: bool, limit: int = 6) -> Iterator[list[tuple[str, str]]]:
    """Chains of places that end with ``target`` (include=True) or right before it, wherever it is printed:
    "…请联系奉新县甘坊镇人民政府…" gives [奉新县, 甘坊镇] for the target 甘坊镇. Of the ways to start the chain,
    the latest clear start wins (after 联系, not the text's start)."""
    if not target:
        return
    pos, found = 0, 0
    while found < limit:
        i = text.find(target, pos)
        if i < 0:
            return
        found += 1
        pos = i + 1
        end = i + len(target) if include else i
        best = None
        for start in range(max(0, end - 18), (i if include else end) + 1):
            tokens, stop = leading_places(text, start=start)
            if tokens and stop == end:
                key = (_start_strength(text, start), start)
                if best is None or key > best[0]:
                    best = (key, tokens)
        if best:
            yield best[1]


def report_region(agency: str | None, title: str | None = None, address: str | None = None,
                  body: str = "") -> tuple[AgencyName | None, RegionPath]:
    """The agency's parsed name and the region its report's text gives.

    Evidence, in order: the places in the agency's name; the contact address; chains of places in the
    title and body that name the agency itself ("奉新县甘坊镇人民政府") or, for a department, end right
    before its name. A piece of evidence that conflicts with what is already known is left out.
    """
    if not agency:
        return None, RegionPath()
    an = parse_name(agency)
    path = an.prefix
    own = an.prefix.township if an.kind in ("township", "street") else None
    own_gov = an.prefix.get(an.own_level) if an.kind == "government" and an.own_level else None

    def cut(p: RegionPath) -> RegionPath:
        # a department or a county government is not "in" the town where its office stands
        if an.kind in ("department", "government"):
            p = p.without("township")
        if an.kind == "government" and an.own_level:
            idx = REGION_LEVELS.index(an.own_level)
            p = RegionPath(*(getattr(p, lv) if i <= idx else None for i, lv in enumerate(REGION_LEVELS)))
        return p

    def take(p: RegionPath) -> None:
        nonlocal path
        p = cut(p)
        if p and not p.conflicts(path):
            path = path.merged(p)

    if address:
        tokens, _ = leading_places(fold_name(address))
        cand = RegionPath.from_tokens(tokens)
        if cand and (not own or cand.township in (None, own)):
            # an address is the agency's own only if it agrees with the name where both speak
            take(cand)
    for text in (title or "", body[:4000]):
        t = fold_name(text)
        if own:
            for tokens in _chains_at(t, own, include=True):
                take(RegionPath.from_tokens(tokens))
        elif own_gov:
            for tokens in _chains_at(t, own_gov, include=True):
                take(RegionPath.from_tokens(tokens))
        elif an.kind == "department":
            for tokens in _chains_at(t, an.core, include=False):
                take(RegionPath.from_tokens(tokens))
    return an, path


# ---------------------------------------------------------------------------------------------
# the office's CSV

CSV_COLUMNS = {
    "name": ("名称", "机关名称", "单位名称", "name", "agency"),
    "level": ("级别", "层级", "level"),
    "province": ("省", "省份", "province"),
    "city": ("市", "地市", "city"),
    "county": ("县", "区县", "县区", "county"),
    "township": ("乡", "乡镇", "乡镇街道", "township"),
    "aliases": ("别名", "其他名称", "aliases", "alias"),
}


@dataclass(slots=True)
class AgencyRow:
    name: str
    level: str | None
    region: RegionPath
    aliases: list[str] = field(default_factory=list)
    line: int = 0


class AgencyCsvError(ValueError):
    pass


def read_agency_csv(data: bytes | str) -> list[AgencyRow]:
    """Rows of the office's agency list: 名称,级别,省,市,县,乡,别名 (别名 separated by ；;、|)."""
    if isinstance(data, bytes):
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes anything
            raise AgencyCsvError("无法识别文件编码（应为 UTF-8 或 GBK）")
    else:
        text = data
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        return _agency_rows(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:  # a field of more than 128 KB, a NUL character…: no list of agencies
        raise AgencyCsvError(f"CSV 格式有误，无法读取：{exc}") from exc


def _agency_rows(reader) -> list[AgencyRow]:
    try:
        header = next(reader)
    except StopIteration:
        raise AgencyCsvError("文件是空的") from None
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        h = fold_name(name).lower()
        for key, names in CSV_COLUMNS.items():
            if h in names and key not in index:
                index[key] = i
    if "name" not in index:
        raise AgencyCsvError(f"第1行缺少“名称”列（表头为：{','.join(header)}）")
    rows = []
    for lineno, rec in enumerate(reader, start=2):
        def get(key: str, rec: list[str] = rec) -> str | None:
            i = index.get(key)
            if i is None or i >= len(rec):
                return None
            v = fold_name(rec[i])
            return v or None

        name = get("name")
        if not name:
            continue
        level_text = get("level")
        level = normalise_level(level_text)
        if level_text and level is None:
            raise AgencyCsvError(f"第{lineno}行的级别“{level_text}”无法识别；可用：{'、'.join(LEVELS)}")
        region = RegionPath(get("province"), get("city"), get("county"), get("township"))
        aliases = [a for a in re.split(r"[;；、|]+", get("aliases") or "") if a]
        rows.append(AgencyRow(name, level, region, aliases, lineno))
    return rows


def complete_path(path: RegionPath, known: Iterable[RegionPath]) -> RegionPath:
    """Fill unknown upper levels from other known paths through the same place.

    "江西省/—/奉新县" becomes "江西省/宜春市/奉新县" when every known path through 奉新县 (and not
    conflicting) that names a city names 宜春市. A level the known paths disagree on stays unknown.
    """
    known = list(known)
    for lv in ("county", "city"):
        v = path.get(lv)
        if not v:
            continue
        above = path.above(lv)
        through = {k.above(lv) for k in known if k.get(lv) == v}
        uppers = [u for u in through if u and not u.conflicts(above)]
        filled = {}
        for up in REGION_LEVELS[: REGION_LEVELS.index(lv)]:
            if path.get(up):
                continue
            values = {u.get(up) for u in uppers if u.get(up)}
            if len(values) == 1:
                filled[up] = values.pop()
        if filled:
            path = replace(path, **filled)
    return path
