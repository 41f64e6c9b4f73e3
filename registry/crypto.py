"""Encryption of ID numbers at rest (AES-256-GCM) and the keyed hash (HMAC-SHA256) that finds a
person's registration without decrypting anything.

Keys are versioned. A keyring is a list of ``v<N>:<urlsafe-base64 of 32 random bytes>`` entries;
the highest version encrypts and hashes, every version decrypts and is tried when looking up a
hash, so a rotation (``jiuye registry rotate-key``) can re-encrypt rows while the service runs.
Both the AES key and the HMAC key are derived from a version's secret with HKDF, so one secret
per version is all an operator handles.

Where the keyring comes from (first match):
  1. ``JIUYE_ID_KEY``: entries separated by commas or whitespace (a bare key counts as v1);
  2. ``JIUYE_ID_KEY_FILE``: a file with one entry per line;
  3. ``$XDG_CONFIG_HOME/jiuye/id.key`` (default ``~/.config/jiuye/id.key``), outside the repository.
A missing key file is created with a new v1 key and mode 0600 unless ``JIUYE_ID_KEY_AUTOCREATE=0``
(set that in production, where the key comes from a secret store).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

logger = logging.getLogger(__name__)

_ENTRY = re.compile(r"^v(\d+):([A-Za-z0-9_\-]+=*)$")
_AAD = b"jiuye-id-number"


class KeyringError(RuntimeError):
    """The keyring is missing, malformed, or lacks the version a ciphertext needs."""


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"jiuye/" + purpose).derive(secret)


def new_secret() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def parse_keyring(text: str) -> Dict[int, bytes]:
    """``v1:...`` entries (commas, whitespace or newlines between them; ``#`` comments)."""
    keys: Dict[int, bytes] = {}
    entries = [e for line in text.splitlines() for e in re.split(r"[,\s]+", line.split("#", 1)[0]) if e]
    if len(entries) == 1 and ":" not in entries[0]:
        entries = [f"v1:{entries[0]}"]
    for entry in entries:
        match = _ENTRY.match(entry)
        if not match:
            raise KeyringError("ID key entries must look like v<N>:<base64 of 32 bytes>")
        try:
            secret = base64.urlsafe_b64decode(match.group(2))
        except (ValueError, binascii.Error):
            raise KeyringError(f"ID key v{match.group(1)} is not valid base64") from None
        if len(secret) != 32:
            raise KeyringError(f"ID key v{match.group(1)} must be 32 bytes")
        keys[int(match.group(1))] = secret
    if not keys:
        raise KeyringError("the ID keyring is empty")
    return keys


def default_key_file(env: Mapping[str, str]) -> Path:
    if env.get("JIUYE_ID_KEY_FILE"):
        return Path(env["JIUYE_ID_KEY_FILE"]).expanduser()
    config_home = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config_home / "jiuye" / "id.key"


def _create_key_file(path: Path) -> None:
    """Write a fresh v1 keyring with mode 0600; a concurrent creator wins harmlessly (O_EXCL)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(f"# Jiuye ID-number keyring: keep secret, back up, never commit.\nv1:{new_secret()}\n")
    logger.warning("created a new ID-number key file at %s (mode 0600)", path)


def add_key_version(path: Path) -> int:
    """Append a new, higher key version to a key file; returns the new version number."""
    keys = parse_keyring(path.read_text())
    version = max(keys) + 1
    with path.open("a") as handle:
        handle.write(f"v{version}:{new_secret()}\n")
    os.chmod(path, 0o600)
    return version


def drop_old_versions(path: Path, keep: int) -> None:
    """Rewrite a key file with only version ``keep`` (after every row was re-encrypted)."""
    keys = parse_keyring(path.read_text())
    secret = base64.urlsafe_b64encode(keys[keep]).decode()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"# Jiuye ID-number keyring: keep secret, back up, never commit.\nv{keep}:{secret}\n")
    os.replace(tmp, path)


def load_keyring(env: Optional[Mapping[str, str]] = None) -> Dict[int, bytes]:
    env = os.environ if env is None else env
    if env.get("JIUYE_ID_KEY"):
        return parse_keyring(env["JIUYE_ID_KEY"])
    path = default_key_file(env)
    if not path.exists():
        if env.get("JIUYE_ID_KEY_AUTOCREATE", "1") == "0":
            raise KeyringError(f"no ID key: set JIUYE_ID_KEY or create {path}")
        _create_key_file(path)
    return parse_keyring(path.read_text())


@dataclass(frozen=True)
class _Version:
    number: int
    aes: AESGCM
    mac_key: bytes


class IdCipher:
    """Encrypts, decrypts and hashes ID numbers with a versioned keyring."""

    def __init__(self, keyring: Mapping[int, bytes]):
        if not keyring:
            raise KeyringError("the ID keyring is empty")
        self._versions = {
            n: _Version(n, AESGCM(_derive(s, b"aes-gcm")), _derive(s, b"hmac")) for n, s in keyring.items()
        }
        self.current = max(self._versions)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "IdCipher":
        return cls(load_keyring(env))

    def encrypt(self, number: str) -> str:
        version = self._versions[self.current]
        nonce = secrets.token_bytes(12)
        sealed = version.aes.encrypt(nonce, number.encode(), _AAD)
        return f"v{version.number}:" + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        version = self._version_of(token)
        blob = base64.urlsafe_b64decode(token.split(":", 1)[1])
        return version.aes.decrypt(blob[:12], blob[12:], _AAD).decode()

    def hash(self, number: str, version: Optional[int] = None) -> str:
        """Keyed hash for duplicate detection; equal numbers give equal hashes per version."""
        key = self._versions[version or self.current].mac_key
        digest = hmac.new(key, number.encode(), hashlib.sha256).hexdigest()
        return f"v{version or self.current}:{digest}"

    def candidate_hashes(self, number: str) -> List[str]:
        """The hash under every known version, for lookups during a rotation."""
        return [self.hash(number, v) for v in sorted(self._versions, reverse=True)]

    def version_of(self, token: str) -> int:
        return self._version_of(token).number

    def _version_of(self, token: str) -> _Version:
        prefix = token.split(":", 1)[0]
        if not prefix.startswith("v") or not prefix[1:].isdigit():
            raise KeyringError("ciphertext without a key version")
        number = int(prefix[1:])
        if number not in self._versions:
            raise KeyringError(f"ID key v{number} is not in the keyring")
        return self._versions[number]
