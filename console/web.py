"""Response helpers shared by the views: pages, redirects, JSON errors, security headers."""
from __future__ import annotations

from typing import Any, Dict, Optional

from markupsafe import Markup
from sanic import response
from sanic.request import Request

from console import render

LOGIN_PATH = "/console/login"
HOME_PATH = "/console/answer"
API_PREFIX = "/console/api/"


def client_ip(request: Request) -> str:
    """The proxy-reported address when Sanic is configured to trust one (PROXIES_COUNT /
    FORWARDED_SECRET), else the peer address."""
    return (request.remote_addr or request.ip or "")[:64]


def staff(request: Request):
    return getattr(request.ctx, "staff", None)


def page(request: Request, title: str, body: Markup, active: str = "", status: int = 200):
    user = staff(request)
    document = render.page(
        title, body, nonce=request.ctx.nonce, active=active,
        user=user.display_name if user else None, csrf_token=user.csrf_token if user else "",
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
