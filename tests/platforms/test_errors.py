"""platforms.errors: what each platform error means, for the client and for the message."""
from __future__ import annotations

import pytest

from platforms.errors import (
    Action,
    Outcome,
    TelegramAPIError,
    WeChatAPIError,
    action_for,
    classify_telegram,
    classify_wechat,
)


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


@pytest.mark.parametrize("code, description, outcome, blocked", [
    (-1, "ConnectError", Outcome.RETRY, None),
    (-2, "ReadTimeout", Outcome.IN_DOUBT, None),
    (429, "Too Many Requests: retry after 40", Outcome.RETRY, None),
    (502, "Bad Gateway", Outcome.RETRY, None),
    (403, "Forbidden: bot was blocked by the user", Outcome.RECIPIENT_GONE, "bot_blocked"),
    (400, "Bad Request: chat not found", Outcome.RECIPIENT_GONE, "invalid_user"),
    (400, "Bad Request: message text is empty", Outcome.DEAD, None),
])
def test_telegram_errors(code, description, outcome, blocked):
    error = classify_telegram(TelegramAPIError(code, description))
    assert (error.outcome, error.block_reason) == (outcome, blocked)
    assert error.reason == f"telegram {code}: {description}"
