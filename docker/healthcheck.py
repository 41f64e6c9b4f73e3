"""Container health checks (no curl in the slim image): exit 0 when the role's process answers.

    python docker/healthcheck.py rasa        GET http://127.0.0.1:$PORT/  (Rasa's root: up once the model is loaded)
    python docker/healthcheck.py actions     GET http://127.0.0.1:$ACTION_PORT/health
    python docker/healthcheck.py scheduler   `jiuye scheduler status --json` says it is running
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return response.status == 200
    except OSError:
        return False


def scheduler_running() -> bool:
    done = subprocess.run(["jiuye", "scheduler", "status", "--json"], capture_output=True, text=True, timeout=20)
    if done.returncode != 0:
        return False
    try:
        return bool(json.loads(done.stdout).get("running"))
    except ValueError:
        return False


def main(role: str) -> int:
    if role == "rasa":
        return 0 if http_ok(f"http://127.0.0.1:{os.environ.get('PORT', '5005')}/") else 1
    if role == "actions":
        return 0 if http_ok(f"http://127.0.0.1:{os.environ.get('ACTION_PORT', '5055')}/health") else 1
    if role == "scheduler":
        return 0 if scheduler_running() else 1
    print(f"unknown role {role!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "rasa"))
