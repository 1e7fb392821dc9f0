"""Copied text (内容雷同): the share of a report's narrative taken from the agency's own previous report
(GK6xx) and from other agencies' reports in the store (GK8xx)."""

from __future__ import annotations
