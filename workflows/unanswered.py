"""Recording the questions the bot could not answer (fallback), for the console's list.

The fallback action calls ``record_safely(text, region, channel, kind)``; it never raises, so a
database problem cannot break the answer. ID-like numbers and mobile numbers are replaced before
anything is stored.
"""
from __future__ import annotations

import logging
import re
from typing import Optional

from sqlalchemy.orm import Session

from registry.db import engine_for, session_factory
from registry.models import UnansweredQuestion
from registry.phone import MOBILE_IN_TEXT
from registry.redaction import ID_LIKE
from settings import load_settings

logger = logging.getLogger(__name__)

MAX_LENGTH = 500
# A vault reference left by the channel's redaction (身份证号[ref:abcd1234]) is noise here.
_VAULT_REF = re.compile(r"身份证号\[ref:[0-9a-z]+\]")
_SPACES = re.compile(r"\s+")


def redact(text: str) -> str:
    """The question with ID-like numbers → ［身份证号］ and mobile numbers → ［手机号］."""
    text = _VAULT_REF.sub("［身份证号］", text or "")
    text = ID_LIKE.sub("［身份证号］", text)
    text = MOBILE_IN_TEXT.sub("［手机号］", text)
    return _SPACES.sub(" ", text).strip()[:MAX_LENGTH]


def record(session: Session, text: str, region: Optional[str] = None, channel: Optional[str] = None,
           kind: Optional[str] = None) -> bool:
    """Add one unanswered question (caller commits). Empty questions are not recorded."""
    cleaned = redact(text)
    if not cleaned:
        return False
    session.add(UnansweredQuestion(text=cleaned, region=region or None, channel=(channel or None) and channel[:30],
                                   kind=kind))
    return True


def record_safely(text: str, region: Optional[str] = None, channel: Optional[str] = None,
                  kind: Optional[str] = None) -> None:
    """``record`` in its own transaction on the configured database; logs and swallows errors."""
    try:
        with session_factory(engine_for(load_settings().database_url)).begin() as session:
            record(session, text, region, channel, kind)
    except Exception as exc:  # the graduate's answer matters more than the statistic
        logger.error("unanswered question not recorded (%s)", type(exc).__name__)
