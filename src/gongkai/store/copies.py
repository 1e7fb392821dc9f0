"""Copied text against the store: the passages a report shares with other agencies' reports."""

from __future__ import annotations
