"""The words-level check that keeps an explicit request to register out of the policy answer and
out of "没有查到您的登记" when the NLU misreads it (actions/registration_request.py)."""
import pytest

from actions.registration_request import asks_to_register, says_registered, start_registration_form

REQUESTS = ["想登记一下", "我失业了去哪登记", "帮我办个失业登记", "求职登记怎么弄", "我毕业了还没找到工作，想登记一下",
            "我想办一下失业登记", "能帮我做个求职登记吗", "找工作的登记在哪里弄", "我要登记", "给我登个记",
            "俺想登个记", "在哪里登记啊", "我也打算做个求职登记"]
NOT_REQUESTS = ["我不想登记", "失业登记需要什么材料", "我想了解一下失业登记", "毕业生要登记吗", "工商登记怎么办",
                "我想知道失业登记有什么用", "吉林就业见习补贴标准是多少", "我还没找到工作，我该怎么办",
                "失业登记在哪办理", "需要登记吗", "我登记了吗", "查一下我的登记", "登记好了没",
                "我想改一下登记的手机号", "我要注销登记", "我想注册公司，有补贴吗", "别给我登记"]


@pytest.mark.parametrize("text", REQUESTS)
def test_a_request_to_register_is_recognised(text):
    assert asks_to_register(text)


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_questions_about_registration_and_other_things_are_not_requests(text):
    assert not asks_to_register(text)


def test_the_form_is_opened_the_way_the_start_rule_opens_it():
    events = start_registration_form()
    assert {"event": "slot", "name": "registration_wish", "value": True} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]
    assert events[-1]["event"] == "followup" and events[-1]["name"] == "registration_form"


@pytest.mark.parametrize("text, made", [
    ("我登记失业了", True), ("已经登记过了", True), ("早就登记了", True), ("我登上了", True),
    ("失业登记也办了", True), ("求职登记早就办好了", True),
    ("我要登记了", False), ("想登记一下", False), ("帮我登记了吗", False), ("失业登记怎么办", False),
    ("我的失业登记办好了吗", False), ("登记办了没", False),
])
def test_saying_the_registration_is_made(text, made):
    assert says_registered(text) is made
