"""Registration for people who do not follow the script (issue 14), end to end.

Written blind: the conversations below come from the issue's categories only (ways of asking to
register, forgiving answers echoed back, corrections in any words before and after submission,
replies around the form), without looking at the NLU training data. They run through
`jiuye ask --jsonl` with the trained model and the real action server, once on SQLite and once on
a scratch PostgreSQL database; the ledger is read back and the raw ID numbers (also as typed:
spaced, lower-case x) are searched in every file, table row and log line afterwards.

Needs models/jiuye.tar.gz (`jiuye train`) and PostgreSQL; either missing skips, or fails when
CI=true.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, Iterator, List, Optional, Tuple, Union

import pytest

from registry.idcard import check_character
from tests.registration.e2e_support import conversation_run, everything

pytestmark = pytest.mark.e2e

TODAY = dt.date.today()
THIS_YEAR, LAST_YEAR, YEAR_BEFORE = str(TODAY.year), str(TODAY.year - 1), str(TODAY.year - 2)


def id_number(area: str, birth: str, ending_x: bool = False) -> str:
    """A valid ID number; with ``ending_x`` one whose check character is X."""
    for seq in range(101, 1000):
        first17 = f"{area}{birth}{seq:03d}"
        if not ending_x or check_character(first17) == "X":
            return first17 + check_character(first17)
    raise AssertionError("no sequence gives X")


def masked(number: str) -> str:
    return number[:4] + "**********" + number[-4:]


ID_F = id_number("220184", "20020611", ending_x=True)
ID_F_TYPED = f"{ID_F[:6]} {ID_F[6:14]} {ID_F[14:17]}x"  # spaced 6-8-4, lower-case x
ID_R = id_number("360403", "20000102")
ID_V = id_number("110105", "19990909")
ID_V_TYPED = " ".join(ID_V[i:i + 4] for i in range(0, 18, 4))  # groups of four, like a bank card
ID_N = id_number("220104", "20030303")
ID_X = id_number("222401", "20011111")
TYPED = [ID_F_TYPED, ID_V_TYPED]
RAW_NUMBERS = [ID_F, ID_R, ID_V, ID_N, ID_X]

# (sender, text, label): a label names the reply a test looks at.
Line = Tuple[str, str, Optional[str]]
# A turn of one sender's script: a text, or (text, label) when a test looks at its reply.
Step = Union[str, Tuple[str, str]]


def turns_of(sender: str, *steps: Step) -> List[Line]:
    """One sender's turns, in order."""
    return [(sender, step, None) if isinstance(step, str) else (sender, *step) for step in steps]


START_PHRASES = ["想登记一下", "我失业了去哪登记", "帮我办个失业登记", "求职登记怎么弄", "在哪报名找工作服务",
                 "我毕业了还没找到工作，想登记一下", "我想办一下失业登记", "能帮我做个求职登记吗", "找工作的登记在哪里弄"]
STARTS: List[Line] = [(f"start-{i}", text, f"start-{i}") for i, text in enumerate(START_PHRASES)]
OTHERS: List[Line] = [
    ("control", "吉林就业见习补贴标准是多少", "control"),
    ("offer", "我是今年的应届毕业生，到现在还没找到工作，我该怎么办", "offer"),
    ("offer", "我要登记", "offer-start"),
]

F = "forgiving-f"
FORGIVING: List[Line] = turns_of(
    F,
    "帮我办个失业登记",
    ("我叫李明", "f-name"),
    ("为什么要身份证号", "f-why"),
    ("同意", "f-consent"),
    (ID_F_TYPED, "f-id"),
    ("+86 139-1234-5678", "f-phone"),
    ("好的", "f-ok"),
    ("长春理工大学", "f-school"),
    ("谢谢", "f-thanks"),
    ("计算机科学与技术", "f-major"),
    ("大专", "f-edu"),
    ("去年", "f-year"),
    ("公主岭", "f-hukou"),
    ("吉林省长春市", "f-city"),
    ("想找工作", "f-intention"),
    ("会计", "f-job"),
    ("都行", "f-industry"),
    ("长春", "f-region"),
    ("都不是", "f-summary"),
    ("电话填错了", "f-fix-phone"),
    ("138 0013 8000", "f-phone-again"),
    ("学校写错了，是长春理工", "f-fix-school"),
    ("确认", "f-saved"),
    ("确认", "f-confirm-again"),
    ("好的", "f-ok-after"),
    ("谢谢", "f-thanks-after"),
    ("我登记上了吗", "f-status"),
    ("把意向改成创业", "f-change-intention"),
    ("学校写错了，是东北师范大学", "f-change-school"),
    ("我换手机号了，新号码是137 0013 7000", "f-change-phone"),
    ("帮我看看我的登记信息", "f-status-again"),
    ("我毕业半年了还没找到工作，该怎么办", "f-out-of-work-registered"),
)

