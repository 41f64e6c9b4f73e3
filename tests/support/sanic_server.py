"""A Sanic app on a free loopback port, served in a background thread with its own event loop:
the in-process harness of the channel and console HTTP tests."""
from __future__ import annotations

import asyncio
import threading
import uuid
from typing import Any

from sanic import Sanic

from bot.action_server import free_port


class LoopbackSanic:
    """``with Subclass(...) as server:``; subclasses mount their blueprints on ``self.app``."""

    def __init__(self, name: str):
        Sanic.test_mode = True
        self.app = Sanic(f"{name}_{uuid.uuid4().hex[:8]}", configure_logging=False)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def address(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            self.app.create_server(host="127.0.0.1", port=self.port, return_asyncio_server=True)
        )
        self.loop.run_until_complete(server.startup())
        self.loop.run_until_complete(server.before_start())
        self._server = server
        self._ready.set()
        self.loop.run_forever()

    def __enter__(self) -> Any:
        self._thread.start()
        assert self._ready.wait(10), f"{self.app.name} did not start"
        return self

    def __exit__(self, *exc: Any) -> None:
        async def shutdown() -> None:
            self._server.close()
            await self._server.after_stop()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
