"""Job fairs from a YAML or CSV file, and the upsert the staff console uses to edit them.

Times in files are local (the scheduler's time zone, Asia/Shanghai) like "2025-04-12 09:00";
the database holds naive UTC. ``code`` identifies a fair across imports: importing a file again
updates the fairs it names (a changed start time means new notices, see planner).
"""
from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.models import JobFair

_LIST_SPLIT = re.compile(r"[,，、;；|/]")
_FIELDS = ("code", "name", "starts_at", "ends_at", "city", "province", "online", "address", "link", "organiser",
           "majors", "industries", "positions", "cancelled")
_TRUE = {"true", "yes", "1", "是", "线上", "online", "y"}


@dataclass
class FairData:
    code: str
    name: str
    starts_at: dt.datetime  # naive UTC
    ends_at: dt.datetime
    organiser: str
    online: bool = False
    city: Optional[str] = None
    province: Optional[str] = None
    address: Optional[str] = None
    link: Optional[str] = None
    majors: List[str] = field(default_factory=list)
    industries: List[str] = field(default_factory=list)
    positions: Optional[str] = None
    cancelled: bool = False


def split_list(value: Any) -> List[str]:
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else _LIST_SPLIT.split(str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def _text(raw: Mapping[str, Any], key: str) -> Optional[str]:
    value = raw.get(key)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in _TRUE


def _time(value: Any, tz: ZoneInfo, what: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        local = value
    else:
        try:
            local = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"{what}: not a time like 2025-04-12 09:00: {value!r}") from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=tz)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def parse_fair(raw: Mapping[str, Any], tz: ZoneInfo) -> FairData:
    """One fair from a file row or a console form; raises ValueError naming the problem."""
    from policies_kb.regions import lookup

    unknown = set(raw) - set(_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    missing = [key for key in ("code", "name", "starts_at", "ends_at", "organiser") if not _text(raw, key)]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    code = _text(raw, "code") or ""
    starts_at = _time(raw["starts_at"], tz, "starts_at")
    ends_at = _time(raw["ends_at"], tz, "ends_at")
    if ends_at < starts_at:
        raise ValueError("ends_at is before starts_at")
    online = _flag(raw.get("online"))
    city, address, link = _text(raw, "city"), _text(raw, "address"), _text(raw, "link")
    if online and not link:
        raise ValueError("an online fair needs a link")
    if not online and not address:
        raise ValueError("an on-site fair needs an address")
    province = _text(raw, "province")
    if city and not province:
        region = lookup(city)
        province = region.province if region else None
    return FairData(
        code=code, name=_text(raw, "name") or "", starts_at=starts_at, ends_at=ends_at,
        organiser=_text(raw, "organiser") or "", online=online, city=city, province=province, address=address,
        link=link, majors=split_list(raw.get("majors")), industries=split_list(raw.get("industries")),
        positions=_text(raw, "positions"), cancelled=_flag(raw.get("cancelled")),
    )


def read_file(path: Path) -> List[Dict[str, Any]]:
    """Raw rows of a .yml/.yaml (a list, or a mapping with ``fairs:``) or .csv (header row) file."""
    if path.suffix.lower() in (".yml", ".yaml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        rows = document.get("fairs", []) if isinstance(document, dict) else document
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValueError(f"{path}: expected a list of fairs")
        return rows
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [{k: v for k, v in row.items() if k and v not in (None, "")} for row in csv.DictReader(handle)]
    raise ValueError(f"{path}: use .yml, .yaml or .csv")


def load_fairs(path: Path, tz: ZoneInfo) -> Tuple[List[FairData], List[str]]:
    """Parsed fairs and one ``file: row N (code): problem`` line per bad row."""
    fairs: List[FairData] = []
    problems: List[str] = []
    for number, raw in enumerate(read_file(path), 1):
        try:
            fairs.append(parse_fair(raw, tz))
        except ValueError as exc:
            problems.append(f"{path}: row {number} ({raw.get('code', '?')}): {exc}")
    return fairs, problems


def upsert_fair(session: Session, data: FairData) -> Tuple[JobFair, bool]:
    """Insert or update by ``code`` (the staff console's edit goes through here). Returns (fair, created)."""
    fair = session.execute(select(JobFair).where(JobFair.code == data.code)).scalar_one_or_none()
    values = dict(
        name=data.name, starts_at=data.starts_at, ends_at=data.ends_at, organiser=data.organiser, online=data.online,
        city=data.city, province=data.province, address=data.address, link=data.link,
        majors=",".join(data.majors) or None, industries=",".join(data.industries) or None,
        positions=data.positions, cancelled=data.cancelled,
    )
    created = fair is None
    if fair is None:
        fair = JobFair(code=data.code, **values)
        session.add(fair)
    else:
        for key, value in values.items():
            setattr(fair, key, value)
    session.flush()
    return fair, created


def import_fairs(session: Session, fairs: Iterable[FairData]) -> Tuple[int, int]:
    """(created, updated)."""
    created = updated = 0
    for data in fairs:
        _, is_new = upsert_fair(session, data)
        created += is_new
        updated += not is_new
    return created, updated


def find_fair(session: Session, ref: str) -> Optional[JobFair]:
    """A fair by code, or by numeric id."""
    fair = session.execute(select(JobFair).where(JobFair.code == ref)).scalar_one_or_none()
    if fair is None and ref.isdigit():
        fair = session.get(JobFair, int(ref))
    return fair