R = "refusals-r"
REFUSALS: List[Line] = turns_of(
    R,
    "我想做求职登记",
    "王芳",
    ("可以", "r-consent"),
    (ID_R, "r-id"),
    ("12345", "r-bad-1"),
    ("不知道", "r-bad-2"),
    ("没有手机", "r-bad-3"),
    ("15912345678", "r-phone"),
    ("等一下，电话填错了，是15912345679", "r-fix-phone-inline"),
    "吉林大学",
    "软件工程",
    ("硕士", "r-edu"),
    ("二〇二二年", "r-year"),
    ("九江市", "r-hukou"),
    ("瑞金", "r-city"),
    ("自己创业", "r-intention"),
    "餐饮",
    ("赣州市", "r-region"),
    ("没有", "r-summary"),
    ("没问题，提交吧", "r-saved"),
    ("查一下我的登记", "r-status"),
    ("我不想登记了，把我的信息都删掉", "r-withdraw-ask"),
    ("确定", "r-withdrawn"),
)

V = "variants-v"
VARIANTS: List[Line] = turns_of(
    V,
    "我要登记",
    ("我是赵雷", "v-name"),
    "同意",
    (ID_V_TYPED, "v-id"),
    ("１３９１２３４５６７８", "v-phone"),
    "北京大学",
    "法学",
    ("研究生", "v-edu"),
    ("嗯", "v-hm"),
    ("前年", "v-year"),
    ("德惠市", "v-hukou"),
    ("樟树", "v-city"),
    ("暂时不想工作", "v-intention"),
    ("无", "v-summary"),
    ("学历改成博士", "v-fix-edu-inline"),
    ("学历填错了", "v-fix-edu"),
    ("全日制本科", "v-edu-again"),
    ("毕业年份不对，应该是22届", "v-fix-year-22"),
    ("我是今年毕业的，年份写错了", "v-fix-year-this"),
    ("毕业年份改为2022届", "v-fix-year-2022"),
    ("把意向改成创业", "v-fix-intention"),
    "互联网",
    ("不限", "v-summary-again"),
    ("不登了，取消吧", "v-cancelled"),
)

N, N2 = "no-id-n", "no-id-n2"
NO_ID: List[Line] = turns_of(
    N,
    "想登记一下",
    "陈晨",
    "同意",
    ("身份证号有什么用", "n-why"),
    ("不想给身份证", "n-refuse"),
    (ID_N, "n-id"),
    ("取消", "n-cancel"),
) + turns_of(
    N2,
    "我要做求职登记",
    "刘洋",
    ("不想给身份证", "n2-refuse"),
)

# One person on two channels (two sender ids): starts on one, registers on the other, then
# finishes on the first. One registration, never two; the number stays the same.
X1, X2 = "wechat-openid-x", "telegram-chat-x"
X_COMMON = ["朝鲜语", "本科", "2024", "延吉", "珲春", "就业", "翻译", "不限", "不限", "无"]
SWITCH: List[Line] = (
    turns_of(X1, "我要做失业登记", "周杰", "同意", ID_X, "13612345678", "延边大学")
    + turns_of(X2, "求职登记怎么弄", "周杰", "同意", ID_X, "13612345678", "延边大学", *X_COMMON, ("确认", "x2-saved"))
    + turns_of(X1, *X_COMMON, ("确认", "x1-saved"))
)

LINES: List[Line] = STARTS + OTHERS + FORGIVING + REFUSALS + VARIANTS + NO_ID + SWITCH


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def run(request, tmp_path_factory) -> Iterator[Dict]:
    with conversation_run(request.param, tmp_path_factory, [(s, t) for s, t, _ in LINES], "forgiving") as record:
        record["by_label"] = {label: record["replies"][i] for i, (_, _, label) in enumerate(LINES) if label}
        yield record


def said(run, label: str) -> str:
    return run["by_label"][label]["text"]


def reg_no_in(text: str) -> str:
    assert "登记成功" in text, text
    return text.split("登记号是", 1)[1][:16]


# --- starting and offering ------------------------------------------------------------------

@pytest.mark.parametrize("index", range(len(START_PHRASES)))
def test_everyday_requests_start_the_form(run, index):
    reply = run["by_label"][f"start-{index}"]
    assert "姓名" in reply["text"], (START_PHRASES[index], reply["text"])
    assert not reply["citations"], "a request to register is not answered with a policy clause"


def test_a_policy_question_still_gets_a_policy_answer(run):
    reply = run["by_label"]["control"]
    assert reply["citations"] and "姓名" not in reply["text"]
    assert "我要登记" not in reply["text"], "a plain policy question is not followed by the offer"


