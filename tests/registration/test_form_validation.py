"""The registration form's validation rules, run as the action server runs them (rasa_sdk
Tracker + CollectingDispatcher), with the ID number arriving as a vault reference."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import registration_fields as f
from actions.registration_form import ValidateRegistrationForm
from registry.redaction import redact_id_numbers
from tests.registration.conftest import make_tracker, rendered
from tests.registry.helpers import make_id

GOOD_ID = make_id()
FORM = ValidateRegistrationForm()


def settle(result):
    """A validator's result; those that touch the database are coroutines (run in a thread)."""
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


def validate(slot: str, text: str, slots=None, intent: str = "inform", sender: str = "cli:tester"):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots, text=text, intent=intent, sender=sender, requested_slot=slot)
    result = settle(getattr(FORM, f"validate_{slot}")(text, dispatcher, tracker, {}))
    return result, rendered(dispatcher.messages)


@pytest.mark.parametrize("text,expected", [("张三", "张三"), ("我叫欧阳娜娜", "欧阳娜娜"), ("阿依古丽•买买提", "阿依古丽·买买提")])
def test_name_accepted(text, expected):
    assert validate(f.NAME, text)[0][f.NAME] == expected


@pytest.mark.parametrize("text,fragment", [("张3", "不应有数字"), ("王", "2到20个"), ("!!@@", "2到20个"),
                                           ("吉林", "省份名称"), ("江西省", "省份名称")])
def test_name_refused_with_reason(text, fragment):
    result, messages = validate(f.NAME, text)
    assert result[f.NAME] is None and fragment in messages[0]


def test_consent_yes_no_and_unclear(ledger):
    assert validate(f.CONSENT, "同意")[0][f.CONSENT] is True
    assert validate(f.CONSENT, "好的", intent="affirm")[0][f.CONSENT] is True
    ledger.vault_put("cli:tester", GOOD_ID)
    refused, _ = validate(f.CONSENT, "不同意")
    assert refused[f.CONSENT] is False and refused["requested_slot"] is None
    assert ledger.vault_discard("cli:tester") == 0  # the refusal already discarded any ID
    unclear, messages = validate(f.CONSENT, "这是啥")
    assert unclear[f.CONSENT] is None and "同意" in messages[0]


def test_id_number_reference_is_resolved_validated_and_masked(ledger):
    text = redact_id_numbers(f"我的身份证号是{GOOD_ID}", "cli:tester", ledger)
    assert GOOD_ID not in text
    result, messages = validate(f.ID, text, {f.CONSENT: True})
    ref = result[f.ID].removeprefix("ref:")
    assert result[f.ID_MASKED] == idmask(GOOD_ID) and messages == [f"好的，已记下身份证号：{idmask(GOOD_ID)}。"]
    assert ledger.vault_get("cli:tester", ref) == GOOD_ID
    # a reference belongs to its sender only
    other, _ = validate(f.ID, text, {f.CONSENT: True}, sender="cli:someone-else")
    assert other[f.ID] is None


def idmask(number: str) -> str:
    return number[:4] + "*" * 10 + number[-4:]


@pytest.mark.parametrize("raw,fragment", [
    (GOOD_ID[:-1] + ("1" if GOOD_ID[-1] != "1" else "2"), "校验码"),
    (make_id(birth="20010230"), "不是真实的日期"),
    (make_id(birth="19400101"), "不在毕业生登记服务的年龄范围"),
    (GOOD_ID[:17], "18位，您输入的是17位"),
    ("990102" + GOOD_ID[6:], "地区码"),
])
def test_bad_id_numbers_are_refused_with_the_reason_and_forgotten(ledger, raw, fragment):
    text = redact_id_numbers(raw, "cli:tester", ledger)
    assert raw not in text
    result, messages = validate(f.ID, text, {f.CONSENT: True})
    assert result[f.ID] is None and fragment in messages[0]
    assert ledger.vault_discard("cli:tester") == 0


