"""A policy answer to a graduate who says they are still out of work offers registration
(`utter_offer_registration`), only when they have no registration on this channel, and never after
a plain policy question (issue 14). Run through `action_answer_policy` on a real SQLite ledger."""
from __future__ import annotations

import asyncio
from typing import List

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.policy_actions import ActionAnswerPolicy
from actions.registration_actions import ActionRegistrationSubmit
from policies_kb.lexicon import load_lexicon
from policies_kb.normalize import normalize
from tests.registration.conftest import make_tracker
from tests.registration.test_actions import filled

OFFER = "utter_offer_registration"


def responses(text: str, intent: str = "ask_service_1311", sender: str = "cli:tester") -> List[str]:
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswerPolicy().run(dispatcher, make_tracker(text=text, intent=intent, sender=sender, active=False), {}))
    assert dispatcher.messages and dispatcher.messages[0]["text"], "the question is answered first"
    return [m.get("response") or "" for m in dispatcher.messages]


@pytest.mark.parametrize("text", [
    "我毕业半年了还没找到工作，该怎么办",
    "我是今年的应届毕业生，到现在还没找到工作，我该怎么办",
    "吉林的，毕业一年一直找不到工作，有什么政策能帮我",
    "我失业快三个月了，有什么补贴吗",
])
def test_a_graduate_out_of_work_without_registration_is_offered_it_after_the_answer(ledger, text):
    assert responses(text)[-1] == OFFER


