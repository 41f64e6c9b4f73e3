"""Whether a message asks to be registered here (想登记一下, 帮我办个失业登记, 找工作的登记在哪里弄),
whatever intent the NLU gave it.

The NLU is the main reader of such requests (intent ``start_registration``), but a request that
also says the sender is out of work, or asks where to register, sits close to policy questions and
to "my registration?" and a retrained model can move it there. A policy answer or "没有查到您的登记"
in reply to an explicit request leaves the graduate where they started, so the actions that receive
such misreads check the words themselves: a wish (想, 我要, 帮我) or a where/how-to-do (去哪, 怎么弄)
bound to the verb 登记. Questions *about* registration (需要什么材料, 有什么用, 想了解一下失业登记)
and registrations of other things (工商登记) stay policy questions.
"""
from __future__ import annotations

import re
from typing import List

from rasa_sdk.events import EventType, FollowupAction, SlotSet

# 登记 as something done, not 工商登记 / 市场主体登记 / 婚姻登记 / 户籍登记 / 变更登记.
_REGISTER = r"(?<!工商)(?<!主体)(?<!企业)(?<!公司)(?<!婚姻)(?<!户籍)(?<!户口)(?<!变更)(?<!注册)(登记|登个记|登一下)"
# Short gap between the wish and the verb (帮我办个失业登记): no clause break, no asking-about verb.
_GAP = r"[^，,。？?！!；;知了问咨查看说讲]{0,6}?"
_WISH = re.compile(r"(?<![不没别])(想|(我|俺|咱)(也)?(要|得|准备|打算)|(帮|给|替)(我|俺|咱))" + _GAP + _REGISTER)
# Where / how to *do* it: 去哪登记, 在哪里登个记, 求职登记怎么弄, 找工作的登记在哪里弄.
_WHERE_HOW = re.compile(
    r"(去哪|在哪|哪里|哪儿|咋|怎么)(儿|里)?(去|能|可以)?" + _REGISTER
    + r"|" + _REGISTER + r"[^，,。？?]{0,3}(在哪|去哪|哪里|哪儿|怎么|咋)(里|儿)?(弄|搞|整|登|做)"
)
# A question about registration rather than a request for it.
_ABOUT = re.compile(r"材料|证件|带什么|带啥|条件|资格|多久|多长时间|好处|用处|有啥用|有什么用|区别|费用|收费|"
                    r"了解|知道|咨询|请问.{0,4}(是否|需要)|要不要|需不需要|是否|必须")
_REFUSAL = re.compile(r"不(想|要|用|必|需要)(登|办|做)|不登记|别(给我|帮我)?登")
# About a registration already made: change, withdraw, look up (我想改一下登记的手机号, 我要注销登记).
_EXISTING = re.compile(r"改|注销|删|撤|取消|查|状态|记录|登记(的|过|了)|登上了")


# Says the registration is already made (登记失业了, 登记过, 已经登记): with a question, that is a
# question from someone registered (我34岁，登记失业了，也能享受吗, 失业登记也办了), not a request to register.
_MADE = re.compile(_REGISTER + r"(失业|求职)?(了|过)|(已经?|早就?)[^，,。？?]{0,3}" + _REGISTER + r"|登上了"
                   r"|" + _REGISTER + r"(也|都|已经?|早就?)?(办|做|弄)(好|完)?(了|过)(?![吗么没不])")


def says_registered(text: str) -> bool:
    """Whether the sender says they have registered already (and does not ask to register now)."""
    return bool(_MADE.search(text)) and not _WISH.search(text)


# A request to have something done (帮我办个失业, 我要办): the NLU's registration intent stands.
_DO_FOR_ME = re.compile(r"(帮|给|替)(我|俺|咱)|(我|俺|咱)(要|想)(办|弄)|办(个|一下|一个)")


def asks_something_done(text: str) -> bool:
    """A request to have something done for the sender, with or without the word 登记."""
    return bool(_DO_FOR_ME.search(text)) and not _REFUSAL.search(text)


def asks_to_register(text: str) -> bool:
    """True for an explicit request to register (or to be shown how, here and now)."""
    if _ABOUT.search(text) or _REFUSAL.search(text) or _EXISTING.search(text):
        return False
    return bool(_WISH.search(text) or _WHERE_HOW.search(text))


def start_registration_form() -> List[EventType]:
    """Events that open the registration form from an action the rules did not expect to: the same
    wish the start rule records, then the form itself, which activates and asks its first question."""
    return [SlotSet("registration_wish", True), FollowupAction("registration_form")]
