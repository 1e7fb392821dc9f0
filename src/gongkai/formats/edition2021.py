"""The 2021 edition (国办公开办函〔2021〕30号), used for the 2021 reports onward."""

from __future__ import annotations

from .base import Column, Edition, RowDef
from .common import (
    APPLICATION_HEADERS,
    APPLICATION_ROWS_HEAD,
    APPLICATION_ROWS_TAIL,
    REVIEW_LITIGATION,
    SECTIONS,
    _r,
    application_identities,
    table,
)

_DOCS = (
    Column("issued", "本年制发件数"),
    Column("repealed", "本年废止件数"),
    Column("in_force", "现行有效件数"),
)
_DECISIONS = (Column("decisions", "本年处理决定数量"),)
_FEES = (Column("amount", "本年收费金额（单位：万元）", kind="amount", unit="万元"),)

ACTIVE = table(
    "active",
    rows=(
        RowDef("regulations", "规章", _DOCS, caption="第二十条第（一）项"),
        RowDef("normative_documents", "行政规范性文件", _DOCS, variants=("规范性文件",), caption="第二十条第（一）项"),
        RowDef("licensing", "行政许可", _DECISIONS, caption="第二十条第（五）项"),
        RowDef("penalty", "行政处罚", _DECISIONS, caption="第二十条第（六）项"),
        RowDef("coercion", "行政强制", _DECISIONS, caption="第二十条第（六）项"),
        RowDef("fees", "行政事业性收费", _FEES, caption="第二十条第（八）项"),
    ),
    headers=("信息内容", "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项")
    + tuple(c.label for c in _DOCS + _DECISIONS + _FEES),
    header_variants=("本年收费金额（万元）", "本年收费金额"),
)

APPLICATION_ROWS = (
    APPLICATION_ROWS_HEAD
    + (
        _r(
            "other_no_correction",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "（六）其他处理",
            "（六）1.申请人无正当理由逾期不补正",
        ),
        _r(
            "other_unpaid_fee",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "（六）其他处理",
            "（六）2.申请人逾期未按收费通知要求缴纳费用",
        ),
        _r("other_other", "3.其他", "（六）其他处理", "（六）3.其他"),
    )
    + APPLICATION_ROWS_TAIL
)

APPLICATIONS = table(
    "applications",
    rows=APPLICATION_ROWS,
    headers=APPLICATION_HEADERS,
)

EDITION = Edition(
    key="2021",
    name="2021年版格式",
    document="国办公开办函〔2021〕30号",
    first_year=2021,
    last_year=None,
    sections=SECTIONS,
    tables=(ACTIVE, APPLICATIONS, REVIEW_LITIGATION),
    identities=application_identities(APPLICATION_ROWS),
)
