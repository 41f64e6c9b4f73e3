"""settings: every process's configuration, parsed once, a bad value stopping it with one line."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from settings import Settings, SettingsError, check_settings, load_settings, reload_settings
from settings.console import ConsoleConfig
from settings.scheduler import SchedulerConfig
from tests.conftest import ROOT

OUR_PACKAGES = ("actions", "bot", "console", "dialogue", "jiuye", "policies_kb", "registry", "scheduler")


def _jiuye(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jiuye.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT), **env))


@pytest.mark.parametrize("name, value", [
    ("PORT", "abc"), ("PORT", "70000"), ("ACTION_PORT", "-1"), ("JIUYE_TRACKER_STORE", "mongo"),
    ("REDIS_URL", "localhost:6379"), ("JIUYE_CONSOLE_SESSION_HOURS", "eight"), ("JIUYE_QUIET_HOURS", "22-8"),
    ("JIUYE_TIMEZONE", "Mars/Base"),
])
def test_a_bad_value_stops_jiuye_run_with_one_bilingual_line_and_exit_code_2(name, value):
    done = _jiuye("run", **{name: value})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"jiuye: 配置错误 {name}="), lines
    assert f"bad setting {name}=" in lines[0]


def test_a_database_url_is_never_echoed_with_its_password():
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DATABASE_URL": "postgresql//jiuye:s3cret@db/jiuye"})
    assert "s3cret" not in str(caught.value)
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"REDIS_URL": "http://:s3cret@cache:6379/0"})
    assert "s3cret" not in str(caught.value) and "redis://" in str(caught.value)


def test_values_are_parsed_and_defaults_kept():
    parsed = Settings.from_env({"PORT": " 6000 ", "JIUYE_LOG_LEVEL": "debug", "JIUYE_TRACKER_STORE": "MEMORY",
                                "DATABASE_URL": "postgresql+psycopg2://u@h/db", "REDIS_URL": "redis://h:6379/1"})
    assert (parsed.port, parsed.log_level, parsed.tracker_store) == (6000, "DEBUG", "memory")
    assert parsed.database_url == "postgresql+psycopg2://u@h/db" and parsed.redis_url == "redis://h:6379/1"
    default = Settings.from_env({})
    assert (default.port, default.action_port, default.redis_url) == (5005, 5055, None)
    assert default.database_url.startswith("sqlite:///") and default.database_url.endswith("jiuye.db")


def test_scheduler_and_console_settings_report_the_variable():
    with pytest.raises(SettingsError, match="JIUYE_SEND_CONCURRENCY"):
        SchedulerConfig.from_env({"JIUYE_SEND_CONCURRENCY": "0"})
    with pytest.raises(SettingsError, match="JIUYE_FAIR_OFFSETS"):
        SchedulerConfig.from_env({"JIUYE_FAIR_OFFSETS": "3 days"})
    assert SchedulerConfig.from_env({"JIUYE_SEND_RATE": "0"}).send_rate == 0  # 0 = no limit (benchmarks)
    with pytest.raises(SettingsError, match="JIUYE_CONSOLE_COOKIE_SECURE"):
        ConsoleConfig.from_env({"JIUYE_CONSOLE_COOKIE_SECURE": "sometimes"})
    assert ConsoleConfig.from_env({"JIUYE_CONSOLE_COOKIE_SECURE": "TRUE"}).cookie_secure == "always"


def test_channel_settings_are_checked_only_for_a_channel_that_is_on():
    bad_timeout = {"WECHAT_HTTP_TIMEOUT": "soon", "TELEGRAM_DEDUPE_TTL": "0"}
    check_settings(bad_timeout)  # neither channel has a token: neither is read
    with pytest.raises(SettingsError, match="WECHAT_HTTP_TIMEOUT"):
        check_settings(dict(bad_timeout, WECHAT_TOKEN="t"))
    with pytest.raises(SettingsError, match="TELEGRAM_DEDUPE_TTL"):
        check_settings(dict(bad_timeout, TELEGRAM_TOKEN="t"))


def test_a_process_parses_its_settings_once(monkeypatch):
    monkeypatch.setenv("PORT", "6001")
    reload_settings()
    first = load_settings()
    monkeypatch.setenv("PORT", "6002")
    assert load_settings() is first and first.port == 6001
    reload_settings()
    assert load_settings().port == 6002


def test_settings_import_nothing_of_ours():
    program = (
        "import sys, settings, settings.channels, settings.console, settings.scheduler\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {OUR_PACKAGES!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
