"""The registration form's validation action, its confirmation prompt and in-form corrections.

The ID-number slot never holds a number: the channel replaced it by a vault reference
(bot/redaction.py); validation resolves the reference, checks the number (GB 11643) and keeps the
reference and the masked number only.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import registration_fields as f
from bot.redaction import UNAVAILABLE, first_reference
from registry import idcard

logger = logging.getLogger(__name__)

ID_PROMPT_AGAIN = "请重新输入您的18位居民身份证号码。"


def registration_store():
    """The shared ledger store (tests replace this)."""
    from registry.runtime import get_store

    return get_store()


def _reject(dispatcher: CollectingDispatcher, slot: str, reason: str) -> Dict[Text, Any]:
    dispatcher.utter_message(text=reason)
    return {slot: None}


def _accept_or_reject(dispatcher: CollectingDispatcher, slot: str, result: f.FieldResult) -> Dict[Text, Any]:
    return {slot: result.value} if result.ok else _reject(dispatcher, slot, result.reason)


class ValidateRegistrationForm(FormValidationAction):
    """validate_<slot> for each field. Every validator accepts ``None`` silently: a correction
    clears a slot, and rasa_sdk then validates the cleared value too."""

    def name(self) -> Text:
        return "validate_registration_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return f.required_fields(tracker.get_slot(f.CONSENT), tracker.get_slot(f.INTENTION))

    def validate_reg_name(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {f.NAME: None} if value is None else _accept_or_reject(dispatcher, f.NAME, f.parse_name(str(value)))

    def validate_reg_id_consent(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None or isinstance(value, bool):
            return {f.CONSENT: value}
        answer = f.parse_yes_no(str(value), _latest_intent(tracker))
        if answer is None:
            return _reject(dispatcher, f.CONSENT, "请回复“同意”或“不同意”。不同意也没关系，您仍可以咨询就业政策。")
        if answer is False:
            registration_store().vault_discard(tracker.sender_id)
            return {f.CONSENT: False, "requested_slot": None}
        return {f.CONSENT: True}

    def validate_reg_id_number(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        cleared = {f.ID: None, f.ID_MASKED: None}
        if value is None:
            return cleared
        sender = tracker.sender_id
        if tracker.get_slot(f.CONSENT) is not True:  # never keep a number without consent
            registration_store().vault_discard(sender)
            return cleared
        text = str(value)
        if text.startswith("ref:"):  # already validated earlier in this form
            return {f.ID: text}
        ref = first_reference(text)
        if ref is None:
            digits = sum(ch.isdigit() for ch in text)
            reason = (f"身份证号码应为18位，您输入的是{digits}位数字，请核对后重新输入。" if digits
                      else "没有看到身份证号码。请直接输入您的18位居民身份证号码（最后一位可能是X）。")
            return _reject(dispatcher, f.ID, reason) | {f.ID_MASKED: None}
        if ref == UNAVAILABLE:
            return _reject(dispatcher, f.ID, "系统暂时无法安全保存身份证号，请稍后再试。") | {f.ID_MASKED: None}
        store = registration_store()
        number = store.vault_get(sender, ref)
        if number is None:
            return _reject(dispatcher, f.ID, "身份证号已超时失效，" + ID_PROMPT_AGAIN) | {f.ID_MASKED: None}
        check = idcard.validate(number)
        if not check.ok:
            store.vault_discard(sender, ref)
            logger.info("ID number refused: %s", check.code)
            return _reject(dispatcher, f.ID, check.reason) | {f.ID_MASKED: None}
        # keep only this reference for the sender; earlier refused ones are gone already
        return {f.ID: f"ref:{ref}", f.ID_MASKED: idcard.mask(check.number)}

    def validate_reg_phone(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {f.PHONE: None} if value is None else _accept_or_reject(dispatcher, f.PHONE, f.parse_phone(str(value)))

    def validate_reg_school(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {f.SCHOOL: None} if value is None else _accept_or_reject(dispatcher, f.SCHOOL, f.parse_school(str(value)))

    def validate_reg_major(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {f.MAJOR: None} if value is None else _accept_or_reject(dispatcher, f.MAJOR, f.parse_major(str(value)))

    def validate_reg_education(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None:
            return {f.EDUCATION: None}
        return _accept_or_reject(dispatcher, f.EDUCATION, f.parse_education(str(value)))

    def validate_reg_grad_year(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None:
            return {f.GRAD_YEAR: None}
        result = f.parse_grad_year(str(value))
        return {f.GRAD_YEAR: str(result.value)} if result.ok else _reject(dispatcher, f.GRAD_YEAR, result.reason)

    def _city(self, value: Any, dispatcher, slot: str, province_slot: str) -> Dict[Text, Any]:
        if value is None:
            return {slot: None, province_slot: None}
        result = f.parse_city(str(value))
        if not result.ok:
            return _reject(dispatcher, slot, result.reason) | {province_slot: None}
        return {slot: result.value, province_slot: (result.derived or {}).get("province")}

    def validate_reg_hukou_city(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._city(value, dispatcher, f.HUKOU_CITY, f.HUKOU_PROVINCE)

    def validate_reg_city(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._city(value, dispatcher, f.CITY, f.PROVINCE)

    def validate_reg_intention(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None:
            return {f.INTENTION: None}
        return _accept_or_reject(dispatcher, f.INTENTION, f.parse_intention(str(value)))

    def validate_reg_wanted_job(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None:
            return {f.WANTED_JOB: None}
        return _accept_or_reject(dispatcher, f.WANTED_JOB, f.parse_wanted(str(value), "意向岗位"))

    def validate_reg_wanted_industry(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None:
            return {f.WANTED_INDUSTRY: None}
        return _accept_or_reject(dispatcher, f.WANTED_INDUSTRY, f.parse_wanted(str(value), "意向行业"))

    def validate_reg_wanted_region(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None:
            return {f.WANTED_REGION: None}
        return _accept_or_reject(dispatcher, f.WANTED_REGION, f.parse_wanted_region(str(value)))

    def validate_reg_hardship(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None:
            return {f.HARDSHIP: None}
        return _accept_or_reject(dispatcher, f.HARDSHIP, f.parse_hardship(str(value)))

    def validate_reg_confirm(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None or isinstance(value, bool):
            return {f.CONFIRM: value}
        text = str(value)
        field = f.field_named_in(text)
        if field is not None and field in f.required_fields(True, tracker.get_slot(f.INTENTION)):
            return clear_field(dispatcher, tracker, field)
        answer = f.parse_yes_no(text, _latest_intent(tracker))
        if answer is True:
            return {f.CONFIRM: True}
        # "不对" or anything else: the prompt (action_ask_reg_confirm) asks what to change
        return {f.CONFIRM: None}


def _latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


class ActionAskRegConfirm(Action):
    """Shows the summary (ID masked) and asks for confirmation; after a "no" asks what to change."""

    def name(self) -> Text:
        return "action_ask_reg_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        last = (tracker.latest_message or {}).get("text") or ""
        if tracker.get_slot("requested_slot") == f.CONFIRM and f.parse_yes_no(last, _latest_intent(tracker)) is False:
            dispatcher.utter_message(
                text="请问哪一项需要修改？例如说“修改手机号”或“专业填错了”。信息无误请回复“确认”。")
            return []
        slots = {name: tracker.get_slot(name) for name in f.ALL_FIELDS + f.DERIVED}
        lines = "\n".join(f.summary_lines(slots))
        dispatcher.utter_message(
            text=f"请核对您的登记信息：\n{lines}\n信息无误请回复“确认”提交；需要修改请说明哪一项，例如“修改手机号”；不登记了请回复“取消”。")
        return []


class ActionRegistrationCorrect(Action):
    """In the form: "修改手机号" clears that field (and the confirmation) so the form asks again."""

    def name(self) -> Text:
        return "action_registration_correct"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        slot = f.field_named_in(text)
        wanted = f.required_fields(tracker.get_slot(f.CONSENT), tracker.get_slot(f.INTENTION))
        if slot is None or slot not in wanted:
            dispatcher.utter_message(text="请说明要修改哪一项，例如“修改手机号”“专业填错了”“改一下就业意向”。")
            return []
        return [SlotSet(k, v) for k, v in clear_field(dispatcher, tracker, slot).items()]


def clear_field(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> Dict[Text, Any]:
    """Forget one answer (and the confirmation) so the form asks for it again."""
    if slot == f.ID:
        registration_store().vault_discard(tracker.sender_id)
    dispatcher.utter_message(text=f"好的，我们重新填写{f.LABELS[slot]}。")
    cleared: Dict[Text, Any] = {slot: None, f.CONFIRM: None}
    cleared.update({derived: None for derived in f.DERIVED_OF.get(slot, [])})
    return cleared
