"""The platforms' errors and what to do about each, in one table per platform.

Two questions are answered for every error: what the API client does at once (``Action``: retry
the call, refresh the access_token, or give the error to its caller) and what becomes of the
message (``Outcome``, used by the scheduler's sender and by the channels when a user is gone).
Negative WeChat codes are the client's own: -1 is WeChat's "system busy", -2 no connection, -3 no
answer in time, -4 the connection broke after sending, -5 an answer that is not JSON, and
-<status> (<= -500) an HTTP error. Telegram errors are python-telegram-bot's typed exceptions
(``telegram.error``), classified by type; the cause PTB keeps (httpx's exception) tells whether a
failed request can have reached Telegram.
"""
from __future__ import annotations

import enum
from typing import Dict, NamedTuple, Optional

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut


class Action(enum.Enum):
    """What the WeChat client does at once."""

    RETRY = "retry"
    REFRESH_TOKEN = "refresh_token"
    FALLBACK = "fallback"
    GIVE_UP = "give_up"


class Outcome(enum.Enum):
    """What becomes of the message."""

    RETRY = "retry"                # transient: try again after a backoff
    FALLBACK = "fallback"          # outside the 48 h window: send as a template message
    RECIPIENT_GONE = "recipient_gone"  # unfollowed / invalid user / bot blocked: stop everything to them
    QUOTA = "quota"                # the platform's daily quota: stop sending until tomorrow
    DEAD = "dead"                  # this message cannot be sent (bad template, bad request)
    IN_DOUBT = "in_doubt"          # the request left and no answer came: may have been delivered


class Handling(NamedTuple):
    action: Action
    outcome: Outcome
    block_reason: Optional[str] = None  # why the recipient is blocked (RECIPIENT_GONE)


# WeChat errcode → handling. Codes not listed: GIVE_UP / DEAD.
WECHAT_ERRORS: Dict[int, Handling] = {
    -1: Handling(Action.RETRY, Outcome.RETRY),                # system busy
    -2: Handling(Action.RETRY, Outcome.RETRY),                # could not connect: the request never left
    -3: Handling(Action.RETRY, Outcome.IN_DOUBT),             # timed out waiting (retried only if idempotent)
    -4: Handling(Action.RETRY, Outcome.IN_DOUBT),             # connection broke after sending (idem)
    45011: Handling(Action.RETRY, Outcome.RETRY),             # API called too often, slow down
    40001: Handling(Action.REFRESH_TOKEN, Outcome.RETRY),     # invalid credential (token fetched elsewhere)
    40014: Handling(Action.REFRESH_TOKEN, Outcome.RETRY),     # invalid access_token
    42001: Handling(Action.REFRESH_TOKEN, Outcome.RETRY),     # access_token expired
    45015: Handling(Action.FALLBACK, Outcome.FALLBACK),       # outside the 48 h customer-service window
    45047: Handling(Action.FALLBACK, Outcome.FALLBACK),       # customer-service message limit in this window
    45009: Handling(Action.GIVE_UP, Outcome.QUOTA),           # daily API quota reached: no point retrying today
    43004: Handling(Action.GIVE_UP, Outcome.RECIPIENT_GONE, "unfollowed"),  # the user unfollowed the account
    40003: Handling(Action.GIVE_UP, Outcome.RECIPIENT_GONE, "invalid_user"),  # invalid openid
}
_WECHAT_UNLISTED = Handling(Action.GIVE_UP, Outcome.DEAD)
_WECHAT_HTTP_5XX = Handling(Action.RETRY, Outcome.RETRY)


def wechat_handling(errcode: int) -> Handling:
    if errcode <= -500:
        return _WECHAT_HTTP_5XX
    return WECHAT_ERRORS.get(errcode, _WECHAT_UNLISTED)


def action_for(errcode: int) -> Action:
    """What the WeChat client does about an error code WeChat returned."""
    return WECHAT_ERRORS.get(errcode, _WECHAT_UNLISTED).action


class WeChatAPIError(Exception):
    def __init__(self, errcode: int, errmsg: str, action: Action):
        super().__init__(f"WeChat API error {errcode}: {errmsg} ({action.value})")
        self.errcode, self.errmsg, self.action = errcode, errmsg, action


class SendError(Exception):
    """A message could not be sent; ``outcome`` says what to do with it."""

    def __init__(self, outcome: Outcome, reason: str, block_reason: Optional[str] = None):
        super().__init__(reason)
        self.outcome, self.reason, self.block_reason = outcome, reason, block_reason


def classify_wechat(exc: WeChatAPIError) -> SendError:
    handling = wechat_handling(exc.errcode)
    if exc.errcode <= -500:
        return SendError(handling.outcome, str(exc))
    return SendError(handling.outcome, f"wechat {exc.errcode}: {exc.errmsg}", handling.block_reason)


# httpx errors raised before a request left: retrying cannot deliver a message twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def classify_telegram(exc: TelegramError) -> SendError:
    reason = f"telegram {type(exc).__name__}: {exc.message}"
    if isinstance(exc, RetryAfter):  # 429, flood control
        return SendError(Outcome.RETRY, reason)
    if isinstance(exc, Forbidden):  # 403: blocked by the user, or the user is deactivated
        return SendError(Outcome.RECIPIENT_GONE, reason, "bot_blocked")
    if isinstance(exc, BadRequest):  # 400: PTB has no finer type; "chat not found" is the one we act on
        if "chat not found" in exc.message.lower():
            return SendError(Outcome.RECIPIENT_GONE, reason, "invalid_user")
        return SendError(Outcome.DEAD, reason)
    if isinstance(exc, NetworkError):  # TimedOut included; BadRequest (a subclass too) is handled above
        cause = exc.__cause__
        if isinstance(cause, _NOT_SENT):
            return SendError(Outcome.RETRY, reason)  # the request never left
        if isinstance(cause, httpx.HTTPError) or isinstance(exc, TimedOut):
            return SendError(Outcome.IN_DOUBT, reason)  # it left, and no answer came: may be delivered
        return SendError(Outcome.RETRY, reason)  # Telegram answered with an error status (5xx)
    return SendError(Outcome.DEAD, reason)  # InvalidToken, Conflict, ChatMigrated, ...
