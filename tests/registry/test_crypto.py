"""ID-number encryption, keyed hash and keyring handling."""
from __future__ import annotations

import os
import stat

import pytest

from registry import crypto
from registry.crypto import IdCipher, KeyringError
from tests.registry.helpers import make_id

NUMBER = make_id()


def test_round_trip_and_nondeterministic_ciphertext(cipher):
    a, b = cipher.encrypt(NUMBER), cipher.encrypt(NUMBER)
    assert a != b and a.startswith("v1:")
    assert NUMBER not in a
    assert cipher.decrypt(a) == cipher.decrypt(b) == NUMBER


def test_tampered_ciphertext_is_rejected(cipher):
    token = cipher.encrypt(NUMBER)
    import base64

    from cryptography.exceptions import InvalidTag

    head, body = token.split(":", 1)
    blob = bytearray(base64.urlsafe_b64decode(body))
    blob[-1] ^= 0x01
    with pytest.raises(InvalidTag):
        cipher.decrypt(f"{head}:" + base64.urlsafe_b64encode(bytes(blob)).decode())


def test_hash_is_keyed_and_stable():
    one = IdCipher({1: b"\x01" * 32})
    other = IdCipher({1: b"\x02" * 32})
    assert one.hash(NUMBER) == one.hash(NUMBER)
    assert one.hash(NUMBER) != other.hash(NUMBER)
    assert NUMBER not in one.hash(NUMBER)


def test_env_key_wins_and_bare_key_is_v1(tmp_path):
    secret = crypto.new_secret()
    keys = crypto.load_keyring({"JIUYE_ID_KEY": secret, "JIUYE_ID_KEY_FILE": str(tmp_path / "unused")})
    assert list(keys) == [1]
    assert not (tmp_path / "unused").exists()
    keys = crypto.load_keyring({"JIUYE_ID_KEY": f"v1:{secret}, v3:{crypto.new_secret()}"})
    assert IdCipher(keys).current == 3


def test_key_file_is_created_with_0600_and_reused(tmp_path):
    path = tmp_path / "cfg" / "id.key"
    env = {"JIUYE_ID_KEY_FILE": str(path)}
    first = crypto.load_keyring(env)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert crypto.load_keyring(env) == first


def test_default_key_file_is_outside_the_repository(tmp_path):
    path = crypto.default_key_file({"XDG_CONFIG_HOME": str(tmp_path)})
    assert path == tmp_path / "jiuye" / "id.key"


def test_autocreate_can_be_disabled(tmp_path):
    with pytest.raises(KeyringError):
        crypto.load_keyring({"JIUYE_ID_KEY_FILE": str(tmp_path / "none"), "JIUYE_ID_KEY_AUTOCREATE": "0"})


def test_malformed_keys_are_rejected():
    for bad in ("v1:short", "x1:" + crypto.new_secret(), ""):
        with pytest.raises(KeyringError):
            crypto.parse_keyring(bad)


def test_rotation_file_operations(tmp_path):
    path = tmp_path / "id.key"
    crypto.load_keyring({"JIUYE_ID_KEY_FILE": str(path)})
    old = IdCipher(crypto.parse_keyring(path.read_text()))
    token = old.encrypt(NUMBER)
    assert crypto.add_key_version(path) == 2
    both = IdCipher(crypto.parse_keyring(path.read_text()))
    assert both.current == 2 and both.decrypt(token) == NUMBER
    assert both.encrypt(NUMBER).startswith("v2:")
    crypto.drop_old_versions(path, keep=2)
    only_new = IdCipher(crypto.parse_keyring(path.read_text()))
    assert list(crypto.parse_keyring(path.read_text())) == [2]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(KeyringError):
        only_new.decrypt(token)
