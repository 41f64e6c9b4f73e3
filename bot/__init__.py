"""Channels (WeChat, Telegram, staff console, CLI) and what they share."""
