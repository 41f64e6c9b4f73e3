"""Response helpers shared by the views: pages, redirects, JSON errors, security headers."""
from __future__ import annotations

import ipaddress
from typing import Any, Dict, Iterable, Optional

from markupsafe import Markup
from sanic import response
from sanic.request import Request

from console import render
from console.models import OPERATOR

LOGIN_PATH = "/console/login"
HOME_PATH = "/console/answer"
API_PREFIX = "/console/api/"


def real_client_address(peer: str, forwarded_for: Iterable[str], proxies_count: int) -> str:
    """The client's address for throttling and the audit log.

    With no trusted proxy (``proxies_count`` 0) it is the peer address and X-Forwarded-For is
    ignored: anyone can write that header. With N trusted proxies, each appending the address it
    saw, the client is the N-th entry from the right; entries further left were written by the
    client and are never read. Too few entries, or one that is not an IP address, mean the
    request did not come through the proxies as configured: the peer address is used.
    Deliberately independent of Sanic's PROXIES_COUNT / REAL_IP_HEADER / FORWARDED_SECRET."""
    peer = (peer or "")[:64]
    if proxies_count <= 0:
        return peer
    hops = [part.strip() for header in forwarded_for for part in header.split(",") if part.strip()]
    if len(hops) < proxies_count:
        return peer
    candidate = hops[-proxies_count]
    try:
        return str(ipaddress.ip_address(candidate.strip("[]")))
    except ValueError:
        return peer


def client_ip(request: Request) -> str:
    """The address the console's guard worked out for this request (``real_client_address``)."""
    found = getattr(request.ctx, "client_ip", None)
    return found if found is not None else (request.ip or "")[:64]


def staff(request: Request):
    return getattr(request.ctx, "staff", None)


def page(request: Request, title: str, body: Markup, active: str = "", status: int = 200):
    user = staff(request)
    document = render.page(
        title, body, nonce=request.ctx.nonce, active=active,
        user=user.display_name if user else None, csrf_token=user.csrf_token if user else "",
        role=user.role if user else OPERATOR,
    )
    return response.html(document, status=status)


def redirect(location: str, status: int = 303):
    """303 after a POST (the browser then GETs the new page); 302 for a GET."""
    return response.redirect(location, status=status)


def json_error(message: str, status: int):
    return response.json({"error": message}, status=status, ensure_ascii=False)


def is_api(request: Request) -> bool:
    return request.path.startswith(API_PREFIX)


def security_headers(request: Request, resp: Any) -> None:
    nonce = getattr(request.ctx, "nonce", "")
    headers: Dict[str, str] = {
        "Content-Security-Policy": (
            f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }
    for name, value in headers.items():
        resp.headers[name] = value


def message_box(text: Optional[str], error: bool = False) -> Markup:
    if not text:
        return Markup("")
    return render.fragment('<p class="message{}" role="status">{}</p>', " error" if error else "", text)
