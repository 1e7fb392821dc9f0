"""The shape of an edition definition: plain, frozen data that everything else derives from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str  # exact official label
    variants: tuple[str, ...] = ()  # other wordings seen in real reports
    kind: str = "count"  # count: whole number >= 0; signed: whole number; amount: any number >= 0
    unit: str | None = None  # printed unit of an amount column (万元)


@dataclass(frozen=True, slots=True)
class RowDef:
    key: str
    label: str  # exact official label, numbering included
    columns: tuple[Column, ...]
    variants: tuple[str, ...] = ()
    group: str | None = None  # the merged label above it, e.g. （三）不予公开
    caption: str | None = None  # the sub-table it sits in, e.g. 第二十条第（一）项
    short: str | None = None  # a short name for messages (（三）1 属于国家秘密)

    @property
    def name(self) -> str:
        return self.short or self.label


@dataclass(frozen=True, slots=True)
class TableName:
    """What a table is called and the section it is printed in: the same in every edition."""

    key: str  # active | applications | review_litigation
    short: str  # 表二
    topic: str  # 主动公开
    section: int

    @property
    def name(self) -> str:
        """表二（主动公开）: the table in messages and sheet names."""
        return f"{self.short}（{self.topic}）"


@dataclass(frozen=True, slots=True)
class TableDef:
    key: str  # active | applications | review_litigation
    title: str  # the section heading the table belongs to
    section: int
    rows: tuple[RowDef, ...]
    headers: tuple[str, ...] = ()  # header and caption labels that carry no values
    header_variants: tuple[str, ...] = ()
    # review_litigation prints all groups in one row: values come in this order
    single_row: bool = False
    short: str = ""  # 表二 (from common.TABLES, like key, title and section)
    name: str = ""  # 表二（主动公开）

    def row(self, key: str) -> RowDef:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    @property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows)


@dataclass(frozen=True, slots=True)
class SectionDef:
    number: int
    title: str  # as in the official template
    variants: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # any of these in a heading names this section
    required: bool = True


@dataclass(frozen=True, slots=True)
class Identity:
    """lhs == rhs, both sums of cells named "table.row.column"."""

    rule: str  # the rule code that checks it
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    name: str  # Chinese description for messages


@dataclass(frozen=True, slots=True)
class Edition:
    key: str  # "2019" | "2021"
    name: str
    document: str  # the national office's letter that issued it
    first_year: int
    last_year: int | None
    sections: tuple[SectionDef, ...]
    tables: tuple[TableDef, ...]
    identities: tuple[Identity, ...] = field(default=())

    def table(self, key: str) -> TableDef:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def cell_label(self, ref: str) -> str:
        """Human name of "table.row.column" for messages: 三（七）总计·自然人."""
        table, row, col = ref.split(".")
        t = self.table(table)
        r = t.row(row)
        c = next(c for c in r.columns if c.key == col)
        return f"{t.short}「{r.name}」{c.label}"
