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

from policies_kb.regions import lookup
from scheduler.models import JobFair

_LIST_SPLIT = re.compile(r"[,，、;；|/]")
FIELDS = ("code", "name", "starts_at", "ends_at", "city", "province", "online", "address", "link", "organiser",
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


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field: English for import reports, Chinese for the console form."""

    field: str  # a name in FIELDS, or "" for the row as a whole
    message: str
    chinese: str


class FairInvalid(ValueError):
    """Every problem of one fair; ``str()`` is the English summary the import prints."""

    def __init__(self, problems: List[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _time(value: Any, tz: ZoneInfo) -> Optional[dt.datetime]:
    """Local time (naive = ``tz``) as naive UTC; None when it is not a time."""
    if isinstance(value, dt.datetime):
        local = value
    else:
        try:
            local = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=tz)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _too_long(raw: Mapping[str, Any]) -> List[Problem]:
    """Text longer than its column (PostgreSQL would refuse the row)."""
    problems = []
    for key in FIELDS:
        limit = getattr(JobFair.__table__.c[key].type, "length", None)
        value = raw.get(key)
        text = ",".join(split_list(value)) if key in ("majors", "industries") else _text(raw, key)
        if limit and text and len(text) > limit:
            problems.append(Problem(key, f"{key} is longer than {limit} characters", f"不能超过{limit}个字符。"))
    return problems


def _check(raw: Mapping[str, Any], tz: ZoneInfo) -> Tuple[List[Problem], Optional[dt.datetime], Optional[dt.datetime]]:
    unknown = set(raw) - set(FIELDS)
    if unknown:
        return [Problem("", f"unknown fields {sorted(unknown)}", f"未知字段：{'、'.join(sorted(unknown))}")], None, None
    problems = [Problem(key, f"missing {key}", "必填。")
                for key in ("code", "name", "starts_at", "ends_at", "organiser") if not _text(raw, key)]
    times = {}
    for key in ("starts_at", "ends_at"):
        times[key] = _time(raw[key], tz) if _text(raw, key) else None
        if _text(raw, key) and times[key] is None:
            problems.append(Problem(key, f"{key}: not a time like 2025-04-12 09:00: {raw[key]!r}",
                                    "时间格式应为 2025-04-12 09:00。"))
    starts_at, ends_at = times["starts_at"], times["ends_at"]
    if starts_at and ends_at and ends_at < starts_at:
        problems.append(Problem("ends_at", "ends_at is before starts_at", "结束时间不能早于开始时间。"))
    online = _flag(raw.get("online"))
    link = _text(raw, "link")
    if online and not link:
        problems.append(Problem("link", "an online fair needs a link", "线上招聘会需要填写链接。"))
    if link and not link.lower().startswith(("https://", "http://")):
        problems.append(Problem("link", "link must start with http:// or https://", "链接须以 http:// 或 https:// 开头。"))
    if not online and not _text(raw, "address"):
        problems.append(Problem("address", "an on-site fair needs an address", "现场招聘会需要填写地址。"))
    return problems + _too_long(raw), starts_at, ends_at


def parse_fair(raw: Mapping[str, Any], tz: ZoneInfo) -> FairData:
    """One fair from a file row or a console form; raises FairInvalid listing every problem."""
    problems, starts_at, ends_at = _check(raw, tz)
    if problems or starts_at is None or ends_at is None:
        raise FairInvalid(problems)
    city = _text(raw, "city")
    province = _text(raw, "province")
    if city and not province:
        region = lookup(city)
        province = region.province if region else None
    return FairData(
        code=_text(raw, "code") or "", name=_text(raw, "name") or "", starts_at=starts_at, ends_at=ends_at,
        organiser=_text(raw, "organiser") or "", online=_flag(raw.get("online")), city=city, province=province,
        address=_text(raw, "address"), link=_text(raw, "link"), majors=split_list(raw.get("majors")),
        industries=split_list(raw.get("industries")), positions=_text(raw, "positions"),
        cancelled=_flag(raw.get("cancelled")),
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

