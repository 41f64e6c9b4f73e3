"""The whole dialogue stack in one process, for `jiuye ask` and tests: the trained Rasa model
loaded once, the real action server (started here when none is configured) and the configured
tracker and lock stores."""
from __future__ import annotations

import asyncio
import subprocess
import uuid
from typing import Any, Dict, Optional

from bot import action_server
from bot.turn import Reply, prepare, run_turn
from jiuye.endpoints import available_endpoints
from registry.identity import CLI, MAX_USER_CHARS, conversation_id, valid_user
from settings import Settings


class LocalAssistant:
    """Use as ``async with LocalAssistant(settings) as bot: await bot.ask(text, sender)``."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._agent: Any = None  # rasa.core.agent.Agent once entered
        self._action_process: Optional[subprocess.Popen] = None

    async def __aenter__(self) -> "LocalAssistant":
        from rasa.core.agent import load_agent  # local: loads TensorFlow; `jiuye` starts without it

        if not self.settings.model_path.exists():
            raise FileNotFoundError(f"no trained model at {self.settings.model_path}; run `jiuye train` first")
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        action_url = self.settings.action_server_url
        port = None
        if not action_url:  # our own action server boots on the other core while the model loads
            port = action_server.free_port()
            self._action_process = action_server.spawn(port)
            action_url = f"http://127.0.0.1:{port}/webhook"
        endpoints = available_endpoints(self.settings, action_url)
        try:
            self._agent = await load_agent(model_path=str(self.settings.model_path), endpoints=endpoints)
            if self._action_process is not None and port is not None:
                await asyncio.to_thread(action_server.wait_healthy, self._action_process, port)
        except BaseException:
            action_server.stop(self._action_process)
            raise
        return self

    async def __aexit__(self, *exc: Any) -> None:
        action_server.stop(self._action_process)

    async def ask(self, text: str, sender: Optional[str] = None, metadata: Optional[Dict[str, Any]] = None) -> Reply:
        """One turn of conversation ``cli:<sender>`` (a new one without ``sender``); ValueError
        for a sender id that is too long or not printable."""
        sender = sender or uuid.uuid4().hex
        if not valid_user(sender):
            raise ValueError(f"sender must be 1-{MAX_USER_CHARS} printable characters")
        conversation = conversation_id(CLI, sender)
        text, refused = prepare(text, conversation)
        if refused:
            return refused
        return await run_turn(self._agent.handle_message, self._agent, text, conversation, CLI, metadata)
