"""Questions about the ID number asked around the registration form ("为什么要身份证号"), answered
from the consent text the form shows, so the two never disagree."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.registration_prompts import PROMPTS


def consent_reasons() -> str:
    """The purpose, protection and retention lines of the consent text."""
    return "\n".join(line for line in PROMPTS["reg_id_consent"].splitlines() if line.startswith("·"))


def explain_why_id(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(response="utter_registration_why_id", reasons=consent_reasons())


class ActionRegistrationWhyId(Action):
    """Answers why the ID number is needed, in the form (which then asks its question again) or outside it."""

    def name(self) -> Text:
        return "action_registration_why_id"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        explain_why_id(dispatcher)
        return []
