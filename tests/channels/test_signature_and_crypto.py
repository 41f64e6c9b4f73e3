"""Signatures (constant-time, replay window) and safe-mode envelopes."""
from __future__ import annotations

import hashlib
import time

import pytest
import xmltodict

from bot.wechat.crypto import CryptoError, MessageCrypto, encrypted_field
from bot.wechat.signature import SignatureRefused, check_signature, sign

TOKEN = "jiuye_token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat issues them


def test_sign_matches_wechat_reference_algorithm():
    expected = hashlib.sha1("".join(sorted([TOKEN, "1700000000", "nonce1"])).encode()).hexdigest()
    assert sign(TOKEN, "1700000000", "nonce1") == expected
    assert sign("nonce1", TOKEN, "1700000000") == expected  # order of the parts does not matter


def test_fresh_correct_signature_passes():
    ts = str(int(time.time()))
    check_signature(TOKEN, sign(TOKEN, ts, "n"), ts, "n", max_skew=300)


@pytest.mark.parametrize("signature", ["", None, "0" * 40, "not-hex-and-short"])
def test_wrong_or_missing_signature_refused(signature):
    ts = str(int(time.time()))
    with pytest.raises(SignatureRefused):
        check_signature(TOKEN, signature, ts, "n", max_skew=300)


def test_signature_with_other_token_refused():
    ts = str(int(time.time()))
    with pytest.raises(SignatureRefused):
        check_signature(TOKEN, sign("other", ts, "n"), ts, "n", max_skew=300)


@pytest.mark.parametrize("offset", [-301, 301, -86400])
def test_stale_or_future_timestamp_refused_even_when_signed(offset):
    ts = str(int(time.time()) + offset)
    with pytest.raises(SignatureRefused, match="replay window"):
        check_signature(TOKEN, sign(TOKEN, ts, "n"), ts, "n", max_skew=300)


@pytest.mark.parametrize("timestamp", [None, "", "abc"])
def test_missing_timestamp_refused(timestamp):
    with pytest.raises(SignatureRefused):
        check_signature(TOKEN, sign(TOKEN, timestamp or "", "n"), timestamp, "n", max_skew=300)


def test_check_uses_constant_time_compare(monkeypatch):
    import bot.compare as signature_module  # the comparison WeChat's check and Telegram's use

    calls = []
    real = signature_module.hmac.compare_digest
    monkeypatch.setattr(signature_module.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    ts = str(int(time.time()))
    check_signature(TOKEN, sign(TOKEN, ts, "n"), ts, "n", max_skew=300)
    assert len(calls) == 1


def test_envelope_round_trip_and_msg_signature():
    crypto = MessageCrypto(TOKEN, AES_KEY, "wx_app")
    xml = "<xml><Content><![CDATA[创业担保贷款]]></Content></xml>"
    envelope = xmltodict.parse(crypto.envelope(xml, "nonce9", "1700000000"))["xml"]
    check_signature(TOKEN, envelope["MsgSignature"], "1700000000", "nonce9", max_skew=10**10,
                    encrypted=envelope["Encrypt"])
    assert crypto.decrypt(envelope["Encrypt"]) == xml
    assert "创业" not in envelope["Encrypt"]


def test_msg_signature_covers_the_encrypted_body():
    crypto = MessageCrypto(TOKEN, AES_KEY, "wx_app")
    envelope = xmltodict.parse(crypto.envelope("<xml/>", "n", "1700000000"))["xml"]
    other = crypto.encrypt("<xml><x>tampered</x></xml>")
    with pytest.raises(SignatureRefused):
        check_signature(TOKEN, envelope["MsgSignature"], "1700000000", "n", max_skew=10**10, encrypted=other)


def test_message_for_another_appid_or_key_is_not_decrypted():
    ours = MessageCrypto(TOKEN, AES_KEY, "wx_app")
    with pytest.raises(CryptoError):
        ours.decrypt(MessageCrypto(TOKEN, AES_KEY, "wx_other").encrypt("<xml/>"))
    with pytest.raises(CryptoError):
        ours.decrypt(MessageCrypto(TOKEN, "B" * 43, "wx_app").encrypt("<xml/>"))


def test_bad_aes_key_rejected_at_startup():
    with pytest.raises(ValueError):
        MessageCrypto(TOKEN, "short", "wx_app")


def test_encrypted_field_requires_xml_with_encrypt():
    assert encrypted_field(b"<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>") == "abc"
    for body in (b"not xml", b"<xml><Content>x</Content></xml>"):
        with pytest.raises(ValueError):
            encrypted_field(body)
