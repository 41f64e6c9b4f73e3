"""HTML from the files in ``templates/``: ``{name}`` placeholders filled with MarkupSafe, so every
value is HTML-escaped unless it is already ``Markup`` (HTML built here from escaped parts).

CSS and JS from ``static/`` are inlined under a per-response CSP nonce: the console serves no
static files at all, so nothing but the login page is reachable without a session.
"""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

from markupsafe import Markup, escape

from console.models import OPERATOR, ROLES, SUPERVISOR

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

NAV = (
    ("answer", "/console/answer", "答复助手"),
    ("registrations", "/console/registrations", "登记查询"),
    ("behind", "/console/behind", "1311×N 滞后名单"),
    ("fairs", "/console/fairs", "招聘会"),
    ("unanswered", "/console/unanswered", "未答问题"),
    ("audit", "/console/audit", "审计日志"),
)
SUPERVISOR_NAV = (("staff", "/console/staff", "账号管理"),)


@functools.lru_cache(maxsize=None)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def render(template: str, /, **values: object) -> Markup:
    """Fill ``templates/<template>``; non-Markup values are escaped."""
    return Markup(_read(TEMPLATES / template)).format(**values)


def join(parts: Iterable[Markup]) -> Markup:
    return Markup("").join(parts)


def fragment(html: str, /, *args: object, **kwargs: object) -> Markup:
    """A small piece of markup with escaped arguments: ``fragment("<td>{}</td>", value)``."""
    return Markup(html).format(*args, **kwargs)


def highlight(text: str, quotes: Sequence[str]) -> Markup:
    """``text`` escaped, with each occurrence of a quote wrapped in <mark>."""
    spans = []
    for quote in quotes:
        start = text.find(quote)
        while quote and start != -1:
            spans.append((start, start + len(quote)))
            start = text.find(quote, start + len(quote))
    merged: List[Tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, pos = [], 0
    for start, end in merged:
        out.append(escape(text[pos:start]))
        out.append(fragment("<mark>{}</mark>", text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return join(out)


def when(value: Optional[object]) -> str:
    """Times are stored as naive UTC; staff read Beijing time (UTC+8, no daylight saving)."""
    if isinstance(value, dt.datetime):
        return (value + dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def hidden_csrf(token: str) -> Markup:
    return fragment('<input type="hidden" name="csrf_token" value="{}">', token)


def page(title: str, body: Markup, nonce: str, active: str = "", user: Optional[str] = None,
         csrf_token: str = "", role: str = OPERATOR) -> str:
    """The whole document: layout, navigation (when logged in; 账号管理 for supervisors), inlined
    CSS and JS."""
    nav = Markup("")
    if user:
        items = NAV + (SUPERVISOR_NAV if role == SUPERVISOR else ())
        links = join(
            fragment('<a href="{}"{}>{}</a>', href, Markup(' class="active" aria-current="page"') if key == active else "",
                     label)
            for key, href, label in items
        )
        nav = render("nav.html", links=links, user=user, role=ROLES.get(role, role), csrf=hidden_csrf(csrf_token))
    return str(render(
        "layout.html", title=title, nonce=nonce, css=Markup(_read(STATIC / "console.css")),
        js=Markup(_read(STATIC / "console.js")) if user else Markup(""), nav=nav, body=body,
    ))
