"""Bounds on what one input may cost. Defaults fit real reports with a wide margin."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024  # the biggest real reports with images are a few MB
    max_decompressed_bytes: int = 200 * 1024 * 1024  # sum of a .docx/.wps archive's members
    max_compression_ratio: int = 200  # per archive member; zip bombs go far beyond
    max_pdf_pages: int = 200
    max_text_chars: int = 5_000_000
    max_nesting: int = 32  # tables in tables, HTML elements
    max_seconds: float = 60.0  # wall time for reading one file
    max_blocks: int = 200_000


DEFAULT_LIMITS = Limits()
