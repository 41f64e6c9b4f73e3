"""The HTTP side of the input guard, for every route of a Rasa server (WeChat, Telegram, REST,
console): Sanic accepts request bodies up to 100 MB by default; here a body over
``bot.input_guard.MAX_REQUEST_BYTES`` is refused with 413 as soon as its Content-Length (or the
running total of a chunked body) shows it, before any handler parses it, and the refusal is
not logged (the URL of a WeChat push carries its signature).

Installed by ``python -m jiuye.rasa_main`` (every Rasa server) around Rasa's ``configure_app``,
which builds the Sanic app for ``rasa run``.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from sanic import response
from sanic.exceptions import PayloadTooLarge

from bot.input_guard import MAX_REQUEST_BYTES

TOO_LARGE = "请求内容过大，已拒绝。请只发送一个简短的问题。"


def limit(app: Any, max_bytes: int = MAX_REQUEST_BYTES) -> Any:
    """Set the body limit on a Sanic app and answer 413 in Chinese, without a log line."""
    app.config.REQUEST_MAX_SIZE = max_bytes

    def too_large(request: Any, exception: Exception) -> Any:
        return response.json({"error": TOO_LARGE}, status=413, ensure_ascii=False)

    app.error_handler.add(PayloadTooLarge, too_large)
    return app


def install() -> bool:
    """Wrap ``rasa.core.run.configure_app`` so the app it returns is limited; idempotent."""
    import rasa.core.run as rasa_run  # local: loads TensorFlow; only the Rasa server process installs this

    original: Callable[..., Any] = rasa_run.configure_app
    if getattr(original, "jiuye_limited", False):
        return False

    @functools.wraps(original)
    def configure_app(*args: Any, **kwargs: Any) -> Any:
        return limit(original(*args, **kwargs))

    configure_app.jiuye_limited = True  # type: ignore[attr-defined]
    rasa_run.configure_app = configure_app
    return True
