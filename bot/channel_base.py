"""What the WeChat and Telegram input channels share: the lazily built dedupe store, API client
and contact recorder (built inside the server's event loop, never at import), the dialogue turn
with its erasure duties (workflows/erasure.py), the health route, and closing them all when the
server stops."""
from __future__ import annotations

import logging
from typing import Any, Dict, Generic, Optional, Type, TypeVar

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.dedupe import OutcomeStore, outcome_store
from bot.reachability import Reachability
from bot.turn import OnNewMessage, dialogue_turn
from settings.channels import ChannelConfig
from workflows import erasure

logger = logging.getLogger(__name__)

Client = TypeVar("Client")


class ChannelBase(InputChannel, Generic[Client]):
    CHANNEL = ""
    CONFIG: Type[ChannelConfig] = ChannelConfig  # read from the environment, never from credentials.yml

    @classmethod
    def name(cls) -> str:
        return cls.CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "ChannelBase":
        return cls(cls.CONFIG.from_env())  # type: ignore[attr-defined]

    def __init__(self, config: ChannelConfig, store: Optional[OutcomeStore] = None, client: Optional[Client] = None,
                 reach: Optional[Reachability] = None):
        self.config = config
        self._store, self._client, self._reach = store, client, reach

    def _new_client(self) -> Client:
        raise NotImplementedError

    @property
    def store(self) -> OutcomeStore:
        if self._store is None:
            c = self.config
            self._store = outcome_store(c.redis_url, c.redis_prefix, c.dedupe_ttl, c.data_dir)
        return self._store

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = self._new_client()
        return self._client

    @property
    def reach(self) -> Reachability:
        """Records inbound contact, unfollows and blocks for the scheduler (never delays a reply)."""
        if self._reach is None:
            self._reach = Reachability(self.config.database_url, refresh_seconds=self.config.contact_refresh)
        return self._reach

    async def converse(self, on_new_message: OnNewMessage, text: str, user_id: str,
                       message_id: Optional[str] = None) -> str:
        """The dialogue's reply to ``user_id``'s ``text``. A reply that erased the conversation
        (withdrawal) also erases what this channel keeps of the user, before the reply is sent."""
        reply = await dialogue_turn(on_new_message, text, self.CHANNEL, user_id, message_id)
        if erasure.requested(reply.payloads):
            await self.forget(user_id)
        return reply.text

    async def forget(self, user_id: str) -> None:
        """The user's reply texts out of the dedupe store; the contact out of the cache and, after
        any write of it still pending, out of the database."""
        try:
            await self.store.forget(user_id)
        except Exception as exc:  # the ledger and conversation are gone already; say so loudly
            logger.error("%s: dedupe entries of a withdrawn user not erased (%s)", self.CHANNEL, type(exc).__name__)
        self.reach.forget(self.CHANNEL, user_id)

    def gone(self, user_id: str, reason: Optional[str]) -> None:
        """A reply could not be sent because the user is unreachable (``reason`` from the
        scheduler's classification: unfollowed, invalid_user, bot_blocked); None: another error."""
        if reason:
            self.reach.unreachable(self.CHANNEL, user_id, reason)

    def health(self) -> Dict[str, Any]:
        return {"status": "ok"}

    def base_blueprint(self, name: str) -> Blueprint:
        """A blueprint with ``GET /`` (health) and the shutdown listener; the channel adds its webhook."""
        hook = Blueprint(name, __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json(self.health())

        @hook.listener("after_server_stop")
        async def close(app: Any, loop: Any) -> None:
            if self._reach is not None:
                await self._reach.settle()
            if self._client is not None:
                await self._client.close()  # type: ignore[attr-defined]
            if self._store is not None:
                await self._store.close()

        return hook
