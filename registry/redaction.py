"""Takes resident ID numbers out of a graduate's message before any of it reaches Rasa (NLU,
tracker store, logs). Every channel calls ``redact_id_numbers(text, sender_id)`` on the user text
before building its ``UserMessage``.

An ID-like token (15–19 characters of digits, the last possibly X; also 18 characters grouped
any way with single spaces or dashes, ``registry.idcard.ID_WRITTEN``) is stored encrypted in the short-lived vault under (sender, ref) and replaced by
``身份证号[ref:<ref>]``; the registration form resolves the reference, validates the number and
keeps only the reference and the masked form. Near-misses (17 or 19 characters) are taken out too,
so the form can say what is wrong without the digits ever being stored in clear.
"""
from __future__ import annotations

import logging
import re
from typing import Optional

from registry.idcard import ID_WRITTEN
from registry.runtime import get_store

logger = logging.getLogger(__name__)

ID_LIKE = re.compile(rf"(?<![0-9A-Za-z]){ID_WRITTEN}(?![0-9A-Za-z])")
REF = re.compile(r"身份证号\[ref:([0-9a-z]{8}|unavailable)\]")
UNAVAILABLE = "unavailable"


def reference_text(ref: str) -> str:
    return f"身份证号[ref:{ref}]"


def redact_id_numbers(text: str, sender_id: str, store=None) -> str:
    """``text`` with every ID-like token replaced by a vault reference for ``sender_id``."""
    if not text or not ID_LIKE.search(text):
        return text

    def replace(match: "re.Match[str]") -> str:
        nonlocal store
        try:
            if store is None:

                store = get_store()
            return reference_text(store.vault_put(sender_id, re.sub(r"[ \-]", "", match.group(0)).upper()))
        except Exception as exc:  # fail closed: never pass the number on when the vault is unavailable
            # Only the exception type: messages of driver errors may quote parameters.
            logger.error("ID number dropped from a message: vault unavailable (%s)", type(exc).__name__)
            return reference_text(UNAVAILABLE)

    return ID_LIKE.sub(replace, text)


def first_reference(text: Optional[str]) -> Optional[str]:
    match = REF.search(text or "")
    return match.group(1) if match else None