def test_an_out_of_work_graduate_is_offered_registration(run):
    assert "我要登记" in said(run, "offer")


def test_a_registered_graduate_out_of_work_is_not_offered_registration_again(run):
    reply = said(run, "f-out-of-work-registered")
    assert reply.strip() and "我要登记" not in reply, reply


def test_the_offered_command_starts_the_form(run):
    assert "姓名" in said(run, "offer-start")


# --- forgiving answers, each echoed ---------------------------------------------------------

def test_name_is_echoed_and_why_the_id_is_needed_comes_from_the_consent_text(run):
    assert "李明" in said(run, "f-name") and "同意" in said(run, "f-name")
    why = said(run, "f-why")
    assert "实名登记核验" in why and "避免重复登记" in why and "加密" in why
    assert "同意" in why.splitlines()[-1]  # and the question is asked again
    assert "身份证" in said(run, "f-consent")


def test_spaced_id_with_lower_case_x_is_accepted_and_echoed_masked(run):
    assert masked(ID_F) in said(run, "f-id") and masked(ID_F).endswith("X")
    assert "手机" in said(run, "f-id")
    assert masked(ID_V) in said(run, "v-id") and "手机" in said(run, "v-id")


@pytest.mark.parametrize("label, number", [("f-phone", "13912345678"), ("f-phone-again", "13800138000"),
                                           ("v-phone", "13912345678"), ("r-phone", "15912345678")])
def test_phones_with_spaces_dashes_plus86_or_full_width_digits_are_normalised_and_echoed(run, label, number):
    assert number in said(run, label)


def test_acknowledgements_mid_form_repeat_the_question_and_are_not_taken_as_answers(run):
    assert "毕业院校" in said(run, "f-ok")
    assert "长春理工大学" in said(run, "f-school") and "专业" in said(run, "f-school")
    assert "专业" in said(run, "f-thanks")
    assert "学历" in said(run, "f-major")
    assert "哪一年" in said(run, "v-hm")
    summary = said(run, "f-summary")
    assert "毕业院校：长春理工大学" in summary and "专业：计算机科学与技术" in summary


@pytest.mark.parametrize("label, shown", [
    ("f-edu", "专科"), ("r-edu", "硕士研究生"), ("v-edu", "硕士研究生"),
    ("f-year", LAST_YEAR), ("r-year", "2022"), ("v-year", YEAR_BEFORE),
    ("f-hukou", "长春"), ("f-city", "长春"), ("v-hukou", "长春"), ("v-city", "宜春"),
    ("r-hukou", "九江"), ("r-city", "赣州"), ("r-region", "赣州"),
    ("f-intention", "就业"), ("r-intention", "创业"), ("v-intention", "暂无就业意愿"),
    ("f-industry", "不限"),
])
def test_answers_are_normalised_and_echoed(run, label, shown):
    assert shown in said(run, label), said(run, label)


def test_county_level_cities_are_recorded_under_their_prefecture(run):
    summary = said(run, "f-summary")
    assert "户籍所在城市：长春" in summary and "现居住城市：长春" in summary
    assert "公主岭" in said(run, "f-hukou")  # what was typed is named in the echo
    assert "现居住城市：赣州" in said(run, "r-summary") and "户籍所在城市：九江" in said(run, "r-summary")
    assert "户籍所在城市：长春" in said(run, "v-summary") and "现居住城市：宜春" in said(run, "v-summary")


def test_summaries_hold_every_normalised_answer(run):
    summary = said(run, "f-summary")
    for line in (f"身份证号：{masked(ID_F)}", "手机号：13912345678", "学历：专科", f"毕业年份：{LAST_YEAR}",
                 "就业意向：就业", "意向行业：不限", "困难类别：无"):
        assert line in summary, (line, summary)
    summary = said(run, "v-summary")
    for line in ("姓名：赵雷", f"毕业年份：{YEAR_BEFORE}", "学历：硕士研究生", "就业意向：暂无就业意愿", "困难类别：无"):
        assert line in summary, (line, summary)


def test_refusals_say_what_to_type_twice_then_offer_a_person_keeping_the_answers(run):
    assert "身份证" in said(run, "r-consent") and "手机" in said(run, "r-id")
    for label in ("r-bad-1", "r-bad-2"):
        assert "例如" in said(run, label) and "12333" not in said(run, label), said(run, label)
    third = said(run, "r-bad-3")
    assert "12333" in third and "保留" in third, third
    assert "15912345678" in said(run, "r-phone") and "毕业院校" in said(run, "r-phone")
    summary = said(run, "r-summary")
    for line in ("姓名：王芳", f"身份证号：{masked(ID_R)}", "手机号：15912345679", "毕业年份：2022", "困难类别：无"):
        assert line in summary, (line, summary)


