"""Constant-time comparison of a secret (WeChat signature, Telegram secret token) with what a
request carried."""
from __future__ import annotations

import hmac
from typing import Optional


def same(expected: str, given: Optional[str]) -> bool:
    return hmac.compare_digest(expected.encode("utf-8"), (given or "").encode("utf-8"))