@pytest.mark.parametrize("text, intent", [
    ("刚被公司辞了 也是大学毕业的 吉林的 人社这块能帮啥", "nlu_fallback"),
    ("刚被公司裁了，去年毕业的，人在吉林，现在该咋办啊", "inform_region"),
    ("在江西 大学毕业了冇找到事做 天天窝在屋里 么子办咯", "nlu_fallback"),
])
def test_losing_a_job_or_sitting_at_home_in_everyday_words_gets_the_services_not_a_place_noted(ledger, text, intent):
    """A plea that names a province is not a bare place given (好的，已记下您在吉林省): it is answered
    with the services the province's documents state, then registration is offered. The text is
    normalised as every channel does (么子办 → 怎么办)."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text=normalize(text), intent=intent, active=False)
    asyncio.run(ActionAnswerPolicy().run(dispatcher, tracker, {}))
    first = dispatcher.messages[0]["text"]
    assert "已记下" not in first and "依据：" in first and ("1311" in first or "登记" in first)
    assert dispatcher.messages[-1].get("response") == OFFER


@pytest.mark.parametrize("text, intent", [
    ("吉林就业见习补贴标准是多少", "ask_internship"),
    ("没有工作经验能参加见习吗", "ask_internship"),
    ("孩子毕业半年了还没找到工作，该怎么办", "ask_service_1311"),  # a parent asks: not theirs to register
    ("我们公司招了还没就业的毕业生，有什么补贴", "ask_employer_incentives"),
    ("上海毕业生还没找到工作怎么办", "ask_service_1311"),  # a province we do not cover
    ("我已经登记过失业了，还能参加见习吗", "ask_internship"),  # registered already, elsewhere
    ("毕业一年了还没工作，失业登记也办了，有啥补贴", "ask_service_1311"),
])
def test_no_offer_after_a_plain_policy_question_or_for_someone_else(ledger, text, intent):
    assert OFFER not in responses(text, intent)


def test_a_registered_graduate_is_not_offered_registration_again(ledger):
    asyncio.run(ActionRegistrationSubmit().run(CollectingDispatcher(), make_tracker(slots=filled(ledger), text="确认"), {}))
    assert ledger.find_by_sender("cli", "tester") is not None
    assert OFFER not in responses("我毕业半年了还没找到工作，该怎么办")
    assert responses("我毕业半年了还没找到工作，该怎么办", sender="cli:someone-else")[-1] == OFFER


def wish(text: str) -> bool:
    from actions.registration_actions import ActionStartRegistration

    events = asyncio.run(ActionStartRegistration().run(
        CollectingDispatcher(), make_tracker(text=text, intent="start_registration", active=False), {}))
    return next(e["value"] for e in events if e.get("name") == "registration_wish")


@pytest.mark.parametrize("text", ["我失业了怎么办", "毕业半年还没找到工作 咋整啊", "我一直没找到工作，该怎么办？"])
def test_out_of_work_and_asking_what_to_do_is_answered_then_offered_not_put_in_the_form(ledger, text):
    assert wish(text) is False
    said = responses(text, intent="start_registration")
    assert said[-1] == OFFER and len(said) == 2  # the services first, then the offer


@pytest.mark.parametrize("text", [
    "我要做失业登记", "我失业了 帮我登个记", "我毕业了还没找到工作，想登记一下", "帮我办个失业", "在哪报名找工作服务",
    "我失业了去哪登记",
])
def test_asking_for_registration_starts_the_form(ledger, text):
    assert wish(text) is True


def test_a_policy_question_read_as_a_registration_request_is_answered_not_put_in_the_form(ledger):
    """失业了 失业补助金今年还发不 吉林的: out of work, but asking of a policy the documents cover
    (no wish to register, no 登记): answered with the clause on 失业补助金, then offered registration."""
    text = "失业了 失业补助金今年还发不 吉林的"
    assert wish(text) is False
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswerPolicy().run(dispatcher, make_tracker(text=text, intent="start_registration", active=False), {}))
    answer, offer = dispatcher.messages[0]["text"], dispatcher.messages[-1].get("response")
    assert "失业补助金" in answer and "吉就组〔2022〕2号" in answer and offer == OFFER


def said(action, text: str, intent: str, slots=None) -> str:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, make_tracker(slots=slots, text=text, intent=intent, active=False), {})
    asyncio.run(result) if asyncio.iscoroutine(result) else result
    return "\n".join(m.get("text") or m.get("response") or "" for m in dispatcher.messages)


def test_registration_intents_that_say_nothing_of_registration_are_answered_as_policy(ledger):
    """The NLU may read a policy follow-up as a registration intent; outside the form the words
    decide: 啥子是两员一师哦 is not a question about the ID number, 我们是四个人 after a loan
    question is a follow-up with a new number, not a form answer with no form open."""
    from actions.registration_replies import ActionRegistrationWhyId

    assert "两员一师" in said(ActionRegistrationWhyId(), "啥子是两员一师哦", "ask_why_id", {"region": "吉林"})
    assert said(ActionRegistrationWhyId(), "为啥要身份证号", "ask_why_id") == "utter_registration_why_id"
    loan = {"region": "吉林", "subject": "loan", "last_question": "吉林合伙创业能贷多少"}
    assert "88万" in said(ActionAnswerPolicy(), "我们是四个人", "inform", loan)
    assert said(ActionAnswerPolicy(), "张三", "inform", loan) == "utter_inform_outside_form"


def events_of(action, text: str, intent: str, slots=None) -> list:
    return asyncio.run(action.run(CollectingDispatcher(), make_tracker(slots=slots, text=text, intent=intent, active=False), {}))


@pytest.mark.parametrize("text, intent", [
    ("我毕业了还没找到工作，想登记一下", "ask_service_1311"),
    ("帮我办个失业登记", "ask_registration_info"),
])
def test_a_request_to_register_read_as_a_policy_question_opens_the_form(ledger, text, intent):
    events = events_of(ActionAnswerPolicy(), text, intent)
    assert {"event": "followup", "name": "registration_form"} in [{k: e.get(k) for k in ("event", "name")} for e in events]


def test_where_to_register_read_as_a_status_question_opens_the_form_for_someone_not_registered(ledger):
    from actions.registration_actions import ActionRegistrationStatus

    events = events_of(ActionRegistrationStatus(), "找工作的登记在哪里弄", "check_registration")
    assert any(e.get("event") == "followup" and e.get("name") == "registration_form" for e in events)
    assert said(ActionRegistrationStatus(), "我登记了吗", "check_registration").startswith("没有查到")


def test_saying_one_is_still_out_of_work_after_an_answer_is_not_a_follow_up_on_that_answer(ledger):
    """实在找不到工作呢 after 创业贷款 and 有问题打哪个电话: the asker's situation, answered with the
    services for graduates out of work, not with the loan's hotline again."""
    after_loan = {"region": "吉林", "subject": "loan", "last_question": "有问题打哪个电话"}
    reply = said(ActionAnswerPolicy(), "实在找不到工作呢", "followup_need_help", after_loan)
    assert "公益性岗位" in reply and "吉人社发〔2022〕21号" in reply and "创业担保贷款" not in reply
    assert "20万" in said(ActionAnswerPolicy(), "那最多能贷多少", "ask_follow_up", after_loan)


