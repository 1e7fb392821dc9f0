"""A region's own report against the sum of its agencies' reports in the store, with the coverage."""

from __future__ import annotations
