"""The real assistant (action server + `rasa run`) started through jiuye.runner on free ports,
for the channel end-to-end tests and the console browser tests."""
from __future__ import annotations

import os
import time
import urllib.request
from pathlib import Path
from typing import IO, Dict

from bot.action_server import free_port
from jiuye import runner
from settings import PROJECT_DIR, Settings

MODEL = Path(os.environ.get("JIUYE_MODEL") or PROJECT_DIR / "models" / "jiuye.tar.gz")


class LiveAssistant:
    """A started assistant, its environment and its log file."""

    def __init__(self, env: Dict[str, str], settings: Settings, assistant: runner.Assistant, log: IO):
        self.env, self.settings, self.assistant, self.log = env, settings, assistant, log

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    def stop(self) -> None:
        self.assistant.stop()
        self.log.close()

    def log_tail(self, chars: int = 3000) -> str:
        return (self.settings.data_dir / "assistant.log").read_text(encoding="utf-8")[-chars:]

    def wait_serving(self, path: str, timeout: float) -> None:
        """Until ``GET path`` answers 200; stops the assistant and raises with the log's tail if it
        exits or the time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.assistant.rasa.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.base}{path}", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:  # URLError is an OSError
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"assistant did not serve {path}:\n{self.log_tail()}")


def assistant_env(data_dir: Path, **extra: str) -> Dict[str, str]:
    """This environment without any channel credentials or Redis, plus free ports, a data folder,
    the model and a SQLite ledger in that folder; ``extra`` last."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "TELEGRAM_", "REDIS_URL"))}
    env.update(PORT=str(free_port()), ACTION_PORT=str(free_port()), JIUYE_DATA_DIR=str(data_dir),
               JIUYE_MODEL=str(MODEL), DATABASE_URL=f"sqlite:///{data_dir / 'jiuye.db'}")
    env.update(extra)
    return env


def launch(env: Dict[str, str], kind: type = LiveAssistant) -> LiveAssistant:
    """Start the assistant (returns at once; the caller waits for it to be ready)."""
    settings = Settings.from_env(env)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log = open(settings.data_dir / "assistant.log", "w", encoding="utf-8")
    return kind(env, settings, runner.start(settings, env, log_to=log), log)
