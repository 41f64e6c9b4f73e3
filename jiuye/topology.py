"""The production topology on one machine without Docker: one action server, N Rasa servers and a
round-robin proxy standing in for the load balancer, all sharing DATABASE_URL (PostgreSQL: SQL
tracker store and registration ledger) and REDIS_URL (lock store, channel dedupe, access_token).

Each process is started the way its container starts it (`jiuye actions`, `jiuye rasa`, see
docker/compose.yaml), so the tests and the benchmark exercise the production commands. Used by
tests/topology, bench/bench_load.py and `jiuye topology` (run it by hand):

    DATABASE_URL=postgresql://postgres@127.0.0.1/jiuye REDIS_URL=redis://127.0.0.1:6379/0 \\
        jiuye topology --rasa-servers 2 --port 5005

| variable | default | meaning |
|---|---|---|
| `PORT` | 5005 | the proxy's port (the Rasa servers get free ports) |
| `ACTION_PORT` | 5055 | the action server's port |
| `JIUYE_DATA_DIR` | `var/` | each Rasa server writes its generated files to `<dir>/rasa-<n>/`; logs go to `<dir>/logs/` |
"""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional

from sqlalchemy.engine import make_url

from bot.action_server import free_port
from registry.db import engine_for
from settings import PROJECT_DIR, Settings, load_settings

# Rasa's own "/" (Hello from Rasa): a Rasa server listens only once the model is loaded and the
# channels are up. (The REST channel is off on production servers, bot/rest_channel.py.)
SERVER_HEALTH = "/"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    base_url: str
    health_path: str
    log_path: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.base_url + self.health_path, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self, timeout: float = 15.0) -> None:
        if not self.alive():
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=5)

    def kill(self) -> None:
        """SIGKILL: what a crashed or OOM-killed server looks like (no clean-up runs)."""
        if self.alive():
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)


