"""End-to-end fixtures: the real trained model (trained here if missing or stale), the real
action server and `jiuye ask --jsonl` as a subprocess, exactly as a user runs it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterable, List

import pytest

from settings import PROJECT_DIR, Settings

JIUYE = str(Path(sys.executable).with_name("jiuye"))


@pytest.fixture(scope="session")
def model_path() -> Path:
    from jiuye.training import train

    path = Settings.from_env().model_path
    if os.environ.get("JIUYE_MODEL") and path.exists():
        return path  # an explicitly chosen model is used as it is
    train(path)
    return path


@pytest.fixture
def ask_env(tmp_path, model_path) -> Dict[str, str]:
    """Environment for a `jiuye ask` run with its own data directory (database, tracker store)."""
    env = dict(os.environ, JIUYE_DATA_DIR=str(tmp_path / "var"), JIUYE_MODEL=str(model_path))
    env.pop("DATABASE_URL", None)
    env.pop("ACTION_SERVER_URL", None)
    return env


def run_jsonl_process(
    requests: Iterable[Dict], env: Dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess:
    """Send request objects (or raw strings) to one `jiuye ask --jsonl` process; return the
    finished process (stdout: one JSON line per request; stderr: the logs)."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in requests]
    return subprocess.run(
        [JIUYE, "ask", "--jsonl"], input="\n".join(lines) + "\n", capture_output=True, text=True,
        env=env, cwd=PROJECT_DIR, timeout=timeout,
    )


def run_jsonl(requests: Iterable[Dict], env: Dict[str, str], timeout: float = 600) -> List[Dict]:
    """Send request objects (or raw strings) to `jiuye ask --jsonl`; return the parsed replies."""
    result = run_jsonl_process(requests, env, timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stdout
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
