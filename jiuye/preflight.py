"""Checks before starting processes, so a bad setup fails with one clear line, not a traceback."""
from __future__ import annotations

from typing import Optional

from policies_kb.loader import KnowledgeBaseError, load_documents
from settings import Settings
from settings.console import ConsoleConfig, console_enabled


def problems(settings: Settings) -> Optional[str]:
    if console_enabled():
        try:
            ConsoleConfig.from_env()
        except ValueError as exc:
            return f"console settings: {exc}"

    if not settings.model_path.exists():
        return f"no trained model at {settings.model_path}; run `jiuye train` (or `make run`) first"
    try:
        load_documents(settings.kb_dir)
    except KnowledgeBaseError as exc:
        lines = "\n  ".join(exc.problems[:20])
        return f"knowledge base in {settings.kb_dir} is invalid:\n  {lines}"
    return None
