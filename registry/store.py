"""RegistrationStore: every read and write of the ledger, handed an engine (financial-demo
pattern), so actions, scheduler, console and tests share one implementation.

The store takes raw ID numbers only as arguments and encrypts/hashes them at once; what it returns
(``RegistrationView``) carries the masked number only.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, fields
from typing import Dict, List, Optional

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from registry import idcard
from registry.crypto import IdCipher
from registry.db import session_factory
from registry.identity import conversation_id
from registry.models import (
    INTENTIONS,
    SERVICE_KINDS,
    Consent,
    Registration,
    ServiceRecord,
    Subscription,
    VaultEntry,
    utcnow,
)

logger = logging.getLogger(__name__)

CONSENT_PURPOSE = "id_number_registration"
CONSENT_TEXT_VERSION = "2024-01"
VAULT_TTL = dt.timedelta(minutes=30)
_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I L O U


@dataclass(frozen=True, kw_only=True)
class PersonDetails:
    """What the registration form collects, apart from the ID number."""

    name: str
    phone: str
    school: str
    major: str
    education: str
    grad_year: int
    hukou_city: str
    hukou_province: Optional[str]
    city: str
    province: Optional[str]
    intention: str
    wanted_job: Optional[str] = None
    wanted_industry: Optional[str] = None
    wanted_region: Optional[str] = None
    hardship: str = "无"


def one_to_one_for(hardship: str) -> bool:
    """Hardship families get one-to-one (一对一) service (吉人社发〔2022〕21号)."""
    return any(part and part != "无" for part in hardship.split(","))


@dataclass(frozen=True, kw_only=True)
class RegistrationData(PersonDetails):
    """A registration to save (the ID number travels separately, as an argument)."""

    @property
    def one_to_one(self) -> bool:
        return one_to_one_for(self.hardship)


@dataclass(frozen=True, kw_only=True)
class RegistrationView(PersonDetails):
    """A registration as shown to the graduate or staff: masked ID, no ciphertext."""

    reg_no: str
    id_masked: str
    one_to_one: bool
    status: str
    channel: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, row: Registration) -> "RegistrationView":
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class SaveResult:
    reg_no: str
    updated: bool  # True when the person was already registered and the record was updated
    one_to_one: bool


def new_reg_no(today: Optional[dt.date] = None) -> str:
    """JY + date + 6 random Crockford base32 characters, e.g. JY20240705K3M9QX."""
    today = today or dt.date.today()
    return "JY" + today.strftime("%Y%m%d") + "".join(secrets.choice(_BASE32) for _ in range(6))


def new_ref() -> str:
    return "".join(secrets.choice(_BASE32.lower()) for _ in range(8))


@dataclass(frozen=True)
class Person:
    """Whom a registration names, as the stores key them."""

    registration_id: int
    reg_no: str
    channel: str
    user_id: str


class RegistrationStore:
    def __init__(self, engine: Engine, cipher: IdCipher):
        self.engine = engine
        self.cipher = cipher
        self._sessions = session_factory(engine)

    # -- registrations ---------------------------------------------------------------------

    def _find_by_number(self, session: Session, number: str) -> Optional[Registration]:
        hashes = self.cipher.candidate_hashes(idcard.normalise(number))
        return session.execute(select(Registration).where(Registration.id_hash.in_(hashes))).scalar_one_or_none()

    def register(self, data: RegistrationData, id_number: str, channel: str, sender_id: str,
                 consented_at: Optional[dt.datetime] = None) -> SaveResult:
        """Save a registration; a person already registered (same ID number) is updated instead.
        ``consented_at`` (naive UTC): when the person agreed to give the ID number; default now."""
        number = idcard.normalise(id_number)
        check = idcard.validate(number)
        if not check.ok:
            raise ValueError(f"invalid ID number ({check.code})")
        if data.intention not in INTENTIONS:
            raise ValueError(f"unknown intention {data.intention!r}")
        consented_at = consented_at or utcnow()
        try:
            return self._save(data, number, channel, sender_id, consented_at)
        except IntegrityError:
            # A concurrent first save of the same person (unique id_hash) or a reg_no collision:
            # the retry finds the row and updates it, or draws a new number.
            return self._save(data, number, channel, sender_id, consented_at)

    def _save(self, data: RegistrationData, number: str, channel: str, sender_id: str,
              consented_at: dt.datetime) -> SaveResult:
        values = {f.name: getattr(data, f.name) for f in fields(PersonDetails)}
        values.update(
            id_cipher=self.cipher.encrypt(number), id_hash=self.cipher.hash(number),
            id_masked=idcard.mask(number), one_to_one=data.one_to_one, channel=channel, sender_id=sender_id,
            status="active",
        )
        with self._sessions.begin() as session:
            row = self._find_by_number(session, number)
            updated = row is not None
            if row is None:
                row = Registration(reg_no=new_reg_no(), **values)
                session.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            session.add(Consent(reg_no=row.reg_no, purpose=CONSENT_PURPOSE, text_version=CONSENT_TEXT_VERSION,
                                granted_at=consented_at))
            session.flush()
            logger.info("registration %s %s (one_to_one=%s)", row.reg_no, "updated" if updated else "created",
                        row.one_to_one)
            return SaveResult(reg_no=row.reg_no, updated=updated, one_to_one=row.one_to_one)

    def get(self, reg_no: str) -> Optional[RegistrationView]:
        with self._sessions() as session:
            row = session.execute(select(Registration).where(Registration.reg_no == reg_no)).scalar_one_or_none()
            return RegistrationView.of(row) if row else None

    def find_by_sender(self, channel: str, sender_id: str) -> Optional[RegistrationView]:
        with self._sessions() as session:
            row = session.execute(
                select(Registration).where(Registration.channel == channel, Registration.sender_id == sender_id)
                .order_by(Registration.updated_at.desc()).limit(1)
            ).scalar_one_or_none()
            return RegistrationView.of(row) if row else None

    def find_by_id_number(self, id_number: str) -> Optional[RegistrationView]:
        with self._sessions() as session:
            row = self._find_by_number(session, id_number)
            return RegistrationView.of(row) if row else None

    def update_fields(self, reg_no: str, **changes: object) -> bool:
        """Change answers the graduate may edit themselves (every field but the ID number, which
        is changed by registering again); a new hardship answer re-decides one-to-one service."""
        unknown = set(changes) - {f.name for f in fields(PersonDetails)}
        if unknown:
            raise ValueError(f"fields not editable here: {sorted(unknown)}")
        if "intention" in changes and changes["intention"] not in INTENTIONS:
            raise ValueError("unknown intention")
        if "hardship" in changes:
            changes["one_to_one"] = one_to_one_for(str(changes["hardship"]))
        with self._sessions.begin() as session:
            result = session.execute(
                update(Registration).where(Registration.reg_no == reg_no).values(updated_at=utcnow(), **changes)
            )
            return result.rowcount == 1

    @property
    def sessions(self) -> sessionmaker:
        return self._sessions

    def person(self, session: Session, reg_no: str) -> Optional[Person]:
        """Who registration ``reg_no`` belongs to (for erasure across stores: workflows.erasure)."""
        row = session.execute(select(Registration).where(Registration.reg_no == reg_no)).scalar_one_or_none()
        return None if row is None else Person(row.id, reg_no, row.channel, row.sender_id)

    def erase(self, session: Session, person: Person) -> None:
        """Delete the registration and the registry's rows that name the person: service records,
        the chat identity's subscription, vault entries (keyed by the conversation id,
        registry/identity.py); consents keep a minimal audit (registration number, purpose, times).
        Rows other stores keep are theirs to delete first (workflows.erasure.withdraw)."""
        session.execute(delete(ServiceRecord).where(ServiceRecord.registration_id == person.registration_id))
        session.execute(delete(Subscription).where(Subscription.channel == person.channel,
                                                   Subscription.user_id == person.user_id))
        session.execute(delete(VaultEntry).where(VaultEntry.sender_id == conversation_id(person.channel, person.user_id)))
        session.execute(
            update(Consent).where(Consent.reg_no == person.reg_no, Consent.withdrawn_at.is_(None))
            .values(withdrawn_at=utcnow())
        )
        session.execute(delete(Registration).where(Registration.id == person.registration_id))

    def count(self) -> int:
        with self._sessions() as session:
            return session.execute(select(func.count(Registration.id))).scalar_one()

    # -- 1311×N service ledger and 帮扶台账 ---------------------------------------------------

    def add_service(self, reg_no: str, kind: str, delivered_at: dt.date, delivered_by: str,
                    note: Optional[str] = None) -> int:
        if kind not in SERVICE_KINDS:
            raise ValueError(f"unknown service kind {kind!r}; one of {SERVICE_KINDS}")
        with self._sessions.begin() as session:
            registration_id = session.execute(
                select(Registration.id).where(Registration.reg_no == reg_no)
            ).scalar_one_or_none()
            if registration_id is None:
                raise LookupError(f"no registration {reg_no}")
            record = ServiceRecord(registration_id=registration_id, kind=kind, delivered_at=delivered_at,
                                   delivered_by=delivered_by, note=note)
            session.add(record)
            session.flush()
            return record.id

    def services(self, reg_no: str) -> List[Dict[str, object]]:
        with self._sessions() as session:
            rows = session.execute(
                select(ServiceRecord).join(Registration).where(Registration.reg_no == reg_no)
                .order_by(ServiceRecord.delivered_at, ServiceRecord.id)
            ).scalars()
            return [{"kind": r.kind, "delivered_at": r.delivered_at, "delivered_by": r.delivered_by,
                     "note": r.note} for r in rows]

    def ledger_by_intention(self) -> Dict[str, List[RegistrationView]]:
        """帮扶台账: active registrations grouped by employment intention (every intention present)."""
        grouped: Dict[str, List[RegistrationView]] = {intention: [] for intention in INTENTIONS}
        with self._sessions() as session:
            rows = session.execute(
                select(Registration).where(Registration.status == "active").order_by(Registration.created_at,
                                                                                       Registration.id)
            ).scalars()
            for row in rows:
                grouped[row.intention].append(RegistrationView.of(row))
        return grouped

    def one_to_one(self) -> List[RegistrationView]:
        with self._sessions() as session:
            rows = session.execute(
                select(Registration).where(Registration.one_to_one.is_(True), Registration.status == "active")
                .order_by(Registration.created_at, Registration.id)
            ).scalars()
            return [RegistrationView.of(r) for r in rows]

    # -- vault: ID numbers taken out of messages before they reach Rasa -----------------------

    def vault_put(self, sender_id: str, id_number: str, ttl: dt.timedelta = VAULT_TTL) -> str:
        """Store an ID number encrypted under a new opaque reference; purges expired entries."""
        now = utcnow()
        ref = new_ref()
        with self._sessions.begin() as session:
            session.execute(delete(VaultEntry).where(VaultEntry.expires_at < now))
            session.add(VaultEntry(sender_id=sender_id, ref=ref, id_cipher=self.cipher.encrypt(id_number),
                                   created_at=now, expires_at=now + ttl))
        return ref

    def vault_get(self, sender_id: str, ref: str) -> Optional[str]:
        """The ID number behind a reference of this sender, or None (unknown or expired)."""
        with self._sessions() as session:
            entry = session.get(VaultEntry, (sender_id, ref))
            if entry is None or entry.expires_at < utcnow():
                return None
            return self.cipher.decrypt(entry.id_cipher)

    def vault_discard(self, sender_id: str, ref: Optional[str] = None) -> int:
        """Forget one reference, or every reference of the sender."""
        query = delete(VaultEntry).where(VaultEntry.sender_id == sender_id)
        if ref is not None:
            query = query.where(VaultEntry.ref == ref)
        with self._sessions.begin() as session:
            return session.execute(query).rowcount

    # -- key rotation ---------------------------------------------------------------------------

    def reencrypt(self) -> int:
        """Re-encrypt and re-hash every ID number not yet under the current key version."""
        changed = 0
        current = self.cipher.current
        with self._sessions.begin() as session:
            for row in session.execute(select(Registration)).scalars():
                if self.cipher.version_of(row.id_cipher) != current or not row.id_hash.startswith(f"v{current}:"):
                    number = self.cipher.decrypt(row.id_cipher)
                    row.id_cipher = self.cipher.encrypt(number)
                    row.id_hash = self.cipher.hash(number)
                    changed += 1
            for entry in session.execute(select(VaultEntry)).scalars():
                if self.cipher.version_of(entry.id_cipher) != current:
                    entry.id_cipher = self.cipher.encrypt(self.cipher.decrypt(entry.id_cipher))
                    changed += 1
        return changed

    def key_versions_in_use(self) -> List[int]:
        with self._sessions() as session:
            tokens = [c for (c,) in session.execute(select(Registration.id_cipher))]
            tokens += [c for (c,) in session.execute(select(VaultEntry.id_cipher))]
        return sorted({self.cipher.version_of(t) for t in tokens})
