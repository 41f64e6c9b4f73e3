"""Submit, cancel, status, self-service update, withdrawal and in-form corrections, against a
real SQLite ledger."""
from __future__ import annotations

import asyncio
import datetime as dt

from rasa_sdk.executor import CollectingDispatcher

from actions import registration_fields as f
from actions.registration_actions import (
    NO_CONSENT_REPLY,
    ActionRegistrationCancel,
    ActionRegistrationInform,
    ActionRegistrationSavedAlready,
    ActionRegistrationStatus,
    ActionRegistrationSubmit,
    ActionRegistrationUpdate,
    ActionRegistrationWithdraw,
    ActionRegistrationWithdrawAsk,
)
from actions.registration_form import ActionAskRegConfirm, ActionRegistrationCorrect
from registry.redaction import first_reference, redact_id_numbers
from tests.registration.conftest import make_tracker, rendered
from tests.registry.helpers import make_id

GOOD_ID = make_id()


def run(action, **tracker_args):
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, make_tracker(**tracker_args), {})
    events = asyncio.run(result) if asyncio.iscoroutine(result) else result  # database actions are async
    return events, "\n".join(rendered(dispatcher.messages))


def filled(ledger, sender="cli:tester", number=GOOD_ID, **changes):
    ref = first_reference(redact_id_numbers(number, sender, ledger))
    slots = {f.NAME: "张三", f.CONSENT: True, f.ID: f"ref:{ref}", f.ID_MASKED: "2201**********" + number[-4:],
             f.PHONE: "13912345678", f.SCHOOL: "吉林大学", f.MAJOR: "会计学", f.EDUCATION: "本科",
             f.GRAD_YEAR: "2024", f.HUKOU_CITY: "长春", f.HUKOU_PROVINCE: "吉林", f.CITY: "长春", f.PROVINCE: "吉林",
             f.INTENTION: "就业", f.WANTED_JOB: "会计", f.WANTED_INDUSTRY: "金融", f.WANTED_REGION: "不限",
             f.HARDSHIP: "无", f.CONFIRM: True}
    slots.update(changes)
    return slots


def test_confirmation_summary_masks_the_id(ledger):
    slots = filled(ledger, **{f.CONFIRM: None})
    _, text = run(ActionAskRegConfirm(), slots=slots, text="无", requested_slot=f.HARDSHIP)
    assert "2201**********" in text and GOOD_ID not in text and "意向岗位：会计" in text
    _, text = run(ActionAskRegConfirm(), slots=slots, text="不对", intent="deny", requested_slot=f.CONFIRM)
    assert "哪一项需要修改" in text


def test_a_bare_no_to_the_hardship_question_brings_the_summary(ledger):
    """没有/无 is `deny`; answering the hardship question it is "none", not a "no" to the summary
    (the form has already moved requested_slot on to the confirmation when it asks)."""
    slots = filled(ledger, **{f.CONFIRM: None})
    asked_hardship = [{"event": "slot", "name": "requested_slot", "value": f.HARDSHIP}]
    for answer in ("无", "没有"):
        _, text = run(ActionAskRegConfirm(), slots=slots, text=answer, intent="deny", requested_slot=f.CONFIRM,
                      events=asked_hardship)
        assert "请核对" in text and "哪一项需要修改" not in text


def test_submit_saves_and_clears_the_slots(ledger):
    events, text = run(ActionRegistrationSubmit(), slots=filled(ledger), text="确认", intent="affirm")
    view = ledger.find_by_sender("cli", "tester")
    assert view is not None and view.reg_no in text and "登记成功" in text
    assert view.wanted_job == "会计" and view.grad_year == 2024 and view.one_to_one is False
    assert {e["name"] for e in events if e["value"] is None} >= {f.ID, f.NAME, f.PHONE, f.ID_MASKED}
    assert ledger.vault_discard("cli:tester") == 0  # the reference is gone after saving


def test_consent_time_is_when_the_person_said_yes_not_the_save(ledger):
    from sqlalchemy import select

    from registry.models import Consent

    said_yes = 1719800000.0  # 2024-07-01 02:13:20 UTC, minutes before the save
    earlier = [
        {"event": "user", "text": "同意", "timestamp": said_yes - 60},  # consent withdrawn again below
        {"event": "slot", "name": f.CONSENT, "value": True, "timestamp": said_yes - 59},
        {"event": "slot", "name": f.CONSENT, "value": None, "timestamp": said_yes - 30},
        {"event": "user", "text": "同意", "timestamp": said_yes},
        {"event": "slot", "name": f.CONSENT, "value": True, "timestamp": said_yes + 0.2},
        {"event": "user", "text": "张三", "timestamp": said_yes + 30},
        {"event": "slot", "name": f.CONSENT, "value": True, "timestamp": said_yes + 30.1},  # re-set, same consent
    ]
    run(ActionRegistrationSubmit(), slots=filled(ledger), events=earlier, text="确认")
    reg_no = ledger.find_by_sender("cli", "tester").reg_no
    with ledger.engine.connect() as connection:
        granted = connection.execute(select(Consent.granted_at).where(Consent.reg_no == reg_no)).scalar_one()
    assert granted == dt.datetime(2024, 7, 1, 2, 13, 20)


