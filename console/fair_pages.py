"""HTML of the job-fair pages: the create/edit form (errors beside their fields, everything typed
kept), the warning for editing a fair whose notices went out, and the fair page with its
recipients preview and the exact notice text (``scheduler.commands.preview``)."""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from markupsafe import Markup

from console import fairs, render
from scheduler.commands import PREVIEW_RECIPIENTS, Preview
from settings.scheduler import SchedulerConfig

CHANNELS = {"wechat": "微信", "telegram": "Telegram"}
UNITS = {"d": "天", "h": "小时", "m": "分钟"}  # offset labels: 3d, 12h, 30m
REQUIRED = ("code", "name", "starts_at", "ends_at", "organiser")

# (field, label, control, hint): every field of the import format, in the form's order.
FIELDS: Tuple[Tuple[str, str, str, str], ...] = (
    ("code", "编号", "text", "唯一编号，文件导入时按编号更新同一场招聘会；保存后不能修改。"),
    ("name", "名称", "text", ""),
    ("starts_at", "开始时间", "datetime", "北京时间。"),
    ("ends_at", "结束时间", "datetime", "北京时间。"),
    ("online", "形式", "online", ""),
    ("city", "城市", "text", "例如 长春；省份不填时按城市自动补全。"),
    ("province", "省份", "text", "线上招聘会可只填省份。"),
    ("address", "地址", "text", "现场招聘会必填。"),
    ("link", "链接", "text", "线上招聘会必填，以 http:// 或 https:// 开头。"),
    ("organiser", "主办单位", "text", ""),
    ("majors", "面向专业", "text", "用“、”分隔；不填表示面向所有专业。"),
    ("industries", "面向行业", "text", "用“、”分隔；不填表示面向所有行业。"),
    ("positions", "招聘岗位", "textarea", "照录主办方发布的岗位信息。"),
    ("cancelled", "已取消", "checkbox", "取消后，尚未发出的通知不再发送。"),
)


def _control(name: str, kind: str, value: str, attrs: Markup) -> Markup:
    if kind == "textarea":
        return render.fragment('<textarea id="f-{0}" name="{0}" rows="3"{1}>{2}</textarea>', name, attrs, value)
    if kind == "online":
        options = render.join(render.fragment('<option value="{}"{}>{}</option>', v, Markup(" selected") if
                                              (v == "1") == (value not in ("", "0", "false")) else "", label)
                              for v, label in (("", "现场"), ("1", "线上")))
        return render.fragment('<select id="f-{}" name="{}"{}>{}</select>', name, name, attrs, options)
    if kind == "checkbox":
        return render.fragment('<input type="checkbox" id="f-{0}" name="{0}" value="1"{1}{2}>', name,
                               Markup(" checked") if value else "", attrs)
    kind = "datetime-local" if kind == "datetime" else "text"
    return render.fragment('<input type="{}" id="f-{}" name="{}" value="{}"{}>', kind, name, name, value, attrs)


def _field(name: str, label: str, kind: str, hint: str, value: str, error: Optional[str], readonly: bool) -> Markup:
    attrs = Markup("")
    if name in REQUIRED:
        attrs += Markup(" required")
    if readonly:
        attrs += Markup(" readonly")
    if error:
        attrs += render.fragment(' aria-invalid="true" aria-describedby="f-{}-error"', name)
    message = render.fragment('<span class="field-error" id="f-{}-error">{}</span>', name, error) if error else ""
    return render.fragment(
        '<div class="field{}"><label for="f-{}">{}{}</label>{}<span class="hint">{}</span>{}</div>',
        " invalid" if error else "", name, label, Markup(' <span class="required">*</span>') if name in REQUIRED else "",
        _control(name, kind, value, attrs), hint, message)


def form(action: str, values: Dict[str, str], errors: Dict[str, str], csrf_token: str, version: str = "",
         warning: Markup = Markup(""), confirm: bool = False, back: str = "/console/fairs") -> Markup:
    """The fair form; ``version`` set means editing (the code is then read-only)."""
    message = Markup("")
    if errors:
        summary = errors.get("") or "请更正标出的项目后再保存。"
        message = render.fragment('<p class="message error" role="alert" id="form-error">{}</p>', summary)
    fields = render.join(_field(name, label, kind, hint, values.get(name, ""), errors.get(name), bool(version)
                                and name == "code") for name, label, kind, hint in FIELDS)
    confirm_box = Markup('<label class="check"><input type="checkbox" name="confirm" value="1" id="confirm" required>'
                         ' 我已了解上述影响，确认保存</label>') if confirm else Markup("")
    return render.render("fair_form.html", message=message, warning=warning, action=action,
                         csrf=render.hidden_csrf(csrf_token), version=version, fields=fields, confirm=confirm_box,
                         back=back)


