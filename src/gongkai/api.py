"""The Python API: the same pipeline the CLI and the web application use (gongkai.pipeline).

A file is read in a worker process of this process's sandbox (started when first needed, stopped when
the process exits), under the operating system's limits; a script that calls the API needs the usual
``if __name__ == "__main__":`` guard of any program that starts processes.
"""

from __future__ import annotations

from pathlib import Path

from .checks import Finding, check
from .document import Document
from .extract import extract
from .formats.deadlines import load_deadlines  # an office's own deadlines: check(report, deadlines=...)
from .limits import DEFAULT_LIMITS, Limits, warn_env_error
from .model import Report
from .pipeline import NO_RULES, Processed, default_sandbox
from .readers import read_file_bytes


def read(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Read one report file of any supported format (within ``limits.max_seconds``, extraction included).
    Raises :class:`~gongkai.errors.ReadError` (LimitExceeded for a limit) with a one-line reason."""
    warn_env_error()
    data = read_file_bytes(path, limits)  # here: the size is looked at before a byte is read
    return _report(default_sandbox().run(data, str(path), limits, select=NO_RULES))


def read_data(data: bytes, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Read a report from bytes (an upload, standard input)."""
    warn_env_error()
    return _report(default_sandbox().run(data, name, limits, select=NO_RULES))


def _report(done: Processed) -> Report:
    if done.failure is not None:
        raise done.failure.error()
    assert done.report is not None
    return done.report


def parse_document(doc: Document) -> Report:
    return extract(doc)


__all__ = ["Finding", "Report", "check", "load_deadlines", "parse_document", "read", "read_data"]
