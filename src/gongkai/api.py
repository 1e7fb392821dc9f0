"""The Python API: the same core the CLI and the web application use."""

from __future__ import annotations

from pathlib import Path

from .checks import Finding, check
from .document import Document
from .extract import extract
from .limits import DEFAULT_LIMITS, Limits, warn_env_error
from .model import Report
from .readers import read_bytes, read_path, time_limit


def read(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Read one report file of any supported format (within ``limits.max_seconds``, extraction included)."""
    warn_env_error()
    with time_limit(limits.max_seconds):
        return extract(read_path(path, limits))


def read_data(data: bytes, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Read a report from bytes (an upload, standard input)."""
    warn_env_error()
    with time_limit(limits.max_seconds):
        return extract(read_bytes(data, name, limits))


def parse_document(doc: Document) -> Report:
    return extract(doc)


__all__ = ["Finding", "Report", "check", "read", "read_data", "parse_document"]
