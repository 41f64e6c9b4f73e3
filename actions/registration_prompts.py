"""The form's questions, one ``action_ask_<slot>`` each (custom actions rather than domain
responses so `rasa data validate --fail-on-warnings` does not flag them as unused)."""
from __future__ import annotations

from typing import Any, Dict, List, Text, Type

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.registration_fields import asks_why_id
from actions.registration_request import asks_to_register

PROMPTS: Dict[str, str] = {
    "reg_name": (
        "好的，我来帮您办理失业登记/求职登记（实名登记）。全程约3分钟，随时可以说“取消”。\n"
        "请问您的姓名是？"
    ),
    "reg_id_consent": (
        "接下来需要您的居民身份证号码。身份证号属于敏感个人信息，依照《个人信息保护法》需征得您的单独同意：\n"
        "· 用途：仅用于实名登记核验、避免重复登记，以及人社部门按吉人社发〔2022〕21号为您提供“1311×N”就业服务和跟踪回访；\n"
        "· 保护：加密保存，只显示部分号码（如2201**********123X），不写入聊天记录和日志，不提供给无关第三方；\n"
        "· 保存期限：保存至您注销登记为止，您可随时说“注销登记”删除全部信息。\n"
        "您是否同意提供身份证号？请回复“同意”或“不同意”。"
    ),
    "reg_id_number": (
        "请输入您的18位居民身份证号码（最后一位可能是X）。"
    ),
    "reg_phone": (
        "请输入您本人的11位手机号码，方便工作人员与您联系。"
    ),
    "reg_school": (
        "请问您的毕业院校是？"
    ),
    "reg_major": (
        "请问您所学的专业是？"
    ),
    "reg_education": (
        "请问您的学历是？（中专/技校、专科、本科、硕士研究生、博士研究生）"
    ),
    "reg_grad_year": (
        "请问您是哪一年毕业的？例如“2023”。"
    ),
    "reg_hukou_city": (
        "请问您的户籍（户口）所在城市是？例如“长春市”。"
    ),
    "reg_city": (
        "请问您现在居住在哪个城市？"
    ),
    "reg_intention": (
        "请问您的就业意向是？请回复：就业、创业，或暂无就业意愿。"
    ),
    "reg_wanted_job": (
        "您想找什么岗位？例如“软件开发”“会计”，没有要求请回复“不限”。"
    ),
    "reg_wanted_industry": (
        "您意向的行业是？例如“互联网”“制造业”，没有要求请回复“不限”。"
    ),
    "reg_wanted_region": (
        "您希望在哪个城市或地区工作/创业？没有要求请回复“不限”。"
    ),
    "reg_hardship": (
        "您的家庭是否属于以下困难类别（可多选）：脱贫家庭、零就业家庭、残疾、低保、其他特殊困难？都不是请回复“无”。困难家庭毕业生将获得一对一帮扶。"
    ),
}


def prompt_for(slot: str, tracker: Tracker) -> str:
    """The question for ``slot``; right after the consent text was quoted to answer why the ID
    number is needed, the consent question is asked on its own (its last line), and the name
    question comes with the welcome only when the form starts."""
    message = tracker.latest_message or {}
    why = (message.get("intent") or {}).get("name") == "ask_why_id" or asks_why_id(message.get("text") or "")
    if slot == "reg_id_consent" and why:
        return PROMPTS[slot].splitlines()[-1]
    starting = (message.get("intent") or {}).get("name") == "start_registration" or asks_to_register(message.get("text") or "")
    if slot == "reg_name" and not starting:  # asked again after a question in between: no second welcome
        return PROMPTS[slot].splitlines()[-1]
    return PROMPTS[slot]


def _ask_action(slot: str) -> Type[Action]:
    """An Action class that sends the question for ``slot``."""

    class AskAction(Action):
        def name(self) -> Text:
            return f"action_ask_{slot}"

        def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
            dispatcher.utter_message(text=prompt_for(slot, tracker))
            return []

    AskAction.__name__ = AskAction.__qualname__ = "ActionAsk" + "".join(p.title() for p in slot.split("_"))
    return AskAction


ASK_ACTIONS = {slot: _ask_action(slot) for slot in PROMPTS}
