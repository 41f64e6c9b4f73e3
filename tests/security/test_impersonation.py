"""Finding 1: through the REST channel, with a WeChat user's openid (or a Telegram user's chat
id) as ``sender`` and ``input_channel`` set to their channel, anyone could read, change and delete
that person's registration. Now the REST conversation is rest:<sender>: none of it reaches them."""
from __future__ import annotations

import itertools
import uuid

import pytest

from registry.store import RegistrationData
from tests.registry.helpers import make_id

pytestmark = pytest.mark.e2e

_ids = itertools.count(1)
PHONE = "13912345678"


def registration(target, channel: str, user: str, number: str) -> str:
    """A registration of ``user`` on ``channel`` in the ledger the action server reads."""
    data = RegistrationData(name="张三", phone=PHONE, school="吉林大学", major="会计学", education="本科",
                            grad_year=2024, hukou_city="长春", hukou_province="吉林", city="长春", province="吉林",
                            intention="就业", wanted_job="会计", wanted_industry="金融", wanted_region="不限", hardship="无")
    return target.ledger().register(data, number, channel, user).reg_no


def assert_nothing_of(reg_no: str, reply: str) -> None:
    assert reg_no not in reply and "张三" not in reply and "139****5678" not in reply, reply


@pytest.mark.parametrize("claimed_sender", ["{openid}", "wechat:{openid}"])
def test_rest_cannot_read_change_or_withdraw_a_wechat_users_registration(target, claimed_sender):
    openid = f"o_victim_{uuid.uuid4().hex[:10]}"
    number = make_id(seq=f"{next(_ids):03d}")
    reg_no = registration(target, "wechat", openid, number)
    assert reg_no in target.wechat(openid, "我的登记状态")  # the owner, through WeChat, finds it

    sender = claimed_sender.format(openid=openid)
    as_wechat = {"input_channel": "wechat"}
    assert_nothing_of(reg_no, target.rest_text(sender, "我的登记状态", **as_wechat))
    assert_nothing_of(reg_no, target.rest_text(sender, "手机号改成13700137000", **as_wechat))
    target.rest_text(sender, "注销登记", **as_wechat)
    assert_nothing_of(reg_no, target.rest_text(sender, "确定", **as_wechat))

    view = target.ledger().get(reg_no)
    assert view is not None and view.phone == PHONE and view.status == "active"
    assert reg_no in target.wechat(openid, "我的登记状态")  # still theirs, unchanged


def test_rest_cannot_read_a_telegram_users_registration(target):
    chat = 700000 + next(_ids)
    reg_no = registration(target, "telegram", str(chat), make_id(seq=f"{next(_ids):03d}"))
    assert reg_no in target.telegram(chat, "我的登记状态", update_id=chat)  # the owner finds it
    assert_nothing_of(reg_no, target.rest_text(str(chat), "我的登记状态", input_channel="telegram"))
