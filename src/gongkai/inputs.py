"""Turning command-line arguments into report inputs: files, directories (recursively) and ``-``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .formats import files

# What a directory walk picks up (formats/files.py); a file named explicitly is read whatever its name.
REPORT_SUFFIXES = files.REPORT_SUFFIXES


@dataclass(slots=True)
class Input:
    name: str  # what messages call it
    path: Path | None  # None for standard input
    data: bytes | None = None


def iter_inputs(args: list[str], max_bytes: int | None = None) -> Iterator[Input]:
    """The inputs named by ``args``. Standard input is read at once, but never more than
    ``max_bytes + 1`` bytes of it (the reader then refuses it as too large)."""
    for arg in args:
        if arg == "-":
            stream = sys.stdin.buffer
            yield Input("<stdin>", None, stream.read() if max_bytes is None else stream.read(max_bytes + 1))
            continue
        p = Path(arg)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES and not _hidden(f, p):
                    yield Input(str(f), f)
        else:
            yield Input(arg, p)


def _hidden(f: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in f.relative_to(root).parts)
