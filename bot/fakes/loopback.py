"""A small JSON HTTP server on 127.0.0.1 in a background thread: records every request and
plays back injected faults (an error body, an HTTP status, a delay) before normal handling."""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Pattern, Tuple, TypeVar
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: Dict[str, str]
    body: bytes
    headers: Dict[str, str]
    received_at: float = field(default_factory=time.time)
    status: int = 0
    answer: Any = None

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


@dataclass
class Fault:
    path: Pattern[str]
    body: Optional[Dict[str, Any]] = None  # answer this instead of handling the request
    status: int = 200
    delay: float = 0.0
    times: int = 1


Answer = Tuple[int, Dict[str, Any]]


_Server = TypeVar("_Server", bound="LoopbackServer")


class LoopbackServer:
    """Subclasses implement ``handle(request) -> (status, json)`` (thread-safe: requests are
    served concurrently; take ``self._lock`` around shared state). Use as a context manager."""

    def __init__(self, port: int = 0):
        self._lock = threading.RLock()
        self._faults: List[Fault] = []
        self.requests: List[Recorded] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self: _Server) -> _Server:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self: _Server) -> _Server:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def inject(self, path: str, body: Optional[Dict[str, Any]] = None, status: int = 200, delay: float = 0.0,
               times: int = 1) -> None:
        """The next ``times`` requests whose path matches the regex ``path`` wait ``delay`` s, then
        get ``body``/``status`` instead of normal handling (with no body: handled normally)."""
        with self._lock:
            self._faults.append(Fault(re.compile(path), body, status, delay, times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def received(self, path: str = "") -> List[Recorded]:
        with self._lock:
            return [r for r in self.requests if re.search(path, r.path)]

    def _take_fault(self, path: str) -> Optional[Fault]:
        with self._lock:
            for fault in self._faults:
                if fault.path.search(path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _dispatch(self, recorded: Recorded) -> Answer:
        with self._lock:
            self.requests.append(recorded)
        fault = self._take_fault(recorded.path)
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and (fault.body is not None or fault.status != 200):
            answer: Answer = (fault.status, fault.body or {})
        else:
            answer = self.handle(recorded)  # unlocked: a slow handler must not hold up the others
        recorded.status, recorded.answer = answer
        return answer

    def handle(self, request: Recorded) -> Answer:  # pragma: no cover - abstract
        raise NotImplementedError

    def _handler_class(self) -> type:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded(
                    method=self.command, path=parts.path,
                    query={k: v[0] for k, v in parse_qs(parts.query).items()},
                    body=self.rfile.read(length) if length else b"", headers=dict(self.headers.items()),
                )
                status, body = server._dispatch(recorded)
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return None

        return Handler
