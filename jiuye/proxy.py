"""A small round-robin HTTP reverse proxy: the load balancer in front of several Rasa servers
when the topology runs without Docker (in docker/ nginx does this job).

Each request goes to the next backend in turn. A backend that refuses the connection is marked
down for ``down_seconds`` and the request goes to the next one: nothing reached the refused
server, so resending is safe. A request a backend accepted is never resent (like nginx, which does
not retry POST), so a server killed mid-request costs that request a 502 and WeChat's own retry.
Every response names the backend that produced it in ``X-Jiuye-Backend`` (tests and benchmarks
use it to know which server handled a turn).

    python -m jiuye.proxy --port 5005 --backend http://127.0.0.1:5006 --backend http://127.0.0.1:5007
"""
from __future__ import annotations

import argparse
import itertools
import logging
import sys
import time
from typing import Dict, Iterator, List, Optional, Sequence

import aiohttp
from aiohttp import web

from jiuye import log_privacy
from settings import exit_on_bad_setting, log_level

logger = logging.getLogger(__name__)

BACKEND_HEADER = "X-Jiuye-Backend"
HEALTH_PATH = "/proxy/health"
# Hop-by-hop headers (RFC 7230 6.1) and those aiohttp recomputes itself.
_SKIP_HEADERS = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
    "transfer-encoding", "upgrade", "host", "content-length", "content-encoding",
}


class RoundRobin:
    """Backend choice, kept apart from HTTP so it is easy to reason about (and test)."""

    def __init__(self, backends: Sequence[str], down_seconds: float = 5.0):
        if not backends:
            raise ValueError("at least one backend is needed")
        self.backends = [b.rstrip("/") for b in backends]
        self.down_seconds = down_seconds
        self._next = itertools.count()
        self._down_until: Dict[str, float] = {}

    def order(self) -> Iterator[str]:
        """Backends to try for one request: the next in turn first, those marked down last."""
        start = next(self._next) % len(self.backends)
        rotated = self.backends[start:] + self.backends[:start]
        now = time.monotonic()
        up = [b for b in rotated if self._down_until.get(b, 0.0) <= now]
        yield from up + [b for b in rotated if b not in up]

    def mark_down(self, backend: str) -> None:
        self._down_until[backend] = time.monotonic() + self.down_seconds

    def status(self) -> Dict[str, str]:
        now = time.monotonic()
        return {b: ("down" if self._down_until.get(b, 0.0) > now else "up") for b in self.backends}


def make_app(backends: Sequence[str], down_seconds: float = 5.0, timeout: float = 60.0):
    """The aiohttp application (built on demand: nothing is imported or connected at import)."""
    balancer = RoundRobin(backends, down_seconds)
    app = web.Application(client_max_size=4 * 1024 * 1024)

    async def open_session(app_: web.Application) -> None:
        connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=30)
        app_["session"] = aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=timeout), auto_decompress=False
        )

    async def close_session(app_: web.Application) -> None:
        await app_["session"].close()

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "backends": balancer.status()})

    async def forward(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _SKIP_HEADERS}
        session: aiohttp.ClientSession = request.app["session"]
        for backend in balancer.order():
            try:
                async with session.request(request.method, backend + request.path_qs, data=body,
                                           headers=headers, allow_redirects=False) as upstream:
                    payload = await upstream.read()
                    reply_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in _SKIP_HEADERS}
                    if "Content-Encoding" in upstream.headers:
                        reply_headers["Content-Encoding"] = upstream.headers["Content-Encoding"]
                    reply_headers[BACKEND_HEADER] = backend
                    return web.Response(status=upstream.status, body=payload, headers=reply_headers)
            except aiohttp.ClientConnectorError:
                logger.warning("backend %s refused the connection; marked down", backend)
                balancer.mark_down(backend)
            except (aiohttp.ClientError, TimeoutError) as exc:  # accepted, then failed: never resent
                logger.warning("backend %s failed mid-request: %s", backend, type(exc).__name__)
                return web.Response(status=502, text="bad gateway", headers={BACKEND_HEADER: backend})
        return web.Response(status=502, text="no backend available")

    app.on_startup.append(open_session)  # type: ignore[arg-type]  # aiohttp 3.9's Signal typing rejects plain handlers
    app.on_cleanup.append(close_session)  # type: ignore[arg-type]
    app.router.add_get(HEALTH_PATH, health)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="round-robin reverse proxy for several Rasa servers")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backend", action="append", required=True, help="base URL; repeat for each server")
    parser.add_argument("--down-seconds", type=float, default=5.0, help="skip a refusing backend this long")
    args = parser.parse_args(argv)

    log_privacy.install()
    with exit_on_bad_setting("jiuye proxy"):
        level = log_level()
    logging.basicConfig(stream=sys.stderr, level=level,
                        format="%(asctime)s %(levelname)s proxy: %(message)s")

    web.run_app(make_app(args.backend, args.down_seconds), host=args.host, port=args.port, access_log=None,
                print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
