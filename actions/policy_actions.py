"""Rasa actions for policy questions: wire the tracker to the answer composer.

The answer's structured part (citations, resolved region) travels as the message's custom JSON
payload, so every channel gets the same text and ``jiuye ask --jsonl`` can report citations.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import answering
from actions.answering import Answer
from bot.identity import split
from policies_kb.kb import KnowledgeBase, load_cached
from jiuye.settings import Settings
from policies_kb.regions import Region, lookup, resolve

logger = logging.getLogger(__name__)


def knowledge_base() -> KnowledgeBase:
    return load_cached(str(Settings.from_env().kb_dir))


def _entity_values(message: Dict[str, Any], name: str) -> List[str]:
    return [e.get("value") for e in message.get("entities", []) if e.get("entity") == name and e.get("value")]


def registered_region(tracker: Tracker) -> Optional[Region]:
    """The province of this user's registration, if they registered on this channel. A store
    failure must not stop a policy answer, so it is logged and treated as unknown."""
    from actions.registration_form import registration_store

    try:
        view = registration_store().find_by_sender(*split(tracker.sender_id))
    except Exception as exc:  # noqa: BLE001 - any store problem means "no known region"
        logger.warning("registration lookup failed (%s); answering without it", type(exc).__name__)
        return None
    if view is None:
        return None
    return lookup(view.province or "") or lookup(view.city or "")


def resolve_region(tracker: Tracker) -> Optional[Region]:
    """Region of the current question: named in this message, else earlier in the conversation,
    else the region the channel knows for this user (message metadata), else their registration."""
    message = tracker.latest_message or {}
    named = resolve(_entity_values(message, "region"), message.get("text") or "")
    if named is not None:
        return named
    slot = tracker.get_slot("region")
    if slot:
        region = lookup(slot)
        if region is not None:
            return region
    metadata = message.get("metadata") or {}
    known = metadata.get("region") if isinstance(metadata, dict) else None
    region = lookup(str(known)) if known else None
    return region if region is not None else registered_region(tracker)


def send(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    dispatcher.utter_message(text=answer.text, json_message=answer.payload())


def region_events(tracker: Tracker, region: Optional[Region]) -> List[Dict[Text, Any]]:
    """Remember a covered province for the rest of the conversation."""
    if region is not None and region.covered and tracker.get_slot("region") != region.province:
        return [SlotSet("region", region.province)]
    return []


def question_for_topic(tracker: Tracker, kb: KnowledgeBase, topic: str) -> str:
    """The text of the most recent user message asking about ``topic`` (for a pending answer)."""
    intent = kb.topics[topic].intent
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (event.get("parse_data") or {}).get("intent", {}).get("name") == intent:
            return event.get("text") or ""
    return ""


def record_unanswered(tracker: Tracker, text: str, region: Optional[Region], answer: Answer) -> None:
    """Questions we could not answer with confidence go to the console's list, so the knowledge
    base can grow (ID and phone numbers are removed there; it never raises)."""
    from console.unanswered import record_safely

    record_safely(text, region.province if region else None, split(tracker.sender_id).channel, answer.kind)


class ActionAnswerPolicy(Action):
    """Answers a recognised policy question, or a region given after we asked for one."""

    def name(self) -> Text:
        return "action_answer_policy"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        kb = knowledge_base()
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name") or ""
        text = message.get("text") or ""
        region = resolve_region(tracker)
        topic = kb.topic_for_intent(intent)
        if topic is None:
            pending = tracker.get_slot("pending_topic")
            if pending and pending in kb.topics:
                answer = answering.topic_answer(kb, pending, question_for_topic(tracker, kb, pending), region)
            elif region is not None and not region.covered:
                answer = answering.uncovered_answer(region)
            elif region is not None:
                answer = Answer(
                    text=f"好的，已记下您在{region.province}省。请问您想了解哪方面的政策？例如创业担保贷款、就业见习补贴、档案托管等。",
                    kind="acknowledge", region=region.province,
                )
            else:
                answer = answering.unknown_answer()
        else:
            answer = answering.topic_answer(kb, topic.id, text, region)
        if answer.kind == "unknown":
            record_unanswered(tracker, text, region, answer)
        send(dispatcher, answer)
        pending_topic = answer.topic if answer.kind == "both_provinces" else None
        return region_events(tracker, region) + [SlotSet("pending_topic", pending_topic)]


class ActionSearchFallback(Action):
    """Low NLU confidence: answer from a strong BM25 match with its citation, else hand over."""

    def name(self) -> Text:
        return "action_search_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        kb = knowledge_base()
        text = (tracker.latest_message or {}).get("text") or ""
        region = resolve_region(tracker)
        if region is not None and not region.covered:
            answer = answering.uncovered_answer(region)
        else:
            hits = kb.search(text, region.province if region else None)
            answer = answering.search_answer(kb, text, hits)
        logger.info("fallback answered kind=%s", answer.kind)
        record_unanswered(tracker, text, region, answer)
        send(dispatcher, answer)
        return region_events(tracker, region)


class ActionOutOfScope(Action):
    """Questions outside employment policy: say what we can do, and where to ask otherwise."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        region = resolve_region(tracker)
        if region is not None and not region.covered:
            send(dispatcher, answering.uncovered_answer(region))
            return []
        answer = Answer(
            text=(
                "抱歉，这个问题超出了我的服务范围。我是就业助手，只能解答吉林省、江西省高校毕业生的就业创业政策，"
                "例如创业担保贷款、就业见习补贴、档案托管、失业登记等。其他问题请咨询相关部门，"
                "就业政策方面也可拨打12333人社服务热线。"
            ),
            kind="out_of_scope",
        )
        logger.debug("out of scope message of %d characters", len(text))
        send(dispatcher, answer)
        return []
