"""The registration form's validation action, its confirmation prompt and in-form corrections.

The ID-number slot never holds a number: the channel replaced it by a vault reference
(registry/redaction.py); validation resolves the reference, checks the number (GB 11643) and keeps the
reference and the masked number only.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import registration_fields as f
from actions.blocking import BlockingAction, off_the_loop
from actions.policy_actions import answer_latest_message
from actions.registration_replies import explain_why_id
from registry import idcard
from registry.redaction import UNAVAILABLE, first_reference
from registry.runtime import get_store

logger = logging.getLogger(__name__)

ID_PROMPT_AGAIN = "请重新输入您的18位居民身份证号码。"
# Wrong answers to one question that get their own "what to type"; after these, a person is offered.
MAX_REFUSALS = 2


def registration_store():
    """The shared ledger store (tests replace this)."""
    return get_store()


def _attempts(tracker: Tracker, slot: str) -> int:
    state = tracker.get_slot(f.ATTEMPTS) or {}
    return int(state.get("count", 0)) if isinstance(state, dict) and state.get("slot") == slot else 0


def _reject(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, reason: str) -> Dict[Text, Any]:
    """Say what is wrong and what to type; from the third wrong answer to the same question on,
    offer a person (12333) instead, keeping every answer given so far."""
    count = _attempts(tracker, slot) + 1
    if count <= MAX_REFUSALS:
        dispatcher.utter_message(text=reason)
    else:
        dispatcher.utter_message(response="utter_registration_offer_person", label=f.LABELS.get(slot, "这一项"),
                                 hint=f.HINTS[slot])
    return {slot: None, f.ATTEMPTS: {"slot": slot, "count": count}}


def _cleared(slot: str) -> Dict[Text, Any]:
    """A field and what derives from it, forgotten."""
    return {slot: None} | dict.fromkeys(f.DERIVED_OF.get(slot, []))


def _values(slot: str, result: f.FieldResult) -> Dict[Text, Any]:
    """The slot values an accepted answer sets: the field (years as text) and what derives from it."""
    values: Dict[Text, Any] = {slot: str(result.value) if slot == f.GRAD_YEAR else result.value, f.ATTEMPTS: None}
    for derived in f.DERIVED_OF.get(slot, []):
        values[derived] = (result.derived or {}).get("province")
    return values


def _echo(dispatcher: CollectingDispatcher, slot: str, result: f.FieldResult, response: str) -> None:
    named = (result.derived or {}).get("named")
    value = f.shown(slot, result.value) + (f"（{named}）" if named else "")
    dispatcher.utter_message(response=response, label=f.LABELS[slot], value=value)


def _accept(dispatcher: CollectingDispatcher, slot: str, result: f.FieldResult) -> Dict[Text, Any]:
    _echo(dispatcher, slot, result, "utter_registration_noted")
    return _values(slot, result)


def correct_field(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, text: str) -> Dict[Text, Any]:
    """A correction of ``slot`` at any point of the form: the new value when the message states one
    (学校写错了，是长春理工), echoed; else the field is cleared and the form asks it again. The
    confirmation is cleared either way, so the summary is shown again."""
    if slot == f.ID and first_reference(text):
        checked = check_id_number(dispatcher, tracker, text)
        if checked.get(f.ID):
            dispatcher.utter_message(response="utter_registration_changed", label=f.LABELS[f.ID],
                                     value=checked[f.ID_MASKED])
        return checked | {f.CONFIRM: None}
    result = None if slot == f.ID else f.value_in_correction(text, slot)
    if result is None:
        return clear_field(dispatcher, tracker, slot)
    if not result.ok:  # "手机号改成1380013800": why, then the form asks for it again
        dispatcher.utter_message(text=result.reason)
        return _cleared(slot) | {f.CONFIRM: None}
    _echo(dispatcher, slot, result, "utter_registration_changed")
    return _values(slot, result) | {f.CONFIRM: None}


def _around_the_answer(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, text: str) -> Optional[Dict[Text, Any]]:
    """Messages that are not an answer to the question asked: an acknowledgement (好的, 嗯: the
    question is simply asked again) or a correction of any field (电话填错了, 是…)."""
    if f.is_acknowledgement(text):
        return {slot: None}
    named = f.correction_named(text)
    if named is not None and named in f.required_fields(True, tracker.get_slot(f.INTENTION)):
        return {slot: None} | correct_field(dispatcher, tracker, named, text)
    return None


def _question_instead(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, text: str,
                      refused: bool) -> Optional[Dict[Text, Any]]:
    """A question typed where a field was expected (家里条件不太好 有没有特别照顾 when the name was
    asked) that the NLU could not place: answered like any policy question, then the form asks its
    question again. A name is never longer than a few characters; other fields only when refused."""
    if not f.reads_as_question(text) or not (refused or (slot == f.NAME and f.longer_than_a_name(text))):
        return None
    events = answer_latest_message(dispatcher, tracker)
    return {slot: None} | {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


class ValidateRegistrationForm(FormValidationAction):
    """validate_<slot> for each field. Every validator accepts ``None`` silently: a correction
    clears a slot, and rasa_sdk then validates the cleared value too."""
    def name(self) -> Text:
        return "validate_registration_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return f.required_fields(tracker.get_slot(f.CONSENT), tracker.get_slot(f.INTENTION))

    def answer_field(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if value is None:
            return _cleared(slot)
        text = str(value)
        around = _around_the_answer(dispatcher, tracker, slot, text)
        if around is not None:
            return around
        result = f.PARSERS[slot](text)
        question = _question_instead(dispatcher, tracker, slot, text, refused=not result.ok)
        if question is not None:
            return question
        if not result.ok:
            return _cleared(slot) | _reject(dispatcher, tracker, slot, result.reason)
        return _accept(dispatcher, slot, result)

    def validate_reg_name(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.NAME, value, dispatcher, tracker)

    def _bare_answer(self, slot: str, tracker: Tracker) -> Dict[Text, Any]:
        """The latest message as the answer to the yes-no question ``slot`` when it is nothing but
        a yes or a no: the slot's mapping skips messages classified as thanks, greetings or
        questions, and a model trained on another machine once heard 可以 that way, which left the
        consent question unanswerable."""
        text = (tracker.latest_message or {}).get("text") or ""
        if tracker.get_slot("requested_slot") == slot and tracker.get_slot(slot) is None and f.is_bare_yes_no(text):
            return {slot: text}
        return {}

    def extract_reg_id_consent(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._bare_answer(f.CONSENT, tracker)

    def extract_reg_confirm(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._bare_answer(f.CONFIRM, tracker)

    @off_the_loop
    def validate_reg_id_consent(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None or isinstance(value, bool):
            return {f.CONSENT: value}
        text = str(value)
        if f.asks_why_id(text):
            explain_why_id(dispatcher)
            return {f.CONSENT: None}
        answer = f.parse_yes_no(text, _latest_intent(tracker))
        if answer is None:
            return _reject(dispatcher, tracker, f.CONSENT,
                           "请回复“同意”或“不同意”。不同意也没关系，您仍可以咨询就业政策。")
        if answer is False:
            registration_store().vault_discard(tracker.sender_id)
            return {f.CONSENT: False, "requested_slot": None, f.ATTEMPTS: None}
        return {f.CONSENT: True, f.ATTEMPTS: None}

    @off_the_loop
    def validate_reg_id_number(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        cleared = _cleared(f.ID)
        if value is None:
            return cleared
        if tracker.get_slot(f.CONSENT) is not True:  # never keep a number without consent
            registration_store().vault_discard(tracker.sender_id)
            return cleared
        text = str(value)
        if text.startswith("ref:"):  # already validated earlier in this form
            return {f.ID: text}
        if first_reference(text) is None:
            if f.asks_why_id(text):
                explain_why_id(dispatcher)
                return cleared
            if f.parse_yes_no(text, _latest_intent(tracker)) is False:
                dispatcher.utter_message(response="utter_registration_without_id")
                return cleared
            around = _around_the_answer(dispatcher, tracker, f.ID, text)
            if around is not None:
                return cleared | around
        checked = check_id_number(dispatcher, tracker, text)
        if checked.get(f.ID):
            dispatcher.utter_message(response="utter_registration_noted", label=f.LABELS[f.ID],
                                     value=checked[f.ID_MASKED])
        return checked

    def validate_reg_phone(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.PHONE, value, dispatcher, tracker)

    def validate_reg_school(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.SCHOOL, value, dispatcher, tracker)

    def validate_reg_major(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.MAJOR, value, dispatcher, tracker)

    def validate_reg_education(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.EDUCATION, value, dispatcher, tracker)

    def validate_reg_grad_year(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.GRAD_YEAR, value, dispatcher, tracker)

    def validate_reg_hukou_city(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.HUKOU_CITY, value, dispatcher, tracker)

    def validate_reg_city(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.CITY, value, dispatcher, tracker)

    def validate_reg_intention(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.INTENTION, value, dispatcher, tracker)

    def validate_reg_wanted_job(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.WANTED_JOB, value, dispatcher, tracker)

    def validate_reg_wanted_industry(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.WANTED_INDUSTRY, value, dispatcher, tracker)

    def validate_reg_wanted_region(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.WANTED_REGION, value, dispatcher, tracker)

    def validate_reg_hardship(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self.answer_field(f.HARDSHIP, value, dispatcher, tracker)

    def validate_reg_confirm(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None or isinstance(value, bool):
            return {f.CONFIRM: value}
        text = str(value)
        field = f.field_named_in(text)
        if field is not None and field in f.required_fields(True, tracker.get_slot(f.INTENTION)):
            return correct_field(dispatcher, tracker, field, text)
        answer = f.parse_yes_no(text, _latest_intent(tracker))
        if answer is True:
            return {f.CONFIRM: True}
        # "不对" or anything else: the prompt (action_ask_reg_confirm) asks what to change
        return {f.CONFIRM: None}


def check_id_number(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> Dict[Text, Any]:
    """Resolve the vault reference in ``text`` (this sender's only), check the number (GB 11643)
    and keep the reference and the masked number; a refused number leaves the vault at once."""
    sender = tracker.sender_id
    ref = first_reference(text)
    if ref is None:
        digits = sum(ch.isdigit() for ch in text)
        reason = (f"身份证号码应为18位，您输入的是{digits}位数字，请核对后重新输入。" if digits
                  else "没有看到身份证号码。请直接输入您的18位居民身份证号码（最后一位可能是X）。")
        return _cleared(f.ID) | _reject(dispatcher, tracker, f.ID, reason)
    if ref == UNAVAILABLE:
        return _cleared(f.ID) | _reject(dispatcher, tracker, f.ID, "系统暂时无法安全保存身份证号，请稍后再试。")
    store = registration_store()
    number = store.vault_get(sender, ref)
    if number is None:
        return _cleared(f.ID) | _reject(dispatcher, tracker, f.ID, "身份证号已超时失效，" + ID_PROMPT_AGAIN)
    check = idcard.validate(number)
    if not check.ok:
        store.vault_discard(sender, ref)
        logger.info("ID number refused: %s", check.code)
        return _cleared(f.ID) | _reject(dispatcher, tracker, f.ID, check.reason)
    # keep only this reference for the sender; earlier refused ones are gone already
    return {f.ID: f"ref:{ref}", f.ID_MASKED: idcard.mask(check.number), f.ATTEMPTS: None}


def _latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def _requested_when_user_spoke(tracker: Tracker) -> Optional[str]:
    """The question the form had asked when the latest user message came in (the current one when
    the tracker carries no earlier request)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == "requested_slot":
            return event.get("value")
    return tracker.get_slot("requested_slot")


class ActionAskRegConfirm(Action):
    """Shows the summary (ID masked) and asks for confirmation; after a "no" asks what to change."""
    def name(self) -> Text:
        return "action_ask_reg_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        last = (tracker.latest_message or {}).get("text") or ""
        # Only a "no" to the summary itself asks what to change: 没有/无 answering the hardship
        # question (a `deny`) must still bring the summary.
        said_no = f.parse_yes_no(last, _latest_intent(tracker)) is False and f.field_named_in(last) is None
        if _requested_when_user_spoke(tracker) == f.CONFIRM and said_no:
            dispatcher.utter_message(
                text="请问哪一项需要修改？例如说“修改手机号”或“专业填错了”。信息无误请回复“确认”。")
            return []
        slots = {name: tracker.get_slot(name) for name in f.ALL_FIELDS + f.DERIVED}
        lines = "\n".join(f.summary_lines(slots))
        dispatcher.utter_message(
            text=f"请核对您的登记信息：\n{lines}\n信息无误请回复“确认”提交；需要修改请说明哪一项，例如“修改手机号”；不登记了请回复“取消”。")
        return []


class ActionRegistrationCorrect(BlockingAction):
    """In the form: "学校写错了，是长春理工" sets the new value; "修改手机号" clears that field (and
    the confirmation) so the form asks again."""

    def name(self) -> Text:
        return "action_registration_correct"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        slot = f.field_named_in(text)
        wanted = f.required_fields(tracker.get_slot(f.CONSENT), tracker.get_slot(f.INTENTION))
        if slot is None or slot not in wanted:
            requested = tracker.get_slot("requested_slot")
            if requested in f.PARSERS and requested != f.ID and not f.says_a_correction(text):
                # 王芳 at the name question, heard as a correction: it answers the question asked
                answer = ValidateRegistrationForm().answer_field(requested, text, dispatcher, tracker)
                return [SlotSet(k, v) for k, v in answer.items()]
            dispatcher.utter_message(text="请说明要修改哪一项，例如“修改手机号”“专业填错了”“改一下就业意向”。")
            return []
        return [SlotSet(k, v) for k, v in correct_field(dispatcher, tracker, slot, text).items()]


def clear_field(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> Dict[Text, Any]:
    """Forget one answer (and the confirmation) so the form asks for it again."""
    if slot == f.ID:
        registration_store().vault_discard(tracker.sender_id)
    dispatcher.utter_message(text=f"好的，我们重新填写{f.LABELS[slot]}。")
    return _cleared(slot) | {f.CONFIRM: None}