@pytest.mark.parametrize("text,services", [
    # two years after leaving: 吉就组〔2022〕2号 counts them among 就业困难 graduates
    ("吉林四平的，离校两年多了一直待业，家里压力很大，有没有政策能帮帮我", "就业困难"),
    ("长春的，今年刚毕业，投了几十份简历都没回音，有点崩溃，政府那边能提供啥帮助吗", "1311"),
])
def test_a_plea_for_help_wrapped_in_uncovered_words_gets_the_services_not_a_decline(ledger, text, services):
    """The words around the plea (压力, 简历, 崩溃) are not in the documents; the plea is. A graduate
    saying they are out of work and asking for help gets the services that exist, cited."""
    reply = said(ActionAnswerPolicy(), text, "ask_service_1311", {"region": "吉林"})
    assert services in reply and "依据：吉" in reply and "抱歉" not in reply


def test_out_of_work_and_asking_a_figure_the_documents_lack_is_still_declined(ledger):
    reply = said(ActionAnswerPolicy(), "我一直待业，失业金每个月能领多少钱", "ask_unemployment_insurance", {"region": "吉林"})
    assert "抱歉" in reply and "依据" not in reply


def test_a_follow_up_after_a_declined_aside_is_asked_of_the_last_question_answered(ledger):
    """报给哪个单位 after 汇总表每个月啥时候报 (answered) and 表格需要盖章吗 (declined, heard as an archive
    question): asked of the question that was answered and its topic, not of the declined aside."""
    slots = {"region": "吉林", "subject": "archive", "last_question": "表格需要盖章吗",
             "last_answered": ["internship", "吉林就业见习岗位募集计划工作情况汇总表 每个月啥时候报"]}
    reply = said(ActionAnswerPolicy(), "报给哪个单位", "ask_follow_up", slots)
    assert "人才交流开发中心" in reply and "抱歉" not in reply
    declined = said(ActionAnswerPolicy(), "报给哪个单位", "ask_follow_up", {**slots, "last_answered": None})
    assert "抱歉" in declined


def test_the_whole_province_after_a_citys_figure(ledger):
    """全省一共呢 after 吉林市's internship quota asks the province's."""
    reply = said(ActionAnswerPolicy(), "全省一共呢", "ask_follow_up",
                 {"region": "吉林市", "subject": "internship", "last_question": "吉林市见习岗位募集指标是多少"})
    assert "10000" in reply and "吉林市就业见习岗位" not in reply


@pytest.mark.parametrize("text", ["我34岁，登记失业了，也能享受吗", "我已经登记过失业了，还能参加见习吗",
                                  "我30岁，没上过大学，登记失业了，算服务对象不"])
def test_a_question_from_someone_who_has_registered_is_answered_not_put_in_the_form(ledger, text):
    """Saying the registration is made (登记失业了, 已经登记过) and asking: a question, not a request."""
    assert wish(text) is False
    assert wish("我要登记了 怎么弄") is True


def test_a_policy_question_heard_as_cancel_with_nothing_in_progress_is_answered(ledger):
    from actions.registration_actions import ActionNothingToCancel

    answer = said(ActionNothingToCancel(), "这个攻坚行动啥时候搞", "cancel", {"region": "吉林"})
    assert "吉人社发〔2022〕21号" in answer and "攻坚行动" in answer
    assert said(ActionNothingToCancel(), "算了", "cancel") == "utter_nothing_to_cancel"
    assert said(ActionNothingToCancel(), "先不弄了？", "cancel") == "utter_nothing_to_cancel"


def test_a_question_asked_in_spoken_forms_is_a_question(ledger):
    """A clause ending in a yes/no tag (算服务对象不, 会进校园不) or a dialect question word (嘎哈)
    asks; letters inside pinyin (zhidaoshi) are no "ID"; a bare no (不, 我也不) does not ask."""
    from actions.registration_replies import ActionRegistrationWhyId

    lexicon = load_lexicon()
    for text in ("算服务对象不", "这靠谱不", "批下来了没", "两员一师是嘎哈的"):
        assert lexicon.asks_at_all(text), text
    for text in ("不", "我也不", "我还没", "好的"):
        assert not lexicon.asks_at_all(text), text
    assert not lexicon.asks("有编制不")  # the tag does not make the asking clause (工资多少 有编制不)
    assert said(ActionRegistrationWhyId(), "江西 zhiye zhidaoshi 会进校园不", "ask_why_id") != "utter_registration_why_id"
    assert "两员一师" in said(ActionAnswerPolicy(), "两员一师是嘎哈的", "inform", {"region": "吉林"})
