"""`jiuye run`: the whole assistant on one machine — action server, then the Rasa server with
its channels, each a child process; stopping one stops all."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Dict, List, Mapping, Optional

import yaml

from bot import action_server
from jiuye.endpoints import write_endpoints_file
from registry.db import engine_for
from settings import PROJECT_DIR, Settings
from settings.console import console_enabled

# Rasa's command line with jiuye.rasa_patches applied (jiuye/rasa_main.py), instead of the `rasa` script.
REST_CHANNEL = "bot.rest_channel.RestInput"
RASA_ENTRY_POINT = (sys.executable, "-m", "jiuye.rasa_main")


def channel_credentials(env: Optional[Mapping[str, str]] = None, local: bool = False) -> Dict[str, object]:
    """Channels served by the Rasa server. WeChat and Telegram when their token is set (they read
    the rest of their configuration, secrets included, from the environment, so none is written
    to the credentials file); the console unless JIUYE_CONSOLE=0. REST (bot/rest_channel.py) is
    for local use and tests: on for ``local`` (`jiuye run`), otherwise (`jiuye rasa`, production)
    only when JIUYE_REST_TOKEN is set, and then every request needs that bearer token."""
    env = os.environ if env is None else env
    channels: Dict[str, object] = {}
    if local or Settings.from_env(env).rest_token:
        channels[REST_CHANNEL] = None
    if env.get("WECHAT_TOKEN"):
        channels["bot.wechat.channel.WeChatInput"] = None
    if env.get("TELEGRAM_TOKEN"):
        channels["bot.telegram.channel.TelegramInput"] = None
    if console_enabled(env):  # staff console at /console/ (docs/console.md)
        channels["console.channel.ConsoleInput"] = None
    return channels


def write_credentials_file(settings: Settings, env: Optional[Mapping[str, str]] = None, local: bool = False) -> Path:
    path = settings.data_dir / "credentials.yml"
    path.write_text(yaml.safe_dump(channel_credentials(env, local), allow_unicode=True), encoding="utf-8")
    return path


def rasa_command(settings: Settings, endpoints: Path, credentials: Path) -> List[str]:
    """`rasa run` through our entry point, so the server runs with jiuye.rasa_patches applied."""
    return [
        *RASA_ENTRY_POINT, "run", "--model", str(settings.model_path), "--endpoints", str(endpoints),
        "--credentials", str(credentials), "--port", str(settings.port), "--interface", "0.0.0.0",
    ]


def prepare_rasa(settings: Settings, action_url: str, env: Optional[Mapping[str, str]] = None) -> List[str]:
    """Set-up for one Rasa server that uses an action server running elsewhere (`jiuye rasa`, one
    of several replicas): the registration database migrated (a bad DATABASE_URL fails here),
    endpoints and credentials written to the data directory. Returns the `rasa run` command line."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine_for(settings.database_url)
    endpoints = write_endpoints_file(settings, action_url)
    credentials = write_credentials_file(settings, env)
    return rasa_command(settings, endpoints, credentials)


@dataclass
class Assistant:
    """The running children, in start order."""

    actions: subprocess.Popen
    rasa: subprocess.Popen

    @property
    def children(self) -> List[tuple]:
        return [("actions", self.actions), ("rasa", self.rasa)]

    def stop(self) -> None:
        for _, child in reversed(self.children):
            action_server.stop(child)


def start(settings: Settings, env: Optional[Mapping[str, str]] = None, log_to: Optional[IO] = None) -> Assistant:
    """Start the action server, then ``rasa run`` with ``env`` (default: this process's).
    The registration database is migrated first, so a bad DATABASE_URL fails here, once."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine_for(settings.database_url)
    actions = action_server.start(settings.action_port, log_to=log_to, env=env)
    action_url = settings.action_server_url or f"http://127.0.0.1:{settings.action_port}/webhook"
    endpoints = write_endpoints_file(settings, action_url)
    credentials = write_credentials_file(settings, env, local=True)
    try:
        rasa = subprocess.Popen(
            rasa_command(settings, endpoints, credentials), cwd=PROJECT_DIR, env=dict(env) if env is not None else None,
            stdout=log_to, stderr=subprocess.STDOUT if log_to else None,
        )
    except OSError:
        action_server.stop(actions)
        raise
    return Assistant(actions, rasa)


def start_scheduler(env: Optional[Mapping[str, str]] = None, log_to: Optional[IO] = None) -> Optional[subprocess.Popen]:
    """The job-fair / follow-up scheduler (docs/scheduler.md), unless JIUYE_SCHEDULER=off (e.g.
    when it runs on another machine: only one scheduler may run per database)."""
    env = os.environ if env is None else env
    if env.get("JIUYE_SCHEDULER", "on").lower() == "off":
        return None
    return subprocess.Popen([sys.executable, "-m", "jiuye.scheduler_main"], cwd=PROJECT_DIR, env=dict(env),
                            stdout=log_to, stderr=subprocess.STDOUT if log_to else None)


def run(settings: Settings) -> int:
    assistant = start(settings)
    scheduler = start_scheduler()
    children = assistant.children + ([("scheduler", scheduler)] if scheduler else [])
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"jiuye: assistant starting on http://127.0.0.1:{settings.port} (Ctrl+C to stop)", file=sys.stderr)
    exit_code = 0
    while not stopping:
        for name, child in children:
            if child.poll() is not None:
                print(f"jiuye: {name} exited with code {child.returncode}; stopping", file=sys.stderr)
                exit_code = child.returncode or 1
                stopping = True
        time.sleep(0.5)
    action_server.stop(scheduler)
    assistant.stop()
    return exit_code
