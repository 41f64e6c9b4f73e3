"""Database-touching actions run their body off the action server's event loop."""
from __future__ import annotations

import asyncio
import threading
import time

from rasa_sdk.executor import CollectingDispatcher

from actions.blocking import BlockingAction, off_the_loop
from actions.policy_actions import ActionAnswerPolicy
from actions.registration_actions import ActionRegistrationSubmit
from actions.registration_form import ValidateRegistrationForm
from actions.subscription_actions import ActionSubscribeFairs


class _Slow(BlockingAction):
    def name(self) -> str:
        return "slow"

    def run_blocking(self, dispatcher, tracker, domain):
        time.sleep(0.3)  # a slow database call
        return [{"thread": threading.get_ident()}]


def test_a_blocking_body_runs_in_a_worker_thread_and_the_loop_keeps_serving():
    async def scenario():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        events = await _Slow().run(CollectingDispatcher(), None, {})
        task.cancel()
        return events, ticks

    events, ticks = asyncio.run(scenario())
    assert events[0]["thread"] != threading.get_ident()
    assert ticks >= 10  # the loop ran other work while the body slept


def test_actions_and_validators_that_touch_the_database_are_awaitable():
    for action in (ActionAnswerPolicy(), ActionRegistrationSubmit(), ActionSubscribeFairs()):
        assert asyncio.iscoroutinefunction(action.run), action.name()
    form = ValidateRegistrationForm()
    assert asyncio.iscoroutinefunction(form.validate_reg_id_number)
    assert asyncio.iscoroutinefunction(form.validate_reg_id_consent)
    assert asyncio.iscoroutinefunction(off_the_loop(lambda: 1))


def test_the_action_server_registers_every_concrete_action_and_not_the_base():
    import inspect

    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")  # raises if an abstract base were registered
    assert "action_answer_policy" in executor.actions and inspect.isabstract(BlockingAction)
