"""The real assistant (action server + `rasa run` with the console channel) on free ports, for the
browser tests, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

from settings import PROJECT_DIR
from tests.conftest import in_ci
from tests.support.live import MODEL, LiveAssistant
from tests.support.live import assistant_env as support_env
from tests.support.live import launch as launch_assistant

__all__ = ["MODEL", "LiveAssistant"]

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


def assistant_env(data_dir: Path) -> Dict[str, str]:
    from registry.crypto import new_secret

    env = support_env(data_dir, JIUYE_TRACKER_STORE="memory", JIUYE_ID_KEY=f"v1:{new_secret()}", JIUYE_CONSOLE="1")
    env.pop("ACTION_SERVER_URL", None)
    return env


def add_staff(env: Dict[str, str], username: str, password: str, display_name: str, role: str = "operator") -> None:
    """Through the real command, as an administrator would."""
    result = subprocess.run([JIUYE, "console", "add-user", username, "--password-stdin", "--display-name", display_name,
                             "--role", role],
                            input=password + "\n", capture_output=True, text=True, env=env, cwd=PROJECT_DIR, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def start(env: Dict[str, str], timeout: float = 240.0) -> LiveAssistant:
    live = launch_assistant(env)
    live.wait_serving("/console/login", timeout)
    return live