@dataclass
class Topology:
    actions: Process
    rasa: List[Process]
    proxy: Process
    _logs: List = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        """Where clients (the WeChat simulator, load generators) send their requests."""
        return self.proxy.base_url

    @property
    def processes(self) -> List[Process]:
        return [self.actions, *self.rasa, self.proxy]

    def server_for(self, base_url: str) -> Process:
        return next(p for p in self.rasa if p.base_url == base_url.rstrip("/"))

    def wait_ready(self, timeout: Optional[float] = None) -> None:
        """Until every process answers its health check. Loading the model takes 30 s on an idle
        2-core machine and minutes when several servers load at once (JIUYE_TOPOLOGY_START_TIMEOUT,
        default 300 s). Raises with the tail of the failing process's log."""
        timeout = timeout or float(os.environ.get("JIUYE_TOPOLOGY_START_TIMEOUT") or 300)
        deadline = time.monotonic() + timeout
        waiting = list(self.processes)
        while waiting and time.monotonic() < deadline:
            for process in list(waiting):
                if not process.alive():
                    self.stop()
                    raise RuntimeError(f"{process.name} exited with code {process.popen.returncode}:\n"
                                       f"{tail(process.log_path)}")
                if process.healthy():
                    waiting.remove(process)
            time.sleep(0.5)
        if waiting:
            self.stop()
            raise RuntimeError(f"not ready within {timeout:.0f}s: {[p.name for p in waiting]}\n"
                               f"{tail(waiting[0].log_path)}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        for handle in self._logs:
            handle.close()
        self._logs.clear()


def _admin(admin_url: str, statement) -> None:
    """One statement on the admin database, outside a transaction (CREATE/DROP DATABASE)."""
    import psycopg2  # local: optional, PostgreSQL only

    connection = psycopg2.connect(admin_url, connect_timeout=3)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@contextlib.contextmanager
def scratch_database(admin_url: str, prefix: str = "jiuye_topo_") -> Iterator[str]:
    """A new PostgreSQL database ``<prefix><random>`` on the server of ``admin_url`` (a role
    allowed to CREATE DATABASE), yielded as a URL and dropped, connections and all, at the end.
    Tests and benchmarks get a clean tracker store and ledger this way."""
    from psycopg2 import sql  # local: optional, PostgreSQL only

    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    _admin(admin_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(admin_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return "(no log)"


def _spawn(name: str, command: List[str], env: Mapping[str, str], base_url: str, health_path: str,
           log_dir: Path, logs: List) -> Process:
    log_path = log_dir / f"{name}.log"
    handle = open(log_path, "w", encoding="utf-8")
    logs.append(handle)
    popen = subprocess.Popen(command, cwd=PROJECT_DIR, env=dict(env), stdout=handle, stderr=subprocess.STDOUT)
    return Process(name, popen, base_url, health_path, log_path)


def jiuye_command(*args: str) -> List[str]:
    """`jiuye <args>` with this interpreter (the console script may not be on PATH)."""
    return [sys.executable, "-m", "jiuye.cli", *args]


def start(env: Mapping[str, str], rasa_servers: int = 2, proxy_port: Optional[int] = None) -> Topology:
    """Start every process at once (they load in parallel) and return without waiting: call
    ``wait_ready``. The ledger is migrated here first, so the servers do not queue on the
    migration lock and a bad DATABASE_URL fails before anything starts."""
    settings = Settings.from_env(env)
    engine_for(settings.database_url).dispose()
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    logs: List = []
    action_url = settings.action_server_url or f"http://127.0.0.1:{settings.action_port}/webhook"
    processes: List[Process] = []
    try:
        actions = _spawn("actions", jiuye_command("actions"), env, f"http://127.0.0.1:{settings.action_port}",
                         "/health", log_dir, logs)
        processes.append(actions)
        servers: List[Process] = []
        for number in range(1, rasa_servers + 1):
            port = free_port()
            server_env: Dict[str, str] = dict(
                env, PORT=str(port), ACTION_SERVER_URL=action_url,
                JIUYE_DATA_DIR=str(settings.data_dir / f"rasa-{number}"),
            )
            servers.append(_spawn(f"rasa-{number}", jiuye_command("rasa"), server_env, f"http://127.0.0.1:{port}",
                                  SERVER_HEALTH, log_dir, logs))
            processes.append(servers[-1])
        port = proxy_port or free_port()
        proxy_args = [sys.executable, "-m", "jiuye.proxy", "--port", str(port)]
        for server in servers:
            proxy_args += ["--backend", server.base_url]
        proxy = _spawn("proxy", proxy_args, env, f"http://127.0.0.1:{port}", "/proxy/health", log_dir, logs)
    except BaseException:
        for process in processes:
            process.stop()
        for handle in logs:
            handle.close()
        raise
    return Topology(actions, servers, proxy, logs)


def main(argv: Optional[List[str]] = None) -> int:
    """`jiuye topology`: run the topology until Ctrl+C or until one process dies."""
    parser = argparse.ArgumentParser(prog="jiuye topology")
    parser.add_argument("--rasa-servers", type=int, default=2)
    args = parser.parse_args(argv)
    settings = load_settings()
    topology = start(os.environ, args.rasa_servers, proxy_port=settings.port)
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    print(f"jiuye: starting {args.rasa_servers} Rasa server(s) behind {topology.url}; logs in "
          f"{settings.data_dir / 'logs'}", file=sys.stderr)
    try:
        topology.wait_ready()
    except RuntimeError as exc:
        print(f"jiuye: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        topology.stop()
        return 130
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"jiuye: ready on {topology.url}", file=sys.stderr)
    exit_code = 0
    while not stopping:
        dead = [p for p in topology.processes if not p.alive()]
        if dead:
            print(f"jiuye: {dead[0].name} exited with code {dead[0].popen.returncode}; stopping", file=sys.stderr)
            exit_code = 1
            break
        time.sleep(0.5)
    topology.stop()
    return exit_code