def test_id_without_reference_or_consent(ledger):
    result, messages = validate(f.ID, "12345", {f.CONSENT: True})
    assert result[f.ID] is None and "您输入的是5位" in messages[0]
    result, messages = validate(f.ID, "不知道", {f.CONSENT: True})
    assert result[f.ID] is None and "没有看到身份证号码" in messages[0]
    text = redact_id_numbers(GOOD_ID, "cli:tester", ledger)
    result, _ = validate(f.ID, text, {f.CONSENT: None})
    assert result[f.ID] is None and ledger.vault_discard("cli:tester") == 0


@pytest.mark.parametrize("slot,text,expected", [
    (f.PHONE, "我的手机是 139-1234-5678", "13912345678"),
    (f.SCHOOL, "毕业于吉林大学", "吉林大学"),
    (f.MAJOR, "学的是会计学", "会计学"),
    (f.EDUCATION, "大专", "专科"),
    (f.EDUCATION, "研究生", "硕士研究生"),
    (f.GRAD_YEAR, f"{dt.date.today().year - 1}年毕业", str(dt.date.today().year - 1)),
    (f.GRAD_YEAR, f"{str(dt.date.today().year)[2:]}届", str(dt.date.today().year)),
    (f.INTENTION, "想自己创业", "创业"),
    (f.INTENTION, "准备考研，暂时不工作", "暂无就业意愿"),
    (f.INTENTION, "找工作", "就业"),
    (f.WANTED_JOB, "都可以", "不限"),
    (f.HARDSHIP, "低保户，还有残疾", "残疾,低保"),
    (f.HARDSHIP, "都不是", "无"),
])
def test_fields_accepted(slot, text, expected):
    assert validate(slot, text)[0][slot] == expected


@pytest.mark.parametrize("slot,text,fragment", [
    (f.PHONE, "1391234567", "11位，您输入的是10位"),
    (f.PHONE, "12912345678", "13–19开头"),
    (f.PHONE, "不告诉你", "没有看到手机号码"),
    (f.SCHOOL, "1", "毕业院校"),
    (f.EDUCATION, "小学", "中专/技校"),
    (f.GRAD_YEAR, "1999", "之间"),
    (f.GRAD_YEAR, "记不清了", "例如"),
    (f.INTENTION, "看情况", "就业（找工作）、创业、暂无就业意愿"),
    (f.HARDSHIP, "有点困难吧", "脱贫家庭、零就业家庭"),
    (f.HUKOU_CITY, "火星", "没有识别出城市"),
])
def test_fields_refused_with_specific_reason(slot, text, fragment):
    result, messages = validate(slot, text)
    assert result[slot] is None and fragment in messages[0]


def test_city_is_mapped_to_province():
    def place(slot, province_slot, text):
        result = validate(slot, text)[0]
        return result[slot], result[province_slot]

    assert place(f.HUKOU_CITY, f.HUKOU_PROVINCE, "延边州") == ("延边", "吉林")
    assert place(f.CITY, f.PROVINCE, "我在赣州市") == ("赣州", "江西")
    assert place(f.CITY, f.PROVINCE, "深圳") == ("深圳", "广东")
    assert validate(f.CITY, "吉林大学")[0][f.CITY] is None  # a university is not a city


def test_cleared_slots_validate_silently():
    for slot in (f.NAME, f.PHONE, f.SCHOOL, f.GRAD_YEAR, f.CITY, f.HARDSHIP, f.CONFIRM):
        dispatcher = CollectingDispatcher()
        result = settle(getattr(FORM, f"validate_{slot}")(None, dispatcher, make_tracker(), {}))
        assert result[slot] is None and dispatcher.messages == []


def test_confirm_yes_no_and_naming_a_field():
    assert validate(f.CONFIRM, "确认")[0] == {f.CONFIRM: True}
    assert validate(f.CONFIRM, "不对", intent="deny")[0] == {f.CONFIRM: None}
    result, messages = validate(f.CONFIRM, "手机号错了", {f.INTENTION: "就业"})
    assert result == {f.PHONE: None, f.CONFIRM: None} and "手机号" in messages[0]


