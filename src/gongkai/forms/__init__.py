"""The data people fill in — JSON, YAML, the Excel form — read into a report, all in one place.

Each kind of data file has a module here, named in formats/files.py (``DATA_FORMATS``), that turns
its bytes into the JSON contract's structure: forms/text.py (JSON and YAML), forms/workbook.py (the
Excel form ``gongkai template --xlsx`` writes). That structure then goes through
:func:`~gongkai.forms.mapping.from_mapping`, which checks it against the data schema
(schema/data.schema.json) and lists every mistake in Chinese, so a form is checked exactly as JSON is.

* :func:`load_data` reads a data file, :func:`data_from_bytes` its bytes;
* :func:`load_report` reads any report: a data file, or a published report in any format gongkai reads
  (through the pipeline, like ``gongkai check``).
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

from ..api import read
from ..errors import GongkaiError
from ..formats.files import DATA_MODULES, DATA_SUFFIXES
from ..model import Report
from ..readers import read_file_bytes
from .mapping import DataError, cell_from, from_mapping
from .workbook import FormError, read_workbook

__all__ = ["DataError", "FormError", "cell_from", "data_from_bytes", "from_mapping", "load_data", "load_report",
           "read_workbook"]


def load_data(path: str | Path) -> Report:
    """A report from a data file: .json, .yaml/.yml or .xlsx (the Excel form)."""
    p = Path(path)
    kind = DATA_SUFFIXES.get(p.suffix.lower())
    if kind is None:
        raise DataError(f"不支持的数据文件类型：{p.name}（请用 .json、.yaml 或 .xlsx）",
                        f"unsupported data file {p.name}")
    try:
        raw = read_file_bytes(p)  # regular files and pipes only, never more than the size limit
    except OSError as exc:
        raise DataError(f"无法读取数据文件：{p}", f"cannot read {p}: {exc.strerror}") from exc
    except GongkaiError as exc:
        raise DataError(f"无法读取数据文件：{p}：{exc.zh}", f"cannot read {p}: {exc.en}") from exc
    return data_from_bytes(raw, str(p), kind)


def data_from_bytes(raw: bytes, name: str | None, kind: str) -> Report:
    """A report from the bytes of a data file of ``kind`` ("json", "yaml" or "xlsx"), checked."""
    if kind not in DATA_MODULES:
        raise DataError(f"不支持的数据类型：{kind}（可选：{'、'.join(DATA_MODULES)}）", f"unsupported data kind {kind}")
    # the module formats/files.py names for this kind: a new kind is one line there and one module here
    module = importlib.import_module(f".{DATA_MODULES[kind]}", __name__)
    return from_mapping(module.parse(raw, name, kind), name, hashlib.sha256(raw).hexdigest())


def load_report(path: str | Path) -> Report:
    """Any report: a data file (.json/.yaml/.xlsx) or a published report gongkai reads."""
    p = Path(path)
    if p.suffix.lower() in DATA_SUFFIXES:
        return load_data(p)
    return read(p)
