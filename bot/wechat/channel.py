"""The WeChat Official Account channel for Rasa 3.6, served at /webhooks/wechat/webhook.

Registered in credentials.yml as ``bot.wechat.channel.WeChatInput`` (see jiuye/runner.py); its
configuration comes from the environment (``config``), never from the credentials file.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply

from bot import texts
from bot.channel_base import ChannelBase
from bot.dedupe import OutcomeStore
from bot.reachability import Reachability
from bot.reply_split import fits, split
from bot.wechat.crypto import MessageCrypto, encrypted_field
from bot.wechat.exchange import answer_once
from bot.wechat.inbound import Inbound, UnreadablePush, parse_push, read
from bot.wechat.signature import SignatureRefused, check_signature
from platforms.errors import Action, WeChatAPIError, classify_wechat
from platforms.wechat import WeChatClient
from platforms.wechat_token import token_store
from registry.identity import WECHAT
from settings.channels import WeChatConfig

logger = logging.getLogger(__name__)

CHANNEL = WECHAT  # conversations are wechat:<openid> (registry/identity.py)


class WeChatInput(ChannelBase[WeChatClient]):
    CHANNEL = CHANNEL
    CONFIG = WeChatConfig
    config: WeChatConfig

    def __init__(
        self, config: WeChatConfig, store: Optional[OutcomeStore] = None, client: Optional[WeChatClient] = None,
        reach: Optional[Reachability] = None,
    ):
        if not config.token:
            raise ValueError("WECHAT_TOKEN is required for the WeChat channel")
        super().__init__(config, store, client, reach)
        self.crypto = MessageCrypto(config.token, config.aes_key, config.appid) if config.aes_key else None

    def _new_client(self) -> WeChatClient:
        c = self.config
        return WeChatClient(c.api_base, c.appid, c.app_secret, token_store(c.redis_url, c.redis_prefix, c.appid),
                            c.http_timeout)

    def health(self) -> Dict[str, Any]:
        return {"status": "ok", "safe_mode": self.config.safe_mode}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = self.base_blueprint("wechat_webhook")

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """WeChat's server-URL check: echo ``echostr`` when the query is signed with our token."""
            args = request.args
            try:
                check_signature(self.config.token, args.get("signature"), args.get("timestamp"), args.get("nonce"),
                                self.config.max_clock_skew)
            except SignatureRefused as exc:
                logger.warning("wechat verification refused: %s", exc)
                return response.text("forbidden", status=403)
            return response.text(args.get("echostr", ""))

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            started = time.monotonic()
            try:
                xml = self._open(request)
            except SignatureRefused as exc:
                logger.warning("wechat push refused: %s", exc)
                return response.text("forbidden", status=403)
            except Exception as exc:  # CryptoError, bad encoding…: only the kind is logged
                logger.warning("wechat push unreadable: %s", type(exc).__name__)
                return response.text("bad request", status=400)
            try:
                message = parse_push(xml)
                inbound = read(message)
            except Exception as exc:  # UnreadablePush above all; never a 500 with the signed URL logged
                reason = exc if isinstance(exc, UnreadablePush) else type(exc).__name__  # never the push's text
                logger.warning("wechat push unreadable: %s", reason)
                return response.text("bad request", status=400)
            logger.info("wechat %s key=%s", inbound.kind, inbound.key)
            budget = max(0.0, self.config.passive_timeout - (time.monotonic() - started))
            reply = await answer_once(
                self.store, inbound.key, lambda: self._produce(inbound, on_new_message),
                lambda text: self._deliver(inbound.openid, text), budget, fits_passive=fits, user=inbound.openid,
            )
            if not reply:
                return response.text("success")
            return self._passive(message, reply, request.args.get("nonce") or "")

        return hook

    def _open(self, request: Request) -> str:
        """The push's XML after checking its signature (and decrypting it in safe mode)."""
        args, c = request.args, self.config
        if self.crypto is None:
            check_signature(c.token, args.get("signature"), args.get("timestamp"), args.get("nonce"), c.max_clock_skew)
            return request.body.decode("utf-8")
        if args.get("encrypt_type") != "aes":
            raise SignatureRefused("safe mode is configured; plaintext push refused")
        encrypted = encrypted_field(request.body)
        check_signature(c.token, args.get("msg_signature"), args.get("timestamp"), args.get("nonce"),
                        c.max_clock_skew, encrypted=encrypted)
        return self.crypto.decrypt(encrypted)

    def _passive(self, message: BaseMessage, text: str, nonce: str) -> HTTPResponse:
        xml = TextReply(message=message, content=text).render()
        if self.crypto is not None:
            xml = self.crypto.envelope(xml, nonce)
        return response.text(xml, content_type="application/xml; charset=utf-8")

    async def _produce(self, inbound: Inbound, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> str:
        """Runs once per push (retries are answered from the dedupe store)."""
        if inbound.reachable is True:
            self.reach.inbound(CHANNEL, inbound.openid, resumed=inbound.kind == "subscribe")
        elif inbound.reachable is False:
            self.reach.unreachable(CHANNEL, inbound.openid, "unfollowed")
        if inbound.question is None:
            return inbound.reply
        return await self.converse(on_new_message, inbound.question, inbound.openid, inbound.key)

    async def _deliver(self, openid: str, text: str) -> None:
        """Customer-service messages, in order; on 45015/45047 a template notice when configured."""
        parts = split(text)
        for number, part in enumerate(parts, 1):
            try:
                await self.client.send_text(openid, part)
            except WeChatAPIError as exc:
                logger.error("wechat delivery part %d/%d failed: %s", number, len(parts), exc)
                if exc.action is Action.FALLBACK:
                    await self._fallback(openid)
                self.gone(openid, classify_wechat(exc).block_reason)
                return
        logger.info("wechat delivered %d customer-service message(s)", len(parts))

    async def _fallback(self, openid: str) -> None:
        template = self.config.fallback_template_id
        if not template:
            logger.warning("wechat: no WECHAT_FALLBACK_TEMPLATE_ID; reply dropped")
            return
        try:
            await self.client.send_template(openid, template, {"first": {"value": texts.FALLBACK_NOTICE}})
            logger.info("wechat: template notice sent instead")
        except WeChatAPIError as exc:
            logger.error("wechat template fallback failed: %s", exc)
            self.gone(openid, classify_wechat(exc).block_reason)
