"""Objects sent between the worker and the caller pickle as their fields given as arguments (``__reduce__``,
written by hand for speed): a field added to the class and not to ``__reduce__`` would be lost on the way. Each
is made here with every field set to a value unlike its default, and must come back equal."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from gongkai.checks.base import Finding
from gongkai.document import Document, Source
from gongkai.limits import DEFAULT_LIMITS
from gongkai.location import Location
from gongkai.model import Cell, Report
from gongkai.pipeline import Failure, Job, Processed, finish

# a value for each field, none of them a default
VALUES = {
    Location: {"page": 3, "line": 17, "paragraph": 5, "box": 2, "table": 4, "row": 9, "cell": 6, "char": 11,
               "meta": "标题", "note": "第3页", "computed": True},
    Cell: {"value": 42, "raw": "42件", "at": Location(line=7, cell=2), "how": "ocr", "confidence": 0.61,
           "candidates": (4, 2), "doubt": "ocr", "crop": b"\x89PNG"},
    Finding: {"code": "GK301", "severity": "error", "message": "表三“总计”列不平衡", "cells": ["applications.new_received.total"],
              "expected": 12, "actual": 13, "at": Location(line=68), "file": "report.txt"},
    Job: {"data": b"report", "name": "report.txt", "limits": DEFAULT_LIMITS, "select": frozenset({"GK301"}),
          "report": False, "document": True, "then": finish},
    Processed: {"name": "report.txt", "sha256": "ab12", "size": 345, "format": "text",
                "report": Report(Source("report.txt", "ab12", "text"), agency="幸福乡人民政府", year=2023),
                "findings": [Finding("GK110", "error", "未找到表四")], "document": Document(Source("report.txt", "ab12", "text")),
                "data": b"report",
                "failure": Failure("文件是空的", "the file is empty", "empty"), "worker": 4242},
}


@pytest.mark.parametrize("cls", list(VALUES), ids=lambda c: c.__name__)
def test_every_field_survives_pickling(cls):
    values = VALUES[cls]
    assert set(values) == {f.name for f in dataclasses.fields(cls)}  # a new field must be given a value here
    for f in dataclasses.fields(cls):
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        assert values[f.name] != default, f.name
    made = cls(**values)
    back = pickle.loads(pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))  # noqa: S301  (bytes made here)
    assert type(back) is cls
    for name, value in values.items():
        assert getattr(back, name) == value, name
