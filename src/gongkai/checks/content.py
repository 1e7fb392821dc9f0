"""GK5xx (content): what a report must say besides its tables, and the signs of last year's text reused."""

from __future__ import annotations
