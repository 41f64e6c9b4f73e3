"""The Chinese texts the scheduler sends, composed only from stored data (fair records, the
check-in count) and fixed wording — no figures or promises that are not in the data.

Each message has two forms: ``text`` (a customer-service or Telegram message) and
``template_data`` for a WeChat template message. Template keyword values are cut to 20
characters (WeChat's limit since 2023; ``first``/``remark`` are no longer shown but harmless).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Sequence
from zoneinfo import ZoneInfo

from scheduler.fairs_import import split_list
from scheduler.models import JobFair

TEMPLATE_VALUE_LIMIT = 20
ANSWERS = ("找到工作了", "还在找", "需要帮助", "想创业")
UNSUBSCRIBE_HINT = "回复“退订”不再接收提醒。"
SERVICE_TITLES = {
    "career_guidance": "职业指导",
    "job_recommendation": "岗位推荐",
    "skills_training": "技能培训",
    "internship_offer": "就业见习",
}


@dataclass(frozen=True)
class Rendered:
    text: str
    template: str  # which configured template: "fair" or "followup"
    template_data: Dict[str, Dict[str, str]]


def _cut(value: str) -> str:
    return value if len(value) <= TEMPLATE_VALUE_LIMIT else value[: TEMPLATE_VALUE_LIMIT - 1] + "…"


def _data(**values: str) -> Dict[str, Dict[str, str]]:
    return {key: {"value": _cut(value) if key.startswith("keyword") else value} for key, value in values.items()}


def fair_time(fair: JobFair, tz: ZoneInfo) -> str:
    start = fair.starts_at.replace(tzinfo=dt.timezone.utc).astimezone(tz)
    end = fair.ends_at.replace(tzinfo=dt.timezone.utc).astimezone(tz)
    head = fair_start(fair, tz)
    if end.date() == start.date():
        return f"{head}—{end:%H:%M}"
    return f"{head}—{end.month}月{end.day}日 {end:%H:%M}"


def fair_start(fair: JobFair, tz: ZoneInfo) -> str:
    start = fair.starts_at.replace(tzinfo=dt.timezone.utc).astimezone(tz)
    return f"{start.year}年{start.month}月{start.day}日 {start:%H:%M}"


def fair_place(fair: JobFair) -> str:
    """Short form for a template keyword: the link online, else city and address."""
    if fair.online:
        return f"线上 {fair.link}"
    where = fair.address or ""
    return f"{fair.city} {where}" if fair.city and fair.city not in where else where


def fair_lines(fair: JobFair, tz: ZoneInfo) -> List[str]:
    lines = [f"名称：{fair.name}", f"时间：{fair_time(fair, tz)}（北京时间）", f"形式：{'线上' if fair.online else '现场'}"]
    if fair.address:
        lines.append(f"地点：{fair_place(fair) if not fair.online else fair.address}")
    if fair.link:
        lines.append(f"链接：{fair.link}")
    lines.append(f"主办：{fair.organiser}")
    majors, industries = split_list(fair.majors), split_list(fair.industries)
    if majors:
        lines.append(f"面向专业：{'、'.join(majors)}")
    if industries:
        lines.append(f"面向行业：{'、'.join(industries)}")
    if fair.positions:
        lines.append(f"招聘岗位（主办方发布）：{fair.positions}")
    return lines


def fair_notice(fair: JobFair, tz: ZoneInfo) -> Rendered:
    text = "\n".join(["【招聘会提醒】您订阅的招聘会即将举行：", *fair_lines(fair, tz), UNSUBSCRIBE_HINT])
    data = _data(first="您订阅的招聘会即将举行", keyword1=fair.name, keyword2=fair_start(fair, tz),
                 keyword3=fair_place(fair), keyword4=fair.organiser, remark=UNSUBSCRIBE_HINT)
    return Rendered(text, "fair", data)


def checkin(number: int) -> Rendered:
    question = "最近求职进展如何？请直接回复：" + " / ".join(ANSWERS)
    text = f"【就业服务回访】您好！这是第{number}次回访。{question}\n回复“退订”停止回访。"
    data = _data(first="就业服务回访", keyword1="求职进展回访", keyword2=f"第{number}次回访",
                 remark=question + "。回复“退订”停止回访。")
    return Rendered(text, "followup", data)


_SERVICE_TEXTS = {
    "career_guidance": (
        "您好！这是为您安排的一次职业指导。您可以直接在这里咨询求职、就业见习、创业贷款等政策问题（例如"
        "“见习补贴有多少”“创业贷款能贷多少”），回答会注明政策文件；也可以拨打12333人社服务热线咨询职业指导。"
    ),
    "skills_training": (
        "您好！高校毕业生可以参加职业技能培训。您可以在这里询问所在省份的培训补贴政策，或拨打12333咨询当地"
        "培训项目和报名方式。"
    ),
    "internship_offer": (
        "您好！未就业的高校毕业生可以报名参加就业见习，见习期间按规定享受见习补贴。回复“见习补贴”可查询您所在"
        "省份的政策原文，见习岗位请拨打12333咨询当地人社部门。"
    ),
}


def service(kind: str, fairs: Sequence[JobFair], tz: ZoneInfo) -> Rendered:
    """A 1311×N service message. A job recommendation lists matched fairs (at least one)."""
    title = SERVICE_TITLES[kind]
    if kind == "job_recommendation":
        if not fairs:
            raise ValueError("a job recommendation needs at least one matching fair")
        parts = ["【岗位推荐】根据您的登记地区和专业，为您推荐以下招聘会："]
        for number, fair in enumerate(fairs, 1):
            parts.append(f"{number}. " + "\n".join(fair_lines(fair, tz)))
        text = "\n".join(parts + [UNSUBSCRIBE_HINT])
        keyword2 = fairs[0].name
    else:
        text = f"【{title}】{_SERVICE_TEXTS[kind]}\n{UNSUBSCRIBE_HINT}"
        keyword2 = title
    data = _data(first=f"就业服务：{title}", keyword1="就业服务", keyword2=keyword2, remark="详情请在对话中回复查看。")
    return Rendered(text, "followup", data)
