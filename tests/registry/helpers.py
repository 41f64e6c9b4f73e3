"""Test data: valid resident ID numbers built with the real check character; migrated SQLite files."""
from __future__ import annotations

import shutil
from pathlib import Path

from registry.db import make_engine, migrate
from registry.idcard import check_character


def make_id(area: str = "220102", birth: str = "20010315", seq: str = "123") -> str:
    first17 = area + birth + seq
    return first17 + check_character(first17)


def migrated_sqlite(target: Path, template_dir: Path) -> str:
    """URL of a SQLite ledger at ``target``, copied from a template migrated once per session
    (running the whole migration chain for every test is slow)."""
    template = template_dir / "template.db"
    if not template.exists():
        engine = make_engine(f"sqlite:///{template}")
        migrate(engine)
        engine.dispose()
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"
