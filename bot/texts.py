"""What the channels say on their own (not from the dialogue). User-facing text is Chinese."""
from __future__ import annotations

CAPABILITIES = (
    "我可以解答吉林省、江西省高校毕业生的就业创业政策，例如：\n"
    "1. 创业担保贷款能贷多少\n"
    "2. 就业见习补贴怎么领\n"
    "3. 毕业生档案去哪托管\n"
    "4. 失业登记怎么办理\n"
    "直接发送文字或语音提问即可，提问时说明所在省份或城市，回答会更准确。"
)
WELCOME = "您好，欢迎关注就业助手！\n" + CAPABILITIES
HELP = "就业助手使用说明：\n" + CAPABILITIES
UNSUPPORTED = "抱歉，我目前只能看懂文字和语音消息。请直接用文字描述您的问题，例如“江西毕业生档案去哪托管”。"
VOICE_NOT_RECOGNISED = "抱歉，没有听清您的语音。请再说一遍，或直接发送文字问题。"
BUSY = "抱歉，系统繁忙，暂时无法回答您的问题。请稍后再试，或拨打12333人社服务热线咨询。"
NO_ANSWER = "抱歉，我暂时无法回答这个问题。就业政策方面可拨打12333人社服务热线咨询。"
SUBSCRIBED = "已为您订阅招聘会提醒（按您登记的城市和专业推送）。如需停止，请发送 /unsubscribe。"
UNSUBSCRIBED = "已为您停止所有提醒（招聘会通知和求职回访）。如需重新订阅，请发送 /subscribe。"
FALLBACK_NOTICE = "您咨询的就业政策问题已有答复，请进入“就业助手”公众号发送任意消息查看。"

# Menu CLICK keys (set in the 公众号 custom menu) and the question each one asks.
MENU_QUESTIONS = {
    "JIUYE_LOAN": "创业担保贷款能贷多少",
    "JIUYE_INTERNSHIP": "就业见习补贴怎么领",
    "JIUYE_ARCHIVES": "毕业生档案去哪托管",
    "JIUYE_UNEMPLOYMENT": "失业登记怎么办理",
}
MENU_HELP_KEY = "JIUYE_HELP"
