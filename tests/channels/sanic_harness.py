"""Serves one channel's blueprint on loopback in a background thread, with a scripted stand-in
for the dialogue, for channel tests that need control over what the dialogue says and when."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from tests.support.sanic_server import LoopbackSanic


class ChannelServer(LoopbackSanic):
    def __init__(self, channel: Any, on_new_message: Callable[[Any], Awaitable[Any]]):
        super().__init__("harness")
        self.channel = channel
        self.app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.name()}")
        self.url = self.address(f"/webhooks/{channel.name()}/webhook")

    def call(self, coroutine: Awaitable[Any], timeout: float = 10.0) -> Any:
        """Run a coroutine on the server's loop (e.g. ``channel.reach.settle()``) and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)
