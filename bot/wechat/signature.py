"""WeChat request signatures: sha1 over the sorted parts, compared in constant time, with a
replay window on the timestamp (wechatpy compares with ``!=`` and has no window)."""
from __future__ import annotations

import hashlib
import time
from typing import Optional

from bot.compare import same


class SignatureRefused(Exception):
    """The request is not from WeChat (or is a stale replay); answer 403 and do nothing else."""


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the parts sorted and concatenated (token, timestamp, nonce[, encrypt])."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def check_timestamp(timestamp: Optional[str], max_skew: float, now: Optional[float] = None) -> None:
    try:
        sent = int(timestamp or "")
    except ValueError:
        raise SignatureRefused("timestamp missing or not a number") from None
    if abs((time.time() if now is None else now) - sent) > max_skew:
        raise SignatureRefused("timestamp outside the replay window")


def check_signature(
    token: str, signature: Optional[str], timestamp: Optional[str], nonce: Optional[str],
    max_skew: float, encrypted: Optional[str] = None, now: Optional[float] = None,
) -> None:
    """Raise SignatureRefused unless ``signature`` signs (token, timestamp, nonce[, encrypted])
    and the timestamp is fresh. Pass ``encrypted`` to check a safe-mode ``msg_signature``."""
    check_timestamp(timestamp, max_skew, now)
    parts = [token, timestamp or "", nonce or ""] + ([encrypted] if encrypted is not None else [])
    if not signature or not same(sign(*parts), signature):
        raise SignatureRefused("bad signature")
