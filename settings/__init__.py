"""Configuration from the environment, for every process: parsed and validated once, at start.

A leaf: imports nothing of ours (import-linter checks it, pyproject.toml). ``load_settings()`` parses the
shared settings once per process; ``check_settings()`` parses everything a process may read later (console,
scheduler, channels), so that a bad value stops the process at start with one line
(``SettingsError``, Chinese and English; exit code ``EXIT_CODE``) instead of a traceback later.
Tests that change the environment call ``reload_settings()``.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import Iterator, Mapping, Optional

from settings.channels import TelegramConfig, WeChatConfig
from settings.console import ConsoleConfig, console_enabled
from settings.core import LEVELS, PROJECT_DIR, Settings, log_level
from settings.parse import EXIT_CODE, SettingsError
from settings.scheduler import SchedulerConfig

__all__ = ["EXIT_CODE", "LEVELS", "PROJECT_DIR", "Settings", "SettingsError", "check_settings", "exit_on_bad_setting", "load_settings", "log_level", "reload_settings"]

_lock = threading.Lock()
_loaded: Optional[Settings] = None


def load_settings() -> Settings:
    """This process's settings, from ``os.environ``, parsed on first use."""
    global _loaded
    with _lock:
        if _loaded is None:
            _loaded = Settings.from_env(os.environ)
        return _loaded


def reload_settings() -> None:
    """Forget what ``load_settings`` parsed (tests that change the environment)."""
    global _loaded
    with _lock:
        _loaded = None


def check_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    """Parse every setting the processes read, so a bad one fails now; raises ``SettingsError``.
    The channels' settings are checked when their channel is on (its token set)."""
    env = os.environ if env is None else env
    settings = Settings.from_env(env)
    if console_enabled(env):
        ConsoleConfig.from_env(env)
    SchedulerConfig.from_env(env)
    if env.get("WECHAT_TOKEN"):
        WeChatConfig.from_env(env)
    if env.get("TELEGRAM_TOKEN"):
        TelegramConfig.from_env(env)
    return settings


@contextlib.contextmanager
def exit_on_bad_setting(program: str = "jiuye") -> Iterator[None]:
    """Around a process's start: a ``SettingsError`` becomes one line on stderr and exit code
    ``EXIT_CODE`` (2), never a traceback."""
    try:
        yield
    except SettingsError as error:
        print(f"{program}: {error}", file=sys.stderr, flush=True)
        raise SystemExit(EXIT_CODE) from None
