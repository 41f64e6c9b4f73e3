"""CSRF protection for every POST: a per-session token in a hidden form field (or the
X-CSRF-Token header for the JSON API), and, when the browser sends Origin, a same-origin check.

Before login there is no session, so the login form uses a double-submit token: a random value in
a short-lived HttpOnly cookie and the same value in the form.
"""
from __future__ import annotations

import hmac
import secrets
from typing import Any, Optional
from urllib.parse import urlsplit

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
LOGIN_COOKIE = "jiuye_console_login"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def matches(expected: Optional[str], given: Optional[str]) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def submitted(request: Any) -> Optional[str]:
    """The token a POST carries: header first (fetch/API), else the form field."""
    header = request.headers.get(HEADER)
    if header:
        return header
    if request.content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return request.form.get(FIELD)
    return None


def same_origin(request: Any) -> bool:
    """False when the browser says the request comes from another site. Requests without an
    Origin header (old clients, same-origin GET-initiated form posts in some browsers) pass: the
    token is the real check, SameSite=Strict the second line."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.host
