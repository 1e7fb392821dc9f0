"""Errors a user may meet, each with a message a clerk understands (Chinese) and an English one."""

from __future__ import annotations


class GongkaiError(Exception):
    """Base of every error gongkai raises on purpose."""

    code = "error"

    def __init__(self, zh: str, en: str = "") -> None:
        zh, en = _one_line(zh), _one_line(en)
        super().__init__(zh)
        self.zh = zh
        self.en = en or zh

    def __str__(self) -> str:  # one line, both languages: the CLI prints it as is
        return f"{self.zh} ({self.en})" if self.en and self.en != self.zh else self.zh


def _one_line(text: str) -> str:
    """A reason is printed as one line: line breaks (a library's message may hold some) become spaces."""
    if "\n" in text or "\r" in text:
        return " ".join(text.split())
    return text


class ReadError(GongkaiError):
    """A file could not be read at all: corrupt, encrypted, empty, too large, unsupported."""

    code = "unreadable"

    def __init__(self, zh: str, en: str = "", *, reason: str = "unreadable") -> None:
        super().__init__(zh, en)
        self.reason = reason  # short machine word: empty, corrupt, encrypted, too-large, scanned, ...


class LimitExceeded(ReadError):
    def __init__(self, zh: str, en: str = "") -> None:
        super().__init__(zh, en, reason="limit")