def test_required_slots_follow_consent_and_intention():
    assert f.required_fields(False, None) == []
    base = f.required_fields(True, "暂无就业意愿")
    assert f.WANTED_JOB not in base and base[-2:] == [f.HARDSHIP, f.CONFIRM]
    assert base.index(f.CONSENT) < base.index(f.ID)  # consent before the ID number
    assert {f.WANTED_JOB, f.WANTED_INDUSTRY, f.WANTED_REGION} <= set(f.required_fields(True, "就业"))
    assert f.WANTED_JOB not in f.required_fields(True, "创业")


def test_form_run_ends_when_consent_is_refused(domain, ledger):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({f.NAME: "张三"}, text="不同意", intent="deny", requested_slot=f.CONSENT,
                           extracted={f.CONSENT: "不同意"})
    events = asyncio.run(FORM.run(dispatcher, tracker, domain))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots[f.CONSENT] is False and slots["requested_slot"] is None


def test_form_run_asks_for_the_next_missing_field(domain, ledger):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({f.NAME: "张三", f.CONSENT: True, f.ID: "ref:abcdefgh"}, text="13912345678",
                           requested_slot=f.PHONE, extracted={f.PHONE: "13912345678"})
    events = asyncio.run(FORM.run(dispatcher, tracker, domain))
    assert {"event": "slot", "timestamp": None, "name": "requested_slot", "value": f.SCHOOL} in events


# -- issue 14: echoes, acknowledgements, refusals, corrections, the ID number questions ----------

def test_accepted_answers_are_echoed_normalised():
    assert validate(f.PHONE, "+86 139-1234-5678")[1] == ["好的，已记下手机号：13912345678。"]
    assert validate(f.EDUCATION, "大专")[1] == ["好的，已记下学历：专科。"]
    result, messages = validate(f.HUKOU_CITY, "公主岭")
    assert result[f.HUKOU_CITY] == "长春" and messages == ["好的，已记下户籍所在城市：长春（公主岭市）。"]


@pytest.mark.parametrize("text", ["好的", "嗯", "好的，谢谢"])
def test_an_acknowledgement_is_not_an_answer_and_asks_again_silently(text):
    result, messages = validate(f.SCHOOL, text, intent="affirm")
    assert result == {f.SCHOOL: None} and messages == []


def test_two_refusals_say_what_to_type_then_a_person_is_offered():
    slots: dict = {f.NAME: "王芳"}
    said = []
    for text in ("12345", "不知道", "没有手机", "也不知道"):
        result, messages = validate(f.PHONE, text, slots)
        slots[f.ATTEMPTS] = result[f.ATTEMPTS]
        said.append(messages[0])
    assert all("例如13912345678" in m and "12333" not in m for m in said[:2])
    assert all("12333" in m and "保留" in m and "11位手机号码" in m for m in said[2:])
    assert slots[f.ATTEMPTS] == {"slot": f.PHONE, "count": 4}
    accepted, _ = validate(f.PHONE, "15912345678", slots)
    assert accepted[f.PHONE] == "15912345678" and accepted[f.ATTEMPTS] is None
    # another question counts from zero
    assert "12333" not in validate(f.SCHOOL, "1", {f.ATTEMPTS: {"slot": f.PHONE, "count": 3}})[1][0]


def test_a_correction_answered_to_another_question_changes_that_field():
    result, messages = validate(f.SCHOOL, "等一下，电话填错了，是15912345679", {f.INTENTION: None})
    assert result[f.SCHOOL] is None and result[f.PHONE] == "15912345679" and result[f.CONFIRM] is None
    assert messages == ["好的，已把手机号改为15912345679。"]
    result, messages = validate(f.CONFIRM, "学校写错了，是长春理工", {f.INTENTION: "就业"})
    assert result[f.SCHOOL] == "长春理工" and result[f.CONFIRM] is None
    result, messages = validate(f.CONFIRM, "毕业年份不对，应该是22届", {f.INTENTION: "就业"})
    assert result[f.GRAD_YEAR] == "2022"


