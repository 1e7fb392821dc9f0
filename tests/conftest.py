from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEEDS = sorted((DATA / "seeds").glob("*.txt"))
# shared/ sits beside the repository (CI clones it there); GONGKAI_SHARED overrides
SHARED = Path(os.environ.get("GONGKAI_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "dev"


@pytest.fixture(scope="session")
def seed_paths():
    return SEEDS


def corpus_file(name: str) -> Path:
    p = CORPUS / name
    if not p.exists():
        pytest.skip(f"development corpus not present: {p}")
    return p
