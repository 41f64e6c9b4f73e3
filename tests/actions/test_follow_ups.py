"""Follow-ups planned without Rasa (actions/policy_actions.plan_question): what a half sentence
after an answer keeps from the previous question and what it changes."""
from __future__ import annotations

from actions import answering
from actions.frame import parse_frame
from actions.numbers import parse_details
from actions.policy_actions import plan_question
from policies_kb.regions import Region

JILIN = Region("吉林", "吉林")


def plan(kb, previous_text: str, text: str, subject: str):
    previous = parse_frame(previous_text, kb.known_text)
    return plan_question(kb, "ask_follow_up", parse_frame(text, kb.known_text), subject, previous, "吉林")


def test_a_follow_up_naming_nothing_is_asked_of_what_the_previous_question_named(kb):
    topic, frame = plan(kb, "吉林2022年事业单位招多少人", "应届的有多少", "civil_service")
    assert topic == "civil_service" and "事业单位" in frame.content and frame.text.endswith("应届的有多少")
    answer = answering.topic_answer(kb, topic, frame.text, JILIN, frame)
    assert "10000" in answer.text or "1万" in answer.text


def test_an_inherited_attribute_is_marked_so_it_can_be_dropped(kb):
    """利息呢 after 能贷几年 carries the duration over, marked as inherited: the action answers
    without it when the subject has no fact of it."""
    topic, frame = plan(kb, "我们4个吉林毕业生合伙 能贷几年", "利息呢", "loan")
    assert topic == "loan" and frame.inherited and frame.attribute.id == "duration"
    _, own = plan(kb, "吉林创业担保贷款能贷多少", "期限多久", "loan")
    assert not own.inherited and own.attribute.id == "duration"


def test_a_contact_follow_up_is_not_mixed_with_the_previous_words(kb):
    _, frame = plan(kb, "吉林离校未就业毕业生服务攻坚行动是啥时候搞的", "邮箱呢", "service_1311")
    assert frame.text == "邮箱呢"


def test_numbers_in_a_what_if_follow_up():
    assert parse_details("那要是十个人呢").partners == 10
    assert parse_details("如果是三个人呢").partners == 3
