"""`jiuye run`: the whole assistant on one machine — action server, then the Rasa server with
its channels, each a child process; stopping one stops all."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

import yaml

from bot import action_server
from jiuye.endpoints import write_endpoints_file
from jiuye.settings import PROJECT_DIR, Settings
from jiuye.training import rasa_executable


def channel_credentials() -> Dict[str, object]:
    """Channels served by the Rasa server. REST is always on for local use and tests."""
    return {"rest": None}


def write_credentials_file(settings: Settings) -> Path:
    path = settings.data_dir / "credentials.yml"
    path.write_text(yaml.safe_dump(channel_credentials(), allow_unicode=True), encoding="utf-8")
    return path


def rasa_command(settings: Settings, endpoints: Path, credentials: Path) -> List[str]:
    return [
        rasa_executable(), "run", "--model", str(settings.model_path), "--endpoints", str(endpoints),
        "--credentials", str(credentials), "--port", str(settings.port), "--interface", "0.0.0.0",
    ]


def run(settings: Settings) -> int:
    if not settings.model_path.exists():
        print(f"jiuye: no trained model at {settings.model_path}; run `jiuye train` first", file=sys.stderr)
        return 1
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    actions = action_server.start(settings.action_port)
    action_url = settings.action_server_url or f"http://127.0.0.1:{settings.action_port}/webhook"
    endpoints = write_endpoints_file(settings, action_url)
    credentials = write_credentials_file(settings)
    rasa = subprocess.Popen(rasa_command(settings, endpoints, credentials), cwd=PROJECT_DIR)
    children = [("actions", actions), ("rasa", rasa)]
    stopping = False

    def stop(signum, frame) -> None:  # noqa: ARG001
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
    for _, child in reversed(children):
        action_server.stop(child)
    return exit_code
