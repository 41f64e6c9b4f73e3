"""`jiuye run` starts the whole assistant; the REST channel answers with a cited reply; SIGTERM
stops every child process."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request

from bot.action_server import free_port
from settings import PROJECT_DIR
from tests.e2e.conftest import JIUYE


def wait_ready(url: str, process: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "jiuye run exited early"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"{url} not ready within {seconds}s")


def post(url: str, body: dict) -> list:
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_jiuye_run_serves_cited_answers_and_stops_cleanly(ask_env):
    port, action_port = free_port(), free_port()
    env = dict(ask_env, PORT=str(port), ACTION_PORT=str(action_port))
    process = subprocess.Popen([JIUYE, "run"], cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}/", process)
        messages = post(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                        {"sender": "run-test", "message": "在吉林两个人合伙创业能贷多少"})
        text = "\n".join(m.get("text", "") for m in messages)
        assert "44万元" in text and "吉就组〔2022〕2号" in text
        custom = [m["custom"] for m in messages if "custom" in m]
        assert custom and custom[0]["citations"][0]["clause"] == "（十）"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert code == 0
    time.sleep(1)
    for p in (port, action_port):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{p}/", timeout=2)
            raise AssertionError(f"port {p} still served after SIGTERM")
        except OSError:
            pass