def test_registering_again_updates_and_says_so(ledger):
    run(ActionRegistrationSubmit(), slots=filled(ledger), text="确认")
    first = ledger.find_by_sender("cli", "tester")
    _, text = run(ActionRegistrationSubmit(), slots=filled(ledger, sender="cli:other", **{f.INTENTION: "创业"}),
                  sender="cli:other", text="确认")
    assert "已更新" in text and first.reg_no in text
    assert ledger.count() == 1 and ledger.get(first.reg_no).intention == "创业"
    assert ledger.get(first.reg_no).wanted_job is None  # not asked of founders, not kept


def test_hardship_registration_is_flagged_one_to_one(ledger):
    _, text = run(ActionRegistrationSubmit(), slots=filled(ledger, **{f.HARDSHIP: "零就业家庭"}), text="确认")
    assert "一对一" in text and ledger.find_by_sender("cli", "tester").one_to_one is True


def test_refused_consent_saves_nothing(ledger):
    redact_id_numbers(GOOD_ID, "cli:tester", ledger)
    events, text = run(ActionRegistrationSubmit(), slots={f.NAME: "张三", f.CONSENT: False}, text="不同意")
    assert text == NO_CONSENT_REPLY and ledger.count() == 0
    assert ledger.vault_discard("cli:tester") == 0
    assert any(e["name"] == f.NAME and e["value"] is None for e in events)


def test_cancel_forgets_everything(ledger):
    slots = filled(ledger, **{f.CONFIRM: None})
    events, text = run(ActionRegistrationCancel(), slots=slots, text="取消", intent="cancel")
    assert "已取消" in text and ledger.count() == 0 and ledger.vault_discard("cli:tester") == 0
    assert all(e["value"] is None for e in events)


def test_status_update_and_withdraw(ledger):
    _, text = run(ActionRegistrationStatus(), text="我的登记状态", intent="check_registration")
    assert "没有查到" in text
    run(ActionRegistrationSubmit(), slots=filled(ledger), text="确认")
    reg_no = ledger.find_by_sender("cli", "tester").reg_no
    _, text = run(ActionRegistrationStatus(), text="我的登记状态", intent="check_registration")
    assert reg_no in text and "2201**********" in text and "139****5678" in text and GOOD_ID not in text

    _, text = run(ActionRegistrationUpdate(), text="手机号改成13800138000", intent="update_registration")
    assert "138****8000" in text and ledger.get(reg_no).phone == "13800138000"
    _, text = run(ActionRegistrationUpdate(), text="手机号改成1380013800", intent="update_registration")
    assert "11位" in text and ledger.get(reg_no).phone == "13800138000"
    _, text = run(ActionRegistrationUpdate(), text="就业意向改为创业", intent="update_registration")
    assert "创业" in text and ledger.get(reg_no).intention == "创业"
    _, text = run(ActionRegistrationUpdate(), text="修改登记信息", intent="update_registration")
    assert "手机号改成" in text

    _, text = run(ActionRegistrationWithdrawAsk(), text="注销登记", intent="withdraw_registration")
    assert "确定要注销" in text and ledger.get(reg_no) is not None
    _, text = run(ActionRegistrationWithdraw(), text="确定", intent="affirm")
    assert "已注销" in text and ledger.get(reg_no) is None and ledger.count() == 0


def test_correction_in_the_form_clears_the_named_field(ledger):
    slots = filled(ledger, **{f.CONFIRM: None})
    events, text = run(ActionRegistrationCorrect(), slots=slots, text="身份证号输错了", intent="update_registration")
    cleared = {e["name"] for e in events if e["value"] is None}
    assert cleared == {f.ID, f.ID_MASKED, f.CONFIRM} and "身份证号" in text
    assert ledger.vault_discard("cli:tester") == 0
    events, text = run(ActionRegistrationCorrect(), slots=slots, text="帮我改一下", intent="update_registration")
    assert events == [] and "要修改哪一项" in text
    # a field that does not apply to this intention is not offered
    events, _ = run(ActionRegistrationCorrect(), slots=dict(slots, **{f.INTENTION: "暂无就业意愿"}),
                    text="岗位改一下", intent="update_registration")
    assert events == []


