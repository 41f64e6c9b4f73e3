"""Actions and form validators whose bodies do blocking I/O (the ledger database).

rasa_sdk's action server runs on one asyncio event loop and awaits ``Action.run`` and coroutine
validators; a synchronous database call there would stall every other conversation. These
helpers run the synchronous body in a worker thread (``asyncio.to_thread``) instead.
"""
from __future__ import annotations

import abc
import asyncio
import functools
from typing import Any, Awaitable, Callable, Dict, List, Text, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

T = TypeVar("T")


class BlockingAction(Action, abc.ABC):
    """An action whose body (``run_blocking``) touches the database: it runs in a worker thread.
    Abstract, so rasa_sdk's executor (which registers every concrete subclass of Action) skips it."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return await asyncio.to_thread(self.run_blocking, dispatcher, tracker, domain)

    @abc.abstractmethod
    def run_blocking(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """The action's synchronous body."""


def off_the_loop(method: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """A blocking form validator made awaitable: rasa_sdk awaits it, the body runs in a thread."""

    @functools.wraps(method)
    async def wrapper(*args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(method, *args, **kwargs)

    return wrapper
