"""What the console's views and its channel share: the ``Console`` handed to every view, and the
marks a view's handler carries (``@public``, ``@supervisor_only``) that the channel's middleware
reads (console/channel.py)."""
from __future__ import annotations

from typing import Any, Callable, Optional

from sanic.request import Request

from console.answer_aid import Dialogue
from console.services import ConsoleServices, ServicesHolder

PUBLIC_ATTR = "console_public"
SUPERVISOR_ATTR = "console_supervisor_only"


def public(handler: Callable) -> Callable:
    """Mark a handler as reachable without logging in (only the login page is)."""
    setattr(handler, PUBLIC_ATTR, True)
    return handler


def is_public(handler: Any) -> bool:
    return bool(getattr(handler, PUBLIC_ATTR, False))


def supervisor_only(what: str) -> Callable[[Callable], Callable]:
    """Mark a handler as allowed to supervisors only; ``what`` (Chinese) names the action on the
    refusal page and in the audit log."""
    def mark(handler: Callable) -> Callable:
        setattr(handler, SUPERVISOR_ATTR, what)
        return handler
    return mark


def supervisor_action(handler: Any) -> Optional[str]:
    """What a supervisor-only handler does, or None when any staff member may use it."""
    return getattr(handler, SUPERVISOR_ATTR, None)


class Console:
    """What the views need: the services and, per request, the dialogue to ask."""
    def __init__(self, holder: ServicesHolder, dialogue_for: Callable[[Request], Dialogue]):
        self.holder = holder
        self.dialogue_for = dialogue_for

    async def services(self) -> ConsoleServices:
        return await self.holder.get()
