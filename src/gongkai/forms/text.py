"""Data typed as text: the JSON contract (docs/json.md), or the same structure in YAML, where a cell
may be a bare number, "/" or nothing instead of a cell object."""

from __future__ import annotations

import json
from typing import Any

import yaml

from .mapping import DataError


def parse(raw: bytes, name: str | None, kind: str) -> Any:
    """The structure written in ``raw`` (``kind`` "json" or "yaml"), not yet checked."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"数据文件不是 UTF-8 编码：{name}", f"{name} is not UTF-8") from exc
    try:
        return json.loads(text) if kind == "json" else yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506  a SafeLoader
    except Exception as exc:  # a syntax error, reported with its position
        what = "JSON" if kind == "json" else "YAML"
        raise DataError(f"{what} 格式有误（{name}）：{exc}", f"invalid {what} in {name}: {exc}") from exc


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without aliases: report data never needs them, and nested aliases ("billion laughs")
    make a few lines stand for billions of values once they are walked or printed."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError(f"不支持别名（*{self.peek_event().anchor}）：请把内容直接写出")
        return super().compose_node(parent, index)
