"""The platforms' outbound APIs, used by the channels and the scheduler alike: WeChat
(``wechat``: customer-service and template messages, ``wechat_token``: the shared access_token),
Telegram (``telegram``) and what their errors mean (``errors``, one table per platform)."""
