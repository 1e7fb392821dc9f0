"""Bounds on what one input may cost. Defaults fit real reports with a wide margin.

Every limit can be changed in three places, the later winning: the defaults here, the
environment (read in one place, :func:`from_env`), and the command line (``--max-size``,
``--max-pages``, ``--timeout``, ``--max-decompressed``, ``--limit NAME=VALUE``). See docs/limits.md.

Environment: ``GONGKAI_LIMITS="max_file_bytes=20MB,max_seconds=10"`` (comma- or
space-separated ``name=value`` pairs), or one variable per limit, ``GONGKAI_`` and the name in
capitals (``GONGKAI_MAX_PDF_PAGES=50``), or the command-line spelling (``GONGKAI_MAX_SIZE=20``,
``GONGKAI_MAX_DECOMPRESSED=100``, ``GONGKAI_MAX_PAGES=50``, ``GONGKAI_TIMEOUT=10``,
``GONGKAI_MAX_MEMORY=1024``). Sizes take a unit (``KB``, ``MB``, ``GB``; 1024-based); a bare number is
bytes for a ``*_bytes`` name and MB for ``MAX_SIZE`` / ``MAX_DECOMPRESSED`` / ``MAX_MEMORY``, as on the
command line. Single variables override
``GONGKAI_LIMITS``.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import GongkaiError

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 50 * MB  # the biggest real reports with images are a few MB
    max_decompressed_bytes: int = 200 * MB  # sum of a .docx/.wps archive's members
    max_compression_ratio: int = 200  # per archive member; zip bombs go far beyond
    max_zip_members: int = 4096  # a .docx has a few dozen parts, a few hundred with many images
    max_xml_bytes: int = 64 * MB  # the one part that is parsed (word/document.xml); real ones are < 5 MB
    max_elements: int = 400_000  # XML/HTML elements of one document; a long report has < 100,000
    max_pdf_pages: int = 200
    max_page_objects: int = 100_000  # characters, paths and images one PDF page draws; real pages < 10,000
    max_page_bytes: int = 16 * MB  # content-stream bytes one PDF page runs; real pages < 1 MB
    max_text_chars: int = 2_000_000  # a long report has < 100,000 characters
    max_nesting: int = 32  # tables in tables, HTML elements
    max_converter_bytes: int = 1024 * MB  # address space of LibreOffice converting a .doc/.wps/.rtf (a report: < 512 MB)
    max_seconds: float = 60.0  # wall time for reading (and extracting and checking) one file
    max_blocks: int = 200_000  # paragraphs and table rows
    max_memory_bytes: int = 2048 * MB  # address space a worker process may add while it reads one file
    # OCR of scanned pages (gongkai.ocr, docs/ocr.md): about 3 s of one core per page
    max_ocr_pages: int = 50  # pages of one file read by OCR; a report has a few dozen at most
    max_ocr_seconds_per_page: float = 30.0  # a page still unread after this is left unread (and said so)
    max_ocr_seconds: float = 240.0  # OCR of one file; the pages after it are left unread (and said so)
    max_ocr_pixels: int = 40_000_000  # one image OCR works on: a rendered page (A4 at 150 dpi: 2.2 M) or an embedded image
    ocr_threads: int = 1  # threads of the OCR engine (onnxruntime) and of OpenCV, per worker process


class LimitsConfigError(GongkaiError):
    """A limit given in the environment or on the command line that cannot be understood."""

    code = "config"


FIELDS = {f.name: f.type for f in fields(Limits)}
# command-line spellings: (field, unit of a bare number)
ALIASES = {
    "max_size": ("max_file_bytes", MB),
    "max_decompressed": ("max_decompressed_bytes", MB),
    "max_pages": ("max_pdf_pages", 1),
    "timeout": ("max_seconds", 1),
    "max_memory": ("max_memory_bytes", MB),
}
_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": MB, "mb": MB, "mib": MB,
          "g": 1024 * MB, "gb": 1024 * MB, "gib": 1024 * MB}
_VALUE = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([a-zA-Z]*)\s*$")


def parse_value(name: str, value: str, where: str | None = None) -> tuple[str, int | float]:
    """(field name, value) for one ``name=value`` setting; LimitsConfigError if either is wrong."""
    where = where or name
    key = name.strip().lower().replace("-", "_")
    key = key.removeprefix("gongkai_")
    bare_unit = 1
    if key in ALIASES:
        key, bare_unit = ALIASES[key]
    if key not in FIELDS:
        raise LimitsConfigError(
            f"未知的限制项：{name}（可用：{', '.join([*FIELDS, *ALIASES])}）",
            f"unknown limit {name!r} (known: {', '.join([*FIELDS, *ALIASES])})",
        )
    m = _VALUE.match(str(value))
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _UNITS or (unit and not key.endswith("_bytes")):
        raise LimitsConfigError(f"{where} 的值无效：{value!r}", f"invalid value for {where}: {value!r}")
    number = float(m.group(1)) * (_UNITS[unit] if unit else bare_unit)
    if number <= 0:
        raise LimitsConfigError(f"{where} 的值必须大于 0：{value!r}", f"{where} must be greater than 0: {value!r}")
    return key, (number if FIELDS[key] in ("float", float) else int(number))


def with_settings(base: Limits, settings: Mapping[str, object], where: str = "") -> Limits:
    """``base`` with some limits changed: {name or alias: value as text or number}."""
    changes: dict[str, Any] = {}  # each value of its field's type (parse_value)
    for name, value in settings.items():
        key, number = parse_value(name, str(value), f"{where}{name}" if where else None)
        changes[key] = number
    return replace(base, **changes)


def from_env(environ: Mapping[str, str] | None = None, base: Limits | None = None) -> Limits:
    """The limits the environment asks for (see the module's docstring); LimitsConfigError if a
    variable cannot be understood."""
    env = os.environ if environ is None else environ
    limits = base or Limits()
    combined = env.get("GONGKAI_LIMITS", "").strip()
    if combined:
        settings: dict[str, str] = {}
        for item in re.split(r"[,;\s]+", combined):
            if not item:
                continue
            name, sep, value = item.partition("=")
            if not sep:
                raise LimitsConfigError(f"GONGKAI_LIMITS 的写法无效：{item!r}（应为 名称=值）",
                                        f"GONGKAI_LIMITS: expected name=value, got {item!r}")
            settings[name] = value
        limits = with_settings(limits, settings, "GONGKAI_LIMITS: ")
    single = {}
    for var, value in env.items():
        if not var.startswith("GONGKAI_") or var == "GONGKAI_LIMITS":
            continue
        key = var[len("GONGKAI_"):].lower()
        if key in FIELDS or key in ALIASES:
            single[var] = value
    return with_settings(limits, single) if single else limits


def _initial() -> tuple[Limits, LimitsConfigError | None]:
    try:
        return from_env(), None
    except LimitsConfigError as exc:
        return Limits(), exc


@functools.cache  # once per process: the body runs on the first call only
def warn_env_error() -> None:
    """Warn (once) that the environment's limits could not be understood (the API's way; the
    command line refuses to run)."""
    if ENV_ERROR is not None:
        warnings.warn(f"gongkai: {ENV_ERROR}; the built-in limits are used", stacklevel=3)


BUILTIN_LIMITS = Limits()
DEFAULT_LIMITS, ENV_ERROR = _initial()
"""The limits used when none are given: the built-in ones as changed by the environment when the
process started. ``ENV_ERROR`` holds the error if the environment could not be understood (the
command line refuses to run then; the API warns and uses the built-in limits)."""
