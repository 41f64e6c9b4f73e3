"""WeChat API error codes and what to do about each: retry, refresh the token, fall back to
another kind of message, or give up (always logged by the caller)."""
from __future__ import annotations

import enum
from typing import Dict


class Action(enum.Enum):
    RETRY = "retry"
    REFRESH_TOKEN = "refresh_token"
    FALLBACK = "fallback"
    GIVE_UP = "give_up"


ACTIONS: Dict[int, Action] = {
    -1: Action.RETRY,            # system busy
    45011: Action.RETRY,         # API called too often, slow down
    40001: Action.REFRESH_TOKEN,  # invalid credential (token invalidated, e.g. fetched elsewhere)
    40014: Action.REFRESH_TOKEN,  # invalid access_token
    42001: Action.REFRESH_TOKEN,  # access_token expired
    45015: Action.FALLBACK,      # outside the 48 h customer-service window
    45047: Action.FALLBACK,      # customer-service message limit for this window reached
    45009: Action.GIVE_UP,       # daily API quota reached: no point retrying today
    43004: Action.GIVE_UP,       # the user does not follow the account (unsubscribed)
    40003: Action.GIVE_UP,       # invalid openid
}


def action_for(errcode: int) -> Action:
    return ACTIONS.get(errcode, Action.GIVE_UP)


class WeChatAPIError(Exception):
    def __init__(self, errcode: int, errmsg: str, action: Action):
        super().__init__(f"WeChat API error {errcode}: {errmsg} ({action.value})")
        self.errcode, self.errmsg, self.action = errcode, errmsg, action
