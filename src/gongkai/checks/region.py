"""GK8xx (region): a region's own report against the sum of its agencies' reports in the store."""

from __future__ import annotations
