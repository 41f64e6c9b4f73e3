"""Chat side of the scheduler (issue #5): 订阅招聘会 / 退订, and the answers to a follow-up
check-in (找到工作了 / 还在找 / 需要帮助 / 想创业) updating the registration. The logic lives in
scheduler/followup.py (plain functions, tested there); these actions wire it to the tracker.
Every one of them also records that the user just wrote (the WeChat 48 h window). The channel
and user come from the conversation id (registry/identity.py), never from a client's input_channel."""
from __future__ import annotations

import logging
from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import scheduler.models  # noqa: F401  (tables on the shared metadata)
from actions.blocking import BlockingAction
from policies_kb.regions import resolve
from registry.db import session_factory
from registry.identity import split
from registry.runtime import get_store
from scheduler import followup
from scheduler.clock import SystemClock

logger = logging.getLogger(__name__)

ANSWER_BY_INTENT = {
    "followup_found_job": "找到工作了",
    "followup_still_looking": "还在找",
    "followup_need_help": "需要帮助",
    "followup_start_business": "想创业",
}
REPLIES = {
    "找到工作了": "恭喜您找到工作！已停止求职回访和岗位推送。以后有政策问题仍可随时问我；如需继续接收招聘会提醒，请说“订阅招聘会”。",
    "还在找": "收到，祝求职顺利！我们会继续按您的地区和专业推送招聘会和岗位信息，并定期回访。有政策问题可以随时问我，例如“见习补贴有多少”。",
    "需要帮助": "收到，已记录您需要帮助，就业服务人员可以据此跟进。您也可以直接拨打12333人社服务热线咨询。",
    "想创业": "已将您的就业意向更新为“创业”。您可以问我创业相关政策，例如“创业担保贷款能贷多少”“一次性创业补贴怎么申请”。",
}
# Answers of someone still out of work: when they have not registered, registration is offered.
OUT_OF_WORK = frozenset({"还在找", "需要帮助"})
NOT_REGISTERED = "已收到。您还没有在本渠道登记，暂时无法更新求职状态；需要登记请说“我要做失业登记”。"
UNAVAILABLE = "抱歉，订阅服务暂时不可用，请稍后再试。"


def sessions():
    """Session factory on the shared ledger engine (tests replace this)."""

    return session_factory(get_store().engine)


def _now():
    return SystemClock().now()


def _region(tracker: Tracker) -> Optional[str]:
    message = tracker.latest_message or {}
    values = [e.get("value") for e in message.get("entities", []) if e.get("entity") == "region" and e.get("value")]
    region = resolve(values, message.get("text") or "")
    return region.name if region is not None and region.covered else None


class ActionSubscribeFairs(BlockingAction):
    def name(self) -> Text:
        return "action_subscribe_fairs"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        try:
            with sessions().begin() as session:
                row = followup.subscribe(session, *split(tracker.sender_id), _region(tracker), [], _now())
                region, majors = row.region, row.majors
        except Exception:
            logger.exception("subscribe failed")
            dispatcher.utter_message(text=UNAVAILABLE)
            return []
        scope = f"地区：{region or '不限'}；专业：{(majors or '不限').replace(',', '、')}"
        dispatcher.utter_message(text=f"已为您订阅招聘会提醒（{scope}）。招聘会开始前会提前通知您，"
                                      "夜间（22:00—8:00）不打扰。想改地区可以说“订阅长春的招聘会”，回复“退订”即可取消。")
        return []


class ActionUnsubscribe(BlockingAction):
    def name(self) -> Text:
        return "action_unsubscribe"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        try:
            with sessions().begin() as session:
                followup.unsubscribe(session, *split(tracker.sender_id), _now())
        except Exception:
            logger.exception("unsubscribe failed")
            dispatcher.utter_message(text=UNAVAILABLE)
            return []
        dispatcher.utter_message(text="已退订：不再向您推送招聘会提醒和求职回访。您的登记信息不受影响，"
                                      "政策问题仍可随时问我；想重新接收请说“订阅招聘会”。")
        return []


def _asks_about_policy(tracker: Tracker) -> bool:
    """Whether a message read as a check-in answer asks something (实在找不到呢)."""
    from policies_kb.lexicon import load_lexicon

    return load_lexicon().asks((tracker.latest_message or {}).get("text") or "")


class ActionFollowupAnswer(BlockingAction):
    def name(self) -> Text:
        return "action_followup_answer"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        intent = (tracker.latest_message or {}).get("intent", {}).get("name")
        answer = ANSWER_BY_INTENT.get(intent or "")
        if answer is None:
            return []
        try:
            with sessions().begin() as session:
                result = followup.record_answer(session, *split(tracker.sender_id), answer, _now())
        except Exception:
            logger.exception("follow-up answer not recorded")
            dispatcher.utter_message(text=UNAVAILABLE)
            return []
        if result.registered:
            dispatcher.utter_message(text=REPLIES[answer])
        elif _asks_about_policy(tracker):
            # from someone with no check-ins to answer, 实在找不到呢 is a policy question
            from actions.policy_actions import ActionAnswerPolicy

            return ActionAnswerPolicy().run_blocking(dispatcher, tracker, domain)
        elif answer in OUT_OF_WORK:  # "还没找到工作，我该怎么办" from someone not registered: offer it
            dispatcher.utter_message(response="utter_offer_registration")
        else:
            dispatcher.utter_message(text=NOT_REGISTERED)
        return []
