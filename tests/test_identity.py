"""Conversation ids (registry/identity.py): built by the channels, split by the actions; the channel is
always the part before the first colon, so no sender can step into another channel's namespace."""
from __future__ import annotations

import asyncio

import pytest

from registry.identity import MAX_USER_CHARS, UNKNOWN, Identity, conversation_id, split, valid_user


@pytest.mark.parametrize("channel, user", [("wechat", "oAbC-123_x"), ("telegram", "-1001234"), ("rest", "wechat:o1"),
                                           ("cli", "e2e-graduate-a"), ("console", "0f" * 16)])
def test_split_gives_back_what_the_channel_built(channel, user):
    assert split(conversation_id(channel, user)) == Identity(channel, user)


def test_a_claimed_namespace_stays_inside_the_channels_own():
    assert split(conversation_id("rest", "wechat:o_victim")) == ("rest", "wechat:o_victim")


@pytest.mark.parametrize("sender", ["o_bare_openid", "", ":x", "wechat:"])
def test_ids_without_a_namespace_match_no_channel(sender):
    assert split(sender).channel == UNKNOWN


def test_user_parts_are_short_and_printable():
    assert valid_user("o" * MAX_USER_CHARS) and valid_user(42)
    assert not valid_user("") and not valid_user("o" * (MAX_USER_CHARS + 1)) and not valid_user("a\nb")


def test_jiuye_ask_refuses_an_unusable_sender_before_loading_anything():
    from jiuye.local_assistant import LocalAssistant
    from settings import Settings

    with pytest.raises(ValueError, match="sender"):
        asyncio.run(LocalAssistant(Settings.from_env({})).ask("你好", "x" * 101))
