"""The real assistant (action server + `rasa run` with the console channel) on free ports, for the
browser tests, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, IO

import pytest

from bot.action_server import free_port
from jiuye import runner
from jiuye.settings import PROJECT_DIR, Settings
from tests.conftest import in_ci

MODEL = Path(os.environ.get("JIUYE_MODEL") or PROJECT_DIR / "models" / "jiuye.tar.gz")
CHROMIUM = os.environ.get("JIUYE_CHROMIUM") or "/usr/bin/chromium"
# As the machine notes prescribe: without the background-networking flags Chromium keeps trying
# to reach Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
JIUYE = str(Path(sys.executable).with_name("jiuye"))


def require(condition: bool, message: str) -> None:
    """Missing browser or model: a failure in CI (the set-up must install it), a skip elsewhere."""
    if condition:
        return
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def browser_available() -> None:
    require(Path(CHROMIUM).exists() or bool(shutil.which(CHROMIUM)),
            f"Chromium not found at {CHROMIUM} (apt-get install -y chromium chromium-driver)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require(False, "the Python package playwright is not installed")


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@dataclass
class LiveAssistant:
    env: Dict[str, str]
    settings: Settings
    assistant: runner.Assistant
    log: IO

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    def stop(self) -> None:
        self.assistant.stop()
        self.log.close()


def assistant_env(data_dir: Path) -> Dict[str, str]:
    from registry.crypto import new_secret

    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "TELEGRAM_", "REDIS_URL"))}
    env.update(
        PORT=str(free_port()), ACTION_PORT=str(free_port()), JIUYE_DATA_DIR=str(data_dir), JIUYE_MODEL=str(MODEL),
        DATABASE_URL=f"sqlite:///{data_dir / 'jiuye.db'}", JIUYE_TRACKER_STORE="memory",
        JIUYE_ID_KEY=f"v1:{new_secret()}", JIUYE_CONSOLE="1",
    )
    env.pop("ACTION_SERVER_URL", None)
    return env


def add_staff(env: Dict[str, str], username: str, password: str, display_name: str) -> None:
    """Through the real command, as an administrator would."""
    result = subprocess.run([JIUYE, "console", "add-user", username, "--password-stdin", "--display-name", display_name],
                            input=password + "\n", capture_output=True, text=True, env=env, cwd=PROJECT_DIR, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def start(env: Dict[str, str], timeout: float = 240.0) -> LiveAssistant:
    settings = Settings.from_env(env)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log = open(settings.data_dir / "assistant.log", "w", encoding="utf-8")
    live = LiveAssistant(env, settings, runner.start(settings, env, log_to=log), log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if live.assistant.rasa.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{live.base}/console/login", timeout=2) as response:
                if response.status == 200:
                    return live
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    live.stop()
    text = (settings.data_dir / "assistant.log").read_text(encoding="utf-8")[-3000:]
    raise RuntimeError(f"assistant did not serve /console/login:\n{text}")