def test_any_answer_changes_after_registering_in_everyday_words(ledger):
    run(ActionRegistrationSubmit(), slots=filled(ledger), text="确认")
    reg_no = ledger.find_by_sender("cli", "tester").reg_no
    _, text = run(ActionRegistrationUpdate(), text="学校写错了，是东北师范大学", intent="update_registration")
    assert text == f"已将登记号{reg_no}的毕业院校改为东北师范大学。" and ledger.get(reg_no).school == "东北师范大学"
    _, text = run(ActionRegistrationUpdate(), text="我换手机号了，新号码是137 0013 7000", intent="update_registration")
    assert "137****7000" in text and ledger.get(reg_no).phone == "13700137000"
    run(ActionRegistrationUpdate(), text="户口写错了，是瑞金", intent="update_registration")
    assert (ledger.get(reg_no).hukou_city, ledger.get(reg_no).hukou_province) == ("赣州", "江西")
    run(ActionRegistrationUpdate(), text="把意向改成创业", intent="update_registration")
    view = ledger.get(reg_no)
    assert (view.intention, view.wanted_job, view.wanted_industry) == ("创业", None, "金融")  # no job for a founder
    _, text = run(ActionRegistrationUpdate(), text="困难类别写错了，是低保", intent="update_registration")
    assert ledger.get(reg_no).one_to_one
    _, text = run(ActionRegistrationUpdate(), text="学历写错了", intent="update_registration")
    assert "学历改成" in text
    _, text = run(ActionRegistrationUpdate(), text="身份证号输错了", intent="update_registration")
    assert "注销登记" in text


def test_a_repeated_confirmation_saves_nothing_again(ledger):
    _, text = run(ActionRegistrationSavedAlready(), text="确认", intent="affirm")
    assert "登记号" not in text and text  # nothing saved: a plain acknowledgement
    run(ActionRegistrationSubmit(), slots=filled(ledger), text="确认")
    reg_no = ledger.find_by_sender("cli", "tester").reg_no
    events, text = run(ActionRegistrationSavedAlready(), text="确认", intent="affirm")
    assert events == [] and reg_no in text and "无需重复提交" in text and ledger.count() == 1


def test_a_correction_with_its_value_sets_it_in_the_form(ledger):
    slots = filled(ledger, **{f.CONFIRM: None})
    events, text = run(ActionRegistrationCorrect(), slots=slots, text="学校写错了，是长春理工", intent="update_registration")
    assert {e["name"]: e["value"] for e in events} == {f.SCHOOL: "长春理工", f.CONFIRM: None, f.ATTEMPTS: None}
    assert text == "好的，已把毕业院校改为长春理工。"


def test_an_expired_id_number_is_asked_again_keeping_every_other_answer(ledger):
    slots = filled(ledger, **{f.ID: "ref:gone0000"})
    events, text = run(ActionRegistrationSubmit(), slots=slots, text="确认", active=False)
    assert "30分钟" in text and "其他信息都还在" in text and ledger.count() == 0
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert cleared == {f.ID, f.ID_MASKED, f.CONFIRM}  # name, phone, school … stay
    assert {"event": "active_loop", "timestamp": None, "name": "registration_form"} in events
    assert {"event": "slot", "timestamp": None, "name": "requested_slot", "value": f.ID} in events


def test_a_change_read_as_an_answer_outside_the_form_still_changes_the_registration(ledger):
    said = "我换手机号了，新号码是137 0013 7000"
    events, text = run(ActionRegistrationInform(), text=said, active=False)
    assert events == [{"event": "followup", "timestamp": None, "name": "action_answer_policy"}] and text == ""
    run(ActionRegistrationSubmit(), slots=filled(ledger), text="确认")
    reg_no = ledger.find_by_sender("cli", "tester").reg_no
    events, text = run(ActionRegistrationInform(), text=said, active=False)
    assert events == [] and "137****7000" in text and ledger.get(reg_no).phone == "13700137000"
    events, _ = run(ActionRegistrationInform(), text="会计学", active=False)  # not a change: the policy fallback
    assert events == [{"event": "followup", "timestamp": None, "name": "action_answer_policy"}]


def test_a_change_from_someone_not_registered_that_names_no_field_is_a_policy_follow_up(ledger):
    """换成白城的 after a policy answer, read by the NLU as a change: nobody is registered here and
    no field is named, so it is answered as the follow-up it is, not with "no registration"."""
    _, text = run(ActionRegistrationUpdate(), text="换成白城的", intent="update_registration", active=False)
    assert "没有查到" not in text and text
    _, text = run(ActionRegistrationUpdate(), text="手机号改成13800138000", intent="update_registration", active=False)
    assert "没有查到" in text  # a field named: it is about a registration, and there is none


def test_an_answer_heard_as_a_correction_answers_the_question_asked():
    """王芳 at the name question, classified update_registration by a model trained on another
    machine: it names no field and says nothing is wrong, so it is the name."""
    events, text = run(ActionRegistrationCorrect(), text="王芳", intent="update_registration",
                       requested_slot=f.NAME)
    assert {"name": f.NAME, "value": "王芳"} in [{"name": e["name"], "value": e["value"]} for e in events]
    assert "王芳" in text and "要修改哪一项" not in text
