"""Registration actions outside the form's questions: submit, cancel, status, self-service
updates and withdrawal (deletion). A person is found by the channel and the channel's user id
they registered from, both taken from the conversation id (``wechat:<openid>``…, registry/identity.py),
never from a client's ``input_channel``; duplicates across channels are found by the keyed hash
of the ID number."""
from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import registration_fields as f
from actions.blocking import BlockingAction
from actions.policy_actions import (
    ActionAnswerPolicy,
    ReplyUnlessAsked,
    knowledge_base,
    names_a_covered_subject,
    tell_where_to_register,
)
from actions.registration_form import registration_store
from actions.registration_request import asks_something_done, asks_to_register, says_registered, start_registration_form
from policies_kb.lexicon import load_lexicon
from policies_kb.regions import find_in_text
from registry import phone as phones
from registry.identity import split
from registry.store import RegistrationData, RegistrationView
from workflows import erasure

logger = logging.getLogger(__name__)

NO_CONSENT_REPLY = (
    "好的，我们不会收集您的身份证号。实名登记需要身份证号，因此本次登记没有完成，您刚才填写的信息也已清除。\n"
    "您仍然可以：\n· 随时向我咨询就业创业政策，例如创业担保贷款、就业见习补贴、档案托管；\n"
    "· 拨打12333人社服务热线，或到户籍地、常住地公共就业服务机构线下办理失业登记/求职登记。\n"
    "如果改变主意，随时说“我要做失业登记”。"
)
# Words that show a message is about the sender's own registration (登记, 我的信息, 办好了没).
ABOUT_ONES_OWN_REGISTRATION = re.compile(r"登记|登上|注册|报名|我的(信息|资料)|我(填|交|提交)的|办好|办妥|办完|整好|弄好|成功了|记录|状态")
# Words that ask for registration itself (帮我登个记, 去哪报名): such a message goes into the form
# even when it also says the sender is out of work.
NAMES_REGISTRATION = re.compile(r"登(记|个记|一下|上)|报名|注册|register|sign ?up", re.IGNORECASE)
NOT_REGISTERED = "没有查到您在本渠道的登记记录。需要登记请说“我要做失业登记”或“我要求职登记”。"
# What withdrawal deletes and keeps: workflows.erasure.withdraw, workflows/erasure.py
# (conversation, dedupe store, contact) and docs/registration.md must stay in step with this text.
WITHDRAW_ASK = (
    "注销后将删除登记号{reg_no}下您的全部个人信息，无法恢复：登记信息（含加密保存的身份证号）、服务记录、"
    "招聘会订阅和提醒，以及我们保存的您与我的全部聊天记录。确定要注销并删除吗？请回复“确定”或“不了”。"
)
WITHDRAWN = (
    "已注销登记号{reg_no}，并已删除：\n"
    "· 登记信息：姓名、身份证号、手机号、毕业院校、专业、学历、毕业年份、户籍和居住城市、就业意向、困难类别；\n"
    "· “1311×N”服务记录和跟踪回访安排；\n"
    "· 招聘会订阅，待发和已发提醒的记录，以及联系状态；\n"
    "· 我们保存的您与我的全部聊天记录（包括本次对话）和消息缓存。\n"
    "依照《个人信息保护法》第五十六条对处理情况记录的要求，只保留：同意及撤回记录（登记号、处理目的、同意和撤回时间）"
    "和工作人员查阅记录（登记号、时间），其中没有您的姓名、身份证号、手机号等个人信息。\n"
    "以后需要时可以重新登记。"
)


def reset_form() -> List[EventType]:
    """Clear every registration slot so nothing personal lingers in the conversation."""
    return [SlotSet(name, None) for name in f.ALL_FIELDS + f.DERIVED + [f.ATTEMPTS]] + [SlotSet("requested_slot", None)]


def _current(tracker: Tracker) -> Optional[RegistrationView]:
    return registration_store().find_by_sender(*split(tracker.sender_id))


