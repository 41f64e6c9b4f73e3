"""Questions about the ID number asked around the registration form ("为什么要身份证号"), answered
from the consent text the form shows, so the two never disagree."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.registration_prompts import PROMPTS

# "为什么要身份证号", "身份证号有什么用", "提供身份证安全吗", "不填身份证可以吗"
_WHY = re.compile(r"为什么|为啥|干什么|干嘛|做什么|有什么用|什么用|用来|用途|安全|泄露|一定要|必须|非要|非得|可以不|能不")
_WITHOUT = re.compile(r"(不填|不给|不提供|不用|没有).{0,6}(可以|行|能)吗")
_ID = re.compile(r"身份证|证件号")


def asks_why_id(text: str) -> bool:
    """A question about why the ID number is needed or whether it can be left out."""
    text = text or ""
    return bool(_ID.search(text) and (_WHY.search(text) or _WITHOUT.search(text)))


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