def sent_section(sent: fairs.Sent, heading: str = "已发出的通知") -> Markup:
    """How many notices went out and the exact texts they carried (as stored when sent)."""
    if not sent.count:
        return Markup("")
    texts = render.join(render.fragment('<p class="hint">{} 条：</p><pre class="notice">{}</pre>', n, text)
                        for text, n in sent.texts)
    return render.fragment(
        '<section class="card sent" id="sent-notices"><h2>{}：{} 条</h2><p class="hint">另有 {} 条排队中。</p>{}'
        '</section>', heading, sent.count, sent.queued, texts)


def impact_warning(impact: fairs.Impact) -> Markup:
    """What saving will and will not do for people already notified; shown until confirmed."""
    sent = impact.sent
    if impact.cancelled:
        effect = (f"标记为已取消后，排队中的 {sent.queued} 条通知不再发送；已收到通知的 {sent.count} 人不会自动收到取消"
                  "通知，请通过其他渠道告知。")
    elif impact.rescheduled:
        effect = ("开始时间已修改：调度程序将按新时间再次通知当前符合条件的订阅用户（已收到旧通知的人会再收到一条"
                  "新时间的通知）；排队中的旧时间通知自动跳过，不会重复发送。")
    else:
        effect = (f"排队中的 {sent.queued} 条通知将按修改后的内容发送；已收到通知的 {sent.count} 人不会自动收到更正"
                  "（系统不会重发），如地点等变更重要，请另行告知。")
    return render.fragment(
        '<section class="card warning" id="edit-warning" role="alert"><h2>此招聘会的通知已发出 {} 条，修改会改变通知内容'
        '</h2><p>{}</p><h3>修改后的通知原文</h3><pre class="notice" id="new-notice">{}</pre></section>{}',
        sent.count, effect, impact.new_text, sent_section(sent, "已发出的通知原文"))


def detail(preview: Preview, config: SchedulerConfig, counts: Dict[str, int], sent: fairs.Sent,
           recipients: List[fairs.Recipient], message: Markup, can_edit: bool = True) -> Markup:
    """The fair page: notice plan and progress, what was sent, who matches now, the exact text.
    The 编辑 button only for those allowed to change what is broadcast (supervisors)."""
    fair = preview.fair
    notices = render.join(render.fragment(
        "<tr><td>提前{}{}</td><td>{}</td><td>{}</td></tr>", n.offset[:-1], UNITS[n.offset[-1]], config.local(n.sends_from).strftime("%Y-%m-%d %H:%M"),
        f"已安排（{render.when(n.campaign.planned_at)}，{n.campaign.recipients} 人）"
        if n.campaign and n.campaign.planned_at else "尚未安排") for n in preview.notices)
    rows = render.join(render.fragment("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                                       CHANNELS.get(r.channel, r.channel), r.user, r.region or "不限",
                                       r.majors or "不限") for r in recipients)
    more = len(preview.recipients) - len(recipients)
    template = render.join(render.fragment("<tr><th>{}</th><td>{}</td></tr>", key, value["value"])
                           for key, value in preview.rendered.template_data.items())
    return render.render(
        "fair.html", message=message, code=fair.code,
        edit=render.fragment('<a class="button" href="/console/fairs/{}/edit" id="edit-fair">编辑</a>', fair.id)
        if can_edit else "",
        status="已取消" if fair.cancelled else "有效", updated=render.when(fair.updated_at),
        notices=notices, queued=counts.get("queued", 0), sent=counts.get("sent", 0), failed=counts.get("failed", 0),
        sent_section=sent_section(sent), count=len(preview.recipients),
        by_channel="、".join(f"{CHANNELS.get(c, c)} {n} 人" for c, n in preview.by_channel.items()) or "无",
        recipients=rows or Markup('<tr><td colspan="4" class="empty">当前没有符合条件的订阅用户。</td></tr>'),
        more=render.fragment('<p class="hint">……另有 {} 人未列出（最多列出 {} 人）。</p>', more, PREVIEW_RECIPIENTS)
        if more > 0 else "",
        text=preview.rendered.text, template=template,
    )
