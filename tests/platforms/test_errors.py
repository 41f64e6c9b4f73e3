"""platforms.errors: what each platform error means, for the client and for the message."""
from __future__ import annotations

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut

from platforms.errors import Action, Outcome, WeChatAPIError, action_for, classify_telegram, classify_wechat


@pytest.mark.parametrize("errcode, action, outcome, blocked", [
    (-1, Action.RETRY, Outcome.RETRY, None),              # system busy
    (-2, Action.RETRY, Outcome.RETRY, None),              # never connected: nothing was sent
    (-3, Action.RETRY, Outcome.IN_DOUBT, None),           # sent, no answer: may have been delivered
    (-4, Action.RETRY, Outcome.IN_DOUBT, None),
    (45011, Action.RETRY, Outcome.RETRY, None),           # too often
    (40001, Action.REFRESH_TOKEN, Outcome.RETRY, None),   # token invalidated elsewhere
    (42001, Action.REFRESH_TOKEN, Outcome.RETRY, None),
    (45015, Action.FALLBACK, Outcome.FALLBACK, None),     # outside the 48 h window: template message
    (45047, Action.FALLBACK, Outcome.FALLBACK, None),
    (45009, Action.GIVE_UP, Outcome.QUOTA, None),         # daily quota: stop until tomorrow
    (43004, Action.GIVE_UP, Outcome.RECIPIENT_GONE, "unfollowed"),
    (40003, Action.GIVE_UP, Outcome.RECIPIENT_GONE, "invalid_user"),
    (40037, Action.GIVE_UP, Outcome.DEAD, None),          # invalid template id: this message cannot go
    (99999, Action.GIVE_UP, Outcome.DEAD, None),          # unknown codes are not retried forever
])
def test_wechat_errors_have_one_meaning_for_client_and_sender(errcode, action, outcome, blocked):
    assert action_for(errcode) is action
    error = classify_wechat(WeChatAPIError(errcode, "msg", action))
    assert (error.outcome, error.block_reason) == (outcome, blocked)
    assert str(errcode) in error.reason


@pytest.mark.parametrize("status", [500, 502, 503])
def test_wechat_http_5xx_is_retried(status):
    error = classify_wechat(WeChatAPIError(-status, "HTTP error", Action.RETRY))
    assert error.outcome is Outcome.RETRY and error.block_reason is None


def _caused(error: TelegramError, cause: BaseException) -> TelegramError:
    error.__cause__ = cause  # as PTB raises it: ``raise NetworkError(...) from httpx_error``
    return error


_REQUEST = httpx.Request("POST", "http://127.0.0.1/botTOKEN/sendMessage")


@pytest.mark.parametrize("error, outcome, blocked", [
    (RetryAfter(3), Outcome.RETRY, None),
    (Forbidden("Forbidden: bot was blocked by the user"), Outcome.RECIPIENT_GONE, "bot_blocked"),
    (Forbidden("Forbidden: user is deactivated"), Outcome.RECIPIENT_GONE, "bot_blocked"),
    (BadRequest("Chat not found"), Outcome.RECIPIENT_GONE, "invalid_user"),
    (BadRequest("Message text is empty"), Outcome.DEAD, None),
    (InvalidToken("Unauthorized"), Outcome.DEAD, None),
    (NetworkError("Bad Gateway (502)"), Outcome.RETRY, None),  # Telegram answered 5xx: not delivered
    (_caused(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused", request=_REQUEST)), Outcome.RETRY, None),
    (_caused(TimedOut(), httpx.ConnectTimeout("connect", request=_REQUEST)), Outcome.RETRY, None),
    (_caused(TimedOut("Pool timeout"), httpx.PoolTimeout("pool", request=_REQUEST)), Outcome.RETRY, None),
    (_caused(TimedOut(), httpx.ReadTimeout("read", request=_REQUEST)), Outcome.IN_DOUBT, None),  # it left
    (_caused(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("closed", request=_REQUEST)),
     Outcome.IN_DOUBT, None),
])
def test_telegram_errors_by_type(error, outcome, blocked):
    sent = classify_telegram(error)
    assert (sent.outcome, sent.block_reason) == (outcome, blocked)
    assert sent.reason.startswith(f"telegram {type(error).__name__}: ")