def consent_given_at(events: Iterable[Dict[str, Any]]) -> Optional[dt.datetime]:
    """When the person said 同意 (naive UTC): the time of the user message after which the consent
    slot became True, kept until a later reset (None/False) of the slot. None if not in the events."""
    said_at: Optional[float] = None
    given_at: Optional[float] = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            said_at = event.get("timestamp")
        elif kind == "slot" and event.get("name") == f.CONSENT:
            if event.get("value") is not True:
                given_at = None
            elif given_at is None:
                given_at = said_at or event.get("timestamp")
    if given_at is None:
        return None
    return dt.datetime.fromtimestamp(given_at, dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _data_from_slots(tracker: Tracker) -> RegistrationData:
    get = tracker.get_slot
    intention = get(f.INTENTION)
    applies = set(f.required_fields(True, intention))
    optional = lambda slot: get(slot) if slot in applies else None  # noqa: E731
    return RegistrationData(
        name=get(f.NAME), phone=get(f.PHONE), school=get(f.SCHOOL), major=get(f.MAJOR),
        education=get(f.EDUCATION), grad_year=int(get(f.GRAD_YEAR)), hukou_city=get(f.HUKOU_CITY),
        hukou_province=get(f.HUKOU_PROVINCE), city=get(f.CITY), province=get(f.PROVINCE), intention=intention,
        wanted_job=optional(f.WANTED_JOB), wanted_industry=optional(f.WANTED_INDUSTRY),
        wanted_region=optional(f.WANTED_REGION), hardship=get(f.HARDSHIP) or "无",
    )


class ActionRegistrationSubmit(BlockingAction):
    """Runs when the form ends: saves a confirmed registration, or explains a refused consent."""

    def name(self) -> Text:
        return "action_registration_submit"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        store = registration_store()
        sender = tracker.sender_id
        if tracker.get_slot(f.CONSENT) is False:
            store.vault_discard(sender)
            dispatcher.utter_message(text=NO_CONSENT_REPLY)
            return reset_form()
        if tracker.get_slot(f.CONFIRM) is not True:
            return []
        ref = str(tracker.get_slot(f.ID) or "").removeprefix("ref:")
        number = store.vault_get(sender, ref) if ref else None
        if number is None:  # the vault keeps it 30 minutes: ask for it again, keep every other answer
            dispatcher.utter_message(response="utter_registration_id_expired")
            return [SlotSet(f.ID, None), SlotSet(f.ID_MASKED, None), SlotSet(f.CONFIRM, None),
                    ActiveLoop("registration_form"), SlotSet("requested_slot", f.ID)]
        consented_at = consent_given_at(tracker.events)
        if consented_at is None:
            logger.warning("registration: consent time not in the conversation; recording the save time")
        who = split(sender)
        result = store.register(_data_from_slots(tracker), number, who.channel, who.user, consented_at)
        store.vault_discard(sender)
        head = (f"您此前已经登记过，本次已更新您的登记信息，登记号仍为{result.reg_no}。" if result.updated
                else f"登记成功！您的登记号是{result.reg_no}，请妥善保存。")
        text = head + "人社部门将按“1311×N”服务为您提供职业指导、岗位推荐、技能培训和见习机会。"
        if result.one_to_one:
            text += "您属于困难家庭毕业生，已列为“一对一”帮扶对象，工作人员会尽快与您联系。"
        text += "\n可随时说“查询登记状态”“修改手机号”“注销登记”。"
        dispatcher.utter_message(text=text, json_message={"kind": "registration", "reg_no": result.reg_no,
                                                          "updated": result.updated})
        return reset_form()


class ActionRegistrationCancel(BlockingAction):
    def name(self) -> Text:
        return "action_registration_cancel"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        registration_store().vault_discard(tracker.sender_id)
        dispatcher.utter_message(text="已取消本次登记，您填写的信息已清除，没有保存任何内容。需要时随时说“我要做失业登记”。")
        return reset_form()


class ActionStartRegistration(BlockingAction):
    """A message the NLU reads as asking to register. One that says the sender is out of work and
    asks what to do, without asking for registration itself (我失业了怎么办, 毕业半年还没找到工作
    咋整), or that asks of a policy the documents cover without asking to register (失业了 失业补助金
    今年还发不), is answered first and then offered registration (the policy answer does both).
    So is a question from someone who says they have registered already (我34岁，登记失业了，
    也能享受吗). Anything else starts the form. The rules branch on
    ``registration_wish``."""

    def name(self) -> Text:
        return "action_start_registration"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        lexicon = load_lexicon()
        asks = lexicon.asks_at_all(text)
        # 失业了 失业补助金今年还发不: a question on a policy the documents cover, not a request
        asks_of_a_policy = not asks_something_done(text) and not asks_to_register(text) and names_a_covered_subject(
            knowledge_base(), text, None)
        asks_of_ones_situation = not NAMES_REGISTRATION.search(text) and (
            (lexicon.says_out_of_work(text) and asks) or asks_of_a_policy)
        # 我34岁，登记失业了，也能享受吗: a question from someone registered, not a request
        asks_when_registered = asks and says_registered(text)
        asks_what_to_do = asks_of_ones_situation or asks_when_registered
        told = [] if asks_what_to_do else tell_where_to_register(dispatcher, tracker)
        return told + [SlotSet("registration_wish", not asks_what_to_do)]


class ActionNothingToCancel(ReplyUnlessAsked):
    """``cancel`` with nothing in progress. A question on a policy the documents cover that the NLU
    heard as one (这个攻坚行动啥时候搞) is answered as the question it is; anything else (算了,
    先不弄了？) is told there is nothing to cancel."""

    response = "utter_nothing_to_cancel"

    def name(self) -> Text:
        return "action_nothing_to_cancel"

    def asks(self, text: str) -> bool:
        return super().asks(text) and names_a_covered_subject(knowledge_base(), text, None)


class ActionRegistrationStatus(BlockingAction):
    def name(self) -> Text:
        return "action_registration_status"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        view = _current(tracker)
        text = (tracker.latest_message or {}).get("text") or ""
        if view is None and asks_to_register(text):  # 找工作的登记在哪里弄: not a status question
            return start_registration_form()
        if view is None and not ABOUT_ONES_OWN_REGISTRATION.search(text):
            # read as "my registration?" but says nothing of one (多久能审核下来, 那她呢): a question
            # from someone not registered is answered as the policy question it is
            return ActionAnswerPolicy().run_blocking(dispatcher, tracker, domain)
        if view is None:
            dispatcher.utter_message(text=NOT_REGISTERED)
            return []
        services = registration_store().services(view.reg_no)
        lines = [f"登记号：{view.reg_no}（{'有效' if view.status == 'active' else '已结束'}）",
                 f"姓名：{view.name}", f"身份证号：{view.id_masked}", f"手机号：{phones.mask(view.phone)}",
                 f"就业意向：{view.intention}", f"登记时间：{view.created_at:%Y-%m-%d}，最近更新：{view.updated_at:%Y-%m-%d}",
                 f"已获得服务：{len(services)}次"]
        if view.one_to_one:
            lines.append("帮扶方式：一对一帮扶")
        dispatcher.utter_message(text="您的登记信息：\n" + "\n".join(lines),
                                 json_message={"kind": "registration_status", "reg_no": view.reg_no})
        return []


# Ledger columns a graduate changes by naming the field; the ID number is changed by registering again.
COLUMNS = {
    f.NAME: "name", f.PHONE: "phone", f.SCHOOL: "school", f.MAJOR: "major", f.EDUCATION: "education",
    f.GRAD_YEAR: "grad_year", f.HUKOU_CITY: "hukou_city", f.CITY: "city", f.INTENTION: "intention",
    f.WANTED_JOB: "wanted_job", f.WANTED_INDUSTRY: "wanted_industry", f.WANTED_REGION: "wanted_region",
    f.HARDSHIP: "hardship",
}
PROVINCE_COLUMNS = {f.HUKOU_CITY: "hukou_province", f.CITY: "province"}


def ledger_changes(slot: str, result: f.FieldResult) -> Dict[str, object]:
    """The columns one changed answer sets: the field, its province, and for a new intention the
    wishes that no longer apply (a founder has no wanted job; no intention, no wishes)."""
    changes: Dict[str, object] = {COLUMNS[slot]: result.value}
    if slot in PROVINCE_COLUMNS:
        changes[PROVINCE_COLUMNS[slot]] = (result.derived or {}).get("province")
    if slot == f.INTENTION:
        applies = set(f.required_fields(True, str(result.value)))
        changes.update({COLUMNS[w]: None for w in (f.WANTED_JOB, f.WANTED_INDUSTRY, f.WANTED_REGION) if w not in applies})
    return changes


class ActionRegistrationUpdate(BlockingAction):
    """After registration: change any answer in everyday words ("学校写错了，是东北师范大学",
    "把意向改成创业", "我换手机号了，新号码是…")."""

    def name(self) -> Text:
        return "action_registration_update"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        view = _current(tracker)
        text = (tracker.latest_message or {}).get("text") or ""
        field = f.field_named_in(text) or (f.PHONE if phones.find_in_text(text) else None)
        names_other = bool(find_in_text(text)) or load_lexicon().asks(text)
        if view is None and field is None and names_other and not ABOUT_ONES_OWN_REGISTRATION.search(text):
            # read as a change but names no registration field (换成白城的 after a policy answer): a
            # follow-up from someone not registered is answered as the policy question it is
            return ActionAnswerPolicy().run_blocking(dispatcher, tracker, domain)
        if view is None:
            dispatcher.utter_message(text=NOT_REGISTERED)
            return []
        if field == f.ID:
            dispatcher.utter_message(response="utter_registration_change_id")
            return []
        if field not in COLUMNS:
            dispatcher.utter_message(response="utter_registration_change_which")
            return []
        result = f.value_in_correction(text, field)
        if result is None:
            dispatcher.utter_message(response="utter_registration_change_how", label=f.LABELS[field])
            return []
        if not result.ok:
            dispatcher.utter_message(text=result.reason)
            return []
        registration_store().update_fields(view.reg_no, **ledger_changes(field, result))
        value = phones.mask(str(result.value)) if field == f.PHONE else f.shown(field, result.value)
        dispatcher.utter_message(response="utter_registration_updated", reg_no=view.reg_no, label=f.LABELS[field],
                                 value=value)
        return []


class ActionRegistrationInform(BlockingAction):
    """An answer-like message outside the form. A registered graduate's change in everyday words
    that the NLU read as an answer ("我换手机号了，新号码是…") changes the registration; anything else
    goes on to the policy fallback, which answers it as before."""

    def name(self) -> Text:
        return "action_registration_inform"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        if f.correction_named(text) in COLUMNS and _current(tracker) is not None:
            return ActionRegistrationUpdate().run_blocking(dispatcher, tracker, domain)
        return [FollowupAction("action_answer_policy")]


class ActionRegistrationSavedAlready(BlockingAction):
    """A confirmation repeated after the registration was saved ("确认" twice, "好的"): nothing is
    saved again; the graduate is told their registration number."""

    def name(self) -> Text:
        return "action_registration_saved_already"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        view = _current(tracker)
        if view is None:
            dispatcher.utter_message(response="utter_acknowledge")
        else:
            dispatcher.utter_message(response="utter_registration_already_saved", reg_no=view.reg_no)
        return []


class ActionRegistrationWithdrawAsk(BlockingAction):
    def name(self) -> Text:
        return "action_registration_withdraw_ask"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        view = _current(tracker)
        if view is None:
            dispatcher.utter_message(text=NOT_REGISTERED)
            return []
        dispatcher.utter_message(text=WITHDRAW_ASK.format(reg_no=view.reg_no))
        return []


class ActionRegistrationWithdraw(BlockingAction):
    """Deletes the registration here; the reply's erasure mark makes the Rasa server delete the
    conversation and the channels their caches (workflows/erasure.py)."""

    def name(self) -> Text:
        return "action_registration_withdraw"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        view = _current(tracker)
        if view is None or not erasure.withdraw(registration_store(), view.reg_no):
            dispatcher.utter_message(text=NOT_REGISTERED)
            return []
        registration_store().vault_discard(tracker.sender_id)
        dispatcher.utter_message(text=WITHDRAWN.format(reg_no=view.reg_no),
                                 json_message=erasure.payload(kind="registration_withdrawn", reg_no=view.reg_no))
        return reset_form()