# --- changes in any words, before and after submission --------------------------------------

def test_changes_before_submission(run):
    assert "手机" in said(run, "f-fix-phone")
    assert "13800138000" in said(run, "f-phone-again") and "请核对" in said(run, "f-phone-again")
    fixed = said(run, "f-fix-school")
    assert "毕业院校：长春理工\n" in fixed + "\n" and "请核对" in fixed
    inline = said(run, "r-fix-phone-inline")
    assert "15912345679" in inline and "毕业院校" in inline  # changed and the current question asked again
    assert "学历：博士研究生" in said(run, "v-fix-edu-inline")
    assert "学历" in said(run, "v-fix-edu")
    assert "学历：本科" in said(run, "v-edu-again")
    assert "毕业年份：2022" in said(run, "v-fix-year-22")
    assert f"毕业年份：{THIS_YEAR}" in said(run, "v-fix-year-this")
    assert "毕业年份：2022" in said(run, "v-fix-year-2022")
    assert "行业" in said(run, "v-fix-intention")
    again = said(run, "v-summary-again")
    assert "就业意向：创业" in again and "学历：本科" in again and "毕业年份：2022" in again
    assert "已取消" in said(run, "v-cancelled")


def test_changes_status_and_withdrawal_after_submission(run, store):
    reg_no = reg_no_in(said(run, "f-saved"))
    assert reg_no in said(run, "f-status")
    assert "创业" in said(run, "f-change-intention")
    assert "东北师范大学" in said(run, "f-change-school")
    assert "137****7000" in said(run, "f-change-phone")
    status = said(run, "f-status-again")
    assert reg_no in status and "137****7000" in status and "创业" in status
    view = store.find_by_id_number(ID_F)
    assert view is not None and view.reg_no == reg_no
    assert (view.name, view.school, view.education, view.grad_year, view.intention, view.phone) == (
        "李明", "东北师范大学", "专科", int(LAST_YEAR), "创业", "13700137000")
    assert (view.hukou_city, view.city, view.hardship) == ("长春", "长春", "无")

    saved_r = reg_no_in(said(run, "r-saved"))
    assert saved_r in said(run, "r-status")
    assert "确定要注销" in said(run, "r-withdraw-ask")
    assert "已注销" in said(run, "r-withdrawn") and store.get(saved_r) is None


# --- around the form ------------------------------------------------------------------------

def test_repeating_the_confirmation_neither_duplicates_nor_loses(run, store):
    reg_no = reg_no_in(said(run, "f-saved"))
    again = said(run, "f-confirm-again")
    assert "登记成功" not in again and reg_no in again, again
    # F and X remain; R withdrew, V cancelled, N cancelled, N2 refused consent
    assert store.count() == 2


def test_acknowledgements_after_submission_get_a_short_sensible_reply(run):
    for label in ("f-ok-after", "f-thanks-after"):
        reply = run["by_label"][label]
        assert reply["text"].strip() and "姓名" not in reply["text"] and not reply["citations"], reply


def test_not_wanting_to_give_the_id_is_explained_and_nothing_is_lost(run):
    why = said(run, "n-why")
    assert "实名登记核验" in why and "身份证" in why.splitlines()[-1]
    refuse = said(run, "n-refuse")
    assert "12333" in refuse and "政策" in refuse and "已取消" not in refuse, refuse
    assert "手机" in said(run, "n-id")  # the form went on: the name and consent were kept
    assert "已取消" in said(run, "n-cancel")
    assert "不会收集您的身份证号" in said(run, "n2-refuse") and "12333" in said(run, "n2-refuse")


def test_one_person_on_two_channels_keeps_one_registration(run, store):
    first = reg_no_in(said(run, "x2-saved"))
    second = said(run, "x1-saved")
    assert "此前已经登记过" in second and first in second
    view = store.find_by_id_number(ID_X)
    assert view is not None and view.reg_no == first and view.city == "延边"


def test_every_turn_got_a_reply_and_nothing_broke(run):
    empty = [LINES[i][:2] for i, r in enumerate(run["replies"]) if not r["text"].strip()]
    assert not empty
    assert "Circuit breaker" not in run["stderr"] and "Traceback" not in run["stderr"]


def test_raw_id_numbers_appear_nowhere(run):
    haystacks = everything(run)
    assert b"registry.store" in haystacks["stderr (logs)"]  # the logs were captured
    candidates = {c for n in RAW_NUMBERS for c in (n, n.lower(), n[:17])} | set(TYPED)
    for candidate in candidates:
        for name, content in haystacks.items():
            assert candidate.encode() not in content, f"{candidate[:4]}… found in {name}"
