"""GK4xx (claims): what the narrative states as fact (all applications finished, no fee, a rise of X%)
against the tables and, where it speaks of change, last year's report."""

from __future__ import annotations
