"""Shared fixtures. Paths are resolved from this file so tests run from any directory."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("JIUYE_SEEDS_DIR") or ROOT.parent / "shared" / "seeds")
SHARED = SEEDS.parent


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Each test parses the environment it set up (settings.load_settings() caches per process)."""
    from settings import reload_settings

    reload_settings()
    yield
    reload_settings()


@pytest.fixture(scope="session")
def kb():
    from policies_kb.kb import KnowledgeBase

    return KnowledgeBase.load()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
