"""Serves one channel's blueprint on loopback in a background thread, with a scripted stand-in
for the dialogue, for channel tests that need control over what the dialogue says and when."""
from __future__ import annotations

import asyncio
import threading
import uuid
from typing import Any, Awaitable, Callable

from sanic import Sanic

from bot.action_server import free_port


class ChannelServer:
    def __init__(self, channel: Any, on_new_message: Callable[[Any], Awaitable[Any]]):
        Sanic.test_mode = True
        self.app = Sanic(f"harness_{uuid.uuid4().hex[:8]}", configure_logging=False)
        self.app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.name()}")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhooks/{channel.name()}/webhook"
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

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

    def __enter__(self) -> "ChannelServer":
        self._thread.start()
        assert self._ready.wait(10), "harness server did not start"
        return self

    def __exit__(self, *exc: Any) -> None:
        async def shutdown() -> None:
            self._server.close()
            await self._server.after_stop()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
