"""Questions about the ID number asked around the registration form ("为什么要身份证号"), answered
from the consent text the form shows, so the two never disagree."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.policy_actions import ActionAnswerPolicy
from actions.registration_prompts import PROMPTS

# Words that show a message is about giving an ID number or personal data at all.
# ID as a word of its own, not the letters inside pinyin (zhidaoshi).
ABOUT_THE_ID = re.compile(r"身份|证件|证号|号码|(?<![A-Za-z])(ID|id)(?![A-Za-z])|隐私|个人信息|信息|泄露|泄漏|安全|放心|靠谱|官方|填|给")


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
        text = (tracker.latest_message or {}).get("text") or ""
        if tracker.active_loop_name is None and not ABOUT_THE_ID.search(text):
            # read as "why my ID?" outside the form but says nothing of an ID (啥子是两员一师哦): it is
            # answered as the policy question it is
            return ActionAnswerPolicy().run_blocking(dispatcher, tracker, domain)
        explain_why_id(dispatcher)
        return []