def test_why_the_id_is_needed_is_answered_from_the_consent_text(ledger):
    for slot, slots in ((f.CONSENT, {}), (f.ID, {f.CONSENT: True})):
        result, messages = validate(slot, "为什么要身份证号", slots, intent="deny")
        assert result[slot] is None and "实名登记核验" in messages[0] and "避免重复登记" in messages[0]


def test_not_wanting_to_give_the_id_after_consenting_explains_what_is_left(ledger):
    result, messages = validate(f.ID, "不想给身份证", {f.CONSENT: True}, intent="deny")
    assert result[f.ID] is None and "12333" in messages[0] and "政策" in messages[0] and "保留" in messages[0]
    # before consenting it is a refusal of consent
    refused, _ = validate(f.CONSENT, "不想给身份证", intent="deny")
    assert refused[f.CONSENT] is False


def test_after_quoting_the_consent_text_the_consent_question_is_asked_on_its_own():
    from actions.registration_prompts import PROMPTS, prompt_for

    asked = prompt_for(f.CONSENT, make_tracker(text="为什么要身份证号", intent="ask_why_id"))
    assert asked == PROMPTS[f.CONSENT].splitlines()[-1] and "同意" in asked
    assert prompt_for(f.CONSENT, make_tracker(text="李明")) == PROMPTS[f.CONSENT]


@pytest.mark.parametrize("slot,text,intent,expected", [
    (f.CONSENT, "可以", "thank", True),       # a classifier that heard a thank-you
    (f.CONSENT, "行吧。", "greet", True),
    (f.CONSENT, "不同意", "ask_rights", False),
    (f.CONFIRM, "确认！", "thank", True),
])
def test_a_bare_yes_or_no_answers_the_question_whatever_intent_was_heard(domain, ledger, slot, text, intent, expected):
    """The slot mapping skips thanks, greetings and questions; a message that is only a yes or a no
    is still the answer (a model trained on another machine heard 可以 as something else)."""
    slots = {f.NAME: "张三"} if slot == f.CONSENT else {}
    tracker = make_tracker(slots, text=text, intent=intent, requested_slot=slot)
    events = asyncio.run(FORM.run(CollectingDispatcher(), tracker, domain))
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert values[slot] is expected


@pytest.mark.parametrize("text", ["可以问个问题吗", "谢谢", "算了", "为什么要身份证"])
def test_other_messages_at_a_yes_no_question_are_not_taken_as_its_answer(text):
    tracker = make_tracker({f.NAME: "张三"}, text=text, intent="thank", requested_slot=f.CONSENT)
    assert FORM.extract_reg_id_consent(CollectingDispatcher(), tracker, {}) == {}


def test_a_question_typed_for_the_name_is_answered_not_taken_as_the_name():
    """家里条件不太好 有没有特别照顾 at 请问您的姓名是 was once stored as the name: a question longer than
    any name is answered as a policy question (a reply of its own) and the name is asked again."""
    result, messages = validate(f.NAME, "家里条件不太好 有没有特别照顾", intent="nlu_fallback")
    assert result[f.NAME] is None
    assert messages and not any("姓名" in m for m in messages)  # a reply to the question, no refusal
    kept, _ = validate(f.NAME, "欧阳娜娜", intent="nlu_fallback")
    assert kept[f.NAME] == "欧阳娜娜"


def test_a_refused_answer_that_is_a_question_is_answered():
    result, messages = validate(f.GRAD_YEAR, "毕业年份填哪年才能领见习补贴？", intent="nlu_fallback")
    assert result[f.GRAD_YEAR] is None and any("见习" in m for m in messages)


def test_the_name_question_welcomes_only_when_the_form_starts():
    from actions.registration_prompts import prompt_for
    started = prompt_for(f.NAME, make_tracker(text="我想登记一下", intent="start_registration"))
    again = prompt_for(f.NAME, make_tracker(text="档案放哪", intent="ask_archive"))
    assert "全程约3分钟" in started and again == "请问您的姓名是？"
