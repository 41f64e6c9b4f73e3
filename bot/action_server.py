"""Starts the rasa_sdk action server as a child process and waits until it answers."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from typing import List, Mapping, Optional, Set

from settings import PROJECT_DIR

_HANDED_OUT: Set[int] = set()


def free_port() -> int:
    """A loopback port free now and not handed out before by this process.

    The probe socket is closed before the caller binds, so the kernel may offer the same port to
    the next call; two servers started from two calls would then collide (seen in CI: the
    assistant's port was the action server's). Remembering what was handed out prevents that."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def is_healthy(base_url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def command(port: int) -> List[str]:
    """The action server serving the ``actions`` package on ``port`` (jiuye/action_main.py)."""
    return [sys.executable, "-m", "jiuye.action_main", "--actions", "actions", "--port", str(port)]


def spawn(port: int, log_to=None, env: Optional[Mapping[str, str]] = None) -> subprocess.Popen:
    """Launch the action server (``command``) on 127.0.0.1:``port`` without waiting for it, with
    ``env`` (default: this process's environment) so it uses the same database, keys and log level.
    The caller can load the Rasa model meanwhile (both take seconds) and then ``wait_healthy``."""
    env = dict(os.environ if env is None else env, PYTHONPATH=str(PROJECT_DIR))
    return subprocess.Popen(command(port), cwd=PROJECT_DIR, env=env, stdout=log_to or sys.stderr, stderr=subprocess.STDOUT)


def wait_healthy(process: subprocess.Popen, port: int, wait_seconds: float = 120.0) -> subprocess.Popen:
    """Return ``process`` once its health endpoint answers; raise if it exits or times out."""
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"action server exited with code {process.returncode}")
        if is_healthy(base):
            return process
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"action server did not become healthy on port {port} within {wait_seconds}s")


def start(
    port: int, log_to=None, wait_seconds: float = 120.0, env: Optional[Mapping[str, str]] = None
) -> subprocess.Popen:
    """Start the action server and wait until it is healthy."""
    return wait_healthy(spawn(port, log_to, env), port, wait_seconds)


def stop(process: Optional[subprocess.Popen]) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
