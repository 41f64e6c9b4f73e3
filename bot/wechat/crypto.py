"""Safe mode (安全模式): AES-CBC envelopes as WeChat sends and expects them. The cipher is
wechatpy's; the envelope signatures are ours (constant-time, see ``signature``)."""
from __future__ import annotations

import base64
import binascii
import time
from typing import Optional

import xmltodict
from wechatpy.crypto import PrpCrypto

from bot.wechat.signature import sign

ENVELOPE = (
    "<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt><MsgSignature><![CDATA[{signature}]]></MsgSignature>"
    "<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
)


class CryptoError(Exception):
    """The payload could not be decrypted for this account (wrong key, wrong AppID, corrupt)."""


class MessageCrypto:
    def __init__(self, token: str, aes_key: str, appid: str):
        try:
            key = base64.b64decode(aes_key + "=")
        except binascii.Error as exc:
            raise ValueError("WECHAT_AES_KEY is not a valid EncodingAESKey") from exc
        if len(key) != 32:
            raise ValueError("WECHAT_AES_KEY must be the 43-character EncodingAESKey")
        self.token, self.appid = token, appid
        self._prp = PrpCrypto(key)

    def encrypt(self, xml: str) -> str:
        return self._prp.encrypt(xml, self.appid).decode("ascii")

    def decrypt(self, encrypted: str) -> str:
        try:
            return self._prp.decrypt(encrypted, self.appid)
        except Exception as exc:  # wechatpy raises several types for bad padding, key or AppID
            raise CryptoError(type(exc).__name__) from None

    def envelope(self, xml: str, nonce: str, timestamp: Optional[str] = None) -> str:
        """An encrypted reply (or, in the simulator, an encrypted push) signed with msg_signature."""
        timestamp = timestamp or str(int(time.time()))
        encrypted = self.encrypt(xml)
        return ENVELOPE.format(
            encrypt=encrypted, signature=sign(self.token, timestamp, nonce, encrypted), timestamp=timestamp, nonce=nonce
        )


def encrypted_field(body: bytes) -> str:
    """The ``Encrypt`` element of a safe-mode body (ValueError when absent or not XML)."""
    try:
        document = xmltodict.parse(body)
    except Exception as exc:  # expat errors
        raise ValueError("body is not XML") from exc
    encrypted = ((document or {}).get("xml") or {}).get("Encrypt")
    if not encrypted:
        raise ValueError("no Encrypt element")
    return encrypted
