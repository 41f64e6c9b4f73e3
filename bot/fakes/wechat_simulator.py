"""Plays the WeChat server against our webhook: builds pushes as WeChat does, signs them (and
encrypts them in safe mode), waits 5 s for an answer and retries up to 3 times on a timeout,
then checks and opens the reply the way WeChat would.

Command line (against a running assistant):
    python -m bot.fakes.wechat_simulator http://127.0.0.1:5005/webhooks/wechat/webhook "吉林创业贷款能贷多少"
with WECHAT_TOKEN (and WECHAT_APPID, WECHAT_AES_KEY for safe mode) set as for the assistant.
"""
from __future__ import annotations

import argparse
import itertools
import os
import secrets
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Union

import httpx
import xmltodict

from bot.wechat.crypto import MessageCrypto, encrypted_field
from bot.wechat.signature import check_signature, sign

Fields = Dict[str, Union[str, int]]
_msg_ids = itertools.count(int(time.time() * 1000) * 1000)


@dataclass
class Attempt:
    status: Optional[int]  # None: timed out or connection failed
    body: str
    elapsed: float


@dataclass
class Delivery:
    attempts: List[Attempt] = field(default_factory=list)
    reply: Optional[Dict[str, str]] = None  # the passive reply, opened; None for success/empty

    @property
    def status(self) -> Optional[int]:
        return self.attempts[-1].status if self.attempts else None

    @property
    def text(self) -> Optional[str]:
        return (self.reply or {}).get("Content")


def to_xml(fields: Fields) -> str:
    inner = "".join(
        f"<{k}>{v}</{k}>" if isinstance(v, int) else f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items()
    )
    return f"<xml>{inner}</xml>"


class WeChatSimulator:
    def __init__(self, url: str, token: str, appid: str = "", aes_key: Optional[str] = None,
                 account: str = "gh_jiuye_fake", timeout: float = 5.0, retries: int = 3):
        self.url, self.token, self.account = url, token, account
        self.timeout, self.retries = timeout, retries
        self.crypto = MessageCrypto(token, aes_key, appid) if aes_key else None

    # --- pushes -------------------------------------------------------------------------------
    def _base(self, openid: str, msg_type: str, create_time: Optional[int] = None) -> Fields:
        return {"ToUserName": self.account, "FromUserName": openid,
                "CreateTime": create_time or int(time.time()), "MsgType": msg_type}

    def text(self, openid: str, content: str, msg_id: Optional[int] = None) -> Fields:
        return {**self._base(openid, "text"), "Content": content, "MsgId": msg_id or next(_msg_ids)}

    def voice(self, openid: str, recognition: str, msg_id: Optional[int] = None) -> Fields:
        return {**self._base(openid, "voice"), "MediaId": "fake_media", "Format": "amr",
                "Recognition": recognition, "MsgId": msg_id or next(_msg_ids)}

    def image(self, openid: str, msg_id: Optional[int] = None) -> Fields:
        return {**self._base(openid, "image"), "PicUrl": "http://127.0.0.1/fake.jpg", "MediaId": "fake_media",
                "MsgId": msg_id or next(_msg_ids)}

    def event(self, openid: str, event: str, key: Optional[str] = None, create_time: Optional[int] = None) -> Fields:
        fields = {**self._base(openid, "event", create_time), "Event": event}
        if key is not None:
            fields["EventKey"] = key
        return fields

    # --- sending --------------------------------------------------------------------------------
    def signed_request(self, fields: Fields, timestamp: Optional[int] = None, token: Optional[str] = None):
        """(query, body) as WeChat sends them; ``token``/``timestamp`` override to forge or replay."""
        timestamp_text, nonce = str(timestamp or int(time.time())), secrets.token_hex(8)
        sign_token = token or self.token
        query = {"signature": sign(sign_token, timestamp_text, nonce), "timestamp": timestamp_text, "nonce": nonce,
                 "openid": str(fields.get("FromUserName", ""))}
        xml = to_xml(fields)
        if self.crypto is None:
            return query, xml.encode("utf-8")
        envelope = self.crypto.envelope(xml, nonce, timestamp_text)
        encrypted = encrypted_field(envelope.encode("utf-8"))
        query.update(encrypt_type="aes", msg_signature=sign(sign_token, timestamp_text, nonce, encrypted))
        body = to_xml({"ToUserName": self.account, "Encrypt": encrypted})
        return query, body.encode("utf-8")

    def post_once(self, query: Dict[str, str], body: bytes) -> Attempt:
        started = time.monotonic()
        try:
            response = httpx.post(self.url, params=query, content=body, timeout=self.timeout,
                                  headers={"Content-Type": "text/xml"})
        except httpx.HTTPError:
            return Attempt(None, "", time.monotonic() - started)
        return Attempt(response.status_code, response.text, time.monotonic() - started)

    def deliver(self, fields: Fields, timestamp: Optional[int] = None, token: Optional[str] = None) -> Delivery:
        """Push like WeChat: the same signed request again after each timeout, up to ``retries`` times."""
        query, body = self.signed_request(fields, timestamp, token)
        delivery = Delivery()
        for _ in range(1 + self.retries):
            attempt = self.post_once(query, body)
            delivery.attempts.append(attempt)
            if attempt.status is not None:
                break
        if delivery.status == 200:
            delivery.reply = self.open_reply(delivery.attempts[-1].body)
        return delivery

    def open_reply(self, body: str) -> Optional[Dict[str, str]]:
        """The passive reply as a dict, checking its signature in safe mode; None for success/empty."""
        if body.strip() in ("", "success"):
            return None
        document = xmltodict.parse(body)["xml"]
        if self.crypto is not None:
            check_signature(self.token, document["MsgSignature"], document["TimeStamp"], document["Nonce"],
                            max_skew=300, encrypted=document["Encrypt"])
            document = xmltodict.parse(self.crypto.decrypt(document["Encrypt"]))["xml"]
        return dict(document)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="send one signed WeChat text message to the webhook")
    parser.add_argument("url")
    parser.add_argument("text")
    parser.add_argument("--openid", default="o_simulated_user")
    args = parser.parse_args(argv)
    simulator = WeChatSimulator(args.url, os.environ["WECHAT_TOKEN"], os.environ.get("WECHAT_APPID", ""),
                                os.environ.get("WECHAT_AES_KEY") or None)
    delivery = simulator.deliver(simulator.text(args.openid, args.text))
    for number, attempt in enumerate(delivery.attempts, 1):
        print(f"attempt {number}: status={attempt.status} in {attempt.elapsed:.2f}s", file=sys.stderr)
    print(delivery.text if delivery.text is not None else "(success: the answer follows as a customer-service message)")
    return 0 if delivery.status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
